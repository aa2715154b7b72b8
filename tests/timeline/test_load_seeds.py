"""The seed loader: idempotent, atomic, respectful of curators, clear on bad input."""

import shutil
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from corpus.models import Document, Publisher
from tests.factories import AmountFactory, CitationFactory, EventFactory, curator
from timeline.models import Amount, Citation, Entity, Event, EventEntity
from timeline.services.events import event_update

pytestmark = pytest.mark.django_db

SMALL = Path(__file__).resolve().parents[1] / "fixtures" / "seeds_small"
MODELS = [Publisher, Document, Entity, Event, EventEntity, Amount, Citation]


def snapshot() -> dict[str, list[dict]]:
    """Every row of every table the loader writes, for exact comparison."""
    return {
        model.__name__: list(model.objects.order_by("pk").values()) for model in MODELS
    }


def load(directory: Path) -> str:
    out = StringIO()
    call_command("load_seeds", dir=directory, stdout=out)
    return out.getvalue()


@pytest.fixture
def small_dir(tmp_path: Path) -> Path:
    target = tmp_path / "seeds"
    shutil.copytree(SMALL, target)
    return target


def test_load_seeds_creates_documents_events_and_citations(small_dir):
    output = load(small_dir)

    assert "Documents: 2 created, 0 unchanged." in output
    assert "Events: 3 created, 0 updated, 0 unchanged, 0 skipped" in output
    event = Event.objects.get(key="shanghai-biotech-park-investment-target")
    assert event.status == Event.Status.PUBLISHED
    assert event.origin == Event.Origin.CURATED
    assert event.modality == Event.Modality.FORECAST
    assert (event.date_lower.isoformat(), event.date_upper.isoformat()) == (
        "2026-01-01",
        "2026-12-31",
    )
    assert event.citations.count() == 2
    amount = event.amounts.get()
    assert (amount.value, amount.currency) == (10_000_000_000, "CNY")
    fair = Event.objects.get(key="shanghai-biotech-fair")
    assert fair.date_display == "since 2005"


def test_load_seeds_twice_changes_nothing(small_dir):
    load(small_dir)
    before = snapshot()

    output = load(small_dir)

    assert snapshot() == before
    assert "Documents: 0 created, 2 unchanged." in output
    assert "Events: 0 created, 0 updated, 3 unchanged, 0 skipped" in output
    assert "Nothing changed." in output


def test_load_seeds_updates_an_event_whose_fixture_entry_changed(small_dir):
    load(small_dir)
    fixture = small_dir / "events.yaml"
    fixture.write_text(
        fixture.read_text().replace(
            "title: Shanghai's annual biotech fair", "title: Shanghai biotech fair"
        )
    )

    output = load(small_dir)

    assert "1 updated" in output
    event = Event.objects.get(key="shanghai-biotech-fair")
    assert event.title == "Shanghai biotech fair"
    assert event.version == 2


def test_a_curators_change_waiting_for_review_survives_a_fixture_update(small_dir):
    load(small_dir)
    event = Event.objects.get(key="shanghai-biotech-fair")
    event_update(
        event=event, data={"title": "Curator's"}, user=curator(), expected_version=1
    )
    fixture = small_dir / "events.yaml"
    fixture.write_text(
        fixture.read_text().replace(
            "title: Shanghai's annual biotech fair", "title: Shanghai biotech fair"
        )
    )

    output = load(small_dir)

    assert "skipped (curator changes kept): shanghai-biotech-fair" in output
    stored = Event.objects.get(key="shanghai-biotech-fair")
    assert (stored.title, stored.version) == ("Shanghai's annual biotech fair", 1)
    assert stored.revisions.get().proposed["fields"]["title"] == "Curator's"


def test_curator_edit_survives_a_reload(small_dir):
    load(small_dir)
    event = Event.objects.get(key="shanghai-biotech-park-opens")
    event.title = "Curator's better title"
    event.date_edtf = "2024-03-04~"
    event.save()
    fixture = small_dir / "events.yaml"
    fixture.write_text(
        fixture.read_text().replace(
            "title: Shanghai opens a biotech park", "title: Fixture's new title"
        )
    )

    output = load(small_dir)

    event.refresh_from_db()
    assert event.title == "Curator's better title"
    assert event.date_edtf == "2024-03-04~"
    assert "skipped (curator changes kept): shanghai-biotech-park-opens" in output


def test_curator_added_citation_counts_as_a_curator_change(small_dir):
    load(small_dir)
    event = Event.objects.get(key="shanghai-biotech-fair")
    beta = Document.objects.get(source_name="beta.txt")
    Citation.objects.create(
        event=event, document=beta, quote="Shanghai", start=0, end=len("Shanghai")
    )

    output = load(small_dir)

    assert "skipped (curator changes kept): shanghai-biotech-fair" in output
    assert event.citations.count() == 2


def event_rows(key: str) -> dict[str, list[dict]]:
    """One event's row, its related rows and its history, for exact comparison."""
    event = Event.objects.get(key=key)
    return {
        "event": list(Event.objects.filter(pk=event.pk).values()),
        "amounts": list(event.amounts.order_by("pk").values()),
        "roles": list(event.roles.order_by("pk").values()),
        "citations": list(event.citations.order_by("pk").values()),
        "history": list(event.history.order_by("pk").values()),
    }


def test_event_a_curator_created_by_hand_is_skipped_and_left_alone(small_dir):
    # Same key as a fixture entry, but never imported: no seed fingerprint.
    hand_made = EventFactory(
        key="shanghai-biotech-fair",
        title="A curator's own event",
        status=Event.Status.PUBLISHED,
    )
    CitationFactory(event=hand_made)
    AmountFactory(event=hand_made)
    before = event_rows("shanghai-biotech-fair")

    output = load(small_dir)

    assert event_rows("shanghai-biotech-fair") == before
    assert "Events: 2 created, 0 updated, 0 unchanged, 1 skipped" in output
    assert "skipped (curator changes kept): shanghai-biotech-fair" in output
    assert "Nothing changed." in load(small_dir)
    assert event_rows("shanghai-biotech-fair") == before


def write_fixture(directory: Path, text: str) -> None:
    (directory / "events.yaml").write_text(text, encoding="utf-8")


VALID_ENTRY = """\
- key: ok-event
  title: A valid event
  kind: launch
  date: {edtf: "2024-03-04", text: on Monday}
  modality: actual
  citations:
    - {document: alpha.txt, quote: A new biotech park opened}
"""

BROKEN_FIXTURES = [
    (
        "quote-not-found",
        VALID_ENTRY.replace("A new biotech park opened", "A quote nobody wrote"),
        "entry 1, line 1, key 'ok-event': citation 1: the quote does not occur",
    ),
    (
        "unknown-kind",
        VALID_ENTRY.replace("kind: launch", "kind: meteor"),
        "unknown kind 'meteor'",
    ),
    (
        "invalid-edtf",
        VALID_ENTRY.replace('"2024-03-04"', '"2024-13-45"'),
        "date: '2024-13-45' is not a valid EDTF date",
    ),
    (
        "inverted-edtf",
        VALID_ENTRY.replace('"2024-03-04"', '"2025/2024"'),
        "ends before it starts",
    ),
    (
        "duplicate-key",
        VALID_ENTRY + VALID_ENTRY,
        "entry 2, line 8, key 'ok-event': duplicate key (first used by entry 1)",
    ),
    (
        "missing-field",
        VALID_ENTRY.replace("  modality: actual\n", ""),
        "missing required field(s): modality",
    ),
    (
        "unknown-document",
        VALID_ENTRY.replace("alpha.txt", "gamma.txt"),
        "unknown document 'gamma.txt'",
    ),
    (
        "duplicate-field",
        VALID_ENTRY
        + VALID_ENTRY.replace("ok-event", "second-event").replace(
            "  kind: launch\n", "  kind: launch\n  title: Another title\n"
        ),
        "events.yaml, entry 2, line 11, key 'second-event': duplicate field "
        "'title' (first given on line 9)",
    ),
    (
        "duplicate-nested-field",
        VALID_ENTRY.replace('{edtf: "2024-03-04",', '{edtf: "2024-03-04", edtf: 2024,'),
        "events.yaml, entry 1, line 4, key 'ok-event': duplicate field 'edtf' "
        "(first given on line 4)",
    ),
    ("not-yaml", "- key: [unclosed\n  title: x\n", "line 2: invalid YAML"),
    ("not-a-list", "key: value\n", "must be a list of events"),
    ("empty-fixture", "", "the fixture is empty"),
    (
        "bad-currency",
        VALID_ENTRY + "  amounts: [{value: '5', currency: yuan}]\n",
        "not ISO 4217",
    ),
]


@pytest.mark.parametrize(
    ("fixture", "message"),
    [case[1:] for case in BROKEN_FIXTURES],
    ids=[case[0] for case in BROKEN_FIXTURES],
)
def test_broken_fixture_changes_nothing_and_names_the_problem(
    small_dir, fixture, message
):
    load(small_dir)
    before = snapshot()
    write_fixture(small_dir, fixture)

    with pytest.raises(CommandError) as raised:
        load(small_dir)

    assert message in str(raised.value)
    assert "events.yaml" in str(raised.value)
    assert snapshot() == before


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "the file is empty"),
        (b"   \n\n", "the file is empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00IHDR", "binary file"),
        ("中国创新药".encode("gb18030") + b"\xff\xfe", "not valid text in utf-8"),
    ],
    ids=["empty", "blank", "binary", "not-utf8"],
)
def test_bad_article_file_changes_nothing_and_names_the_file(
    small_dir, content, message
):
    (small_dir / "gamma.txt").write_bytes(content)

    with pytest.raises(CommandError) as raised:
        load(small_dir)

    assert "gamma.txt" in str(raised.value)
    assert message in str(raised.value)
    assert Event.objects.count() == 0
    assert Document.objects.count() == 0


def test_duplicate_field_in_a_json_fixture_is_refused(small_dir):
    (small_dir / "events.yaml").unlink()
    (small_dir / "events.json").write_text(
        '[{"key": "ok-event", "title": "One", "title": "Two"}]', encoding="utf-8"
    )

    with pytest.raises(CommandError) as raised:
        load(small_dir)

    assert "events.json: duplicate field(s) 'title' in one object" in str(raised.value)
    assert Event.objects.count() == 0


@pytest.fixture
def outside(tmp_path: Path) -> Path:
    """A directory next to the seeds directory, not inside it."""
    path = tmp_path / "elsewhere"
    path.mkdir()
    return path


def test_article_symlinked_from_outside_the_directory_is_refused(small_dir, outside):
    target = outside / "gamma.txt"
    target.write_text("Outside\n\nA file from somewhere else.\n", encoding="utf-8")
    (small_dir / "gamma.txt").symlink_to(target)

    with pytest.raises(CommandError) as raised:
        load(small_dir)

    message = str(raised.value)
    assert (
        f"{small_dir / 'gamma.txt'}: a symbolic link to {target.resolve()}" in message
    )
    assert "outside" in message
    assert Document.objects.count() == 0


def test_fixture_symlinked_from_outside_the_directory_is_refused(small_dir, outside):
    target = outside / "events.yaml"
    (small_dir / "events.yaml").rename(target)
    (small_dir / "events.yaml").symlink_to(target)

    with pytest.raises(CommandError) as raised:
        load(small_dir)

    assert f"{small_dir / 'events.yaml'}: a symbolic link to {target.resolve()}" in str(
        raised.value
    )
    assert Document.objects.count() == 0
    assert Event.objects.count() == 0


def test_symlink_within_the_directory_is_followed(small_dir):
    (small_dir / "events.yaml").rename(small_dir / "curated.yaml")
    (small_dir / "events.yaml").symlink_to("curated.yaml")

    output = load(small_dir)

    assert "Events: 3 created" in output


def test_two_articles_with_the_same_text_are_refused(small_dir):
    shutil.copy(small_dir / "alpha.txt", small_dir / "alpha-copy.txt")

    with pytest.raises(CommandError) as raised:
        load(small_dir)

    assert f"{small_dir / 'alpha.txt'}: the same text as alpha-copy.txt" in str(
        raised.value
    )
    assert Document.objects.count() == 0


def test_error_midway_through_writing_rolls_everything_back(small_dir, monkeypatch):
    from timeline.services import loading

    calls = []
    original = loading._load_event

    def fail_on_third(entry, documents, report):
        calls.append(entry.key)
        if len(calls) == 3:
            raise RuntimeError("disk full")
        original(entry, documents, report)

    monkeypatch.setattr(loading, "_load_event", fail_on_third)

    with pytest.raises(RuntimeError):
        load(small_dir)

    assert Event.objects.count() == 0
    assert Document.objects.count() == 0


def test_missing_directory_is_a_clear_error(tmp_path):
    with pytest.raises(CommandError, match="no such directory"):
        load(tmp_path / "nope")


def test_changed_article_text_is_refused(small_dir):
    load(small_dir)
    alpha = small_dir / "alpha.txt"
    alpha.write_text(alpha.read_text() + "\nA late correction.\n")

    with pytest.raises(CommandError, match="alpha.txt: the text differs"):
        load(small_dir)
