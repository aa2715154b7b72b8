"""Create the Curators and Editors groups with their Django permissions.

Curators maintain events and their sources and submit them for review; Editors
do the same and also publish, reject and withdraw. Nobody but a superuser
deletes an event: events are rejected, withdrawn or merged, never removed.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

CURATOR_PERMISSIONS = [
    ("timeline", "view_event"),
    ("timeline", "add_event"),
    ("timeline", "change_event"),
    ("timeline", "submit_event"),
    ("timeline", "merge_event"),
    ("timeline", "view_eventkind"),
    ("timeline", "add_eventkind"),
    ("timeline", "change_eventkind"),
    ("timeline", "view_entity"),
    ("timeline", "add_entity"),
    ("timeline", "change_entity"),
    # Inline rows: a curator removes a wrong source or amount; history keeps it.
    ("timeline", "view_citation"),
    ("timeline", "add_citation"),
    ("timeline", "change_citation"),
    ("timeline", "delete_citation"),
    ("timeline", "view_amount"),
    ("timeline", "add_amount"),
    ("timeline", "change_amount"),
    ("timeline", "delete_amount"),
    ("timeline", "view_evententity"),
    ("timeline", "add_evententity"),
    ("timeline", "change_evententity"),
    ("timeline", "delete_evententity"),
    ("corpus", "view_document"),
    ("corpus", "add_document"),
    ("corpus", "view_publisher"),
    ("corpus", "add_publisher"),
    ("corpus", "change_publisher"),
]
EDITOR_PERMISSIONS = [
    *CURATOR_PERMISSIONS,
    ("timeline", "publish_event"),
    ("timeline", "reject_event"),
    ("timeline", "withdraw_event"),
]
GROUPS = {"Curators": CURATOR_PERMISSIONS, "Editors": EDITOR_PERMISSIONS}


def add_groups(apps, schema_editor):
    # Permissions are normally made after migrate; the groups need them now.
    for label in ("timeline", "corpus"):
        app_config = apps.get_app_config(label)
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, wanted in GROUPS.items():
        group, _ = Group.objects.get_or_create(name=name)
        for app_label, codename in wanted:
            group.permissions.add(
                Permission.objects.get(
                    content_type__app_label=app_label, codename=codename
                )
            )


def remove_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=GROUPS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("corpus", "0001_initial"),
        ("timeline", "0003_event_review_workflow"),
    ]

    operations = [migrations.RunPython(add_groups, remove_groups)]
