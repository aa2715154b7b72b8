"""Shared fixtures for the whole test suite."""

from pathlib import Path

import pytest
from django.db import connection

REPO = Path(__file__).resolve().parent.parent
SEEDS_DIR = REPO / "seeds"
FIXTURES_DIR = Path(__file__).resolve().parent / "fixtures"


def pytest_collection_modifyitems(config, items):
    from django.conf import settings

    engine = settings.DATABASES["default"]["ENGINE"]
    if "postgresql" in engine:
        return
    skip = pytest.mark.skip(reason="needs PostgreSQL (set DATABASE_URL)")
    for item in items:
        if "requires_postgres" in item.keywords:
            item.add_marker(skip)


@pytest.fixture
def seeds_dir() -> Path:
    return SEEDS_DIR


@pytest.fixture
def is_postgres() -> bool:
    return connection.vendor == "postgresql"
