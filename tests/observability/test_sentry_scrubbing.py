"""Error reports reach Sentry tagged with the tenant and without applicants' personal data.

The Sentry server is an outside party: a real HTTP receiver on loopback takes the envelopes.
"""

from __future__ import annotations

import json

import pytest
import sentry_sdk
from django.db import connection

from observability.sentry import init_sentry, redact_text
from testkit.http_receiver import start_receiver

PHONE = "+7 701 234 56 78"
PHONE_DIGITS = "7012345678"
IIN = "880412300157"


@pytest.fixture
def sentry_receiver():
    receiver = start_receiver()
    init_sentry(dsn=f"http://publickey@127.0.0.1:{receiver.server.server_address[1]}/42", environment="test")
    yield receiver
    sentry_sdk.init(dsn=None)
    receiver.close()


def envelope_items(body: bytes) -> list[dict]:
    items = []
    for line in body.splitlines():
        try:
            items.append(json.loads(line))
        except ValueError:
            continue
    return items


def test_exception_report_carries_tenant_and_no_phone_or_iin(tenants, sentry_receiver):
    connection.set_tenant(tenants["kyzylzhar"])
    applicant = {"name": "Айгерим Сапарова", "phone": PHONE, "iin": IIN}  # noqa: F841 - a local in the frame
    description = f"Нет горячей воды, звоните {PHONE} или 8(701)2345678, ИИН {IIN}"
    try:
        raise ValueError(f"intake failed for {description}")
    except ValueError:
        sentry_sdk.capture_exception()
    sentry_sdk.flush(timeout=5)

    assert sentry_receiver.requests, "no envelope reached the receiver"
    raw = b"".join(request.body for request in sentry_receiver.requests).decode()
    for notation in (PHONE, PHONE_DIGITS, "2345678", "234 56 78", IIN):
        assert notation not in raw, f"{notation!r} left the platform"
    assert "Сапарова" not in raw
    events = [item for item in envelope_items(raw.encode()) if "exception" in item]
    assert events and events[0]["tags"]["tenant"] == "kyzylzhar"
    assert "[redacted]" in json.dumps(events[0], ensure_ascii=False)


def test_message_report_is_scrubbed_too(tenants, sentry_receiver):
    connection.set_tenant(tenants["esil"])
    sentry_sdk.capture_message(f"callback to {PHONE} failed")
    sentry_sdk.flush(timeout=5)
    raw = b"".join(request.body for request in sentry_receiver.requests).decode()
    assert "234 56 78" not in raw
    assert '"tenant": "esil"' in raw or '"tenant":"esil"' in raw


@pytest.mark.parametrize(
    "text",
    ["+77012345678", "8 (701) 234-56-78", "+7 701 234 56 78", "87012345678", IIN],
)
def test_redact_text_catches_common_notations(text):
    assert redact_text(f"номер {text}.") == "номер [redacted]."


def test_redact_text_leaves_ordinary_numbers(text="Appeal 2026-000123 at 14:05, house 12"):
    assert redact_text(text) == text
