"""Shared fixtures for the whole test suite."""

from pathlib import Path

import pytest
from django.db import connection

REPO = Path(__file__).resolve().parent.parent
SEEDS_DIR = REPO / "seeds"
FIXTURES_DIR = Path(__file__).resolve().parent / "fixtures"


def pytest_collection_modifyitems(config, items):
    from django.conf import settings

    from tests.shared_rows import refuse_transactional_neighbours

    for item in items:
        _require_serialized_rollback(item)
    refuse_transactional_neighbours(items)
    postgres = "postgresql" in settings.DATABASES["default"]["ENGINE"]
    unmet = "requires_sqlite" if postgres else "requires_postgres"
    skip = pytest.mark.skip(
        reason="needs SQLite (unset DATABASE_URL)"
        if postgres
        else "needs PostgreSQL (set DATABASE_URL)"
    )
    for item in items:
        if unmet in item.keywords:
            item.add_marker(skip)


def _require_serialized_rollback(item):
    """A transactional test must put the data-migration rows back.

    Without ``serialized_rollback`` its teardown flush re-runs post_migrate,
    which recreates content types and permissions under new ids; the next
    serialized test on that worker then fails restoring its copy of them
    (an IntegrityError that depends on test order).
    """
    marker = item.get_closest_marker("django_db")
    if marker is None or not marker.kwargs.get("transaction"):
        return
    if not marker.kwargs.get("serialized_rollback"):
        raise pytest.UsageError(
            f"{item.nodeid}: django_db(transaction=True) needs"
            " serialized_rollback=True as well (see tests/conftest.py)"
        )


@pytest.fixture(scope="session", autouse=True)
def fast_password_hashing():
    """Hash test passwords with MD5: PBKDF2's million rounds cost 0.4 s a user.

    Every factory user and every ``client.login`` hashes once, which made
    password hashing one of the suite's largest costs. Nothing here tests the
    hasher itself; the product keeps Django's default.
    """
    from django.test import override_settings

    with override_settings(
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]
    ):
        yield


@pytest.fixture
def seeds_dir() -> Path:
    return SEEDS_DIR


@pytest.fixture
def is_postgres() -> bool:
    return connection.vendor == "postgresql"
