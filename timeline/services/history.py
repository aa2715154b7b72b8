"""Bulk inserts with a history row each, for write paths that make many rows.

`rows_create_with_history` writes what simple_history's
`bulk_create_with_history` writes, but builds each model's history manager
once (simple_history builds a new manager class on every access, about half a
millisecond) and inserts the history rows with `rows_insert`: the ORM's
historical instances and insert compiler cost more than the rows themselves.
"""

from __future__ import annotations

import functools
import weakref
from collections.abc import Callable
from operator import attrgetter, itemgetter
from typing import Any

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connection, connections, models, transaction
from django.utils import timezone
from simple_history.utils import (
    bulk_create_with_history,
    get_change_reason_from_object,
    get_history_manager_for_model,
)

from timeline.models import Event


@functools.cache
def _history_manager(model: type) -> Any:
    return get_history_manager_for_model(model)


def rows_create_with_history(objs: list, model: type, *, reason: str | None) -> list:
    """Insert `objs` in one statement and their history rows in another.

    The history rows are those `bulk_create_with_history` writes: created
    ("+"), now, the user of the request if any, each row's `_change_reason`
    or else `reason`.
    """
    if not connection.features.can_return_rows_from_bulk_insert:
        return bulk_create_with_history(objs, model, default_change_reason=reason)
    with transaction.atomic(savepoint=False):
        if any(obj.pk is not None for obj in objs):  # keys of their own
            created = model._default_manager.bulk_create(objs)
        else:
            created = _rows_create(objs, model)
        _history_rows_insert(created, _history_manager(model).model, reason=reason)
    return created


def _rows_create(objs: list, model: type[models.Model]) -> list:
    """What `bulk_create` does with new rows where the database returns their
    keys: the keys of related rows saved since taken, each field's `pre_save`
    (auto_now), one INSERT … RETURNING per batch, the keys set, the rows
    marked stored; with values prepared as `rows_insert` does (the ORM's
    insert compiler cost more than the statement)."""
    if model is Event:  # as Event's queryset does on every bulk write
        for obj in objs:
            obj.derive_date_fields()
    fields, insert, row_sql, prepare = _insert_plan(model)
    related_ready, values = _row_reader(model)
    rows = []
    for obj in objs:
        related_ready(obj)
        rows.append(prepare(values(obj)))
    returning, _ = connection.ops.return_insert_columns([model._meta.pk])
    size = max(connection.ops.bulk_batch_size(fields, objs), 1)
    alias = connection.alias  # not through the proxy for each row
    with connection.cursor() as cursor:
        for start in range(0, len(objs), size):
            batch = rows[start : start + size]
            cursor.execute(
                f"{insert} VALUES {', '.join([row_sql] * len(batch))} {returning}",
                [value for values in batch for value in values],
            )
            keys = connection.ops.fetch_returned_insert_rows(cursor)
            for obj, (key,) in zip(objs[start : start + size], keys, strict=True):
                obj.pk = key
                obj._state.adding = False
                obj._state.db = alias
    return objs


def _history_rows_insert(
    objs: list, history: type[models.Model], *, reason: str | None
) -> None:
    """The rows simple_history's `bulk_history_create` makes for `objs`
    (stored, with their keys), the same values, written by `rows_insert`."""
    if not getattr(settings, "SIMPLE_HISTORY_ENABLED", True):
        return
    tracked = [field.attname for field in history.tracked_fields]
    read = (
        attrgetter(*tracked)
        if len(tracked) > 1
        else lambda obj: (getattr(obj, tracked[0]),)
    )
    # The user of the request if any: simple_history's default `get_user`
    # reads no instance, so it is asked once per batch, not once per row.
    default_user = unset = object()
    rows = []
    for obj in objs:
        user = getattr(obj, "_history_user", unset)
        if user is unset:
            if default_user is unset:
                default_user = history.get_default_history_user(obj)
            user = default_user
        row = dict(zip(tracked, read(obj), strict=True))
        row.update(
            history_date=getattr(obj, "_history_date", timezone.now()),
            history_user_id=None if user is None else user.pk,
            history_change_reason=get_change_reason_from_object(obj) or reason,
            history_type="+",
        )
        rows.append(row)
    rows_insert(history, rows)


def rows_insert(model: type[models.Model], rows: list[dict[str, Any]]) -> None:
    """INSERT `rows` (attname -> value, every concrete field but the
    auto-numbered key) with one executemany, values prepared as the ORM would."""
    if not rows:
        return
    fields, insert, row_sql, prepare = _insert_plan(model)
    pick = itemgetter(*(f.attname for f in fields))
    values = [prepare(list(pick(row))) for row in rows]
    with connection.cursor() as cursor:
        cursor.executemany(f"{insert} VALUES {row_sql}", values)


# Each connection's insert plans, by model: an ingest run writes some ten
# batches per article, and building a plan cost more than its history rows.
_plans: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _insert_plan(
    model: type[models.Model],
) -> tuple[list[models.Field], str, str, Callable[[list[Any]], list[Any]]]:
    """Every concrete field but the auto-numbered key, the INSERT naming their
    columns, one row's placeholders, and what makes a row of their values
    database parameters (in place); made once per connection and model."""
    plans = _plans.setdefault(connections[DEFAULT_DB_ALIAS], {})
    if (plan := plans.get(model)) is None:
        plan = plans[model] = _new_insert_plan(model)
    return plan


# Each model's `_row_reader`: its fields do not change while the process runs.
_readers: dict[type, tuple[Callable[[Any], None], Callable[[Any], list[Any]]]] = {}


def _row_reader(
    model: type[models.Model],
) -> tuple[Callable[[Any], None], Callable[[Any], list[Any]]]:
    """What `bulk_create` does to each new row of `model`, per field, with
    what each field needs worked out once per model: a function readying the
    row's relations (`Model._prepare_related_fields_for_save`, over the
    relation fields only) and one returning its values for the insert plan's
    fields, each through `pre_save` only where a field's `pre_save` does more
    than read the attribute (auto_now, auto_now_add, or a field of its own)."""
    if (reader := _readers.get(model)) is None:
        reader = _readers[model] = _new_row_reader(model)
    return reader


def _new_row_reader(
    model: type[models.Model],
) -> tuple[Callable[[Any], None], Callable[[Any], list[Any]]]:
    fields = _insert_plan(model)[0]
    relations = [f for f in model._meta.concrete_fields if f.is_relation]
    if any(f.is_relation for f in model._meta.private_fields):  # generic keys

        def related_ready(obj: Any) -> None:
            obj._prepare_related_fields_for_save(operation_name="bulk_create")

    else:

        def related_ready(obj: Any) -> None:
            for field in relations:  # as Django's, for its relation fields
                if not field.is_cached(obj):
                    continue
                related = getattr(obj, field.name, None)
                if not related:
                    continue
                if not related._is_pk_set():
                    if not field.remote_field.multiple:
                        field.remote_field.delete_cached_value(related)
                    raise ValueError(
                        "bulk_create() prohibited to prevent data loss due to "
                        f"unsaved related object '{field.name}'."
                    )
                if getattr(obj, field.attname) in field.empty_values:
                    setattr(obj, field.name, related)
                if getattr(related, field.target_field.attname) != getattr(
                    obj, field.attname
                ):
                    field.delete_cached_value(obj)

    special = [(i, f) for i, f in enumerate(fields) if not _plain_pre_save(f)]
    names = [f.attname for f in fields]
    read = (
        attrgetter(*names) if len(names) > 1 else lambda obj: (getattr(obj, names[0]),)
    )

    def values(obj: Any) -> list[Any]:
        found = list(read(obj))
        for i, field in special:
            found[i] = field.pre_save(obj, True)
        return found

    return related_ready, values


def _plain_pre_save(field: models.Field) -> bool:
    """Whether the field's `pre_save` on a new row only reads the attribute."""
    pre_save = type(field).pre_save
    if pre_save is models.Field.pre_save:
        return True
    dated = (
        models.DateField.pre_save,
        models.DateTimeField.pre_save,
        models.TimeField.pre_save,
    )
    return pre_save in dated and not (field.auto_now or field.auto_now_add)


def _new_insert_plan(
    model: type[models.Model],
) -> tuple[list[models.Field], str, str, Callable[[list[Any]], list[Any]]]:
    fields = [f for f in model._meta.concrete_fields if f is not model._meta.pk]
    quote = connection.ops.quote_name
    insert = (
        f"INSERT INTO {quote(model._meta.db_table)} "
        f"({', '.join(quote(f.column) for f in fields)})"
    )
    row_sql = f"({', '.join(['%s'] * len(fields))})"
    prepared = [(i, p) for i, f in enumerate(fields) if (p := _preparer(f))]

    def prepare(values: list[Any]) -> list[Any]:
        for i, adapt in prepared:
            values[i] = adapt(values[i])
        return values

    return fields, insert, row_sql, prepare


def _preparer(model_field: models.Field) -> Callable[[Any], Any] | None:
    """How a value becomes a database parameter: as is for text, numbers and
    booleans; through the backend's adapters for dates, times, decimals and
    JSON (SQLite stores them as text), as the fields' get_db_prep_save would.
    Remembers the last value (a batch shares its timestamps), and holds on to
    it, so that no other object can take its id."""
    ops = connection.ops
    if isinstance(model_field, models.DateTimeField):
        adapt = ops.adapt_datetimefield_value
    elif isinstance(model_field, models.DateField):
        adapt = ops.adapt_datefield_value
    elif isinstance(model_field, models.DecimalField | models.JSONField):
        return lambda value: model_field.get_db_prep_save(value, connection)
    else:
        return None
    last: list[Any] = [object(), None]

    def prepare(value: Any) -> Any:
        if value is not last[0]:
            last[:] = [value, None if value is None else adapt(value)]
        return last[1]

    return prepare
