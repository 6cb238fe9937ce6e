"""The e-mail channel of notifications: every notice goes out once through Django's mail backend.

Who gets what follows `appeals.jobs.notify`: an organisation's notice goes to its person (the
assignee, else the organisation's head), or to the organisation's own address when the person
has none; a role's notice (the escalation) to everyone of this akimat with that role who signed in
with an e-mail. A person whose console language is known reads it in that language; the others
(an organisation's people have none on record) get both, Kazakh first.
"""

from __future__ import annotations

import datetime
import logging
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.core.mail.backends.base import BaseEmailBackend
from django.db import connection, transaction
from django.utils import timezone

from accounts.roles import Role
from accounts.staff import with_role
from appeals.models import Notification, ResponsiblePerson

logger = logging.getLogger(__name__)

# Notices sent per run; the next run (kicked, or beat's sweep) continues.
BATCH = 100


@dataclass(frozen=True)
class Recipient:
    address: str
    language: str = ""  # kk, ru, or "": both


def recipients(notice: Notification) -> list[Recipient]:
    if notice.recipient_role:
        try:
            role = Role(notice.recipient_role)
        except ValueError:
            return []
        return [Recipient(person.email, person.language) for person in with_role(role)]
    if notice.organisation_id is None:
        return []
    head = ResponsiblePerson.objects.filter(
        organisation_id=notice.organisation_id, is_head=True, is_active=True
    ).first()
    for candidate in (notice.person, head, notice.organisation):
        address = getattr(candidate, "email", "") if candidate is not None else ""
        if address:
            return [Recipient(address)]
    return []


def console_link(path: str) -> str:
    """The address of a console page on this akimat's host, for a reader outside the browser."""
    port = settings.IKOMEK_PUBLIC_PORT
    default = {"http": 80, "https": 443}[settings.IKOMEK_PUBLIC_SCHEME]
    suffix = "" if not port or int(port) == default else f":{port}"
    host = f"{connection.tenant.slug}.{settings.BASE_DOMAIN}"
    return f"{settings.IKOMEK_PUBLIC_SCHEME}://{host}{suffix}{path}"


def _half(bilingual: str, language: str) -> str:
    halves = bilingual.split(" / ")
    if len(halves) != 2 or not language:
        return bilingual
    return halves[0] if language == "kk" else halves[1]


def message(notice: Notification, recipient: Recipient) -> EmailMessage:
    tenant = connection.tenant
    akimat = {"kk": tenant.name_kk, "ru": tenant.name_ru}.get(recipient.language) or tenant.name_ru
    texts = {"kk": notice.text_kk, "ru": notice.text_ru}
    body = texts[recipient.language] if recipient.language else f"{notice.text_kk}\n\n{notice.text_ru}"
    # Executors open their own page of the appeal; the supervisor the akimat-wide one.
    path = f"/console/appeals/{notice.appeal.number}/"
    if not notice.recipient_role:
        path = f"/console/executor/appeals/{notice.appeal.number}/"
    return EmailMessage(
        subject=f"109 · {akimat}: {_half(notice.get_kind_display(), recipient.language)}",
        body=f"{body}\n\n{console_link(path)}\n",
        to=[recipient.address],
    )


def deliver(pk: int, mail: object, now: datetime.datetime) -> bool:
    """Send one notice to its recipients and stamp it delivered (also when nobody has an address).

    The row stays locked while the backend sends: a concurrent run skips it instead of sending it
    twice, and a send that fails rolls back and leaves it for the next run.
    """
    with transaction.atomic():
        notice = (
            Notification.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("appeal", "organisation", "person")
            .filter(pk=pk, delivered_at__isnull=True)
            .first()
        )
        if notice is None:
            return False
        messages = [message(notice, recipient) for recipient in recipients(notice)]
        if messages:
            mail.send_messages(messages)
        notice.delivered_at = now
        notice.save(update_fields=["delivered_at"])
    return True


class _OpenedWhenNeeded:
    """The run's one mail connection, opened at its first message: notices nobody has an address
    for send nothing, and a connection opened for nothing is an empty file of the file backend."""

    def __init__(self) -> None:
        self._connection: BaseEmailBackend | None = None

    def send_messages(self, messages: list[EmailMessage]) -> int:
        if self._connection is None:
            self._connection = get_connection(fail_silently=False)
            self._connection.open()
        return self._connection.send_messages(messages) or 0

    def __enter__(self) -> _OpenedWhenNeeded:
        return self

    def __exit__(self, *_exc: object) -> None:
        if self._connection is not None:
            self._connection.close()


def deliver_pending(limit: int = BATCH) -> int:
    """Send what no e-mail has carried yet, oldest first; stops at the first failing send."""
    pending = list(
        Notification.objects.filter(delivered_at__isnull=True)
        .order_by("created_at", "id")
        .values_list("pk", flat=True)[:limit]
    )
    if not pending:
        return 0
    sent = 0
    mail = _OpenedWhenNeeded()
    try:
        with mail:
            for pk in pending:
                sent += deliver(pk, mail, timezone.now())
    except Exception:
        # The mail server is down or refused: what is left waits for the next run.
        logger.warning("notification e-mail failed", extra={"schema": connection.schema_name}, exc_info=True)
    logger.info("notifications e-mailed", extra={"schema": connection.schema_name, "sent": sent})
    return sent
