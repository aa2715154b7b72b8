"""Sources in the curators' hands: metadata edits with history, re-dating a
document's candidates, and retracting a wrong upload."""

import datetime
from io import StringIO
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.urls import reverse

from corpus.models import Document, IngestRun
from tests.factories import (
    CitationFactory,
    DocumentFactory,
    EventFactory,
    UserFactory,
    admin_form_data,
    curator,
    editor,
)
from timeline.models import Citation, Event
from timeline.services.documents import (
    DocumentInUse,
    document_retract,
    document_update,
)
from timeline.services.events import event_update
from timeline.services.ingest import NEEDS_DATE, documents_ingest

pytestmark = pytest.mark.django_db

UNDATED = (
    "Shanghai hospital group signs deals\n\n"
    "By Chen Jie | Example Health News\n\n"
    "SHANGHAI -- A Shanghai hospital group signed a cooperation agreement with "
    "Fudan University last month, the group said.\n\n"
    "The group plans to open a new cancer centre in Pudong in late September, "
    "officials said.\n\n"
    "The hospital group opened a new imaging centre in Suzhou on March 3, 2021.\n"
)


@pytest.fixture
def undated(tmp_path: Path) -> Document:
    path = tmp_path / "undated.txt"
    path.write_text(UNDATED, encoding="utf-8")
    documents_ingest(paths=[path])
    return Document.objects.get(source_name="undated.txt")


def candidate(document: Document, phrase: str) -> Event:
    return Event.objects.get(citations__document=document, date_text=phrase)


# -- metadata -----------------------------------------------------------------


def test_curator_edits_document_metadata_in_the_admin_with_history(client):
    document = DocumentFactory(title="Old title", published_on=None)
    text = document.text
    user = curator()
    client.force_login(user)
    url = reverse("admin:corpus_document_change", args=[document.pk])
    data = admin_form_data(client.get(url))
    data.update(
        title="Corrected title",
        author="Li Wei",
        url="https://news.example.org/corrected",
        published_on="2024-05-10",
        language="zh",
    )

    response = client.post(url, data)

    assert response.status_code == 302, response.content.decode()[:2000]
    document.refresh_from_db()
    assert (document.title, document.author, document.language) == (
        "Corrected title",
        "Li Wei",
        "zh",
    )
    assert document.published_on == datetime.date(2024, 5, 10)
    assert document.text == text
    latest, first = document.history.order_by("-history_id")[:2]
    assert latest.history_user == user
    assert "title" in latest.history_change_reason
    assert first.title == "Old title"
    # The body stays out of history: citations point into it, it never changes.
    history_fields = {f.name for f in Document.history.model._meta.fields}
    assert "text" not in history_fields


def test_redating_candidates_needs_the_permission_to_change_events(undated):
    from django.contrib.auth.models import Permission

    user = UserFactory(username="documents-only")
    user.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_document", "change_document"])
    )
    event = candidate(undated, "last month")
    with pytest.raises(PermissionDenied, match="change_event"):
        document_update(
            document=undated,
            data={"published_on": datetime.date(2024, 5, 10)},
            user=user,
        )
    assert Document.objects.get(pk=undated.pk).published_on is None
    assert Event.objects.get(pk=event.pk).date_edtf == event.date_edtf
    # Metadata alone stays a document edit.
    document_update(document=undated, data={"author": "Chen Jie"}, user=user)
    assert Document.objects.get(pk=undated.pk).author == "Chen Jie"


def test_document_text_stays_read_only_for_curators(client):
    document = DocumentFactory()
    client.force_login(curator())
    response = client.get(reverse("admin:corpus_document_change", args=[document.pk]))
    assert response.status_code == 200
    assert 'name="text"' not in response.content.decode()
    assert 'name="title"' in response.content.decode()


def test_document_without_date_is_flagged_and_filterable(client):
    dated = DocumentFactory(title="Dated one")
    undated = DocumentFactory(title="Undated one", published_on=None)
    client.force_login(curator())
    changelist = reverse("admin:corpus_document_changelist")

    page = client.get(changelist).content.decode()
    assert "no publication date" in page

    filtered = client.get(changelist, {"dated": "no"}).content.decode()
    assert undated.title in filtered
    assert dated.title not in filtered

    change = client.get(reverse("admin:corpus_document_change", args=[undated.pk]))
    assert "no publication date" in change.content.decode()


def test_document_update_needs_change_document():
    document = DocumentFactory()
    with pytest.raises(PermissionDenied):
        document_update(
            document=document, data={"title": "x"}, user=UserFactory(username="x")
        )


def test_only_an_editor_changes_a_document_published_events_cite():
    document = DocumentFactory(title="Cited publicly")
    CitationFactory(
        document=document, event=EventFactory(status=Event.Status.PUBLISHED)
    )
    with pytest.raises(PermissionDenied):
        document_update(document=document, data={"title": "x"}, user=curator())

    document_update(document=document, data={"title": "Fixed"}, user=editor())

    assert Document.objects.get(pk=document.pk).title == "Fixed"


def test_document_history_page_lists_the_edit(client):
    document = DocumentFactory(title="Before")
    user = curator()
    document_update(document=document, data={"title": "After"}, user=user)
    client.force_login(user)

    response = client.get(reverse("admin:corpus_document_history", args=[document.pk]))

    assert response.status_code == 200
    assert "Edited title" in response.content.decode()


# -- undated ingest and re-dating ----------------------------------------------


def test_undated_article_keeps_its_relative_candidates_flagged(undated):
    last_month = candidate(undated, "last month")
    assert NEEDS_DATE in last_month.review_note
    assert last_month.status == Event.Status.IN_REVIEW
    assert last_month.origin == Event.Origin.EXTRACTED
    assert last_month.confidence < 0.8  # what a dated article gives it
    # An absolute date needs no publication date: not flagged.
    assert NEEDS_DATE not in candidate(undated, "March 3, 2021").review_note
    citation = last_month.citations.get()
    assert undated.text[citation.start : citation.end] == citation.quote


def test_a_date_read_in_the_texts_year_is_flagged_and_redated(undated):
    # "late September" takes 2021, the year the text states, not today's.
    september = candidate(undated, "late September")
    assert september.date_edtf == "2021-09-21/2021-09-30"
    assert NEEDS_DATE in september.review_note
    assert "latest year the text states" in september.review_note

    document_update(
        document=undated,
        data={"published_on": datetime.date(2024, 5, 10)},
        user=curator(),
    )

    september.refresh_from_db()
    assert september.date_edtf == "2024-09-21/2024-09-30"
    assert NEEDS_DATE not in september.review_note


def test_undated_candidates_are_not_matched_to_existing_events(tmp_path):
    # An event in this month would take "last month read against today" as a
    # new source if the guessed date were matched.
    today = datetime.date.today()
    last_month = (today.replace(day=1) - datetime.timedelta(days=1)).strftime("%Y-%m")
    EventFactory(
        title="Shanghai hospital group cooperation agreement Fudan University",
        kind__slug="collaboration",
        date_edtf=last_month,
        status=Event.Status.PUBLISHED,
    )
    path = tmp_path / "undated.txt"
    path.write_text(UNDATED, encoding="utf-8")

    report = documents_ingest(paths=[path])

    assert report.citations_added == 0
    assert report.events_needing_a_date == 2


def test_setting_the_date_redates_last_month_and_clears_the_flag(undated):
    report = document_update(
        document=undated,
        data={"published_on": datetime.date(2024, 5, 10)},
        user=curator(),
    )

    last_month = candidate(undated, "last month")
    assert last_month.date_edtf == "2024-04"
    assert NEEDS_DATE not in last_month.review_note
    assert last_month.confidence == 0.8
    assert last_month.history.first().history_change_reason.startswith("Re-dated")
    redated = {r.event.pk: (r.old_edtf, r.new_edtf) for r in report.redated}
    assert redated[last_month.pk][1] == "2024-04"
    # "March 3, 2021" does not depend on the publication date.
    assert candidate(undated, "March 3, 2021").pk not in redated


def test_changing_the_date_again_leaves_a_curator_edited_candidate_alone(undated):
    user = curator()
    document_update(
        document=undated, data={"published_on": datetime.date(2024, 5, 10)}, user=user
    )
    edited = candidate(undated, "late September")
    event_update(
        event=edited,
        data={"title": "Cancer centre in Pudong"},
        user=user,
        expected_version=edited.version,
    )

    report = document_update(
        document=undated, data={"published_on": datetime.date(2025, 8, 20)}, user=user
    )

    assert candidate(undated, "last month").date_edtf == "2025-07"
    edited.refresh_from_db()
    assert edited.title == "Cancer centre in Pudong"
    assert edited.date_edtf == "2024-09-21/2024-09-30"
    assert [e.pk for e in report.kept] == [edited.pk]
    assert edited.pk not in {r.event.pk for r in report.redated}


def test_candidates_ingested_before_fingerprints_are_judged_by_history(undated):
    user = curator()
    edited = candidate(undated, "late September")
    event_update(
        event=edited, data={"summary": "Checked"}, user=user, expected_version=1
    )
    Event.objects.update(extracted_fingerprint="")

    report = document_update(
        document=undated, data={"published_on": datetime.date(2024, 5, 10)}, user=user
    )

    assert candidate(undated, "last month").date_edtf == "2024-04"
    assert [e.pk for e in report.kept] == [edited.pk]


def test_admin_edit_of_the_date_reports_the_redated_candidates(client, undated):
    client.force_login(curator())
    url = reverse("admin:corpus_document_change", args=[undated.pk])
    data = admin_form_data(client.get(url))
    data["published_on"] = "2024-05-10"

    response = client.post(url, data, follow=True)

    messages = [str(m) for m in response.context["messages"]]
    assert any("Re-dated" in m and "2024-04" in m for m in messages), messages


# -- retract ----------------------------------------------------------------


@pytest.fixture
def upload():
    """A wrong upload: two candidates citing only it, and a flagged source it
    added to an event that has its own accepted source."""
    document = DocumentFactory(title="Wrong upload")
    candidates = [
        CitationFactory(
            document=document,
            sentence=i,
            event=EventFactory(
                origin=Event.Origin.EXTRACTED, status=Event.Status.IN_REVIEW
            ),
        ).event
        for i in range(2)
    ]
    existing = CitationFactory(sentence=0).event
    flagged = CitationFactory(
        event=existing, document=document, sentence=2, needs_review=True
    )
    return document, candidates, existing, flagged


def test_retract_rejects_unreviewed_candidates_and_detaches_flagged_sources(upload):
    document, candidates, existing, flagged = upload
    user = editor()

    report = document_retract(document=document, user=user, reason="Wrong file")

    for event in candidates:
        event.refresh_from_db()
        assert event.status == Event.Status.REJECTED
        assert "Wrong file" in event.review_note
        assert event.citations.filter(document=document).exists()  # nothing lost
    assert {e.pk for e in report.rejected} == {e.pk for e in candidates}
    assert not Citation.objects.filter(pk=flagged.pk).exists()
    assert existing.citations.count() == 1
    deleted = Citation.history.filter(id=flagged.pk, history_type="-").get()
    assert deleted.history_user == user


def test_retract_refuses_while_a_published_event_relies_on_it_alone(upload):
    document, candidates, _, _ = upload
    published = CitationFactory(
        document=document,
        sentence=3,
        event=EventFactory(title="Relies on it", status=Event.Status.PUBLISHED),
    ).event

    with pytest.raises(DocumentInUse) as refused:
        document_retract(document=document, user=editor(), reason="Wrong file")

    assert f"#{published.pk}" in str(refused.value)
    assert "Relies on it" in str(refused.value)
    assert not Event.objects.filter(status=Event.Status.REJECTED).exists()


def test_retract_needs_publish_permission(upload):
    with pytest.raises(PermissionDenied):
        document_retract(document=upload[0], user=curator(), reason="Wrong file")


def test_retract_admin_action_asks_a_reason_then_retracts(client, upload):
    document, candidates, _, _ = upload
    client.force_login(editor())
    changelist = reverse("admin:corpus_document_changelist")
    selection = {"action": "retract", "_selected_action": [document.pk]}

    asked = client.post(changelist, selection)
    assert asked.status_code == 200
    assert "reason" in asked.content.decode().lower()

    done = client.post(
        changelist, {**selection, "apply": "1", "reason": "Duplicate"}, follow=True
    )
    assert any("Retracted" in str(m) for m in done.context["messages"])
    statuses = Event.objects.filter(pk__in=[c.pk for c in candidates]).values_list(
        "status", flat=True
    )
    assert set(statuses) == {Event.Status.REJECTED}


def test_curators_do_not_get_the_retract_action(client, upload):
    client.force_login(curator())
    page = client.get(reverse("admin:corpus_document_changelist")).content.decode()
    assert 'value="retract"' not in page


# -- add articles ---------------------------------------------------------------

PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>Hangzhou startup raises funds | Example Biotech Daily</title>
<meta property="og:site_name" content="Example Biotech Daily">
<meta name="author" content="Li Wei">
<meta property="article:published_time" content="2024-03-15T09:00:00+08:00">
</head><body>
<nav><ul><li><a href="/">Home</a></li><li><a href="/news">News</a></li>
<li>Subscribe to our newsletter today</li></ul></nav>
<article>
<h1>Hangzhou startup raises funds</h1>
<p>HANGZHOU -- A Hangzhou biotech startup raised 300 million yuan in a funding
round last month, the company said on Friday.</p>
<p>The company plans to open a new research centre in Shanghai in late
September, its chief executive said.</p>
</article>
<footer><p>Copyright 2024 Example Biotech Daily. All rights reserved. Contact
us about advertising opportunities.</p></footer>
</body></html>
"""
ORIGINAL = "https://biotech.example.com/2024/03/hangzhou-funding"


def test_html_upload_stores_the_main_text_and_queues_cited_candidates(client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(curator())
    url = reverse("admin:corpus_document_add_articles")
    assert client.get(url).status_code == 200

    response = client.post(
        url,
        {
            "files": [SimpleUploadedFile("hangzhou.html", PAGE.encode(), "text/html")],
            "url": ORIGINAL,
        },
    )

    assert response.status_code == 200
    document = Document.objects.get(source_name="hangzhou.html")
    for boilerplate in ("Subscribe", "newsletter", "Copyright", "advertising"):
        assert boilerplate not in document.text
    assert "300 million yuan" in document.text
    assert document.published_on == datetime.date(2024, 3, 15)  # from <meta>
    assert document.url == ORIGINAL
    assert document.publisher.name == "Example Biotech Daily"
    assert document.author == "Li Wei"
    events = Event.objects.filter(citations__document=document)
    assert events.count() >= 2
    assert set(events.values_list("status", flat=True)) == {Event.Status.IN_REVIEW}
    assert events.get(date_text="last month").date_edtf == "2024-02"
    for citation in Citation.objects.filter(document=document):
        assert document.text[citation.start : citation.end] == citation.quote
    page = response.content.decode()
    assert document.title in page
    assert reverse("admin:timeline_event_change", args=[events.first().pk]) in page


def test_changelist_links_to_add_articles(client):
    client.force_login(curator())
    page = client.get(reverse("admin:corpus_document_changelist")).content.decode()
    assert reverse("admin:corpus_document_add_articles") in page


def test_pasted_text_with_form_date_is_ingested(client):
    client.force_login(curator())
    client.post(
        reverse("admin:corpus_document_add_articles"),
        {"pasted_text": UNDATED.replace("\n", "\r\n"), "published_on": "2024-05-10"},
    )
    document = Document.objects.get(title="Shanghai hospital group signs deals")
    assert document.published_on == datetime.date(2024, 5, 10)
    assert "\r" not in document.text
    assert candidate(document, "last month").date_edtf == "2024-04"


def test_ingest_command_reads_html_with_its_url(tmp_path):
    path = tmp_path / "hangzhou.html"
    path.write_text(PAGE, encoding="utf-8")
    out = StringIO()

    call_command("ingest", str(tmp_path), url=ORIGINAL, stdout=out)

    document = Document.objects.get(source_name="hangzhou.html")
    assert document.url == ORIGINAL
    assert "Subscribe" not in document.text
    assert "1 stored" in out.getvalue()


def _upload_good_and_empty(client, **extra):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(curator())
    return client.post(
        reverse("admin:corpus_document_add_articles"),
        {
            "files": [
                SimpleUploadedFile("hangzhou.html", PAGE.encode(), "text/html"),
                SimpleUploadedFile(
                    "empty.html", b"<html><body><nav>Home</nav></body></html>"
                ),
            ],
            **extra,
        },
    )


def test_a_page_without_article_text_fails_alone_and_says_why(client):
    page = _upload_good_and_empty(client).content.decode()

    assert "Failed (not stored; the others were)" in page
    assert "empty.html: " in page
    document = Document.objects.get()
    assert document.source_name == "hangzhou.html"
    run = IngestRun.objects.get()
    assert (run.via, run.user.username, run.status) == ("admin", "curator", "partial")
    assert document.ingest_run == run
    assert reverse("admin:corpus_ingestrun_change", args=[run.pk]) in page


def test_all_or_nothing_upload_stores_nothing_when_one_fails(client):
    page = _upload_good_and_empty(client, atomic="on").content.decode()

    assert "Nothing was stored: 1 article(s) failed" in page
    assert "empty.html: " in page
    assert not Document.objects.exists()
    assert IngestRun.objects.get().status == IngestRun.Status.FAILED


def test_ingest_run_page_lists_files_and_links_documents_both_ways(client):
    _upload_good_and_empty(client)
    run = IngestRun.objects.get()
    document = Document.objects.get()

    page = client.get(
        reverse("admin:corpus_ingestrun_change", args=[run.pk])
    ).content.decode()
    assert "hangzhou.html" in page and "empty.html" in page
    assert reverse("admin:corpus_document_change", args=[document.pk]) in page
    assert f"?ingest_run__id__exact={run.pk}" in page

    listed = client.get(
        reverse("admin:corpus_document_changelist"),
        {"ingest_run__id__exact": run.pk},
    )
    assert listed.status_code == 200
    assert list(listed.context["cl"].result_list) == [document]

    change = client.get(
        reverse("admin:corpus_document_change", args=[document.pk])
    ).content.decode()
    assert reverse("admin:corpus_ingestrun_change", args=[run.pk]) in change


def test_ingest_runs_are_read_only_for_everyone(client, admin_user):
    _upload_good_and_empty(client)
    run = IngestRun.objects.get()
    client.force_login(admin_user)
    url = reverse("admin:corpus_ingestrun_change", args=[run.pk])

    response = client.post(url, {"status": "done", "files_failed": 0})

    assert response.status_code == 403
    run.refresh_from_db()
    assert run.files_failed == 1
    assert client.get(reverse("admin:corpus_ingestrun_add")).status_code == 403
    assert (
        client.get(reverse("admin:corpus_ingestrun_delete", args=[run.pk])).status_code
        == 403
    )


def test_one_url_for_several_articles_is_refused(client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(curator())
    response = client.post(
        reverse("admin:corpus_document_add_articles"),
        {
            "files": [SimpleUploadedFile("hangzhou.html", PAGE.encode())],
            "pasted_text": UNDATED,
            "url": ORIGINAL,
        },
    )

    assert "A URL names one article" in response.content.decode()
    assert not Document.objects.exists()
