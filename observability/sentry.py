"""Sentry: errors of web and worker, tagged with the tenant, with personal data removed before sending.

Applicants' phone numbers, names, IINs, addresses and the free text of appeals, and any token,
secret or password, must never leave the platform. Reports keep the local variables of each frame
(they are what makes an error readable), so `scrub_event` removes, wherever they appear:
- values under a personal or secret name: a local variable, a dict key, a field (`applicant_*`,
  `phone`, `iin`, `name`, `address`, `description`, `comment`, `token`, `secret`, `password`, …,
  in snake_case or camelCase);
- any text holding the repr of one of our types that carry personal data (`AppealInput(…)`,
  `TransferredAppeal(…)`, `Principal(…)`, `<Appeal: …>` …), as a whole: a local holding an object
  is sent as its repr, where no name tells what is inside;
- anything shaped like a phone number or an IIN, in any remaining text.
Sentry's own EventScrubber runs first with the same names added to its deny list.
"""

from __future__ import annotations

import re
from typing import Any

import sentry_sdk
from sentry_sdk.integrations.celery import CeleryIntegration
from sentry_sdk.integrations.django import DjangoIntegration
from sentry_sdk.scrubber import DEFAULT_DENYLIST, DEFAULT_PII_DENYLIST, EventScrubber

from observability.context import current_schema

REDACTED = "[redacted]"
# Names whose values are personal data or secrets, whole (after camelCase became snake_case).
PERSONAL_KEYS = [
    "phone",
    "phone_number",
    "applicant",
    "applicant_name",
    "applicant_phone",
    "applicant_iin",
    "name",
    "full_name",
    "first_name",
    "last_name",
    "display_name",
    "username",
    "iin",
    "description",
    "text",
    "comment",
    "note",
    "rejection_note",
    "address",
    "email",
    "callback_number",
    "caller",
    # Whole messages and documents about appeals (federation payloads, EIDO documents, their bytes).
    "payload",
    "document",
    "body",
]
# A name containing one of these words is personal or secret too (`applicant_language`,
# `contact_phone`, `addressText`, `access_token`, `client_secret`, `admin_password`).
PERSONAL_WORDS = frozenset(
    {
        "applicant",
        "caller",
        "phone",
        "telephone",
        "iin",
        "address",
        "description",
        "comment",
        "email",
        "token",
        "secret",
        "password",
        "passwd",
    }
)
# Our types that carry personal data, by name (observability imports nothing of ours): dataclasses
# show as `Name(field=…)`, Django models as `<Name: str>`.
PERSONAL_DATACLASSES = (
    "AppealInput",
    "IntakeResult",
    "CallbackResult",
    "TransferredAppeal",
    "CarriedFile",
    "EmergencyUpdate",
    "AlarmUpdate",
    "IncidentInput",
    "CallerInput",
    "LocationInput",
    "Principal",
    "Envelope",
)
PERSONAL_MODELS = (
    "Appeal",
    "IncomingCall",
    "CallbackAttempt",
    "Attachment",
    "ResponsiblePerson",
    "Incident",
    "ReceivedDocument",
    "User",
    "OIDCIdentity",
    "StaffProfile",
)
PERSONAL_REPR = re.compile(
    r"\b(?:" + "|".join(PERSONAL_DATACLASSES) + r")\("
    r"|<(?:" + "|".join(PERSONAL_MODELS) + r")[:\s>]"
)
# Phone numbers in the notations Kazakh callers and operators use, and 12-digit IINs:
#   anything international (+7 701 234 56 78, +44 20 7946 0958),
#   national with trunk prefix (8 701 234 56 78, 8(701)2345678, 87012345678),
#   a bare 10-digit number starting with 7 (701 234 56 78, (7152) 46-11-09 written as 7152461109),
#   an IIN/BIN (880412300157).
PHONE_OR_IIN = re.compile(
    r"(?<![\w+])(?:"
    r"\+\d(?:[\s\-().]{0,2}\d){7,14}"
    r"|[78][\s\-(]{0,2}\d{3}[\s\-)]{0,2}\d{3}[\s\-]?\d{2}[\s\-]?\d{2}"
    r"|\(?7\d{2}\)?[\s\-]?\d{3}[\s\-]?\d{2}[\s\-]?\d{2}"
    r"|\d{12}"
    r")(?![\w])"
)
_CAMEL_HUMP = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")
_NOT_A_LETTER = re.compile(r"[^a-z0-9]+")

# Sections describing the SDK and the machine: their "name" keys are not people.
TECHNICAL_SECTIONS = frozenset({"sdk", "contexts", "modules"})
# Lines of our source code around a frame: they name our types but hold no data.
SOURCE_KEYS = frozenset({"context_line", "pre_context", "post_context"})


def redact_text(value: str) -> str:
    return PHONE_OR_IIN.sub(REDACTED, value)


def is_personal_name(key: str) -> bool:
    """Whether a variable, field or dict key of this name holds personal data or a secret."""
    snake = _CAMEL_HUMP.sub("_", key).lower().strip("_")
    if snake in PERSONAL_KEYS:
        return True
    return not PERSONAL_WORDS.isdisjoint(_NOT_A_LETTER.split(snake))


def _scrub_text(value: str) -> str:
    if PERSONAL_REPR.search(value):
        return REDACTED
    return redact_text(value)


def _scrub(value: Any, *, by_key: bool = True) -> Any:
    if isinstance(value, str):
        return _scrub_text(value)
    if isinstance(value, dict):
        return {key: _scrub_entry(key, item, by_key=by_key) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_scrub(item, by_key=by_key) for item in value]
    return value


def _scrub_entry(key: object, item: Any, *, by_key: bool) -> Any:
    if by_key and isinstance(key, str) and is_personal_name(key):
        return REDACTED
    if key in SOURCE_KEYS:
        # Source lines name our types (`data = AppealInput(`) without holding data: keep them.
        if isinstance(item, str):
            return redact_text(item)
        if isinstance(item, list):
            return [redact_text(line) if isinstance(line, str) else line for line in item]
    return _scrub(item, by_key=by_key)


def scrub_event(event: dict[str, Any], _hint: dict[str, Any] | None = None) -> dict[str, Any]:
    """Redact personal data anywhere in the event and tag it with the tenant's schema."""
    scrubbed = {
        section: _scrub(value, by_key=section not in TECHNICAL_SECTIONS) for section, value in event.items()
    }
    # The schema of the connection at capture time is the truth, in a request and in a task alike.
    tags = scrubbed.get("tags")
    scrubbed["tags"] = {**(tags if isinstance(tags, dict) else {}), "tenant": current_schema() or "unknown"}
    # Request bodies of appeal intake are personal data as a whole.
    request = scrubbed.get("request")
    if isinstance(request, dict) and "data" in request:
        request["data"] = REDACTED
    return scrubbed


def init_sentry(
    *, dsn: str, environment: str, release: str | None = None, traces_sample_rate: float = 0.0
) -> None:
    sentry_sdk.init(
        dsn=dsn,
        environment=environment,
        release=release,
        integrations=[DjangoIntegration(), CeleryIntegration()],
        # Kept for readable reports; scrub_event removes what is personal in them.
        include_local_variables=True,
        event_scrubber=EventScrubber(
            denylist=DEFAULT_DENYLIST + PERSONAL_KEYS, pii_denylist=DEFAULT_PII_DENYLIST, recursive=True
        ),
        before_send=scrub_event,
        before_send_transaction=scrub_event,
        traces_sample_rate=traces_sample_rate,
    )
