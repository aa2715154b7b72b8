"""The extract, ingest and tag_dates commands: reading new articles into the queue."""

import gc
import json
import sqlite3
import threading
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.models import Count
from django.test.utils import CaptureQueriesContext

from corpus.models import Document, IngestRun
from timeline.models import Citation, Entity, Event, EventEntity
from timeline.selectors import review_queue
from timeline.services import ingest
from timeline.services.loading import event_fingerprint

pytestmark = pytest.mark.django_db

ARTICLE = (
    "Shenzhen biotech firm signs licensing deal\n\n"
    "By Chen Jie | Example Health News | Updated: 2024-06-12 08:00\n\n"
    "SHENZHEN -- A Shenzhen biotech company signed a licensing deal worth "
    "$800 million with a European drugmaker on Tuesday, the company said.\n\n"
    "The city is expected to host a biotech fair in late September, officials "
    "said.\n\n"
    "Hospitals across the region have adopted new imaging systems.\n"
)


@pytest.fixture
def article(tmp_path: Path) -> Path:
    path = tmp_path / "shenzhen.txt"
    path.write_text(ARTICLE, encoding="utf-8")
    return path


def run(*args, **options) -> str:
    out = StringIO()
    call_command(*args, stdout=out, stderr=StringIO(), **options)
    return out.getvalue()


def test_extract_prints_one_json_object_per_file_and_writes_nothing(article):
    output = run("extract", str(article), format="json")

    lines = output.strip().splitlines()
    assert len(lines) == 1
    result = json.loads(lines[0])
    assert result["file"] == str(article)
    assert result["document"] == {
        "title": "Shenzhen biotech firm signs licensing deal",
        "publisher": "Example Health News",
        "author": "Chen Jie",
        "published_on": "2024-06-12",
        "language": "en",
    }
    deal = next(e for e in result["events"] if e["kind"] == "deal")
    assert set(deal) == {
        "title",
        "kind",
        "modality",
        "date",
        "quote",
        "start",
        "end",
        "amounts",
        "entities",
        "confidence",
        "notes",
    }
    assert deal["date"] == {
        "edtf": "2024-06-11",
        "text": "Tuesday",
        "lower": "2024-06-11",
        "upper": "2024-06-11",
        "precision": "day",
    }
    assert deal["amounts"] == [
        {
            "value": "800000000",
            "currency": "USD",
            "text": "$800 million",
            "approximate": False,
        }
    ]
    assert ARTICLE[deal["start"] : deal["end"]] == deal["quote"]
    assert Document.objects.count() == 0
    assert Event.objects.count() == 0


def test_extract_published_on_overrides_a_missing_date(tmp_path):
    path = tmp_path / "undated.txt"
    path.write_text("A fair opened in Beijing on Friday with many exhibitors.\n")

    result = json.loads(run("extract", str(path), published_on="2025-07-11"))

    assert result["document"]["published_on"] == "2025-07-11"
    assert [e["date"]["edtf"] for e in result["events"]] == ["2025-07-11"]


def test_extract_refuses_an_unparseable_published_on(article):
    with pytest.raises(CommandError, match="--published-on"):
        run("extract", str(article), published_on="someday")


def test_ingest_queues_candidates_as_extracted_events_for_review(article):
    output = run("ingest", str(article))

    assert "Documents: 1 stored" in output
    events = Event.objects.all()
    assert events.count() >= 2
    assert {e.status for e in events} == {Event.Status.IN_REVIEW}
    assert {e.origin for e in events} == {Event.Origin.EXTRACTED}
    for citation in Citation.objects.select_related("document"):
        text = citation.document.text
        assert text[citation.start : citation.end] == citation.quote


def test_ingest_writes_an_article_in_a_bounded_number_of_statements(
    article, django_assert_max_num_queries
):
    # The run record (2), kinds, savepoints (4), the document (check, a new
    # publisher with its slug lookup and savepoint, row and history: 8), the
    # duplicate check of both candidates at once (the longest interval and
    # the pools: 2, with no events to read on an empty table), the new
    # entities (names, aliases, a free slug, rows and history: 5), then both
    # events with their sources, amounts and entity links: each table in one
    # statement and its history in another (8); on SQLite, the run's page
    # cache and memory map, each read, set and restored (6).
    with django_assert_max_num_queries(30 + 3 * len(ingest.RUN_PRAGMAS)):
        report = ingest.documents_ingest(paths=[article])

    assert report.events_created == 2


def test_a_run_reads_each_kinds_entity_aliases_once(tmp_path):
    first = tmp_path / "shenzhen.txt"
    first.write_text(ARTICLE, encoding="utf-8")
    second = tmp_path / "beijing.txt"
    second.write_text(
        ARTICLE.replace("Shenzhen", "Beijing").replace("$800", "$300"), encoding="utf-8"
    )

    with CaptureQueriesContext(connection) as queries:
        ingest.documents_ingest(paths=[first, second])

    names = {e.name for e in Entity.objects.all()}
    assert {"Shenzhen", "Beijing"} <= names
    aliases = [
        q["sql"]
        for q in queries.captured_queries
        if 'FROM "timeline_entity"' in q["sql"] and '"kind" IN' in q["sql"]
    ]
    assert len(aliases) == 1


def test_a_run_leaves_the_heap_before_it_out_of_full_collections(article):
    during = []

    ingest.documents_ingest(
        paths=[article], on_progress=lambda *_: during.append(gc.get_freeze_count())
    )

    assert during[0] > 0
    assert gc.get_freeze_count() == 0


def test_a_run_leaves_objects_frozen_by_others_as_they_are(article):
    gc.freeze()
    frozen = gc.get_freeze_count()
    try:
        ingest.documents_ingest(paths=[article])
        # Still frozen (less what was freed), and nothing the run made.
        assert 0 < gc.get_freeze_count() <= frozen
    finally:
        gc.unfreeze()


def cache_size() -> int:
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        return cursor.fetchone()[0]


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's page cache")
def test_ingest_runs_with_a_large_page_cache_and_restores_the_connections(article):
    before = cache_size()
    during = []

    ingest.documents_ingest(
        paths=[article], on_progress=lambda *_: during.append(cache_size())
    )

    assert during == [ingest.RUN_PRAGMAS["cache_size"]] != [before]
    assert cache_size() == before


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's page cache")
def test_ingest_keeps_the_page_cache_an_operator_chose(article, monkeypatch):
    monkeypatch.setitem(
        connection.settings_dict.setdefault("OPTIONS", {}),
        "init_command",
        "PRAGMA cache_size=-4000",
    )
    before = cache_size()
    during = []

    ingest.documents_ingest(
        paths=[article], on_progress=lambda *_: during.append(cache_size())
    )

    assert during == [before]


def test_extracted_fingerprints_are_those_of_the_stored_rows(article):
    run("ingest", str(article))

    for event in Event.objects.all():
        assert event.extracted_fingerprint == event_fingerprint(event)


def test_reingesting_a_file_creates_nothing(article):
    run("ingest", str(article))
    counts = (Document.objects.count(), Event.objects.count(), Citation.objects.count())

    output = run("ingest", str(article))

    assert "1 already stored" in output
    assert (
        Document.objects.count(),
        Event.objects.count(),
        Citation.objects.count(),
    ) == counts


def test_a_candidate_matching_an_existing_event_becomes_a_flagged_citation(
    article, tmp_path
):
    run("ingest", str(article))
    deal = Event.objects.get(kind__slug="deal")
    second = tmp_path / "second.txt"
    second.write_text(
        "Shenzhen drugmaker's licensing deal\n\n"
        "By Li Na | Other Wire | Updated: 2024-06-13 09:00\n\n"
        "The Shenzhen company signed an $800 million licensing deal with a European "
        "partner on Tuesday, according to a filing.\n",
        encoding="utf-8",
    )

    run("ingest", str(second))

    assert Event.objects.filter(kind__slug="deal").count() == 1
    citation = deal.citations.get(document__source_name="second.txt")
    assert citation.needs_review


def test_ingest_walks_folders(tmp_path, article):
    (tmp_path / "notes.md").write_text("not an article")

    output = run("ingest", str(tmp_path))

    assert "Documents: 1 stored" in output


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "the file is empty"),
        (b"\x00\x01\x02binary", "binary file"),
        (b"\xff\xfe\xfa\xfb", "not valid text"),
    ],
    ids=["empty", "binary", "undecodable"],
)
def test_a_bad_file_costs_only_itself_and_the_command_fails_naming_it(
    tmp_path, article, content, message
):
    bad = tmp_path / "bad.txt"
    bad.write_bytes(content)

    with pytest.raises(CommandError) as raised:
        run("ingest", str(article), str(bad))

    error = str(raised.value)
    assert error.startswith("ingest: 1 of 2 files failed; the others were stored.")
    assert f"\n{bad}: " in error and message in error
    assert list(Document.objects.values_list("source_name", flat=True)) == [
        article.name
    ]
    assert Event.objects.filter(citations__document__source_name=article.name).exists()
    run_record = IngestRun.objects.get()
    assert run_record.status == IngestRun.Status.PARTIAL
    assert [f["outcome"] for f in run_record.files] == ["stored", "failed"]
    assert message in run_record.files[1]["error"]


@pytest.mark.parametrize(
    ("content", "message"),
    [(b"", "the file is empty"), (b"\x00\x01\x02binary", "binary file")],
    ids=["empty", "binary"],
)
def test_atomic_ingest_writes_nothing_when_a_file_fails(
    tmp_path, article, content, message
):
    bad = tmp_path / "bad.txt"
    bad.write_bytes(content)
    also_bad = tmp_path / "also.txt"
    also_bad.write_bytes(b"")

    with pytest.raises(CommandError) as raised:
        run("ingest", "--atomic", str(article), str(bad), str(also_bad))

    error = str(raised.value)
    assert error.startswith(
        "ingest: nothing was written: 2 of 3 files failed (--atomic)."
    )
    # Every failure is listed, not only the first.
    assert message in error and f"{also_bad}: the file is empty" in error
    assert Document.objects.count() == 0
    assert Event.objects.count() == 0
    run_record = IngestRun.objects.get()
    assert (run_record.status, run_record.atomic) == (IngestRun.Status.FAILED, True)
    assert [f["outcome"] for f in run_record.files] == [
        "rolled back",
        "failed",
        "failed",
    ]
    assert (run_record.documents_created, run_record.events_created) == (0, 0)


def test_a_file_failing_midway_leaves_nothing_of_it_and_keeps_the_others(
    tmp_path, article, monkeypatch
):
    second = tmp_path / "second.txt"
    second.write_text(
        "Zhuhai hospital group opens AI lab\n\n"
        "By Li Na | Example Health News | Updated: 2024-03-02 09:00\n\n"
        "ZHUHAI -- A Zhuhai hospital group opened an artificial intelligence "
        "laboratory on Friday, the group said.\n\n"
        "The group plans to raise 2 billion yuan in 2026 for new wards.\n",
        encoding="utf-8",
    )
    create_event = ingest._new_event
    calls = []

    def fail_in_the_second_file(candidate, document, *args, **kwargs):
        calls.append(document.source_name)
        if calls.count("second.txt") == 2:
            raise RuntimeError("extractor bug")
        return create_event(candidate, document, *args, **kwargs)

    monkeypatch.setattr(ingest, "_new_event", fail_in_the_second_file)

    with pytest.raises(CommandError) as raised:
        run("ingest", str(article), str(second))

    assert f"{second}: unexpected error (RuntimeError: extractor bug)" in str(
        raised.value
    )
    assert list(Document.objects.values_list("source_name", flat=True)) == [
        article.name
    ]
    assert not Event.objects.filter(title__contains="Zhuhai").exists()
    assert_stored_once(article)


def test_entities_a_failed_file_made_are_made_again_for_the_next_one(
    tmp_path, article, monkeypatch
):
    # The first file fails once its new entities are written: they are rolled
    # back with it, and the run must not link the next file's events to them.
    second = tmp_path / "second.txt"
    second.write_text(ARTICLE.replace("$800 million", "$900 million"), "utf-8")
    fingerprint_of = ingest.fingerprint_of
    calls = []

    def fail_in_the_first_file(event, **rows):
        calls.append(event.key)
        if len(calls) == 1:
            raise RuntimeError("extractor bug")
        return fingerprint_of(event, **rows)

    monkeypatch.setattr(ingest, "fingerprint_of", fail_in_the_first_file)

    report = ingest.documents_ingest(paths=[article, second])

    assert [label for label, _ in report.failures] == [str(article)]
    assert report.events_created >= 2
    assert EventEntity.objects.exists()
    connection.check_constraints()  # every link points at a stored entity


def test_an_atomic_run_rolled_back_still_reports_the_events_it_matched(
    tmp_path, article
):
    # The second file matches an event the first one made; the third fails,
    # so the run is rolled back, that event with it.
    second = tmp_path / "second.txt"
    second.write_text(f"{ARTICLE}\nA later note.\n", encoding="utf-8")
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"")

    report = ingest.documents_ingest(paths=[article, second, bad], atomic=True)

    assert report.rolled_back
    assert report.matched_events
    assert {e.title for e in report.matched_events} <= {e.title for e in report.events}
    assert not Event.objects.exists()


def test_every_run_is_recorded_with_its_files_and_counts(tmp_path, article):
    out = run("ingest", "--published-on", "2024-06-12", str(article))
    again = run("ingest", str(article))

    first, second = IngestRun.objects.order_by("id")
    document = Document.objects.get()
    assert f"Recorded as ingest run {first.pk}." in out
    assert f"Recorded as ingest run {second.pk}." in again
    assert (first.via, first.status, first.user) == ("command", "done", None)
    assert "@" in first.invoked_by and "--published-on 2024-06-12" in first.arguments
    assert first.finished_at >= first.started_at
    assert first.files == [
        {
            "name": str(article),
            "outcome": "stored",
            "document": document.pk,
            "events": first.events_created,
            "citations": 0,
        }
    ]
    assert first.events_created == Event.objects.count() >= 2
    assert document.ingest_run == first
    assert (second.documents_created, second.documents_skipped) == (0, 1)
    assert second.files[0]["outcome"] == "already stored"


def test_ingest_reads_gb18030_chinese_pages(tmp_path):
    path = tmp_path / "zh.txt"
    text = (
        "2025年7月11日 每日经济新闻\n\n"
        "今年中国创新药出海交易总额已超过450亿美元，创历史新高。\n"
    )
    path.write_bytes(text.encode("gb18030"))

    run("ingest", str(path))

    document = Document.objects.get()
    assert "450亿美元" in document.text


def test_ingest_reads_big5_chinese_pages(tmp_path):
    path = tmp_path / "hk.txt"
    text = (
        "2025年1月24日 香港經濟日報\n\n"
        "香港特別行政區政府今日公布，將投資五十億港元支持生物科技企業研發創新藥物。\n"
    )
    path.write_bytes(text.encode("big5"))

    run("ingest", str(path))

    assert Document.objects.get().text == text


def test_ingest_refuses_latin1_text_instead_of_storing_it_as_chinese(tmp_path):
    path = tmp_path / "berlin.txt"
    path.write_bytes(
        "Berlin fördert Biotechnologie\n\n"
        "Die Bundesregierung fördert künftig Forschungszentren für "
        "Biotechnologie.\n".encode("latin-1")
    )

    with pytest.raises(CommandError) as raised:
        run("ingest", str(path))

    message = str(raised.value)
    assert f"{path}: not valid text in utf-8, gb18030, big5" in message
    assert "save the file as UTF-8" in message
    assert Document.objects.count() == 0
    assert Event.objects.count() == 0


def test_tag_dates_writes_timex3_lines(tmp_path):
    source = tmp_path / "in.jsonl"
    source.write_text(
        json.dumps(
            {"doc_id": "d1", "dct": "2023-09-04", "text": "It opened on Sunday."}
        )
        + "\n",
        encoding="utf-8",
    )

    output = run("tag_dates", jsonl=str(source))

    line = json.loads(output)
    assert line["doc_id"] == "d1"
    assert [(t["text"], t["type"], t["value"], t["edtf"]) for t in line["timexes"]] == [
        ("Sunday", "DATE", "2023-09-03", "2023-09-03")
    ]


def test_tag_dates_names_the_bad_line(tmp_path):
    source = tmp_path / "in.jsonl"
    source.write_text('{"doc_id": "ok", "text": "x"}\nnot json\n', encoding="utf-8")

    with pytest.raises(CommandError, match="line 2: invalid JSON"):
        run("tag_dates", jsonl=str(source))


def test_ingested_events_wait_in_the_editors_review_queue(article):
    run("ingest", str(article))

    queued = list(review_queue())
    assert {e.origin for e in queued} == {Event.Origin.EXTRACTED}
    assert len(queued) == Event.objects.count()
    assert all(e.submitted_at is not None for e in queued)


def assert_stored_once(article: Path) -> None:
    """One document for the file, and one set of its events and citations."""
    document = Document.objects.get(source_name=article.name)
    assert Document.objects.count() == 1
    assert Event.objects.count() >= 2
    assert not (
        Event.objects.values("title", "date_edtf", "kind")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
        .exists()
    )
    assert Citation.objects.filter(document=document).count() == Event.objects.count()


ALREADY_BEING_INGESTED = "already being ingested by another run, which stored it first"


def test_ingest_racing_a_run_that_stored_the_file_first_is_refused(
    article, monkeypatch
):
    # The interleaving of two parallel runs, in order: this run checks that the
    # file is new, the other run stores it and commits, this run inserts.
    run("ingest", str(article))
    counts = (Document.objects.count(), Event.objects.count(), Citation.objects.count())
    checks_then_sees = iter([False, True])
    monkeypatch.setattr(ingest, "_document_stored", lambda sha: next(checks_then_sees))

    with pytest.raises(CommandError) as raised:
        run("ingest", str(article))

    assert f"{article}: {ALREADY_BEING_INGESTED}; nothing was duplicated" in str(
        raised.value
    )
    assert (
        Document.objects.count(),
        Event.objects.count(),
        Citation.objects.count(),
    ) == counts
    assert_stored_once(article)


# Outside a test transaction: the test's own (immediate) transaction would
# hold the write lock itself.
# PostgreSQL waits for the other writer instead.
@pytest.mark.requires_sqlite
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_ingest_while_another_sqlite_connection_holds_the_write_lock_is_refused(
    article,
):
    other = sqlite3.connect(
        connection.settings_dict["TEST"]["NAME"] or connection.settings_dict["NAME"],
        uri=True,
    )
    with connection.cursor() as cursor:  # wait 0.2 s, not the 20 s default
        cursor.execute("PRAGMA busy_timeout = 200")
    try:
        other.execute("BEGIN IMMEDIATE")
        other.execute("DELETE FROM corpus_document WHERE id < 0")
        with pytest.raises(CommandError) as raised:
            run("ingest", str(article))
    finally:
        other.rollback()
        other.close()
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA busy_timeout = 20000")

    assert f"{article}: the database is locked by another run" in str(raised.value)
    assert Document.objects.count() == 0


@pytest.mark.requires_postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_parallel_ingests_of_one_file_store_it_once_and_refuse_clearly(
    article, monkeypatch
):
    both_checked = threading.Barrier(2, timeout=30)
    store_document = ingest._store_document

    def store_after_both_checked(*args):
        both_checked.wait()  # both runs found the file new: now both insert
        return store_document(*args)

    monkeypatch.setattr(ingest, "_store_document", store_after_both_checked)
    outcomes = []

    def ingest_file():
        try:
            outcomes.append(("ok", run("ingest", str(article))))
        except CommandError as exc:
            outcomes.append(("refused", str(exc)))
        except Exception as exc:  # surfaced in the assertion below
            outcomes.append(("crashed", repr(exc)))
        finally:
            connection.close()

    threads = [threading.Thread(target=ingest_file) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(kind for kind, _ in outcomes) == ["ok", "refused"], outcomes
    refused = next(message for kind, message in outcomes if kind == "refused")
    assert refused.startswith("ingest: nothing was written: 1 of 1 failed.")
    assert f"{article}: {ALREADY_BEING_INGESTED}; nothing was duplicated" in refused
    assert_stored_once(article)


def test_a_guessed_publication_year_is_flagged_for_the_editor(tmp_path):
    path = tmp_path / "yearless.txt"
    path.write_text(
        "Regulator approves listings\n\n(Example News) Sept. 23 -- The securities"
        " regulator approved the listing of a biotech firm on Monday, after rule"
        " changes made in 2024 and 2025.\n"
    )

    run("ingest", str(path))

    event = Event.objects.get(date_edtf="2025-09-22")
    assert "publication date 2025-09-23 is inferred" in event.review_note
