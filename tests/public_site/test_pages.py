"""The public site: what it shows (published data only), its filters (the
API's), the timeline data endpoint, its query counts, feed, embed and i18n."""

from __future__ import annotations

import datetime
import json
import re
import xml.etree.ElementTree as ET

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.public_site.conftest import published_event
from timeline.models import Event
from timeline.selectors import windows
from timeline.site.views import public_filterset

pytestmark = pytest.mark.django_db

WIDE = "start=2000-01-01&end=2030-12-31"


def secrets(world) -> list[str]:
    return [
        *(event.title for event in world.hidden),
        world.hidden_entity.name,
        world.flagged_document.title,
        world.flagged_quote,
    ]


def site_urls(world) -> list[str]:
    deal = world.published[0]
    return [
        "/",
        "/?q=Secret",
        "/?date=2023-09",
        "/events/",
        "/embed/",
        "/feed.atom",
        f"/timeline/data/?{WIDE}",
        f"/timeline/data/?{WIDE}&q=secret",
        f"/events/{deal.pk}/",
        f"/entities/{world.entity.pk}/",
        f"/documents/{world.document.pk}/",
    ]


def test_nothing_unpublished_appears_on_any_page(client, world):
    for url in site_urls(world):
        response = client.get(url)
        assert response.status_code == 200, url
        body = response.content.decode()
        for secret in secrets(world):
            assert secret not in body, (url, secret)
    # The same pages do show the published events.
    home = client.get("/").content.decode()
    for event in world.published:
        assert event.title in home


def test_aggregated_counts_leave_out_unpublished(client, world, monkeypatch):
    monkeypatch.setattr(windows, "ITEM_CAP", 1)
    data = client.get(f"/timeline/data/?{WIDE}").json()
    assert data["aggregated"]
    assert sum(int(item["content"]) for item in data["items"]) == len(world.published)


@pytest.mark.parametrize(
    "url_name",
    ["site:event", "site:entity", "site:document"],
)
def test_hidden_rows_are_not_found(client, world, url_name):
    hidden = {
        "site:event": [event.pk for event in world.hidden],
        "site:entity": [world.hidden_entity.pk],
        "site:document": [world.hidden_document.pk, world.flagged_document.pk],
    }[url_name]
    for pk in [*hidden, 987654321, 2**70]:
        assert client.get(reverse(url_name, args=[pk])).status_code == 404, pk


FILTERS = [
    "",
    "date_from=2023-01-01&date_to=2023-12-31",
    "date=2023&date_match=within",
    "date_from=2024",
    "kind=deal&kind=fair",
    "kind=plan,market_figure",
    "modality=actual",
    "q=visible plan",
    "entity={entity}",
    "document={document}",
]


@pytest.mark.parametrize("query", FILTERS)
def test_site_filters_find_what_the_api_finds(client, world, query):
    query = query.format(entity=world.entity.pk, document=world.document.pk)
    api = client.get(f"/api/events/?{query}&page_size=500").json()
    expected = [event["id"] for event in api["results"]]
    listed = client.get(f"/?{query}").context["page"].rows
    assert [row["id"] for row in listed] == expected
    data = client.get(f"/timeline/data/?start=1990-01-01&end=2040-12-31&{query}")
    assert sorted(item["id"] for item in data.json()["items"]) == sorted(expected)
    assert expected or query.startswith("q=")  # the table's rows find events


def test_list_pages_follow_the_cursor(client, db):
    titles = [f"Day {n:02d}" for n in range(1, 31)]
    for n, title in enumerate(titles, start=1):
        published_event(title, f"2023-06-{n:02d}")
    first = client.get("/events/?kind=plan")
    page = first.context["page"]
    assert [row["title"] for row in page.rows] == titles[:25]
    second = client.get(page.next_url)
    assert [row["title"] for row in second.context["page"].rows] == titles[25:]
    assert second.context["page"].next_url is None
    assert "kind=plan" in page.next_url


def test_items_draw_fuzzy_dates_honestly(client, world):
    data = client.get("/timeline/data/?start=2000-01-01&end=2030-12-31").json()
    items = {item["content"]: item for item in data["items"]}
    day = items["Visible deal in Shanghai"]
    assert (day["type"], day["start"]) == ("point", "2023-09-04")
    interval = items["Visible plan for the 2020s"]
    assert (interval["type"], interval["start"], interval["end"]) == (
        "range",
        "2021-01-01",
        "2026-01-01",
    )
    assert "fuzzy" not in interval["className"]
    fuzzy = items["Visible market around 2024"]
    assert (fuzzy["start"], fuzzy["end"]) == ("2024-01-01", "2025-01-01")
    assert "fuzzy" in fuzzy["className"].split()
    since = items["Visible fair since 2005"]
    assert "open-end" in since["className"].split()
    # The open end stops at the window's edge, not at 9999-12-31.
    assert (since["start"], since["end"]) == ("2005-01-01", "2031-01-01")
    assert {group["id"] for group in data["groups"]} == {
        "deal",
        "plan",
        "market_figure",
        "fair",
    }


def test_item_texts_are_escaped(client, db):
    published_event('<img src=x onerror="alert(1)">', "2023-09-04")
    item = client.get(f"/timeline/data/?{WIDE}").json()["items"][0]
    assert "<img" not in item["content"] and "<img" not in item["title"]
    assert item["content"].startswith("&lt;img")


def test_windows_above_the_cap_are_counted_per_kind_and_period(world):
    for n in range(3):
        published_event(f"Extra deal {n}", f"2023-0{n + 1}-15", kind="deal")
    qs = public_filterset({}).qs
    start, end = datetime.date(2023, 1, 1), datetime.date(2023, 12, 31)
    window = windows.timeline_window(qs, start=start, end=end, cap=3)
    assert window.unit == "month" and window.items == []
    counts = {(b.kind, b.start): b.count for b in window.buckets}
    # The 2021/2025 plan and "since 2005" enter the window on its first day.
    assert counts == {
        ("deal", datetime.date(2023, 1, 1)): 1,
        ("deal", datetime.date(2023, 2, 1)): 1,
        ("deal", datetime.date(2023, 3, 1)): 1,
        ("deal", datetime.date(2023, 9, 1)): 1,
        ("plan", datetime.date(2023, 1, 1)): 1,
        ("fair", datetime.date(2023, 1, 1)): 1,
    }
    decade = windows.timeline_window(
        qs, start=datetime.date(2000, 1, 1), end=end, cap=3
    )
    assert decade.unit == "year"
    # Around 2024 starts after the window; the rest overlap it.
    assert sum(b.count for b in decade.buckets) == 6
    below = windows.timeline_window(qs, start=start, end=end, cap=6)
    assert not below.aggregated and len(below.items) == 6


@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ("end=2023", "start"),
        ("start=2023", "end"),
        ("start=nonsense&end=2023", "start"),
        ("start=2024&end=2023", "end"),
        (f"{WIDE}&date_from=bad", "date_from"),
        (f"{WIDE}&kind=nope", "kind"),
        (f"{WIDE}&status=draft", "status"),
    ],
)
def test_data_endpoint_names_the_bad_parameter(client, db, query, parameter):
    response = client.get(f"/timeline/data/?{query}")
    assert response.status_code == 400
    assert parameter in response.json()


@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ("date_from=someday", "date_from"),
        ("cursor=junk", "cursor"),
        ("entity=abc", "entity"),
        ("date_from=2024&date_to=2023", "date_to"),
    ],
)
def test_pages_show_which_filter_is_wrong(client, db, query, parameter):
    for path in ("/", "/events/", "/embed/"):
        response = client.get(f"{path}?{query}")
        assert response.status_code == 400
        assert f"{parameter}: " in response.content.decode()


def test_query_counts(
    client, world, django_assert_num_queries, django_assert_max_num_queries
):
    deal = world.published[0]
    # Kinds, the extent of the data (2), the page's keys, then its events,
    # sources, amounts and entities.
    with django_assert_num_queries(8):
        client.get("/")
    with django_assert_num_queries(6):  # a bounded window needs no extent
        client.get("/events/?date_from=2020&date_to=2025")
    with django_assert_num_queries(7):  # the kinds filter looks the slugs up
        client.get("/events/?date_from=2020&date_to=2025&kind=deal")
    # The cache key's two maxima and the cache (a database table here); on a
    # miss the stored month counts (the window is whole months), the
    # window's keys, its rows, the kinds, and storing the answer (the
    # database cache counts, culls and writes: 5).
    with django_assert_max_num_queries(12):
        client.get(f"/timeline/data/?{WIDE}")
    with django_assert_num_queries(3):  # a hit: the maxima and the cache
        client.get(f"/timeline/data/?{WIDE}")
    # The event with its kind, then sources, amounts, entity roles.
    with django_assert_num_queries(4):
        client.get(f"/events/{deal.pk}/")
    with django_assert_num_queries(7):
        client.get(f"/entities/{world.entity.pk}/")
    with django_assert_num_queries(2):
        client.get(f"/documents/{world.document.pk}/")
    with django_assert_num_queries(1):
        client.get("/feed.atom")
    for n in range(30):
        published_event(f"More {n}", "2023-09-04", kind="deal")
    with django_assert_max_num_queries(8):
        client.get("/")


def test_aggregated_window_takes_no_more_queries(client, world, monkeypatch):
    monkeypatch.setattr(windows, "ITEM_CAP", 2)
    with CaptureQueriesContext(connection) as aggregated:
        response = client.get(f"/timeline/data/?{WIDE}")
    assert response.json()["aggregated"]
    monkeypatch.setattr(windows, "ITEM_CAP", 500)
    with CaptureQueriesContext(connection) as items:
        response = client.get(f"/timeline/data/?{WIDE}&modality=actual")
    assert not response.json()["aggregated"]
    # Filtered by kinds alone, the stored month counts (one query, the
    # window being whole months) replace the window's keys and rows (two).
    assert len(aggregated) == len(items) - 1
    monkeypatch.setattr(windows, "ITEM_CAP", 2)
    cache.clear()
    with CaptureQueriesContext(connection) as counted:
        response = client.get(f"/timeline/data/?{WIDE}&modality=actual")
    assert response.json()["aggregated"]
    # Under any other filter the counts replace the rows: one query for one.
    assert len(counted) == len(items)


def test_window_cache_sees_every_change_to_events(client, world):
    url = f"/timeline/data/?{WIDE}"
    before = {item["content"] for item in client.get(url).json()["items"]}
    assert "Visible plan for the 2020s" in before
    plan = world.published[1]
    plan.status = Event.Status.DRAFT
    plan.save()
    after = {item["content"] for item in client.get(url).json()["items"]}
    assert after == before - {"Visible plan for the 2020s"}
    published_event("Newly visible launch", "2022", kind="launch")
    assert "Newly visible launch" in {
        item["content"] for item in client.get(url).json()["items"]
    }


def test_event_page_shows_sources_jsonld_and_opengraph(client, world):
    deal = world.published[0]
    citation = deal.citations.get(needs_review=False)
    body = client.get(f"/events/{deal.pk}/").content.decode()
    assert f"<mark>{citation.quote}</mark>" in body
    assert citation.document.url in body
    assert citation.document.publisher.name in body
    assert "4 September 2023" in body and "EDTF 2023-09-04" in body
    assert "10 billion yuan" in body and "Visible Biotech Park" in body
    assert f'<meta property="og:title" content="{deal.title}">' in body
    script = re.search(
        r'<script type="application/ld\+json">(.*?)</script>', body, re.S
    ).group(1)
    data = json.loads(script)
    assert (data["@type"], data["name"], data["startDate"]) == (
        "Event",
        deal.title,
        "2023-09-04",
    )
    assert [c["headline"] for c in data["citation"]] == [citation.document.title]


def test_event_page_json_ld_cannot_close_its_script(client, db):
    event = published_event("</script><script>alert(1)</script>", "2023")
    body = client.get(f"/events/{event.pk}/").content.decode()
    script = body.split('<script type="application/ld+json">', 1)[1]
    assert script.index("</script>") > script.index("alert")
    assert "\\u003C/script\\u003E" in script


def test_embed_alone_may_be_framed(client, world):
    assert client.get("/")["X-Frame-Options"] == "DENY"
    embed = client.get("/embed/?kind=deal")
    assert "X-Frame-Options" not in embed
    assert 'id="timeline-config"' in embed.content.decode()
    home = client.get("/?kind=deal").content.decode()
    assert "/embed/?kind=deal" in home and "&lt;iframe" in home


ATOM = "{http://www.w3.org/2005/Atom}"


def test_feed_lists_newly_published_events_first(client, world):
    plan = world.published[1]
    Event.objects.filter(pk=plan.pk).update(reviewed_at=timezone.now())
    response = client.get("/feed.atom")
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = ET.fromstring(response.content)
    entries = feed.findall(f"{ATOM}entry")
    assert len(entries) == len(world.published)
    first = entries[0]
    assert first.find(f"{ATOM}title").text == f"2021–2025: {plan.title}"
    assert first.find(f"{ATOM}link").get("href").endswith(f"/events/{plan.pk}/")


def test_pages_speak_chinese_when_asked(client, world):
    english = client.get("/").content.decode()
    assert "Apply filters" in english and "应用筛选" not in english
    chinese = client.get("/", HTTP_ACCEPT_LANGUAGE="zh-CN,zh;q=0.9")
    body = chinese.content.decode()
    assert '<html lang="zh-hans">' in body
    assert "应用筛选" in body and "时间线" in body and "Apply filters" not in body
    assert "交易" in body  # the kind "Deal"
    data = client.get(f"/timeline/data/?{WIDE}", HTTP_ACCEPT_LANGUAGE="zh-CN")
    assert "交易" in {group["content"] for group in data.json()["groups"]}


def test_language_switch_sets_the_site_and_admin_language(client, db):
    response = client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/"})
    assert response.status_code == 302 and response["Location"] == "/"
    assert "筛选事件" in client.get("/").content.decode()
    assert "登录" in client.get("/admin/login/").content.decode()
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert "Filter events" in client.get("/").content.decode()
