"""The database health check (decision 91): a persistent connection is checked before the first query
of each request or task without a round trip, and one the server has closed is still replaced."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from django.db import connection, connections

from tenants.postgresql_backend.base import DatabaseWrapper, is_idle_and_open

pytestmark = pytest.mark.django_db


@pytest.fixture
def side() -> Iterator[DatabaseWrapper]:
    """A second connection, as a web worker holds one between requests."""
    wrapper = connections.create_connection("default")
    wrapper.ensure_connection()
    yield wrapper
    wrapper.close()


def last_statement_of(pid: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT query FROM pg_stat_activity WHERE pid = %s", [pid])
        return cursor.fetchone()[0]


def backend_pid(wrapper: DatabaseWrapper) -> int:
    with wrapper.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid() /* health-check-test */")
        return cursor.fetchone()[0]


def test_the_project_runs_its_own_backend():
    assert isinstance(connections["default"], DatabaseWrapper)
    assert connection.settings_dict["CONN_HEALTH_CHECKS"] is True


def test_a_healthy_connection_is_checked_without_asking_the_server(side):
    pid = backend_pid(side)
    held = side.connection
    side.health_check_done = False  # what Django does when a request or a task starts

    side.close_if_health_check_failed()

    assert side.connection is held
    assert side.health_check_done
    # Django's own check would have left "SELECT 1" as this backend's last statement.
    assert "health-check-test" in last_statement_of(pid)


def test_a_connection_the_server_closed_is_replaced_before_it_is_used(side):
    pid = backend_pid(side)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
        assert cursor.fetchone()[0] is True
    deadline = time.monotonic() + 10
    while is_idle_and_open(side.connection) and time.monotonic() < deadline:
        time.sleep(0.01)  # the server's goodbye reaches the socket a moment later
    side.health_check_done = False

    side.close_if_health_check_failed()

    assert side.connection is None
    assert backend_pid(side) != pid  # a new connection, and it answers


def test_a_closed_connection_object_is_not_taken_for_open(side):
    raw = side.connection
    raw.close()
    assert not is_idle_and_open(raw)
