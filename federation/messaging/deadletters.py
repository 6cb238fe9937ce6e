"""Dead letters: messages that could not be delivered, kept with their error until someone replays them."""

from __future__ import annotations

import getpass
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from accounts.permissions import Operation, require
from accounts.principal import Principal, service_principal
from accounts.roles import Role
from federation.messaging.kicks import kick
from federation.messaging.models import DeliveredVia, EventKind, Message, MessageEvent, MessageState


def dead_letters(
    *, kind: str | None = None, source: str | None = None, target: str | None = None
) -> QuerySet[Message]:
    """Dead messages, newest first, optionally narrowed by kind, source or target schema."""
    messages = Message.objects.filter(state=MessageState.DEAD)
    if kind:
        messages = messages.filter(kind=kind)
    if source:
        messages = messages.filter(source_schema=source)
    if target:
        messages = messages.filter(target_schema=target)
    return messages.order_by("-dead_at")


@dataclass
class ReplayResult:
    replayed: list[uuid.UUID] = field(default_factory=list)
    refused: dict[uuid.UUID, str] = field(default_factory=dict)


def replay(message_ids: Iterable[uuid.UUID | str], *, actor: Principal, reason: str = "") -> ReplayResult:
    """Send dead messages again from a fresh attempt budget. Only dead ones: the rest is refused, with why.

    A replayed message keeps its id, so a receiver that somehow applied it already records a
    duplicate; a replayed status update older than one applied since is recorded as stale.
    """
    require(actor, Operation.FEDERATION_ADMIN)
    ids = []
    result = ReplayResult()
    for raw in message_ids:
        try:
            ids.append(uuid.UUID(str(raw)))
        except ValueError:
            result.refused[raw] = "not a message id"
    who = actor.username or actor.subject
    with transaction.atomic():
        found = {m.pk: m for m in Message.objects.select_for_update().filter(pk__in=ids)}
        now = timezone.now()
        for message_id in ids:
            message = found.get(message_id)
            if message is None:
                result.refused[message_id] = "no such message"
                continue
            if message.state != MessageState.DEAD:
                result.refused[message_id] = f"not dead (state: {message.state})"
                continue
            message.state = MessageState.PENDING
            message.attempts = 0
            message.replays += 1
            message.next_attempt_at = now
            message.dead_at = None
            message.save(update_fields=["state", "attempts", "replays", "next_attempt_at", "dead_at"])
            MessageEvent.objects.create(
                message=message, event=EventKind.REPLAYED, actor=who[:200], error=reason[:2000]
            )
            transaction.on_commit(
                lambda pk=message.pk, kind=message.kind: kick(pk, DeliveredVia.REPLAY, kind=kind), robust=True
            )
            result.replayed.append(message_id)
    return result


def operator_principal(username: str | None = None) -> Principal:
    """Whoever runs manage.py on a server already holds the database: they act as platform admin."""
    name = username or getpass.getuser()
    return service_principal(f"manage.py:{name}", name, issuer="local", roles={Role.PLATFORM_ADMIN})
