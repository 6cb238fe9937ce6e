"""Sentry: errors of web and worker, tagged with the tenant, with personal data removed before sending.

Applicants' phone numbers, names, IINs and the free text of appeals must never leave the platform.
Two layers: Sentry's own EventScrubber drops known sensitive keys (extended with ours), and
`scrub_event` redacts anything shaped like a phone number or IIN wherever it appears.
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
# Keys whose values are personal data in iKOMEK's models and payloads.
PERSONAL_KEYS = [
    "phone",
    "phone_number",
    "applicant",
    "applicant_name",
    "applicant_phone",
    "name",
    "full_name",
    "first_name",
    "last_name",
    "iin",
    "description",
    "text",
    "comment",
    "address",
    "email",
    "callback_number",
    "caller",
]
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


def redact_text(value: str) -> str:
    return PHONE_OR_IIN.sub(REDACTED, value)


# Sections describing the SDK and the machine: their "name" keys are not people.
TECHNICAL_SECTIONS = frozenset({"sdk", "contexts", "modules"})


def _scrub(value: Any, *, by_key: bool = True) -> Any:
    if isinstance(value, str):
        return redact_text(value)
    if isinstance(value, dict):
        return {
            key: (
                REDACTED
                if by_key and isinstance(key, str) and key.lower() in PERSONAL_KEYS
                else _scrub(item, by_key=by_key)
            )
            for key, item in value.items()
        }
    if isinstance(value, list | tuple):
        return [_scrub(item, by_key=by_key) for item in value]
    return value


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
        include_local_variables=True,
        event_scrubber=EventScrubber(
            denylist=DEFAULT_DENYLIST + PERSONAL_KEYS, pii_denylist=DEFAULT_PII_DENYLIST, recursive=True
        ),
        before_send=scrub_event,
        before_send_transaction=scrub_event,
        traces_sample_rate=traces_sample_rate,
    )
