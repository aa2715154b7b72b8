"""The public site in Debian's Chromium: the timeline draws and zooms, the list
and its filters work, an event page shows its sources; nothing unpublished.

Screenshots go to $ARTIFACTS_DIR (default tmp/artifacts/ in the repository).
Skips or fails like tests/browser/test_review_workflow.py when Chromium or
Playwright is missing.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.browser.test_review_workflow import browser  # noqa: F401 (fixture)
from tests.factories import CitationFactory, EventFactory
from tests.public_site.conftest import published_event

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = Path(os.environ.get("ARTIFACTS_DIR", REPO / "tmp" / "artifacts"))


def shot(page, name: str) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"public-site-{name}.png"
    page.screenshot(path=str(path), full_page=True)
    assert path.stat().st_size > 0
    return path


@pytest.fixture
def timeline_data(db):
    events = [
        published_event("Shanghai biotech deal signed", "2023-09-04", "deal"),
        published_event("Three-year plan for medical devices", "2021/2023", "plan"),
        published_event("AI market around 2024", "2024~", "market_figure"),
        published_event("Health fair held since 2005", "2005/..", "fair"),
        published_event("Late August approval", "2023-08-21/2023-08-31", "approval"),
    ]
    draft = EventFactory(title="Unpublished draft merger", date_edtf="2023-09-05")
    CitationFactory(event=draft)
    return events


def wait_for_items(page):
    page.wait_for_selector("#timeline:not([data-loading])")
    page.wait_for_selector(".vis-item")


def test_timeline_draws_lanes_and_zooms(browser, live_server, timeline_data):  # noqa: F811
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(f"{live_server.url}/?date_from=2020&date_to=2025")
    wait_for_items(page)
    labels = page.locator(".vis-label").all_inner_texts()
    assert {"Deal", "Plan", "Market figure", "Fair", "Approval"} <= {
        label.strip() for label in labels
    }
    body = page.inner_text("#timeline")
    assert "Shanghai biotech deal signed" in body
    assert "Unpublished draft merger" not in page.content()
    fuzzy = page.locator(".vis-item.fuzzy")
    assert fuzzy.count() == 1 and "AI market" in fuzzy.inner_text()
    assert page.locator(".vis-item.open-end").count() == 1
    assert page.locator(".vis-item.vis-point").count() >= 1
    shot(page, "timeline")

    # Zoom in with the mouse wheel: the axis turns to months and the data
    # for the narrower window is asked for again.
    axis_before = page.inner_text(".vis-time-axis.vis-foreground")
    box = page.locator(".vis-center").first.bounding_box()
    page.mouse.move(box["x"] + box["width"] * 0.7, box["y"] + 20)
    with page.expect_response(lambda r: "/timeline/data/" in r.url) as answer:
        for _ in range(8):
            page.mouse.wheel(0, -300)
            page.wait_for_timeout(80)
    assert answer.value.ok
    assert "start=" in answer.value.url
    wait_for_items(page)
    axis_after = page.inner_text(".vis-time-axis.vis-foreground")
    assert axis_after != axis_before
    shot(page, "timeline-zoomed")
    page.close()


def test_list_filters_and_event_page(browser, live_server, timeline_data):  # noqa: F811
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(f"{live_server.url}/events/")
    rows = page.locator(".event-row .title")
    assert rows.count() == len(timeline_data)
    assert "Unpublished draft merger" not in page.content()

    # Filter to deals in 2023 with the form: the URL carries the filters.
    page.check("input[name=kind][value=deal]")
    page.fill("input[name=date_from]", "2023")
    page.fill("input[name=date_to]", "2023")
    page.click("button:has-text('Apply filters')")
    page.wait_for_load_state()
    assert "kind=deal" in page.url and "date_from=2023" in page.url
    assert rows.all_inner_texts() == ["Shanghai biotech deal signed"]
    shot(page, "list-filtered")

    rows.first.click()
    page.wait_for_selector("article.event-page")
    assert page.inner_text("h1") == "Shanghai biotech deal signed"
    assert "4 September 2023" in page.inner_text(".date")
    mark = page.locator(".passage mark").first.inner_text()
    citation = timeline_data[0].citations.get()
    assert mark == citation.quote
    assert page.locator("a.original").get_attribute("href") == citation.document.url
    assert page.locator("script[type='application/ld+json']").count() == 1
    shot(page, "event")
    page.close()


def test_list_works_without_javascript(browser, live_server, timeline_data):  # noqa: F811
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{live_server.url}/?kind=plan,approval")
    titles = page.locator(".event-row .title").all_inner_texts()
    assert titles == ["Three-year plan for medical devices", "Late August approval"]
    assert page.locator("noscript").count() == 1
    shot(page, "no-javascript")
    context.close()


def test_chinese_timeline(browser, live_server, timeline_data):  # noqa: F811
    context = browser.new_context(
        locale="zh-CN", viewport={"width": 1280, "height": 900}
    )
    page = context.new_page()
    page.goto(f"{live_server.url}/?date_from=2020&date_to=2025")
    wait_for_items(page)
    assert "应用筛选" in page.inner_text("form.filters")
    labels = {label.strip() for label in page.locator(".vis-label").all_inner_texts()}
    assert {"交易", "规划"} <= labels
    shot(page, "timeline-zh")
    context.close()
