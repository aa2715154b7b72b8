"""Reader-facing dates in English and Chinese (timeline.site.dates): the
English is the stored `date_display`; Chinese pages write dates as Chinese
does, from the gettext catalogue."""

from __future__ import annotations

import datetime

import pytest
from django.utils import translation

from corpus.dates import describe_edtf
from tests.public_site.conftest import published_event
from timeline.site.dates import day_phrase, edtf_phrase

pytestmark = pytest.mark.django_db

CHINESE = "zh-hans"


@pytest.mark.parametrize(
    ("edtf", "english", "chinese"),
    [
        ("2023-09-04", "4 September 2023", "2023年9月4日"),
        ("2023-09", "September 2023", "2023年9月"),
        ("2023", "2023", "2023年"),
        ("2023~", "c. 2023", "约2023年"),
        ("2023?", "2023?", "2023年（存疑）"),
        ("2023-09-04%", "c. 4 September 2023?", "约2023年9月4日（存疑）"),
        ("2023-21", "spring 2023", "2023年春季"),
        ("2023-24", "winter 2023–2024", "2023–2024年冬季"),
        ("2023-29", "spring 2023 (Southern Hemisphere)", "2023年春季（南半球）"),
        ("2023-34", "Q2 2023", "2023年第二季度"),
        ("2023-41", "second half of 2023", "2023年下半年"),
        ("196X", "1960s", "1960年代"),
        ("19XX", "1900s", "20世纪"),
        ("2021/2025", "2021–2025", "2021–2025年"),
        ("2005/..", "since 2005", "自2005年起"),
        ("../2030", "until 2030", "2030年以前"),
        ("2023-08-21/2023-08-31", "late August 2023", "2023年8月下旬"),
        ("2023-08-01/2023-08-10", "early August 2023", "2023年8月上旬"),
        ("2023-08-05/2023-08-12", "5–12 August 2023", "2023年8月5–12日"),
        ("2023-09/2023-12", "late 2023", "2023年末"),
        ("2023-01/2023-02", "January–February 2023", "2023年1月至2月"),
        (
            "2023-08-21/2023-10-03",
            "21 August 2023 – 3 October 2023",
            "2023年8月21日至2023年10月3日",
        ),
        ("2023~/2025", "c. 2023 – 2025", "约2023年至2025年"),
    ],
    ids=lambda value: value if "/" not in value else value.replace("/", "_"),
)
def test_dates_read_as_each_language_writes_them(edtf, english, chinese):
    with translation.override("en"):
        assert edtf_phrase(edtf) == english == describe_edtf(edtf).display
    with translation.override(CHINESE):
        assert edtf_phrase(edtf) == chinese


def test_days_read_as_each_language_writes_them():
    day = datetime.date(2023, 9, 4)
    with translation.override("en"):
        assert day_phrase(day) == "4 September 2023"
    with translation.override(CHINESE):
        assert day_phrase(day) == "2023年9月4日"


def test_pages_write_dates_in_the_readers_language(client, world):
    deal = world.published[0]
    deal.document = deal.citations.get(needs_review=False).document
    deal.document.published_on = datetime.date(2023, 9, 5)
    deal.document.save()
    pages = ["/events/", f"/events/{deal.pk}/", f"/documents/{deal.document.pk}/"]
    for url in pages:
        english = client.get(url).content.decode()
        chinese = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-CN").content.decode()
        assert "4 September 2023" in english and "2023年9月4日" not in english, url
        assert "2023年9月4日" in chinese and "4 September 2023" not in chinese, url
    event_page = client.get(f"/events/{deal.pk}/", HTTP_ACCEPT_LANGUAGE="zh-CN")
    assert "2023年9月5日" in event_page.content.decode()  # the source's day
    listing = client.get("/events/", HTTP_ACCEPT_LANGUAGE="zh-CN").content.decode()
    assert (
        "自2005年起" in listing and "2021–2025年" in listing and "约2024年" in listing
    )


def test_timeline_and_feed_write_dates_in_the_readers_language(client, world):
    url = "/timeline/data/?start=2000-01-01&end=2030-12-31"
    english = client.get(url).json()
    chinese = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-CN").json()
    assert any("since 2005" in item["title"] for item in english["items"])
    assert any("自2005年起" in item["title"] for item in chinese["items"])
    feed = client.get("/feed.atom", HTTP_ACCEPT_LANGUAGE="zh-CN").content.decode()
    assert "2021–2025年: " in feed


def test_aggregated_periods_are_written_in_the_readers_language(
    client, db, monkeypatch
):
    from timeline.selectors import windows

    monkeypatch.setattr(windows, "ITEM_CAP", 1)
    for day in ("2023-09-04", "2023-09-05"):
        published_event("Deal", day, kind="deal")
    url = "/timeline/data/?start=2023-01-01&end=2023-12-31"
    english = client.get(url).json()["items"][0]["title"]
    chinese = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-CN").json()["items"][0]
    assert english == "2 Deal events in September 2023"
    assert "2023年9月" in chinese["title"]
