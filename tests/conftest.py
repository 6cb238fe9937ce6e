"""Suite-wide fixtures: real tenants onboarded once per session in the real test database, work inside
Petropavlovsk, real commits for the 112 register, and an outbox left empty after every module."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.db import connection
from django_tenants.utils import get_public_schema_name, tenant_context

from accounts.account_status import accounts
from appeals.catalogue.cache import forget_categories
from appeals.rules.calendar import forget_tenant_calendar
from federation.messaging import endpoints
from tenants import host_map
from tenants.models import Akimat
from tenants.onboarding import ensure_region, onboard_tenant
from tenants.region_data import region_spec, tenant_spec
from testkit.emergency_factories import truncate_emergency_tables
from testkit.parallel import worker_environment

# A test marked `slow` must start a process, and one that starts a process must be marked (a test
# whose marker disagrees fails).
pytest_plugins = ["testkit.slow_marker"]


def pytest_xdist_setupnodes(config: pytest.Config, specs: list) -> None:
    """Each pytest-xdist process starts with services of its own (testkit/parallel.py): execnet sets
    a spec's `env` in the new process before pytest, and so Django, starts there."""
    for spec in specs:
        spec.env.update(worker_environment(spec.id))


# Real akimats of the region, onboarded once for the whole run (committed).
SESSION_TENANTS = ("petropavlovsk", "kyzylzhar", "esil")


@pytest.fixture(scope="session")
def django_db_setup(
    django_test_environment: None,
    django_db_blocker: pytest.FixtureRequest,
    django_db_modify_db_settings: None,
) -> Iterator[None]:
    """The test database, always (named `test_<name>_gwN` in pytest-xdist's process N).

    pytest-django creates it only when a selected test asks for `db`; tests that use only the
    session's committed tenants (worker tests) would otherwise run against the real database.
    """
    from django.test.utils import setup_databases, teardown_databases

    with django_db_blocker.unblock():
        config = setup_databases(verbosity=0, interactive=False, aliases={"default"})
    yield
    with django_db_blocker.unblock():
        _end_other_sessions()
        teardown_databases(config, verbosity=0)


def _end_other_sessions() -> None:
    """The run owns its test database: sessions another context of this process left open (the
    browser tests' Playwright greenlet gets connections of its own) are ended, or DROP DATABASE
    refuses."""
    from django.db import connections

    connections.close_all()
    name = connections["default"].settings_dict["NAME"]
    with connections["default"]._nodb_cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            " WHERE datname = %s AND pid <> pg_backend_pid()",
            [name],
        )


@pytest.fixture(scope="session")
def onboarded(django_db_setup: None, django_db_blocker: pytest.FixtureRequest) -> dict[str, Akimat]:
    with django_db_blocker.unblock():
        ensure_region(region_spec())
        tenants = {slug: onboard_tenant(tenant_spec(slug)).tenant for slug in SESSION_TENANTS}
        connection.set_schema_to_public()
    return tenants


@pytest.fixture
def tenants(onboarded: dict[str, Akimat], db: None) -> dict[str, Akimat]:
    """The session's tenants, inside the test's rolled-back transaction."""
    return onboarded


@pytest.fixture
def petropavlovsk(tenants: dict[str, Akimat]) -> Iterator[Akimat]:
    """Run the test inside Petropavlovsk's schema (the test transaction still rolls it back), with the
    catalogue caches of this process empty as in a fresh process (a rolled-back test may have filled
    them with rows that no longer exist)."""
    forget_categories()
    forget_tenant_calendar()
    with tenant_context(tenants["petropavlovsk"]):
        yield tenants["petropavlovsk"]


@pytest.fixture
def committed_112(onboarded: dict[str, Akimat], django_db_blocker: pytest.FixtureRequest) -> Iterator[None]:
    """Real commits (for worker processes and concurrent connections) with the 112 register and the
    outbox empty before and after the test."""
    with django_db_blocker.unblock():
        connection.set_schema_to_public()
        truncate_emergency_tables()
        yield
        connection.set_schema_to_public()
        truncate_emergency_tables()


@pytest.fixture(scope="module", autouse=True)
def _leave_no_messages_behind(django_db_blocker: pytest.FixtureRequest) -> Iterator[None]:
    """Tests that commit leave real messages (and their kicks in the broker): every module hands the
    next one, and its workers, an empty outbox. The ordering counters are kept (receivers remember
    the last sequence of each key for the whole run)."""
    yield
    if not connection.settings_dict["NAME"].startswith("test_"):
        return  # no test of this module used the test database
    from federation.messaging.kicks import forget_all_marks
    from ikomek.celery import app

    with django_db_blocker.unblock():
        connection.set_schema_to_public()
        with connection.cursor() as cursor:
            cursor.execute("SELECT EXISTS (SELECT 1 FROM public.federation_message)")
            if not cursor.fetchone()[0]:
                return
            cursor.execute("TRUNCATE public.federation_messageevent, public.federation_message")
        app.control.purge()
        forget_all_marks()  # no "drain queued" mark may outlive its purged task


@pytest.fixture(autouse=True)
def _fresh_context() -> Iterator[None]:
    """Each test starts in public with empty registry caches, whatever the previous one did (a rolled
    back registry change sends no signal, so a cache could outlive the test's data)."""
    host_map.clear()
    endpoints.clear()
    accounts().forget()
    yield
    host_map.clear()
    endpoints.clear()
    accounts().forget()
    if connection.schema_name != get_public_schema_name():
        connection.set_schema_to_public()
