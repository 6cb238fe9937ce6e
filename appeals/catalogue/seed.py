"""Seeding catalogues into a tenant: only what is missing is created, so onboarding can run again
and an akimat's own later edits (an SLA changed on its settings pages) are never overwritten."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.db import transaction

from appeals.catalogue.fixtures import (
    OrganisationRow,
    read_calendar_exceptions,
    read_categories,
    read_organisations,
)
from appeals.models import CalendarException, Category, Organisation, ResponsiblePerson, RoutingRule

if TYPE_CHECKING:
    from tenants.models import Akimat


def ensure_organisations(rows: list[OrganisationRow], names: dict[str, str]) -> tuple[int, int]:
    """(organisations created, people created)."""
    made = people = 0
    for row in rows:
        organisation, created = Organisation.objects.get_or_create(
            code=row.code,
            defaults={
                "kind": row.kind,
                "name_kk": row.name_kk.format(**names),
                "name_ru": row.name_ru.format(**names),
                "phone": row.phone,
                "email": row.email,
                "address": row.address,
            },
        )
        made += created
        people += ensure_people(organisation, row.people)
    return made, people


def ensure_people(organisation: Organisation, people: list[dict]) -> int:
    """The organisation's responsible people by full name; returns how many were created."""
    made = 0
    for person in people:
        _, created = ResponsiblePerson.objects.get_or_create(
            organisation=organisation,
            full_name=person["full_name"],
            defaults={
                "position": person.get("position", ""),
                "phone": person.get("phone", ""),
                "email": person.get("email", ""),
                "is_head": person.get("is_head", False),
            },
        )
        made += created
    return made


def ensure_categories() -> tuple[int, int]:
    """(categories created, default routes created)."""
    made = routes = 0
    by_code: dict[str, Category] = {c.code: c for c in Category.objects.all()}
    for row in read_categories():
        category = by_code.get(row.code)
        if category is None:
            category = Category.objects.create(
                code=row.code,
                parent=by_code.get(row.parent),
                name_kk=row.name_kk,
                name_ru=row.name_ru,
                sort_order=row.sort_order,
                is_housing_utilities=row.housing_utilities,
                sla_calendar=row.sla_calendar,
                sla_hours=row.sla_hours,
                warn_before_hours=row.warn_before_hours,
                default_priority=row.priority,
                is_emergency=row.emergency,
                services_112=row.services_112,
                repeat_radius_m=row.repeat_radius_m,
                repeat_window_hours=row.repeat_window_hours,
                keywords=row.keywords,
            )
            by_code[row.code] = category
            made += 1
        if row.route_to and not RoutingRule.objects.filter(category=category, area__isnull=True).exists():
            organisation = Organisation.objects.get(code=row.route_to)
            RoutingRule.objects.create(category=category, organisation=organisation)
            routes += 1
    return made, routes


def ensure_calendar_exceptions() -> int:
    made = 0
    for day, kind, note in read_calendar_exceptions():
        _, created = CalendarException.objects.get_or_create(
            date=datetime.date.fromisoformat(day), defaults={"kind": kind, "note": note}
        )
        made += created
    return made


def seed_base_catalogue(tenant: Akimat) -> str | None:
    """Tenant initializer (runs in the tenant's schema during onboarding)."""
    with transaction.atomic():
        organisations, people = ensure_organisations(
            read_organisations(), {"kk": tenant.name_kk, "ru": tenant.name_ru}
        )
        categories, routes = ensure_categories()
        exceptions = ensure_calendar_exceptions()
    counts = {
        "categories": categories,
        "organisations": organisations,
        "people": people,
        "routes": routes,
        "calendar exceptions": exceptions,
    }
    made = [f"{count} {what}" for what, count in counts.items() if count]
    return ", ".join(made) if made else None
