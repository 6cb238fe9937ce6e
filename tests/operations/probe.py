"""What a deployment holds of one akimat, as JSON-able data: its appeals, events and attachment files (the
bytes' SHA-256, read back through storage), and the region's facts and figures for it. Run in the test's
own process, or in another deployment's: `manage.py shell -c "from tests.operations.probe import main; ..."`."""

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
    facts = [
        [f.number, f.version, f.status, f.category, f.received_at.isoformat()]
        for f in AppealFact.objects.filter(schema=schema).order_by("number")
    ]
    return {
        "appeals": appeals,
        "events": events,
        "files": files,
        "figures": dataclasses.asdict(figures),
        "facts": facts,
    }


def main(schema: str) -> None:
    print(json.dumps(holdings(schema), ensure_ascii=False))  # noqa: T201 (read by the test)
