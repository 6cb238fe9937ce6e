"""The telephone exchange's shared secret for caller ID (`POST /telephony/incoming-call`).

Only its SHA-256 and its last 4 characters are stored; the secret is shown once, when it is made.
Rotating adds a new secret and keeps the old ones valid until a person revokes them, so the
exchange can be switched over without losing calls.
"""

from __future__ import annotations

import secrets

from django.db import transaction
from django.utils import timezone

from accounts.principal import Principal
from appeals.actions.telephony import set_exchange_secret
from appeals.catalogue.changes import record_change, require_manager
from appeals.errors import not_found
from appeals.models import ChangeAction, ChangeSubject, ExchangeCredential

MASK = "•" * 8


def masked(credential: ExchangeCredential) -> str:
    return f"{MASK}{credential.hint}" if credential.hint else MASK


def _state(credential: ExchangeCredential) -> dict[str, object]:
    # Never the secret nor its hash: the log shows which secret, not what it is.
    return {"label": credential.label, "secret": masked(credential), "is_active": credential.is_active}


def rotate_exchange_secret(actor: Principal) -> tuple[ExchangeCredential, str]:
    """(the new credential, the secret to give the exchange: shown once)."""
    require_manager(actor)
    secret = secrets.token_urlsafe(32)
    # Almaty's clock, as the page's "made" column beside it shows.
    label = f"exchange-{timezone.localtime():%Y%m%d-%H%M%S}-{secrets.token_hex(2)}"
    with transaction.atomic():
        credential = set_exchange_secret(label, secret)
        record_change(
            actor,
            ChangeSubject.EXCHANGE_SECRET,
            ChangeAction.CREATED,
            label,
            credential.pk,
            {},
            _state(credential),
        )
    return credential, secret


def revoke_exchange_secret(actor: Principal, credential_id: int) -> ExchangeCredential:
    require_manager(actor)
    with transaction.atomic():
        credential = ExchangeCredential.objects.select_for_update().filter(pk=credential_id).first()
        if credential is None:
            raise not_found("АТС құпиясы / Секрет АТС", credential_id, "credential")
        before = _state(credential)
        credential.is_active = False
        credential.save(update_fields=["is_active"])
        record_change(
            actor,
            ChangeSubject.EXCHANGE_SECRET,
            ChangeAction.UPDATED,
            credential.label,
            credential.pk,
            before,
            _state(credential),
        )
    return credential
