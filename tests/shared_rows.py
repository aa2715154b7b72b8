"""Rows that every test of a module reads, made once per module.

A function-scoped fixture that creates sixty events runs again for each of a
module's hundred parametrized cases. ``shared_rows`` makes such a fixture
module-scoped: its rows are written inside a transaction that stays open
until the module's last test and is then rolled back. Each test's own
``django_db`` transaction nests inside it as a savepoint, so whatever a test
writes (rows shared with the others included) is still undone after it.

Only for modules without ``django_db(transaction=True)`` tests: those flush
the database, which an open transaction forbids.
"""

from __future__ import annotations

import sys
from collections.abc import Callable

import pytest
from django.db import transaction


def shared_rows(build: Callable[[], object]):
    """Turn ``build`` (no arguments) into a module-scoped fixture of its name."""

    def fixture(django_db_setup, django_db_blocker):
        with django_db_blocker.unblock():
            outer = transaction.atomic()
            outer.__enter__()
            try:
                rows = build()
            except BaseException:
                outer.__exit__(*sys.exc_info())
                raise
        try:
            yield rows
        finally:
            with django_db_blocker.unblock():
                transaction.set_rollback(True)
                outer.__exit__(None, None, None)

    fixture.__doc__ = build.__doc__
    fixture.shared_rows = True  # read at collection, on the function pytest keeps
    return pytest.fixture(scope="module", name=build.__name__)(fixture)


def uses_shared_rows(item) -> bool:
    """Whether a collected test asks for a `shared_rows` fixture."""
    info = getattr(item, "_fixtureinfo", None)
    return info is not None and any(
        getattr(definition.func, "shared_rows", False)
        for definitions in info.name2fixturedefs.values()
        for definition in definitions
    )


def refuse_transactional_neighbours(items) -> None:
    """At collection: a module whose tests share rows may hold no
    ``django_db(transaction=True)`` test (its flush would meet the open
    transaction, or empty the shared rows for the tests after it)."""
    sharing = {item.module.__name__ for item in items if uses_shared_rows(item)}
    for item in items:
        marker = item.get_closest_marker("django_db")
        module = getattr(item, "module", None)
        if (
            module is not None
            and module.__name__ in sharing
            and marker is not None
            and marker.kwargs.get("transaction")
        ):
            raise pytest.UsageError(
                f"{item.nodeid}: a transactional test in a module whose tests"
                " share rows (tests/shared_rows.py); move it to a module of its own"
            )
