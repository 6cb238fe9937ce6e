"""What a deployment holds of one akimat, as JSON-able data: its appeals, events and attachment files (the
bytes' SHA-256, read back through storage), and the region's facts and figures for it. Run in the test's
own process, or in another deployment's: `manage.py shell -c "from tests.operations.probe import ..."`."""

from __future__ import annotations

import dataclasses
import hashlib
import json

from django.core.files.storage import default_storage
from django.db import connection
from django_tenants.utils import schema_context

from appeals.models import Appeal, AppealEvent, Attachment
from regional import kpis
from regional.console import Figures
from regional.models import AppealFact


def holdings(schema: str) -> dict:
    connection.set_schema_to_public()
    with schema_context(schema):
        appeals = [
            [a.number, a.status, a.description, a.applicant_phone, a.received_at.isoformat()]
            for a in Appeal.objects.order_by("number")
        ]
        events = [
            [e.pk, e.appeal.number, e.kind, e.to_status, e.at.isoformat()]
            for e in AppealEvent.objects.select_related("appeal").order_by("pk")
        ]
        files = []
        for attachment in Attachment.objects.select_related("appeal").order_by("token"):
            with default_storage.open(attachment.file.name, "rb") as stream:
                content = hashlib.sha256(stream.read()).hexdigest()
            files.append([attachment.appeal.number, attachment.original_name, attachment.sha256, content])
    connection.set_schema_to_public()
    period = kpis.Period.of(None, None)
    figures = Figures.of(kpis.kpis_by_scope([schema], None, period)[schema])
    # Not `version`: a rebuild stamps a fact with the appeal's latest event, a live message with the
    # latest event that changed what the region keeps (decision 15); both order later messages right.
    fields = ("number", "status", "category", "received_at", "resolved_at", "closed_at", "deadline")
    facts = [
        [str(value) for value in row]
        for row in AppealFact.objects.filter(schema=schema)
        .order_by("number")
        .values_list(*fields, "overdue_at", "is_repeat")
    ]
    return {
        "appeals": appeals,
        "events": events,
        "files": files,
        "figures": dataclasses.asdict(figures),
        "facts": facts,
    }


def main(schema: str) -> None:
    print(json.dumps(holdings(schema), ensure_ascii=False))
