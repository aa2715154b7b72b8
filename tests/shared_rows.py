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

    @pytest.fixture(scope="module", name=build.__name__)
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
    return fixture
