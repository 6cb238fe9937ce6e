"""Onboarding: one service that makes an akimat ready to serve, used by the command and the API.

All database work happens in one transaction (PostgreSQL DDL is transactional), so a failure at
any step leaves no row, schema or domain behind. Running it again on an onboarded tenant changes
nothing and says so.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field

from django.conf import settings
from django.db import connection, transaction
from django_tenants.utils import schema_exists, tenant_context

from tenants import lifecycle
from tenants.models import Akimat, AkimatKind, Domain
from tenants.specs import TenantSpec
from tenants.template_schema import (
    ensure_template_schema,
    refresh_catalog_statistics,
    template_schema_name,
)
from tenants.validation import (
    TenantValidationError,
    ValidationProblem,
    as_multipolygon,
    check_kato,
    check_kind,
    check_names,
    check_slug,
    schema_name_for,
)

logger = logging.getLogger(__name__)

# Boundaries that differ by less than this (degrees, ~1 cm) are the same boundary.
BOUNDARY_TOLERANCE = 1e-7


@dataclass
class OnboardingResult:
    tenant: Akimat
    created: bool
    changes: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def changed(self) -> bool:
        return bool(self.changes)


def tenant_domain(slug: str, base_domain: str | None = None) -> str:
    return f"{slug}.{base_domain or settings.BASE_DOMAIN}"


def validate_spec(spec: TenantSpec) -> None:
    problems = (
        check_slug(spec.slug)
        + check_kind(spec.kind)
        + check_kato(spec.kato, spec.kind)
        + check_names({"name_kk": spec.name_kk, "name_ru": spec.name_ru})
    )
    if schema_name_for(spec.slug) == template_schema_name():
        problems.append(ValidationProblem("slug", "reserved", f"slug {spec.slug!r} is reserved"))
    if problems:
        raise TenantValidationError(problems)


def _lock(key: str) -> None:
    """Serialise concurrent onboardings of the same slug until the transaction ends."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [f"onboard:{key}"])


def _check_duplicates(spec: TenantSpec, existing: Akimat | None) -> None:
    if existing is not None and existing.is_sandbox != spec.is_sandbox:
        # A real akimat's appeals never become test data, nor the reverse.
        raise TenantValidationError(
            [
                ValidationProblem(
                    "slug",
                    "duplicate",
                    f"slug {spec.slug!r} already belongs to "
                    + ("the sandbox" if existing.is_sandbox else "a real akimat"),
                )
            ]
        )
    if existing is not None and existing.kato != spec.kato:
        raise TenantValidationError(
            [
                ValidationProblem(
                    "slug",
                    "duplicate",
                    f"slug {spec.slug!r} already belongs to KATO {existing.kato} ({existing.name_ru})",
                )
            ]
        )
    holder = Akimat.objects.filter(kato=spec.kato).exclude(slug=spec.slug).first()
    if holder is not None:
        raise TenantValidationError(
            [
                ValidationProblem(
                    "kato",
                    "duplicate",
                    f"KATO {spec.kato} is already onboarded as {holder.slug!r} ({holder.name_ru})",
                )
            ]
        )


def _apply_registry_fields(tenant: Akimat, spec: TenantSpec, boundary: object) -> list[str]:
    """Bring names, kind and boundary up to the spec; return what changed."""
    changed = [
        name
        for name in ("kind", "name_kk", "name_ru", "name_en")
        if getattr(tenant, name) != getattr(spec, name)
    ]
    for name in changed:
        setattr(tenant, name, getattr(spec, name))
    if not tenant.boundary.equals_exact(boundary, BOUNDARY_TOLERANCE):
        tenant.boundary = boundary
        changed.append("boundary")
    if changed:
        tenant.save(update_fields=changed)
    return [f"updated {name}" for name in changed]


def _ensure_domain(tenant: Akimat, domain_name: str) -> list[str]:
    taken = Domain.objects.filter(domain=domain_name).exclude(tenant=tenant).first()
    if taken is not None:
        raise TenantValidationError(
            [
                ValidationProblem(
                    "slug", "duplicate", f"domain {domain_name} already serves {taken.tenant.slug!r}"
                )
            ]
        )
    _, created = Domain.objects.get_or_create(
        domain=domain_name, tenant=tenant, defaults={"is_primary": True}
    )
    return [f"domain {domain_name}"] if created else []


def onboard_tenant(spec: TenantSpec, *, base_domain: str | None = None) -> OnboardingResult:
    """Register the akimat, clone its schema, add its domain and run every registered initializer."""
    started = time.perf_counter()
    validate_spec(spec)
    boundary = as_multipolygon(spec.boundary)
    # Outside the transaction: a template brought up to date is useful even if this onboarding fails.
    ensure_template_schema()
    if not schema_exists(schema_name_for(spec.slug)):
        refresh_catalog_statistics()

    started_steps: list[str] = []
    try:
        tenant, created, changes = _onboard_in_transaction(spec, boundary, base_domain, started_steps)
    except BaseException:
        if started_steps:
            _undo(_unsaved(spec, boundary), started_steps)
        raise

    seconds = time.perf_counter() - started
    logger.info(
        "tenant onboarded",
        extra={
            "tenant": tenant.slug,
            "new_tenant": created,
            "changes": changes,
            "seconds": round(seconds, 3),
        },
    )
    return OnboardingResult(tenant=tenant, created=created, changes=changes, seconds=seconds)


def _onboard_in_transaction(
    spec: TenantSpec, boundary: object, base_domain: str | None, started_steps: list[str]
) -> tuple[Akimat, bool, list[str]]:
    """The database part of onboarding, all or nothing; `started_steps` records the initializers
    begun for a new akimat (an existing one keeps what its steps made if a re-run fails)."""
    with transaction.atomic():
        _lock(spec.slug)
        tenant = Akimat.objects.filter(slug=spec.slug).first()
        _check_duplicates(spec, tenant)
        created = tenant is None
        changes: list[str] = []
        if created:
            tenant = _unsaved(spec, boundary)
            tenant.save()
            changes.append("registered")
        else:
            changes += _apply_registry_fields(tenant, spec, boundary)

        if not schema_exists(tenant.schema_name):
            tenant.create_schema(check_if_exists=True, verbosity=0)
            changes.append(f"schema {tenant.schema_name}")
        changes += _ensure_domain(tenant, tenant_domain(spec.slug, base_domain))

        with tenant_context(tenant):
            for name, step in lifecycle.initializers():
                if created:
                    started_steps.append(name)  # before the step: it may fail half-way
                outcome = step(tenant)
                if outcome:
                    changes.append(f"{name}: {outcome}")
    return tenant, created, changes


def _unsaved(spec: TenantSpec, boundary: object) -> Akimat:
    """A new akimat's row (also what undo steps get after its row was rolled back)."""
    return Akimat(
        schema_name=schema_name_for(spec.slug),
        slug=spec.slug,
        kato=spec.kato,
        kind=spec.kind,
        name_kk=spec.name_kk,
        name_ru=spec.name_ru,
        name_en=spec.name_en,
        boundary=boundary,
        is_sandbox=spec.is_sandbox,
    )


def _undo(tenant: Akimat, started_steps: list[str]) -> None:
    """Remove what the failed onboarding of a new akimat made outside the database, last first.
    An undo that fails is logged, not raised: the onboarding's own error is the one to report."""
    for name in reversed(started_steps):
        undo = lifecycle.undoer(name)
        if undo is None:
            continue
        try:
            outcome = undo(tenant)
        except Exception:
            logger.exception("onboarding undo failed", extra={"tenant": tenant.slug, "step": name})
        else:
            logger.info("onboarding undone", extra={"tenant": tenant.slug, "step": name, "undone": outcome})


def ensure_region(spec: TenantSpec, *, base_domain: str | None = None) -> OnboardingResult:
    """The region is the public-schema row that routes the regional domain; it has no schema of its own."""
    started = time.perf_counter()
    boundary = as_multipolygon(spec.boundary)
    problems = check_kato(spec.kato, AkimatKind.REGION) + check_names(
        {"name_kk": spec.name_kk, "name_ru": spec.name_ru}
    )
    if problems:
        raise TenantValidationError(problems)
    domain_name = base_domain or settings.BASE_DOMAIN
    with transaction.atomic():
        _lock("region")
        region, created = Akimat.objects.get_or_create(
            schema_name=settings.PUBLIC_SCHEMA_NAME,
            defaults={
                "slug": spec.slug,
                "kato": spec.kato,
                "kind": AkimatKind.REGION,
                "name_kk": spec.name_kk,
                "name_ru": spec.name_ru,
                "name_en": spec.name_en,
                "boundary": boundary,
            },
        )
        changes = ["registered"] if created else []
        changes += _ensure_domain(region, domain_name)
    return OnboardingResult(
        tenant=region, created=created, changes=changes, seconds=time.perf_counter() - started
    )


def set_tenant_active(slug: str, active: bool) -> list[str]:
    """Deactivate (or reactivate) an akimat; deactivators disable what lives outside the database."""
    with transaction.atomic():
        tenant = Akimat.objects.select_for_update().get(slug=slug)
        if tenant.is_region:
            raise TenantValidationError(
                [ValidationProblem("slug", "region", "the region itself cannot be deactivated")]
            )
        if tenant.is_active == active:
            return []
        tenant.is_active = active
        tenant.save(update_fields=["is_active"])
    changes = ["activated" if active else "deactivated"]
    # After the commit: these reach outside the database. If one fails, the registry already says
    # what the akimat is, and `manage.py sync_keycloak <slug>` finishes the job.
    for name, step in lifecycle.deactivators() if not active else lifecycle.activators():
        outcome = step(tenant)
        if outcome:
            changes.append(f"{name}: {outcome}")
    return changes
