"""The Atom feed of newly published events (django.contrib.syndication)."""

from __future__ import annotations

from django.contrib.syndication.views import Feed
from django.db.models import F
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext_lazy as _

from timeline import selectors
from timeline.models import Event
from timeline.site.dates import edtf_phrase

FEED_SIZE = 50


class PublishedEventsFeed(Feed):
    feed_type = Atom1Feed
    title = _("Timeline: newly published events")
    subtitle = _(
        "Dated events in China's healthcare, biotech and AI industry, each "
        "linked to its sources."
    )

    def link(self) -> str:
        return reverse("site:home")

    def items(self):
        # Publishing sets reviewed_at; events published before that was
        # recorded (seeds loaded as published) fall back to their creation.
        return (
            selectors.event_queryset(user=None)
            .select_related("kind")
            .order_by(F("reviewed_at").desc(nulls_last=True), "-created_at", "-id")[
                :FEED_SIZE
            ]
        )

    def item_title(self, item: Event) -> str:
        return f"{edtf_phrase(item.date_edtf)}: {item.title}"

    def item_description(self, item: Event) -> str:
        return item.summary

    def item_link(self, item: Event) -> str:
        return reverse("site:event", args=[item.pk])

    def item_pubdate(self, item: Event):
        return item.reviewed_at or item.created_at

    def item_updateddate(self, item: Event):
        return item.updated_at

    def item_categories(self, item: Event) -> list[str]:
        return [item.kind.slug]
