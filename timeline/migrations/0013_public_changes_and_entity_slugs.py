"""The public change feed's table, backfilled; entities get a unique slug.

Every event public when this runs gets one "published" entry (in id order,
dated by its last update), so a consumer replaying /api/changes/ from the
start has them all. Slugs keep Unicode (Chinese names too); duplicates get a
numeric suffix.
"""

from django.db import migrations, models

from corpus.slugs import distinct_slugs


def fill_entity_slugs(apps, schema_editor):
    entities = list(apps.get_model("timeline", "Entity").objects.order_by("id"))
    names = [entity.name for entity in entities]
    slugs = distinct_slugs(names, fallback="entity", max_length=320)
    for entity, slug in zip(entities, slugs, strict=True):
        entity.slug = slug
        entity.save(update_fields=["slug"])


def backfill_public_changes(apps, schema_editor):
    Event = apps.get_model("timeline", "Event")
    PublicChange = apps.get_model("timeline", "PublicChange")
    public = Event.objects.filter(status="published", merged_into__isnull=True)
    PublicChange.objects.bulk_create(
        PublicChange(
            event_id=pk, key=key, type="published", changed_at=updated_at
        )
        for pk, key, updated_at in public.order_by("id").values_list(
            "id", "key", "updated_at"
        )
    )


def forget_public_changes(apps, schema_editor):
    apps.get_model("timeline", "PublicChange").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("timeline", "0012_event_match_pool"),
    ]

    operations = [
        migrations.AddField(
            model_name="entity",
            name="slug",
            # No index yet: the unique one comes once filled (see corpus 0004).
            field=models.SlugField(
                max_length=320,
                allow_unicode=True,
                blank=True,
                default="",
                db_index=False,
            ),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="historicalentity",
            name="slug",
            field=models.SlugField(
                max_length=320, allow_unicode=True, blank=True, default=""
            ),
            preserve_default=False,
        ),

        migrations.RunPython(fill_entity_slugs, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="entity",
            name="slug",
            field=models.SlugField(
                max_length=320, unique=True, allow_unicode=True, blank=True
            ),
        ),
        migrations.CreateModel(
            name="PublicChange",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True,
                        primary_key=True,
                        serialize=False,
                        verbose_name="ID",
                    ),
                ),
                ("event_id", models.BigIntegerField()),
                ("key", models.CharField(max_length=100)),
                (
                    "type",
                    models.CharField(
                        choices=[
                            ("published", "Published"),
                            ("updated", "Updated"),
                            ("withdrawn", "Withdrawn"),
                            ("rejected", "Rejected"),
                            ("merged", "Merged"),
                            ("deleted", "Deleted"),
                        ],
                        max_length=10,
                    ),
                ),
                ("changed_at", models.DateTimeField()),
                ("merged_into_id", models.BigIntegerField(blank=True, null=True)),
                ("fingerprint", models.CharField(blank=True, max_length=64)),
            ],
            options={
                "ordering": ["id"],
                "indexes": [
                    models.Index(
                        fields=["event_id", "id"], name="public_change_event"
                    )
                ],
            },
        ),
        migrations.RunPython(backfill_public_changes, forget_public_changes),
    ]
