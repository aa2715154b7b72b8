"""Names that are data, not code, but that the site shows translated: the
seeded event kinds (migration 0002), entity kinds and modalities. Marked here
so `makemessages` finds them; a kind a curator adds shows as it is named."""

from django.utils.translation import gettext_noop

DATA_LABELS = (
    # Event kinds
    gettext_noop("Plan"),
    gettext_noop("Fair"),
    gettext_noop("Approval"),
    gettext_noop("Deal"),
    gettext_noop("Investment"),
    gettext_noop("Policy"),
    gettext_noop("Market figure"),
    gettext_noop("Collaboration"),
    gettext_noop("Launch"),
    gettext_noop("Statement"),
    gettext_noop("Other"),
    # Entity kinds
    gettext_noop("Organisation"),
    gettext_noop("Company"),
    gettext_noop("Government body"),
    gettext_noop("Place"),
    gettext_noop("Person"),
    gettext_noop("Programme"),
    # Modalities
    gettext_noop("Actual"),
    gettext_noop("Planned"),
    gettext_noop("Forecast"),
)
