"""Reading and validating seed files: the articles and the events fixture.

Everything is read and checked before `seeds_load` writes anything, so a bad
file changes nothing; every error names the file and the entry or line.
`entry_normalise` is the one set of rules for an event entry: the bulk import
(`timeline.services.imports`) checks its lines with it too.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import yaml

from corpus.dates import InvalidEdtf, describe_edtf
from corpus.models import Document
from corpus.reading import ArticleReadError, read_article
from timeline.models import Entity, Event, EventKind
from timeline.services.citations import QuoteNotFound, quote_locate

FIXTURE_NAMES = ("events.yaml", "events.yml", "events.json")
KEY_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
REQUIRED_FIELDS = ("key", "title", "kind", "date", "modality", "citations")
OPTIONAL_FIELDS = ("summary", "amounts", "entities")
AMOUNT_DIGITS, AMOUNT_PLACES = 24, 4  # Amount.value's max_digits, decimal_places
MODALITIES = tuple(Event.Modality.values)
ENTITY_KINDS = tuple(Entity.Kind.values)


class SeedError(Exception):
    """Bad seed input. The message names the file and the entry or line."""


@dataclass(frozen=True)
class Article:
    name: str
    text: str


@dataclass(frozen=True)
class Entry:
    """One fixture entry: as read, then in canonical shape once validated."""

    number: int
    line: int | None
    data: dict[str, Any]

    @property
    def key(self) -> str:
        return self.data["key"]

    @property
    def fixture_hash(self) -> str:
        blob = json.dumps(self.data, sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(blob.encode("utf-8")).hexdigest()


def articles_read(directory: Path) -> dict[str, Article]:
    paths = sorted(directory.glob("*.txt"))
    if not paths:
        raise SeedError(f"{directory}: no *.txt articles found")
    articles = {}
    names_by_text: dict[str, str] = {}
    for path in paths:
        _refuse_outside(path, directory)
        try:
            text = read_article(path)
        except ArticleReadError as exc:
            raise SeedError(str(exc)) from exc
        first = names_by_text.setdefault(text, path.name)
        if first != path.name:
            # A text is stored once (its sha256 is unique): two names for it
            # would leave citations of one of them nowhere to point.
            raise SeedError(f"{path}: the same text as {first}; keep one of them")
        articles[path.name] = Article(name=path.name, text=text)
    return articles


def fixture_find(directory: Path) -> Path:
    for name in FIXTURE_NAMES:
        path = directory / name
        if path.is_file() or path.is_symlink():
            _refuse_outside(path, directory)
            return path
    raise SeedError(f"{directory}: no events fixture ({', '.join(FIXTURE_NAMES)})")


def _refuse_outside(path: Path, directory: Path) -> None:
    # --dir names what gets imported: a symlink must not pull in a file from
    # elsewhere (another checkout, /etc, a user's home).
    target = path.resolve()
    if not target.is_relative_to(directory.resolve()):
        raise SeedError(
            f"{path}: a symbolic link to {target}, outside {directory}; "
            "refusing to read it (copy the file into the directory instead)"
        )


def fixture_read(path: Path) -> list[Entry]:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise SeedError(f"{path}: cannot read ({exc.strerror})") from exc
    if b"\x00" in raw:
        raise SeedError(f"{path}: binary file (contains NUL bytes)")
    try:
        source = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise SeedError(f"{path}: not UTF-8 (byte {exc.start})") from exc
    if not source.strip():
        raise SeedError(f"{path}: the fixture is empty")

    lines: list[int | None]
    if path.suffix == ".json":
        data = _json_read(path, source)
        lines = [None] * len(data) if isinstance(data, list) else []
    else:
        data, lines = _yaml_read(path, source)
    if not isinstance(data, list):
        raise SeedError(f"{path}: the fixture must be a list of events")
    return [
        Entry(number=i + 1, line=lines[i], data=item) for i, item in enumerate(data)
    ]


class DuplicateField(yaml.constructor.ConstructorError):
    """A mapping that gives the same field twice."""


class _FixtureLoader(yaml.SafeLoader):
    """PyYAML's SafeLoader, except that a field given twice in one mapping is an
    error: plain PyYAML keeps the last value without a word."""

    def construct_mapping(self, node, deep=False):
        if isinstance(node, yaml.MappingNode):
            first: dict[Any, yaml.Mark] = {}
            for key_node, _ in node.value:
                if key_node.tag == "tag:yaml.org,2002:merge":
                    continue  # `<<: *defaults` may be overridden on purpose
                key = self.construct_object(key_node, deep=True)
                try:
                    earlier = first.setdefault(key, key_node.start_mark)
                except TypeError:
                    continue  # unhashable: SafeLoader itself reports it
                if earlier is not key_node.start_mark:
                    raise DuplicateField(
                        "while reading a mapping",
                        earlier,
                        f"duplicate field {key!r} (first given on line "
                        f"{earlier.line + 1})",
                        key_node.start_mark,
                    )
        return super().construct_mapping(node, deep=deep)


def _yaml_read(path: Path, source: str) -> tuple[Any, list[int | None]]:
    """The fixture's data and the line each top-level entry starts on."""
    loader = _FixtureLoader(source)
    try:
        node = loader.get_single_node()
        items = node.value if isinstance(node, yaml.SequenceNode) else []
        try:
            data = loader.construct_document(node) if node is not None else None
        except DuplicateField as exc:
            raise SeedError(
                f"{path}, {_where_in(items, exc.problem_mark)}: {exc.problem}"
            ) from exc
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f", line {mark.line + 1}" if mark else ""
        raise SeedError(f"{path}{where}: invalid YAML ({exc.problem})") from exc
    except yaml.YAMLError as exc:
        raise SeedError(f"{path}: invalid YAML ({exc})") from exc
    finally:
        loader.dispose()
    return data, [item.start_mark.line + 1 for item in items]


def _where_in(items: list[yaml.Node], mark: yaml.Mark) -> str:
    """'entry N, line L, key K' for a position inside the top-level list."""
    where = f"line {mark.line + 1}"
    for number, item in enumerate(items, start=1):
        if item.start_mark.index <= mark.index < item.end_mark.index:
            keys = [
                value.value
                for key, value in getattr(item, "value", [])
                if key.value == "key" and isinstance(value, yaml.ScalarNode)
            ]
            where = f"entry {number}, {where}"
            if keys:
                where += f", key {keys[0]!r}"
            break
    return where


class DuplicateJsonField(ValueError):
    """A JSON object that gives the same field twice."""


def json_object_unique(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """A `json.loads` object hook that refuses a field given twice."""
    data = dict(pairs)
    if len(data) < len(pairs):
        names = [name for name, _ in pairs]
        twice = sorted({name for name in names if names.count(name) > 1})
        raise DuplicateJsonField(
            f"duplicate field(s) {', '.join(map(repr, twice))} in one object "
            "(JSON would keep only the last)"
        )
    return data


def _json_read(path: Path, source: str) -> Any:
    try:
        return json.loads(source, object_pairs_hook=json_object_unique)
    except DuplicateJsonField as exc:
        raise SeedError(f"{path}: {exc}") from exc
    except json.JSONDecodeError as exc:
        raise SeedError(f"{path}, line {exc.lineno}: invalid JSON ({exc.msg})") from exc


def entry_where(path: Path, entry: Entry) -> str:
    key = entry.data.get("key") if isinstance(entry.data, dict) else None
    parts = [f"entry {entry.number}"]
    if entry.line:
        parts.append(f"line {entry.line}")
    if key:
        parts.append(f"key {key!r}")
    return f"{path}, {', '.join(parts)}"


def _text(value: Any) -> str:
    # YAML turns bare 2023 and 2023-09-04 into numbers and dates: keep the text.
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise ValueError(f"expected text, got {type(value).__name__}")
    return value


def entries_validate(
    entries: list[Entry], path: Path, articles: dict[str, Article]
) -> list[Entry]:
    """The entries in canonical shape; every problem found is raised at once."""
    kinds = set(EventKind.objects.values_list("slug", flat=True))
    seen: dict[str, int] = {}
    errors: list[str] = []
    valid: list[Entry] = []
    for entry in entries:
        try:
            data = entry_normalise(entry.data, kinds=kinds, documents=articles)
        except ValueError as exc:
            errors.append(f"{entry_where(path, entry)}: {exc}")
            continue
        entry = Entry(number=entry.number, line=entry.line, data=data)
        if entry.key in seen:
            errors.append(
                f"{entry_where(path, entry)}: duplicate key (first used by entry "
                f"{seen[entry.key]})"
            )
        seen.setdefault(entry.key, entry.number)
        valid.append(entry)
    if errors:
        raise SeedError("\n".join(errors))
    return valid


def entry_normalise(
    data: Any,
    *,
    kinds: Collection[str],
    documents: Mapping[str, Article | Document],
    citations_required: bool = True,
) -> dict[str, Any]:
    """Check one entry's fields and return them in a canonical shape.

    Citations name a document in `documents` (the seed articles by file name,
    or stored documents by source name) and must quote its text exactly.
    Raises ValueError naming the field.
    """
    if not isinstance(data, dict):
        raise ValueError("an event must be a mapping of fields")
    required = [
        name for name in REQUIRED_FIELDS if citations_required or name != "citations"
    ]
    missing = [name for name in required if not data.get(name)]
    if missing:
        raise ValueError(f"missing required field(s): {', '.join(missing)}")
    unknown = set(data) - {*REQUIRED_FIELDS, *OPTIONAL_FIELDS}
    if unknown:
        raise ValueError(f"unknown field(s): {', '.join(sorted(unknown))}")

    key = _text(data["key"])
    if not KEY_RE.match(key) or len(key) > 100:
        raise ValueError(f"key {key!r} must be a lowercase slug of at most 100 chars")
    kind = _text(data["kind"])
    if kind not in kinds:
        raise ValueError(f"unknown kind {kind!r} (known: {', '.join(sorted(kinds))})")
    modality = _text(data["modality"])
    if modality not in MODALITIES:
        raise ValueError(
            f"unknown modality {modality!r} (known: {', '.join(MODALITIES)})"
        )
    title = _text(data["title"]).strip()
    if len(title) > 300:
        raise ValueError("title is longer than 300 characters")

    date = data["date"]
    if isinstance(date, dict):
        edtf, date_text = _text(date.get("edtf")), _text(date.get("text"))
    else:
        edtf, date_text = _text(date), ""
    try:
        describe_edtf(edtf)
    except InvalidEdtf as exc:
        raise ValueError(f"date: {exc}") from exc
    if len(date_text) > 200:
        raise ValueError("date: text is longer than 200 characters")

    amounts = []
    for i, amount in enumerate(data.get("amounts") or [], start=1):
        if not isinstance(amount, dict):
            raise ValueError(f"amount {i}: must be a mapping")
        try:
            value = Decimal(_text(amount.get("value")))
        except InvalidOperation as exc:
            raise ValueError(f"amount {i}: value is not a number") from exc
        if not value.is_finite() or value < 0:
            raise ValueError(f"amount {i}: value must be a non-negative number")
        places = max(0, -value.normalize().as_tuple().exponent)
        if places > AMOUNT_PLACES or value.adjusted() >= AMOUNT_DIGITS - AMOUNT_PLACES:
            raise ValueError(
                f"amount {i}: value must have at most {AMOUNT_PLACES} decimal "
                f"places and {AMOUNT_DIGITS - AMOUNT_PLACES} digits before the point"
            )
        currency = _text(amount.get("currency"))
        if not re.fullmatch(r"[A-Z]{3}", currency):
            raise ValueError(f"amount {i}: currency {currency!r} is not ISO 4217")
        amount_text = _text(amount.get("text"))
        if len(amount_text) > 200:
            raise ValueError(f"amount {i}: text is longer than 200 characters")
        amounts.append(
            {
                "value": format(value.normalize(), "f"),
                "currency": currency,
                "text": amount_text,
                "approximate": bool(amount.get("approximate", False)),
            }
        )

    entities = []
    for i, entity in enumerate(data.get("entities") or [], start=1):
        if not isinstance(entity, dict) or not entity.get("name"):
            raise ValueError(f"entity {i}: needs a name")
        entity_kind = _text(entity.get("kind"))
        if entity_kind not in ENTITY_KINDS:
            raise ValueError(
                f"entity {i}: unknown kind {entity_kind!r} "
                f"(known: {', '.join(ENTITY_KINDS)})"
            )
        entity_name, role = _text(entity["name"]).strip(), _text(entity.get("role"))
        if len(entity_name) > 300:
            raise ValueError(f"entity {i}: name is longer than 300 characters")
        if len(role) > 50:
            raise ValueError(f"entity {i}: role is longer than 50 characters")
        entities.append({"name": entity_name, "kind": entity_kind, "role": role})

    citations = []
    for i, citation in enumerate(data.get("citations") or [], start=1):
        if not isinstance(citation, dict):
            raise ValueError(f"citation {i}: must be a mapping")
        name, quote = _text(citation.get("document")), _text(citation.get("quote"))
        if name not in documents:
            raise ValueError(f"citation {i}: unknown document {name!r}")
        try:
            start, end = quote_locate(text=documents[name].text, quote=quote)
        except QuoteNotFound as exc:
            raise ValueError(f"citation {i}: {exc} {name}") from exc
        citations.append({"document": name, "quote": quote, "start": start, "end": end})

    return {
        "key": key,
        "title": title,
        "summary": _text(data.get("summary")).strip(),
        "kind": kind,
        "date": {"edtf": edtf, "text": date_text},
        "modality": modality,
        "amounts": amounts,
        "entities": entities,
        "citations": citations,
    }
