"""Plain builders for the 112 tests and bench (no fixtures): an incident input for a real tenant, and
emptying the 112 register between tests that commit."""

from __future__ import annotations

import uuid
from datetime import datetime

from django.db import connection

from federation.emergency_112.documents import (
    ALMATY,
    CallerInput,
    IncidentInput,
    LocationInput,
    Priority,
    SourceAgencyInput,
)
from tenants.models import Akimat

EMERGENCY_TABLES = (
    "emergency_112_incidentalarm",
    "emergency_112_receiveddocument",
    "emergency_112_incidentevent",
    "emergency_112_incident",
    "emergency_112_emergencycentre",
)


def truncate_emergency_tables() -> None:
    """Empty the 112 register and the outbox (for tests that commit), the broker's queue and the
    relay's "drain queued" marks (a mark outliving its purged task holds back kicks for its expiry).

    TRUNCATE fires no row triggers: the append-only rule on events stays intact for DELETE.
    Identities are not restarted and the ordering counters are kept: receivers remember the last
    sequence per key (`incident:<id>`, `alarm:<id>`), so a key must never start again from 1.
    """
    from federation.messaging.kicks import forget_all_marks
    from ikomek.celery import app

    with connection.cursor() as cursor:
        cursor.execute(
            f"TRUNCATE {', '.join(EMERGENCY_TABLES)}, federation_messageevent, federation_message CASCADE"
        )
    app.control.purge()
    forget_all_marks()


def make_input(tenant: Akimat, **overrides: object) -> IncidentInput:
    number = overrides.pop("appeal_number", f"T-{uuid.uuid4().hex[:10]}")
    values: dict[str, object] = {
        "appeal_number": number,
        "agency_id": f"{tenant.slug}.ikomek.kz",
        "tenant_schema": tenant.schema_name,
        "akimat_kato": tenant.kato,
        "services": ("101",),
        "priority": Priority.HIGH,
        "created": datetime(2026, 11, 26, 18, 30, tzinfo=ALMATY),
        "category_kk": "Өрт",
        "category_ru": "Пожар",
        "location": LocationInput(
            address_text="ул. Конституции Казахстана, 23",
            language="ru",
            latitude=54.8753,
            longitude=69.1629,
            accuracy_m=25.0,
            map_object_id="bld-7710",
            map_object_name="Жилой дом",
        ),
        "caller": CallerInput(name="Сауле Ахметова", phone="+77015556677", callback_number="", language="ru"),
        "source": SourceAgencyInput(
            name_kk=tenant.name_kk, name_ru=tenant.name_ru, operator_name="Айгерим Оператор", operator_id="42"
        ),
        "notes": "Түтін шығып жатыр / Дым из окна, 3 этаж",
    }
    values.update(overrides)
    return IncidentInput(**values)
