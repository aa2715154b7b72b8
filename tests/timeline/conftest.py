"""Fixtures shared by the timeline tests."""

import pytest

from tests.factories import superuser


@pytest.fixture
def admin_client_(client):
    """The test client signed in as a superuser."""
    client.force_login(superuser())
    return client
