"""End to end in Chromium: a curator adds a web page and fixes its date, an
editor publishes a candidate whose public JSON links to the original, and a
wrong upload is retracted in one action."""

import pytest

from corpus.models import Document
from tests.browser.test_review_workflow import browser, log_in  # noqa: F401
from tests.factories import curator, editor
from tests.timeline.test_documents import ORIGINAL, PAGE, UNDATED
from timeline.models import Event

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_add_redate_publish_and_retract_articles(browser, live_server, tmp_path):  # noqa: F811
    curator("carol")
    editor("eddie")
    upload = tmp_path / "hangzhou.html"
    upload.write_text(PAGE, encoding="utf-8")
    base = live_server.url

    # The curator adds the saved page with its URL, then fixes its date.
    page = browser.new_page()
    log_in(page, base, "carol")
    page.goto(f"{base}/admin/corpus/document/")
    page.click("text=Add articles")
    page.set_input_files("#id_files", str(upload))
    page.fill("#id_url", ORIGINAL)
    page.click("#add-articles-form input[type=submit]")
    page.wait_for_selector("#ingest-report")
    assert "Hangzhou startup raises funds" in page.inner_text("#ingest-report")
    document = Document.objects.get(source_name="hangzhou.html")
    last_month = Event.objects.get(citations__document=document, date_text="last month")
    assert last_month.date_edtf == "2024-02"

    page.goto(f"{base}/admin/corpus/document/{document.pk}/change/")
    page.fill("#id_published_on", "2024-06-14")
    page.click("input[name=_continue]")
    page.wait_for_selector(".messagelist")
    messages = page.inner_text(".messagelist")
    assert "Re-dated" in messages and "2024-05" in messages
    page.close()
    last_month.refresh_from_db()
    assert last_month.date_edtf == "2024-05"

    # The editor publishes it; its public JSON links to the original article.
    page = browser.new_page()
    log_in(page, base, "eddie")
    page.goto(f"{base}/admin/timeline/event/review/")
    page.locator(f"#review-{last_month.pk} button[name=publish_one]").click()
    page.wait_for_selector(".messagelist .success")
    data = page.request.get(f"{base}/api/events/{last_month.pk}/?format=json").json()
    assert data["date"]["edtf"] == "2024-05"
    assert [s["document"]["url"] for s in data["sources"]] == [ORIGINAL]

    # A wrong upload goes back out in one action.
    page.goto(f"{base}/admin/corpus/document/add-articles/")
    page.fill("#id_pasted_text", UNDATED)
    page.fill("#id_published_on", "2024-05-10")
    page.click("#add-articles-form input[type=submit]")
    page.wait_for_selector("#ingest-report")
    wrong = Document.objects.get(title="Shanghai hospital group signs deals")
    queued = list(Event.objects.filter(citations__document=wrong))
    assert queued
    page.goto(f"{base}/admin/corpus/document/")
    page.check(f"input[name=_selected_action][value='{wrong.pk}']")
    page.select_option("select[name=action]", "retract")
    page.click("button[name=index]")
    page.fill("#id_reason", "Uploaded the wrong file.")
    page.click("input[type=submit].default")
    page.wait_for_selector(".messagelist .success")
    assert "Retracted" in page.inner_text(".messagelist")
    page.close()
    assert {e.status for e in Event.objects.filter(citations__document=wrong)} == {
        Event.Status.REJECTED
    }
    last_month.refresh_from_db()
    assert last_month.status == Event.Status.PUBLISHED
