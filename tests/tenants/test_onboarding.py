"""Onboarding: schema, domain and initializers in one transaction; idempotent; clear refusals."""

from __future__ import annotations

import pytest
from django.contrib.gis.geos import MultiPolygon, Polygon
from django.core.management import CommandError, call_command
from django.db import connection
from django_tenants.utils import schema_exists

from tenants import lifecycle
from tenants.models import Akimat, Domain
from tenants.onboarding import onboard_tenant, set_tenant_active
from tenants.specs import TenantSpec
from tenants.validation import TenantValidationError


def new_spec(slug: str = "new-district", kato: str = "599900000", **overrides: object) -> TenantSpec:
    square = Polygon(((69.0, 54.0), (69.1, 54.0), (69.1, 54.1), (69.0, 54.1), (69.0, 54.0)), srid=4326)
    values = {
        "slug": slug,
        "kato": kato,
        "kind": "district",
        "name_kk": "Жаңа ауданы",
        "name_ru": "Новый район",
        "name_en": "New District",
        "boundary": MultiPolygon(square, srid=4326),
    } | overrides
    return TenantSpec(**values)


def tables_in(schema: str) -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = %s", [schema])
        return {row[0] for row in cursor.fetchall()}


@pytest.fixture
def initializer_calls() -> list[str]:
    """A real registered initializer (the extension point apps use) that records each call."""
    calls: list[str] = []

    def record(tenant: Akimat) -> str:
        calls.append(connection.schema_name)
        return "recorded"

    lifecycle.register_initializer("test-recorder", record)
    yield calls
    lifecycle.unregister("test-recorder")


def test_onboarding_creates_schema_domain_and_runs_initializers_in_the_tenant(tenants, initializer_calls):
    result = onboard_tenant(new_spec())

    assert result.created
    tenant = Akimat.objects.get(slug="new-district")
    assert tenant.schema_name == "new_district"
    assert schema_exists("new_district")
    # Cloned from the template: every tenant table is there.
    assert tables_in("new_district") == tables_in("tenant_template")
    assert "django_migrations" in tables_in("new_district")
    assert Domain.objects.filter(tenant=tenant, domain="new-district.localhost", is_primary=True).exists()
    assert initializer_calls == ["new_district"]
    assert "test-recorder: recorded" in result.changes


def test_onboarding_twice_changes_nothing(tenants, initializer_calls):
    onboard_tenant(new_spec())
    counts = (Akimat.objects.count(), Domain.objects.count())

    again = onboard_tenant(new_spec())

    assert not again.created
    # The recorder reports on every run; nothing else may change.
    assert again.changes == ["test-recorder: recorded"]
    assert (Akimat.objects.count(), Domain.objects.count()) == counts


def test_rerun_with_new_names_updates_them(tenants):
    onboard_tenant(new_spec())
    result = onboard_tenant(new_spec(name_ru="Новое название"))
    assert result.changes == ["updated name_ru"]
    assert Akimat.objects.get(slug="new-district").name_ru == "Новое название"


def test_failure_half_way_leaves_nothing_behind(onboarded, django_db_blocker):
    """Committed for real (no test transaction around it): the failure must undo schema, row and domain."""

    def explode(tenant: Akimat) -> str:
        with connection.cursor() as cursor:
            cursor.execute("CREATE TABLE half_made (id int)")
        raise RuntimeError("catalogue service down")

    lifecycle.register_initializer("test-explode", explode)
    try:
        with django_db_blocker.unblock():
            with pytest.raises(RuntimeError, match="catalogue service down"):
                onboard_tenant(new_spec(slug="half-made", kato="599800000"))
            connection.set_schema_to_public()
            assert not Akimat.objects.filter(slug="half-made").exists()
            assert not Domain.objects.filter(domain="half-made.localhost").exists()
            assert not schema_exists("half_made")
            # Re-running after the cause is fixed works from a clean slate.
            lifecycle.unregister("test-explode")
            result = onboard_tenant(new_spec(slug="half-made", kato="599800000"))
            assert result.created and schema_exists("half_made")
    finally:
        lifecycle.unregister("test-explode")
        with django_db_blocker.unblock():
            connection.set_schema_to_public()
            Domain.objects.filter(domain="half-made.localhost").delete()
            Akimat.objects.filter(slug="half-made").delete()
            with connection.cursor() as cursor:
                cursor.execute("DROP SCHEMA IF EXISTS half_made CASCADE")


@pytest.mark.parametrize(
    ("overrides", "field", "code"),
    [
        ({"slug": "Bad Slug"}, "slug", "invalid"),
        ({"slug": "www"}, "slug", "reserved"),
        ({"slug": "tenant-template"}, "slug", "reserved"),
        ({"kato": "59120000"}, "kato", "invalid"),
        ({"kato": "711000000"}, "kato", "outside_region"),
        ({"kato": "593212345"}, "kato", "not_district_level"),
        ({"kind": "village"}, "kind", "invalid"),
        ({"name_ru": "  "}, "name_ru", "required"),
    ],
)
def test_bad_input_is_refused_with_field_and_code(tenants, overrides, field, code):
    with pytest.raises(TenantValidationError) as caught:
        onboard_tenant(new_spec(**overrides))
    assert (field, code) in {(p.field, p.code) for p in caught.value.problems}
    assert not Akimat.objects.filter(slug=overrides.get("slug", "new-district")).exists()


def test_invalid_boundary_is_refused(tenants):
    bowtie = Polygon(((69.0, 54.0), (69.1, 54.1), (69.1, 54.0), (69.0, 54.1), (69.0, 54.0)), srid=4326)
    with pytest.raises(TenantValidationError) as caught:
        onboard_tenant(new_spec(boundary=bowtie))
    assert caught.value.problems[0].field == "boundary"
    assert "not a valid polygon" in caught.value.problems[0].message


def test_duplicate_kato_is_refused(tenants):
    with pytest.raises(TenantValidationError) as caught:
        onboard_tenant(new_spec(kato=tenants["esil"].kato))
    problem = caught.value.problems[0]
    assert (problem.field, problem.code) == ("kato", "duplicate")
    assert "esil" in problem.message


def test_existing_slug_with_another_kato_is_refused(tenants):
    with pytest.raises(TenantValidationError) as caught:
        onboard_tenant(new_spec(slug="esil", kato="599700000"))
    assert (caught.value.problems[0].field, caught.value.problems[0].code) == ("slug", "duplicate")


def test_command_reports_a_bad_kato_clearly(tenants, tmp_path):
    boundary = tmp_path / "boundary.geojson"
    boundary.write_text(new_spec().boundary.geojson)
    with pytest.raises(CommandError, match="KATO code '12' must be exactly 9 digits"):
        call_command(
            "onboard_tenant",
            "x-district",
            kato="12",
            kind="district",
            name_kk="a",
            name_ru="b",
            boundary=boundary,
        )


def test_command_onboards_from_shipped_data_and_is_idempotent(tenants, capsys):
    call_command("onboard_tenant", "taiynsha")
    call_command("onboard_tenant", "taiynsha")
    out = capsys.readouterr().out
    assert "taiynsha: onboarded" in out
    assert "taiynsha: already onboarded" in out
    assert Akimat.objects.get(slug="taiynsha").kato == "596000000"


def test_deactivation_runs_deactivators_and_region_cannot_be_deactivated(tenants):
    seen: list[str] = []
    lifecycle.register_deactivator("test-deactivator", lambda tenant: seen.append(tenant.slug) or "off")
    try:
        # Apps' own deactivators (e.g. accounts' Keycloak step) report too.
        changes = set_tenant_active("esil", False)
        assert changes[0] == "deactivated" and "test-deactivator: off" in changes
        assert set_tenant_active("esil", False) == []
        assert seen == ["esil"]
        with pytest.raises(TenantValidationError, match="region"):
            set_tenant_active("region", False)
    finally:
        lifecycle.unregister("test-deactivator")
        # The database rolls back, Keycloak does not: esil's client is enabled again for later tests.
        set_tenant_active("esil", True)
