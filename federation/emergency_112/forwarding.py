"""The 109 side of forwarding: an appeal's `forward_112` event becomes a requestForService message.

`on_appeal_event` is registered with `appeals.events.register_listener`; it runs inside the
transaction that wrote the event (in the akimat's schema), so the outbox message to the region
commits with the forward or not at all. The document is built and validated here, before it
leaves: a document that cannot be built refuses the forward with a typed error instead. In the
sandbox akimat it is built and validated the same way, then dropped: nothing of the sandbox
reaches 112 (decision 79).
"""

from __future__ import annotations

import html
import re
import uuid

from django.db import connection

from appeals.emergency.actions import Trigger
from appeals.errors import AppealError
from appeals.models import Appeal, AppealEvent, EventKind
from appeals.models import Priority as AppealPriority
from appeals.rules.text import has_kazakh_letters
from federation.emergency_112.documents import (
    CallerInput,
    IncidentInput,
    LocationInput,
    Priority,
    SourceAgencyInput,
    build_request_for_service,
)
from federation.emergency_112.validation import REQUEST_FOR_SERVICE_SCHEMA, DocumentInvalid, schema_document
from federation.messaging.errors import FederationError
from federation.messaging.outbox import region, send
from tenants.models import Domain
from tenants.sandbox import current_is_sandbox

INCIDENT_KIND = "emergency_112.incident"

PRIORITY = {
    AppealPriority.CRITICAL: Priority.HIGHEST,
    AppealPriority.HIGH: Priority.HIGH,
    AppealPriority.NORMAL: Priority.NORMAL,
    AppealPriority.LOW: Priority.LOW,
}
# A point picked on the operator's map, not a device fix: the circle says "about here".
MAP_POINT_ACCURACY_M = 50.0
NO_ADDRESS = "Мекенжай айтылмады / Адрес не назван"
NO_NAME = "Аты айтылмады / Имя не названо"
NO_CATEGORY = ("Төтенше жағдай", "Экстренный случай")
AGENT_ID = re.compile(r"[^A-Za-z0-9._-]+")
# EIDO notes are escaped HTML of at most 4000 characters (the schema's limit).
NOTES_LIMIT = 4000
CUT = " […]"


def fit_notes(text: str, limit: int = NOTES_LIMIT) -> str:
    """The notes, shortened at the end when their escaped form would exceed the limit.

    A long description must never stop an emergency: 112 gets the beginning and a mark that it
    was cut (the full text stays in the appeal).
    """

    def size(value: str) -> int:
        return len(html.escape(value).replace("\n", "<br>"))

    if size(text) <= limit:
        return text
    keep = len(text)
    while keep > 0 and size(text[:keep] + CUT) > limit:
        keep -= max(1, (size(text[:keep] + CUT) - limit) // 6)
    return text[:keep].rstrip() + CUT


def incident_ordering_key(number: int | str) -> str:
    """Versions of one appeal's incident reach the region in the order the 109 line sent them."""
    return f"emergency112:{number}"


def on_appeal_event(appeal: Appeal, event: AppealEvent) -> None:
    """Send the document for a forward the operator (or an emergency category) made."""
    if event.kind != EventKind.TRANSITION or event.transition != "forward_112":
        return
    data = event.data or {}
    if data.get("trigger") not in Trigger.SENDS_DOCUMENT:
        return
    try:
        document = build_request_for_service(incident_input(appeal, event))
        if current_is_sandbox():
            return  # built and validated as a real one, then dropped: 112 never gets it (decision 79)
        send(
            INCIDENT_KIND,
            document,
            target=region(),
            ordering_key=incident_ordering_key(appeal.number),
            checked_against=schema_document(REQUEST_FOR_SERVICE_SCHEMA),  # the builder validated it
        )
    except DocumentInvalid as error:
        raise AppealError.of(
            None, "emergency_document_invalid", f"112 құжаты құрылмады / документ для 112 не собран: {error}"
        ) from None
    except FederationError as error:
        raise AppealError.of(
            None,
            "emergency_not_sent",
            f"112-ге жіберілмеді / не отправлено в 112: {error.message}",  # noqa: RUF001
        ) from None


def _sender() -> tuple[Domain, str]:
    """The akimat this schema belongs to, with the host name that identifies its 109 line (agency id)."""
    domain = (
        Domain.objects.select_related("tenant")
        .filter(tenant__schema_name=connection.schema_name, is_primary=True)
        .first()
    )
    if domain is None:
        raise AppealError.of(None, "no_agency", f"{connection.schema_name!r} has no primary domain")
    return domain, domain.domain.lower()


def caller_language(appeal: Appeal) -> str:
    """The language the operator recorded; else a guess from the description's letters."""
    if appeal.applicant_language:
        return appeal.applicant_language
    return "kk" if has_kazakh_letters(appeal.description) else "ru"


def incident_input(appeal: Appeal, event: AppealEvent) -> IncidentInput:
    """The requestForService input for an appeal, from the forward event (services, note, operator)."""
    domain, agency_id = _sender()
    akimat = domain.tenant
    data = event.data or {}
    operator = data.get("operator") or {"subject": event.actor_subject, "name": event.actor_name}
    category = appeal.category
    language = caller_language(appeal)
    location = appeal.location
    notes = appeal.description.strip()
    if event.comment.strip():
        notes = f"{notes}\n\n109: {event.comment.strip()}"
    return IncidentInput(
        appeal_number=str(appeal.number),
        agency_id=agency_id,
        tenant_schema=akimat.schema_name,
        akimat_kato=akimat.kato,
        services=tuple(data["services"]),
        priority=PRIORITY.get(appeal.priority, Priority.HIGH),
        created=appeal.received_at,
        category_kk=category.name_kk if category else NO_CATEGORY[0],
        category_ru=category.name_ru if category else NO_CATEGORY[1],
        category_code=category.code if category else "",
        location=LocationInput(
            address_text=appeal.address.strip() or NO_ADDRESS,
            language=language,
            latitude=location.y if location else None,
            longitude=location.x if location else None,
            accuracy_m=MAP_POINT_ACCURACY_M if location else None,
            map_object_id=appeal.object_key,
        ),
        caller=CallerInput(
            name=appeal.applicant_name.strip() or NO_NAME, phone=appeal.applicant_phone, language=language
        ),
        source=SourceAgencyInput(
            name_kk=akimat.name_kk,
            name_ru=akimat.name_ru,
            operator_name=str(operator.get("name") or "109"),
            operator_id=AGENT_ID.sub("-", str(operator.get("subject") or "109"))[:100] or "109",
        ),
        notes=fit_notes(notes),
        message_id=str(uuid.uuid4()),
    )
