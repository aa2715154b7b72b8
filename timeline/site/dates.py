"""Reader-facing dates in the reader's language: an event's EDTF date as a
phrase ("4 September 2023", "2023年9月4日") and calendar days, through
Django's gettext catalogues (context "date").

The English templates are those `corpus.dates` writes `date_display` with,
so an English page shows exactly what is stored; the other languages'
come from locale/. Templates read these through the `site_dates` filters.
"""

from __future__ import annotations

import datetime
from functools import lru_cache

from django.utils.translation import get_language, pgettext

from corpus.dates import DateWords, InvalidEdtf, describe_edtf


@lru_cache(maxsize=8)
def _words(language: str) -> DateWords:
    # Built while `language` is active (the cache key), so pgettext reads
    # its catalogue.
    months = (
        "",
        pgettext("date", "January"),
        pgettext("date", "February"),
        pgettext("date", "March"),
        pgettext("date", "April"),
        pgettext("date", "May"),
        pgettext("date", "June"),
        pgettext("date", "July"),
        pgettext("date", "August"),
        pgettext("date", "September"),
        pgettext("date", "October"),
        pgettext("date", "November"),
        pgettext("date", "December"),
    )
    quarters = {
        33: pgettext("date", "Q1 %(year)s"),
        34: pgettext("date", "Q2 %(year)s"),
        35: pgettext("date", "Q3 %(year)s"),
        36: pgettext("date", "Q4 %(year)s"),
        40: pgettext("date", "first half of %(year)s"),
        41: pgettext("date", "second half of %(year)s"),
    }
    seasons = {
        21: pgettext("date", "spring %(year)s"),
        22: pgettext("date", "summer %(year)s"),
        23: pgettext("date", "autumn %(year)s"),
        24: pgettext("date", "winter %(year)s–%(next_year)s"),
        25: pgettext("date", "spring %(year)s (Northern Hemisphere)"),
        26: pgettext("date", "summer %(year)s (Northern Hemisphere)"),
        27: pgettext("date", "autumn %(year)s (Northern Hemisphere)"),
        28: pgettext("date", "winter %(year)s–%(next_year)s (Northern Hemisphere)"),
        29: pgettext("date", "spring %(year)s (Southern Hemisphere)"),
        30: pgettext("date", "summer %(year)s–%(next_year)s (Southern Hemisphere)"),
        31: pgettext("date", "autumn %(year)s (Southern Hemisphere)"),
        32: pgettext("date", "winter %(year)s (Southern Hemisphere)"),
        37: pgettext("date", "first third of %(year)s"),
        38: pgettext("date", "second third of %(year)s"),
        39: pgettext("date", "last third of %(year)s"),
        **quarters,
    }
    parts = {
        (first, first + 2): quarters[33 + n] for n, first in enumerate((1, 4, 7, 10))
    }
    parts |= {(1, 6): quarters[40], (7, 12): quarters[41]}
    parts |= {
        (1, 4): pgettext("date", "early %(year)s"),
        (5, 8): pgettext("date", "mid-%(year)s"),
        (9, 12): pgettext("date", "late %(year)s"),
    }
    return DateWords(
        month_names=months,
        year=pgettext("date", "%(year)s"),
        month=pgettext("date", "%(month_name)s %(year)s"),
        day=pgettext("date", "%(day)s %(month_name)s %(year)s"),
        # Translators: a decade, "1960s" (year is its first year).
        # xgettext:no-python-format
        decade=pgettext("date decade", "%(year)ss"),
        # Translators: a century, "1900s"; century is its number, 20.
        # xgettext:no-python-format
        century=pgettext("date century", "%(year)ss"),
        approximate=pgettext("date", "c. %(date)s"),
        uncertain=pgettext("date", "%(date)s?"),
        approximate_uncertain=pgettext("date", "c. %(date)s?"),
        seasons=seasons,
        year_parts=parts,
        # Translators: month is a month and its year, "August 2023".
        early_month=pgettext("date", "early %(month)s"),
        mid_month=pgettext("date", "mid-%(month)s"),
        late_month=pgettext("date", "late %(month)s"),
        # Translators: first and last are day numbers, month "August 2023".
        day_range=pgettext("date", "%(first)s–%(last)s %(month)s"),
        # Translators: first and last are month names.
        month_range=pgettext("date", "%(first)s–%(last)s %(year)s"),
        year_range=pgettext("date", "%(first)s–%(last)s"),
        # Translators: first and last are dates as written.
        interval=pgettext("date", "%(first)s – %(last)s"),
        until=pgettext("date", "until %(date)s"),
        since=pgettext("date", "since %(date)s"),
    )


def date_words() -> DateWords:
    """The active language's way of writing dates."""
    return _words(get_language() or "en")


def edtf_phrase(edtf: str) -> str:
    """An EDTF date as the reader's language says it; the value itself if it
    no longer parses."""
    try:
        return describe_edtf(edtf, date_words()).display
    except InvalidEdtf:
        return edtf


def day_phrase(day: datetime.date) -> str:
    """A calendar day: "4 September 2023", "2023年9月4日"."""
    return date_words().day_of(day)


def month_phrase(year: int, month: int) -> str:
    return date_words().month_of(year, month)


def year_phrase(year: int) -> str:
    return date_words().year % {"year": year}
