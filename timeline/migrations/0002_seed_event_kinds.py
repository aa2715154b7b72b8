"""Seed the event kinds DESIGN.md lists; curators may add more in the admin."""

from django.db import migrations

KINDS = [
    ("plan", "Plan", "Plans, action plans and their targets."),
    ("fair", "Fair", "Fairs, expos and conferences."),
    ("approval", "Approval", "Regulatory approvals and validations."),
    ("deal", "Deal", "Deals, licensing and business-development transactions."),
    ("investment", "Investment", "Investments and funding commitments."),
    ("policy", "Policy", "Policies, reforms and work plans."),
    ("market_figure", "Market figure", "Market sizes, revenues and totals."),
    ("collaboration", "Collaboration", "Partnerships, consortia and joint projects."),
    ("launch", "Launch", "Launches of products, services and programmes."),
    ("statement", "Statement", "Dated statements by officials or executives."),
    ("other", "Other", "Anything else worth a place on the timeline."),
]


def add_kinds(apps, schema_editor):
    EventKind = apps.get_model("timeline", "EventKind")
    for slug, name, description in KINDS:
        EventKind.objects.get_or_create(
            slug=slug, defaults={"name": name, "description": description}
        )


def remove_kinds(apps, schema_editor):
    EventKind = apps.get_model("timeline", "EventKind")
    EventKind.objects.filter(slug__in=[k[0] for k in KINDS], events=None).delete()


class Migration(migrations.Migration):
    dependencies = [("timeline", "0001_initial")]

    operations = [migrations.RunPython(add_kinds, remove_kinds)]
