"""Caller ID: the telephone exchange reports an incoming call; the console shows the caller's
earlier appeals at once."""

from __future__ import annotations

import hashlib
import hmac

from django.db import IntegrityError, transaction

from appeals.models import ExchangeCredential, IncomingCall
from appeals.rules.applicants import normalise_phone

# The longest text each of the exchange's fields may be (the columns'): longer is refused, never cut.
EXCHANGE_TEXT_LIMITS = {"caller": 32, "callId": 100, "line": 40}


def secret_digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def secret_hint(secret: str) -> str:
    """The last 4 characters: enough to tell secrets apart on a screen, useless to an attacker."""
    return secret[-4:] if len(secret) >= 16 else ""


def exchange_secret_matches(secret: str) -> bool:
    """Constant-time comparison against every active credential of this akimat."""
    if not secret:
        return False
    digest = secret_digest(secret)
    matched = False
    for stored in ExchangeCredential.objects.filter(is_active=True).values_list("secret_sha256", flat=True):
        matched |= hmac.compare_digest(stored, digest)
    return matched


def set_exchange_secret(label: str, secret: str) -> ExchangeCredential:
    credential, _ = ExchangeCredential.objects.update_or_create(
        label=label,
        defaults={"secret_sha256": secret_digest(secret), "hint": secret_hint(secret), "is_active": True},
    )
    return credential


def record_incoming_call(
    phone: str, *, exchange_call_id: str = "", line: str = ""
) -> tuple[IncomingCall, bool]:
    """(call, created). The exchange may retry: the same call id is recorded once.

    A number that cannot be read (withheld, malformed) is still recorded as sent: nothing is lost.
    Texts longer than `EXCHANGE_TEXT_LIMITS` are the caller's to refuse (the HTTP view does).
    """
    e164, problem = normalise_phone(phone)
    values = {
        "phone": e164 if problem is None else (phone or ""),
        "phone_valid": problem is None,
        "line": line or "",
    }
    if not exchange_call_id:
        return IncomingCall.objects.create(**values), True
    try:
        with transaction.atomic():
            return IncomingCall.objects.create(exchange_call_id=exchange_call_id, **values), True
    except IntegrityError:
        return IncomingCall.objects.get(exchange_call_id=exchange_call_id), False
