"""Managing an akimat's webhooks: an integrator makes, rotates and deletes its own; a supervisor
sees and deletes any of the akimat's (an integrator gone quiet, a contract ended).

Every change reaches the feed of every process within a second (active.py), and a secret is
returned only by the call that makes it.
"""

from __future__ import annotations

import datetime
import secrets

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.permissions import Operation, can, refusal
from accounts.principal import Principal
from accounts.roles import Role
from integrations import active
from integrations.endpoints import checked_url
from integrations.errors import WebhookError
from integrations.models import EventType, Webhook

SECRET_PREFIX = "whsec_"  # noqa: S105  (a prefix that tells what the value is, not a secret)


def new_secret() -> str:
    return SECRET_PREFIX + secrets.token_urlsafe(32)


def _require(principal: Principal) -> None:
    if not can(principal, Operation.WEBHOOK_MANAGE):
        raise WebhookError(None, "forbidden", refusal(principal, Operation.WEBHOOK_MANAGE))


def _sees_all(principal: Principal) -> bool:
    return principal.has_role(Role.SUPERVISOR)


def webhooks_of(principal: Principal) -> QuerySet[Webhook]:
    """The webhooks the principal manages: its own (an integrator), all of them (a supervisor)."""
    _require(principal)
    webhooks = Webhook.objects.order_by("id")
    return webhooks if _sees_all(principal) else webhooks.filter(client_id=principal.username)


def _event_types(values: list[str]) -> list[str]:
    chosen = sorted({str(value) for value in values})
    known = set(EventType.values)
    if not chosen or not set(chosen) <= known:
        raise WebhookError(
            "eventTypes",
            "invalid_event_types",
            _("Choose one or more of: {types}."),
            types=", ".join(sorted(known)),
        )
    return chosen


def create_webhook(principal: Principal, *, url: str, event_types: list[str]) -> tuple[Webhook, str]:
    """A webhook of the calling integrator; returns it with its secret (shown this once)."""
    _require(principal)
    if not principal.has_role(Role.INTEGRATOR):
        raise WebhookError(None, "integrators_only", _("Only an integrator's own client makes its webhooks."))
    url, types = checked_url(url), _event_types(event_types)
    owned = Webhook.objects.filter(client_id=principal.username)
    limit = int(settings.WEBHOOK_MAX_PER_CLIENT)
    if owned.count() >= limit:
        raise WebhookError(
            None, "too_many_webhooks", _("A client has at most {limit} webhooks."), limit=limit
        )
    if owned.filter(url=url).exists():
        raise WebhookError("url", "duplicate_url", _("This client already has a webhook at this address."))
    secret = new_secret()
    with transaction.atomic():
        webhook = Webhook.objects.create(
            client_id=principal.username,
            url=url,
            event_types=types,
            secret=secret,
            created_by=principal.username,
        )
        active.changed()
    return webhook, secret


def _own(principal: Principal, webhook_id: int) -> Webhook:
    webhook = webhooks_of(principal).select_for_update().filter(pk=webhook_id).first()
    if webhook is None:
        raise WebhookError("id", "not_found", _("No webhook {id} here."), id=webhook_id)
    return webhook


def rotate_secret(
    principal: Principal, webhook_id: int, *, overlap: datetime.timedelta | None = None
) -> tuple[Webhook, str]:
    """A new secret at once; the old one still signs, beside it, until the overlap ends."""
    overlap = (
        overlap if overlap is not None else datetime.timedelta(hours=settings.WEBHOOK_ROTATION_OVERLAP_HOURS)
    )
    if not datetime.timedelta(0) <= overlap <= datetime.timedelta(days=7):
        raise WebhookError("overlapHours", "invalid_overlap", _("The overlap is 0 to 168 hours."))
    secret = new_secret()
    now = timezone.now()
    with transaction.atomic():
        webhook = _own(principal, webhook_id)
        webhook.previous_secret, webhook.previous_secret_until = webhook.secret, now + overlap
        webhook.secret, webhook.rotated_at = secret, now
        webhook.save(update_fields=["secret", "previous_secret", "previous_secret_until", "rotated_at"])
    return webhook, secret


def delete_webhook(principal: Principal, webhook_id: int) -> None:
    """Gone at once: what is still queued for it is acknowledged without a call (delivery.py)."""
    with transaction.atomic():
        _own(principal, webhook_id).delete()
        active.changed()
