import pytest
from django.db import transaction
from django.test import Client

from tests.world import build_world


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """The access-test world, built once per module and rolled back after it."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield build_world()
        transaction.set_rollback(True)


@pytest.fixture
def client_for(world):
    """A logged-in test client for a role of the world ("anon" → not logged in)."""

    def make(role: str, **kwargs) -> Client:
        client = Client(**kwargs)
        if role != "anon":
            client.force_login(world.users[role])
        return client

    return make
