from tests.khoi.conftest import client_for, world  # noqa: F401  (the shared access-test world)
