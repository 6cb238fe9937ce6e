"""The sandbox akimat: where integrators test against the real API without anything reaching 112,
the region or another akimat (decision 79).

It is an ordinary tenant (own schema, catalogue copy, integrator client, host `sandbox.<base>`)
marked `Akimat.is_sandbox`. Its territory is the whole region, so any address an integrator may
send is accepted there and never proposed to a real akimat. Those who would send something out of
it ask `current_is_sandbox()`; the federation's outbox refuses whatever slips past them.
"""

from __future__ import annotations

from django.db import connection

from tenants.models import Akimat
from tenants.region_data import region_spec
from tenants.specs import TenantSpec

SANDBOX_SLUG = "sandbox"
# 59 (North Kazakhstan) + 90: a district-level code no real unit of the region has.
SANDBOX_KATO = "599000000"

# schema -> is it the sandbox (never changes after onboarding, so it is kept for the process)
_known: dict[str, bool] = {}


def sandbox_spec() -> TenantSpec:
    region = region_spec()
    return TenantSpec(
        slug=SANDBOX_SLUG,
        kato=SANDBOX_KATO,
        kind="city",
        name_kk="Құмсалғыш (интеграторлардың сынағы)",
        name_ru="Песочница (тесты интеграторов)",
        name_en="Sandbox (integrators' tests)",
        boundary=region.boundary,
        is_sandbox=True,
    )


def is_sandbox_schema(schema_name: str) -> bool:
    known = _known.get(schema_name)
    if known is None:
        known = Akimat.objects.filter(schema_name=schema_name, is_sandbox=True).exists()
        _known[schema_name] = known
    return known


def current_is_sandbox() -> bool:
    """Is the connection in the sandbox's schema? The tenant django-tenants set says so without a
    query; a schema entered by name (a Celery task, `schema_context`) is looked up once."""
    flag = getattr(getattr(connection, "tenant", None), "is_sandbox", None)
    if isinstance(flag, bool):
        return flag
    return is_sandbox_schema(connection.schema_name)


def forget_sandbox_flags() -> None:
    """Tests that create and drop tenants under the same schema name."""
    _known.clear()
