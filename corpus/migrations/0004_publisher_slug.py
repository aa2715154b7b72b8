"""Publishers get a unique slug (Unicode kept: Chinese names too), for the API."""

from django.db import migrations, models

from corpus.slugs import distinct_slugs


def fill_slugs(apps, schema_editor):
    publishers = list(apps.get_model("corpus", "Publisher").objects.order_by("id"))
    names = [publisher.name for publisher in publishers]
    slugs = distinct_slugs(names, fallback="publisher", max_length=220)
    for publisher, slug in zip(publishers, slugs, strict=True):
        publisher.slug = slug
        publisher.save(update_fields=["slug"])


class Migration(migrations.Migration):
    dependencies = [
        ("corpus", "0003_ingest_run"),
    ]

    operations = [
        migrations.AddField(
            model_name="publisher",
            name="slug",
            # No index yet: the unique one comes once filled (an index now
            # and a unique one later made PostgreSQL's `_like` index twice).
            field=models.SlugField(
                max_length=220,
                allow_unicode=True,
                blank=True,
                default="",
                db_index=False,
            ),
            preserve_default=False,
        ),
        migrations.RunPython(fill_slugs, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="publisher",
            name="slug",
            field=models.SlugField(
                max_length=220, unique=True, allow_unicode=True, blank=True
            ),
        ),
    ]
