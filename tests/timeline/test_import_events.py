"""`import_events`: bulk import that is idempotent, batched and kind to curators."""

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from corpus.models import Document
from tests.factories import DocumentFactory, EntityFactory, EventFactory, article_text
from timeline.models import Amount, Citation, Entity, Event, EventEntity
from timeline.services import imports
from timeline.services.imports import events_import
from timeline.services.loading import event_fingerprint

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "import_events"
MODELS = [Document, Entity, Event, EventEntity, Amount, Citation]


@pytest.fixture(autouse=True)
def news_document() -> Document:
    return DocumentFactory(source_name="news-1.txt", text=article_text(1))


def snapshot() -> dict[str, list[dict]]:
    """Every row the import writes, history included, for exact comparison."""
    return {
        model.__name__: [
            *model.objects.order_by("pk").values(),
            *model.history.order_by("pk").values(),
        ]
        for model in MODELS
    }


def run(path: Path, **options) -> str:
    out = StringIO()
    call_command("import_events", str(path), stdout=out, **options)
    return out.getvalue()


def lines_file(tmp_path: Path, entries: list[dict], name="events.jsonl") -> Path:
    path = tmp_path / name
    path.write_text("".join(json.dumps(e) + "\n" for e in entries))
    return path


def entry(n: int, **fields) -> dict:
    return {
        "key": f"event-{n}",
        "title": f"Event {n}",
        "kind": "plan",
        "date": f"2023-{n % 12 + 1:02d}",
        "modality": "actual",
        **fields,
    }


def test_jsonl_import_creates_published_events_with_their_rows():
    output = run(FIXTURES / "events.jsonl")

    assert "4 created, 0 updated, 0 unchanged, 0 skipped" in output
    plan = Event.objects.get(key="shanghai-plan-1")
    assert (plan.status, plan.origin) == (Event.Status.PUBLISHED, Event.Origin.CURATED)
    assert (plan.date_lower.isoformat(), plan.date_display) == (
        "2023-09-04",
        "4 September 2023",
    )
    citation = plan.citations.get()
    assert citation.document.text[citation.start : citation.end] == citation.quote
    assert [(r.entity.name, r.role) for r in plan.roles.all()] == [
        ("Shanghai", "location")
    ]
    parks = Event.objects.get(key="shanghai-research-parks")
    assert (parks.date_display, parks.date_upper.isoformat()) == (
        "until 2026",
        "2026-12-31",
    )
    assert [(a.value, a.currency) for a in parks.amounts.all()] == [
        (10_000_000_000, "CNY")
    ]
    # Both events link to one Shanghai entity.
    assert Entity.objects.filter(name="Shanghai").count() == 1
    late = Event.objects.get(key="first-projects-late-august")
    assert (late.date_precision, late.date_display) == ("interval", "late August 2023")
    assert Event.objects.get(key="market-growth-around-2024").date_display == "c. 2024"


def test_each_imported_event_gets_one_history_record_and_a_true_fingerprint():
    run(FIXTURES / "events.jsonl")

    for event in Event.objects.all():
        assert [
            (h.history_type, h.history_change_reason) for h in event.history.all()
        ] == [("+", "import_events events.jsonl")]
        # The stored fingerprint is the one the loader will recompute.
        assert event.seed_fingerprint == event_fingerprint(event)


def content() -> list[tuple]:
    return [
        (
            e.key,
            e.title,
            e.summary,
            e.kind.slug,
            e.date_edtf,
            e.date_text,
            e.date_lower,
            e.date_upper,
            e.date_display,
            e.modality,
            e.seed_hash,
            e.seed_fingerprint,
            sorted((str(a.value), a.currency, a.text) for a in e.amounts.all()),
            sorted((r.entity.name, r.role) for r in e.roles.all()),
            sorted((c.document_id, c.start, c.end) for c in e.citations.all()),
        )
        for e in Event.objects.order_by("key")
    ]


def test_csv_import_stores_the_same_events_as_jsonl():
    run(FIXTURES / "events.jsonl")
    from_jsonl = content()
    Event.objects.all().delete()

    output = run(FIXTURES / "events.csv")

    assert "4 created" in output
    assert content() == from_jsonl


@pytest.mark.parametrize("name", ["events.jsonl", "events.csv"])
def test_importing_twice_changes_nothing(name):
    run(FIXTURES / name)
    before = snapshot()

    output = run(FIXTURES / name)

    assert "0 created, 0 updated, 4 unchanged, 0 skipped" in output
    assert snapshot() == before


def test_a_changed_line_updates_its_event(tmp_path):
    run(lines_file(tmp_path, [entry(1), entry(2)]))

    output = run(lines_file(tmp_path, [entry(1), entry(2, title="Retitled")]))

    assert "0 created, 1 updated, 1 unchanged" in output
    event = Event.objects.get(key="event-2")
    assert (event.title, event.version) == ("Retitled", 2)
    assert event.seed_fingerprint == event_fingerprint(event)


def test_a_curators_edit_survives_a_reimport(tmp_path):
    run(lines_file(tmp_path, [entry(1), entry(2)]))
    event = Event.objects.get(key="event-1")
    event.title = "Curator's better title"
    event.save()

    output = run(lines_file(tmp_path, [entry(1, title="File's new title"), entry(2)]))

    assert "skipped (curator changes kept): event-1" in output
    event.refresh_from_db()
    assert event.title == "Curator's better title"


def test_a_hand_made_event_under_the_same_key_is_left_alone(tmp_path):
    EventFactory(key="event-1", title="A curator's own event")
    before = snapshot()

    output = run(lines_file(tmp_path, [entry(1)]))

    assert "0 created, 0 updated, 0 unchanged, 1 skipped" in output
    assert snapshot() == before


def test_dry_run_reports_and_writes_nothing(tmp_path):
    run(lines_file(tmp_path, [entry(1), entry(2)]))
    before = snapshot()

    output = run(
        lines_file(tmp_path, [entry(1), entry(2, title="New"), entry(3)]),
        dry_run=True,
    )

    assert "dry run, nothing written" in output
    assert "1 would be created, 1 would be updated, 1 unchanged" in output
    assert snapshot() == before


def test_a_bad_line_fails_its_batch_and_the_others_are_imported(tmp_path):
    entries = [entry(n) for n in range(1, 7)]
    entries[2]["date"] = "2023-02-30"  # line 3, in the batch of lines 3-4
    path = lines_file(tmp_path, entries)

    with pytest.raises(CommandError) as failure:
        run(path, batch_size=2)

    message = str(failure.value)
    assert f"{path}, entry 3, line 3, key 'event-3': date: '2023-02-30'" in message
    assert set(Event.objects.values_list("key", flat=True)) == {
        "event-1",
        "event-2",
        "event-5",
        "event-6",
    }


def test_a_bad_line_with_atomic_changes_nothing(tmp_path):
    entries = [entry(n) for n in range(1, 7)]
    entries[4]["kind"] = "nonsense"
    before = snapshot()

    with pytest.raises(CommandError, match="nothing was imported") as failure:
        run(lines_file(tmp_path, entries), batch_size=2, atomic=True)

    assert "line 5, key 'event-5': unknown kind 'nonsense'" in str(failure.value)
    assert snapshot() == before


@pytest.mark.parametrize(
    "message",
    [
        "bad.jsonl, entry 2, line 2, key 'bad-date': date: '2023-02-30' is not a "
        "valid EDTF date",
        "bad.jsonl, entry 3, line 3, key 'bad-kind': unknown kind 'nonsense'",
        "bad.jsonl, entry 4, line 4: invalid JSON (Expecting value, column 33)",
    ],
)
def test_errors_name_the_file_line_and_field(message):
    with pytest.raises(CommandError) as failure:
        run(FIXTURES / "bad.jsonl")

    assert message in str(failure.value)
    assert not Event.objects.exists()  # one batch, and it had errors


@pytest.mark.parametrize(
    ("fields", "problem"),
    [
        ({"key": "Not A Slug"}, "key 'Not A Slug' must be a lowercase slug"),
        ({"modality": "maybe"}, "unknown modality 'maybe'"),
        ({"date": "2024/2023"}, "the interval ends before it starts"),
        ({"citations": [{"document": "nowhere.txt", "quote": "x"}]}, "citation 1: "),
        ({"amounts": [{"value": "1.23456", "currency": "CNY"}]}, "4 decimal places"),
        ({"colour": "red"}, "unknown field(s): colour"),
    ],
)
def test_invalid_fields_are_named(tmp_path, fields, problem):
    with pytest.raises(CommandError) as failure:
        run(lines_file(tmp_path, [entry(1, **fields)]))

    assert "line 1, key" in str(failure.value) or "line 1:" in str(failure.value)
    assert problem in str(failure.value)
    assert not Event.objects.exists()


def test_a_key_given_twice_in_the_file_is_refused(tmp_path):
    with pytest.raises(CommandError, match=r"duplicate key \(first used on line 1\)"):
        run(lines_file(tmp_path, [entry(1), entry(1, title="Again")]))


def test_csv_with_an_unknown_column_is_refused(tmp_path):
    path = tmp_path / "events.csv"
    path.write_text("key,title,kind,date_edtf,modality,colour\n")

    with pytest.raises(CommandError, match="line 1: .*unknown: colour"):
        run(path)


def test_csv_errors_name_the_line_a_multiline_row_starts_on(tmp_path):
    path = tmp_path / "events.csv"
    path.write_text(
        "key,title,kind,date_edtf,modality\n"
        'event-1,"A title\nover two lines",plan,2023,actual\n'
        "event-2,Second,plan,2023-13,actual\n"
    )

    with pytest.raises(CommandError, match="entry 2, line 4, key 'event-2': date"):
        run(path)


def test_unknown_extension_needs_a_format(tmp_path):
    path = lines_file(tmp_path, [entry(1)], name="events.txt")

    with pytest.raises(CommandError, match="--format"):
        run(path)
    assert "1 created" in run(path, format="jsonl")


def rich_entry(n: int) -> dict:
    return entry(
        n,
        amounts=[{"value": "5", "currency": "USD"}],
        entities=[{"name": "Shanghai", "kind": "place", "role": "location"}],
        citations=[
            {"document": "news-1.txt", "quote": "Shanghai announced plan number 1"}
        ],
    )


# Kinds, documents, existing keys, entities; then in the batch's savepoint
# (2 statements) one executemany each for events, their history and the
# amounts, citations and entity links, and one read of the new events' ids.
BATCH_QUERIES = 4 + 2 + 6


@pytest.mark.parametrize("size", [1, 100])
def test_a_batch_costs_the_same_queries_whatever_its_size(
    tmp_path, size, django_assert_num_queries
):
    EntityFactory(name="Shanghai", kind="place")
    path = lines_file(tmp_path, [rich_entry(n) for n in range(size)])

    with django_assert_num_queries(BATCH_QUERIES):
        events_import(path=path, batch_size=size)

    assert Event.objects.count() == size
    assert Citation.objects.count() == Amount.objects.count() == size


def test_a_big_import_refreshes_planner_statistics(tmp_path, monkeypatch):
    monkeypatch.setattr(imports, "ANALYZE_AFTER", 2)

    output = run(lines_file(tmp_path, [entry(1), entry(2)]))

    assert "Planner statistics refreshed (ANALYZE)." in output
    assert "ANALYZE" not in run(lines_file(tmp_path, [entry(3)], name="more.jsonl"))


@pytest.mark.requires_sqlite
def test_analyze_fills_sqlite_statistics(tmp_path, monkeypatch):
    monkeypatch.setattr(imports, "ANALYZE_AFTER", 1)

    run(lines_file(tmp_path, [entry(1)]))

    with connection.cursor() as cursor:
        cursor.execute("SELECT tbl FROM sqlite_stat1 WHERE tbl = 'timeline_event'")
        assert cursor.fetchall()


def test_progress_reports_records_and_bytes(tmp_path):
    path = lines_file(tmp_path, [entry(n) for n in range(5)])
    calls = []

    events_import(path=path, batch_size=2, on_progress=lambda *a: calls.append(a))

    size = path.stat().st_size
    assert [records for records, _, _ in calls] == [2, 4, 5]
    assert calls[-1][1:] == (size, size)
