"""Template filters for reader-facing dates (timeline.site.dates):
`{{ event.date_edtf|edtf_phrase }}`, `{{ document.published_on|day_phrase }}`."""

from django import template

from timeline.site import dates

register = template.Library()
register.filter("edtf_phrase", dates.edtf_phrase)
register.filter("day_phrase", dates.day_phrase)
