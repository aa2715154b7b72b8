"""End to end in Debian's Chromium: a curator corrects and submits, an editor publishes.

Skips only when Chromium or Playwright is genuinely absent outside CI; under
CI=true a missing browser fails the run instead.
"""

import os
import shutil

import pytest

from tests.factories import PASSWORD, CitationFactory, EventFactory, curator, editor
from timeline.models import Event

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}

# serialized_rollback puts back the data-migration rows (kinds, groups) that a
# transactional test's flush removes, so later tests in the worker still see them.
pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def _missing() -> str | None:
    if not (os.path.exists(CHROMIUM) or shutil.which("chromium")):
        return f"{CHROMIUM} is not installed (apt-get install -y chromium)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "playwright is not installed (pip install -r requirements-dev.txt)"
    return None


@pytest.fixture
def browser():
    reason = _missing()
    if reason:
        if IN_CI:
            pytest.fail(f"CI must run the browser test: {reason}")
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; Django's
    # async-safety guard would otherwise refuse the ORM calls of the test.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
        )
        yield chromium
        chromium.close()


def log_in(page, base_url, username):
    page.goto(f"{base_url}/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_selector("#user-tools")


def test_curator_corrects_and_submits_editor_publishes(browser, live_server):
    event = EventFactory(title="Shanghai biotech plan", date_edtf="2023")
    citation = CitationFactory(event=event, sentence=1)
    curator("carol")
    editor("eddie")

    # The curator corrects the date and submits the event for review.
    page = browser.new_page()
    log_in(page, live_server.url, "carol")
    page.goto(f"{live_server.url}/admin/timeline/event/{event.pk}/change/")
    page.fill("#id_date_edtf", "2023-08-21/2023-08-31")
    page.fill("#id_date_text", "late August")
    page.fill("#id_change_reason", "The article says late August.")
    page.click("input[name=_continue]")
    page.wait_for_selector(".messagelist .success")
    assert "late August 2023" in page.inner_text(".field-date_bounds")
    page.click("a.transition-submit")
    page.fill("#id_reason", "Date corrected from the source.")
    page.click("input[name=confirm]")
    page.wait_for_selector(".messagelist .success")
    assert "Submit for review" not in page.inner_text("#content")
    page.close()

    stored = Event.objects.get(pk=event.pk)
    assert (stored.status, stored.date_edtf) == (
        Event.Status.IN_REVIEW,
        "2023-08-21/2023-08-31",
    )

    # The editor opens the review queue, reads the quote in context, publishes.
    page = browser.new_page()
    log_in(page, live_server.url, "eddie")
    page.goto(f"{live_server.url}/admin/timeline/event/")
    page.click("text=Review queue")
    item = page.locator(f"#review-{event.pk}")
    assert citation.quote in item.locator("mark").first.inner_text()
    assert "late August 2023" in item.inner_text()
    item.locator("button[name=publish_one]").click()
    page.wait_for_selector(".messagelist .success")
    assert "Nothing is waiting for review" in page.inner_text("#content")
    page.close()

    stored.refresh_from_db()
    assert stored.status == Event.Status.PUBLISHED
    assert stored.reviewed_by.username == "eddie"
    reasons = list(stored.history.values_list("history_change_reason", flat=True))
    assert reasons[:3] == [
        "Published",
        "Submitted for review: Date corrected from the source.",
        "The article says late August.",
    ]
