"""App configuration for the timeline."""

from django.apps import AppConfig
from django.db.models.signals import post_save


class TimelineConfig(AppConfig):
    name = "timeline"
    verbose_name = "Timeline"

    def ready(self) -> None:
        from timeline.services import changes

        # The admin saves catalogue rows directly; their names show in events.
        for model in changes.CATALOG_MODELS:
            post_save.connect(
                changes.catalog_changed,
                sender=model,
                dispatch_uid=f"public-changes-{model._meta.label_lower}",
            )
