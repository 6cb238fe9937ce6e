"""Suite-wide fixtures: real tenants onboarded once per session in the real test database."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.db import connection
from django_tenants.utils import get_public_schema_name

from accounts.account_status import accounts
from federation.messaging import endpoints
from tenants import host_map
from tenants.models import Akimat
from tenants.onboarding import ensure_region, onboard_tenant
from tenants.region_data import region_spec, tenant_spec

# A test marked `slow` must start a process, and one that starts a process must be marked (a test
# whose marker disagrees fails).
pytest_plugins = ["testkit.slow_marker"]

# Real akimats of the region, onboarded once for the whole run (committed).
SESSION_TENANTS = ("petropavlovsk", "kyzylzhar", "esil")


@pytest.fixture(scope="session")
def django_db_setup(
    django_test_environment: None, django_db_blocker: pytest.FixtureRequest
) -> Iterator[None]:
    """The test database, always.

    pytest-django creates it only when a selected test asks for `db`; tests that use only the
    session's committed tenants (worker tests) would otherwise run against the real database.
    """
    from django.test.utils import setup_databases, teardown_databases

    with django_db_blocker.unblock():
        config = setup_databases(verbosity=0, interactive=False, aliases={"default"})
    yield
    with django_db_blocker.unblock():
        teardown_databases(config, verbosity=0)


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
