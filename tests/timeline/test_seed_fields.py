"""Every field of an events fixture arrives in the database as the fixture
wrote it (the seed corpus and a small fixture of every field)."""

import datetime
from decimal import Decimal
from io import StringIO
from typing import Any

import pytest
import yaml
from django.core.management import call_command

from tests.conftest import FIXTURES_DIR, SEEDS_DIR
from timeline.models import Event

pytestmark = pytest.mark.django_db


def stored_as_fixture(event: Event) -> dict[str, Any]:
    """An event and its related rows as the database holds them, in the
    fixture's vocabulary. A fixture field missing here is one nobody stores."""
    return {
        "key": event.key,
        "title": event.title,
        "summary": event.summary,
        "kind": event.kind.slug,
        "date": {"edtf": event.date_edtf, "text": event.date_text},
        "modality": event.modality,
        "amounts": [
            {
                "value": amount.value,
                "currency": amount.currency,
                "text": amount.text,
                "approximate": amount.is_approximate,
            }
            for amount in event.amounts.order_by("pk")
        ],
        "entities": [
            {"name": role.entity.name, "kind": role.entity.kind, "role": role.role}
            for role in event.roles.select_related("entity").order_by("pk")
        ],
        "citations": [
            {"document": citation.document.source_name, "quote": citation.quote}
            for citation in event.citations.select_related("document").order_by("pk")
        ],
    }


def same_scalar(given: Any, stored: Any) -> bool:
    # YAML reads bare 2023 as a number and 2023-09-04 as a date; values are
    # Decimals in the database.
    if isinstance(stored, Decimal):
        return Decimal(str(given)) == stored
    if isinstance(given, datetime.date):
        return given.isoformat() == stored
    if isinstance(given, int | float) and not isinstance(given, bool):
        return str(given) == stored
    return given == stored


def differences(given: Any, stored: Any, where: str) -> list[str]:
    """Every fixture value under `given` that the stored view lacks or differs on."""
    if isinstance(given, dict):
        if not isinstance(stored, dict):
            return [f"{where}: fixture has a mapping, stored {stored!r}"]
        out = []
        for name, value in given.items():
            if name not in stored:
                out.append(f"{where}.{name}: not stored")
            else:
                out += differences(value, stored[name], f"{where}.{name}")
        return out
    if isinstance(given, list):
        if not isinstance(stored, list) or len(given) != len(stored):
            return [f"{where}: fixture has {given!r}, stored {stored!r}"]
        out = []
        for i, (item, row) in enumerate(zip(given, stored, strict=True)):
            out += differences(item, row, f"{where}[{i}]")
        return out
    if not same_scalar(given, stored):
        return [f"{where}: fixture has {given!r}, stored {stored!r}"]
    return []


@pytest.mark.parametrize(
    "directory",
    [SEEDS_DIR, FIXTURES_DIR / "seeds_small"],
    ids=["seeds", "seeds_small"],
)
def test_every_fixture_field_arrives_in_the_database(directory):
    call_command("load_seeds", dir=directory, stdout=StringIO())
    entries = yaml.safe_load((directory / "events.yaml").read_text(encoding="utf-8"))

    problems = []
    for entry in entries:
        event = Event.objects.get(key=entry["key"])
        problems += differences(entry, stored_as_fixture(event), entry["key"])

    assert problems == []
