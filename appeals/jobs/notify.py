"""Notifications are rows of an outbox; delivery channels read them later: the console
(`appeals.jobs.inbox`) and e-mail (`appeals.jobs.mail`, asked to send once the row commits)."""

from __future__ import annotations

import logging
import threading
from typing import TypeVar

from celery import current_app
from django.db import connection, transaction

from accounts.roles import Role
from appeals.models import Appeal, Notification, NotificationKind, ResponsiblePerson
from appeals.rules.calendar import ALMATY

logger = logging.getLogger(__name__)
T = TypeVar("T")

# By name: the tasks module imports the monitor, which imports this.
MAIL_TASK = "appeals.tasks.deliver_notifications"


def _publish(headers: dict[str, str]) -> None:
    try:
        current_app.send_task(MAIL_TASK, headers=headers)
    except Exception:
        logger.warning("notifications: could not queue the e-mail task; the sweep sends", exc_info=True)


def _send_mail() -> None:
    """Ask a worker to e-mail the new notices of this schema. Never raises, and never holds the
    request: the publish runs aside, as a broker that stalls without refusing (a frozen Redis, a
    partition) held an operator's saved appeal for 30 s; beat's sweep sends what was not queued
    within a minute or so."""
    headers = {"_schema_name": connection.schema_name}  # what tenant-schemas-celery stamps
    threading.Thread(target=_publish, args=(headers,), name="notify-mail", daemon=True).start()


def _mailed(written: T) -> T:
    """The notices just written go out by e-mail once they commit (at once outside a transaction)."""
    transaction.on_commit(_send_mail)
    return written


def _when(appeal: Appeal) -> str:
    return appeal.deadline.astimezone(ALMATY).strftime("%d.%m.%Y %H:%M") if appeal.deadline else "—"


def _head(appeal: Appeal) -> ResponsiblePerson | None:
    if appeal.organisation_id is None:
        return None
    return ResponsiblePerson.objects.filter(organisation_id=appeal.organisation_id, is_head=True).first()


def notify_assigned(appeal: Appeal) -> Notification:
    return _mailed(
        Notification.objects.create(
            kind=NotificationKind.ASSIGNED,
            appeal=appeal,
            organisation_id=appeal.organisation_id,
            person_id=appeal.assignee_id,
            text_kk=f"Жаңа өтініш №{appeal.number}, мерзімі {_when(appeal)}",
            text_ru=f"Новое обращение №{appeal.number}, срок {_when(appeal)}",
        )
    )


def notify_warning(appeal: Appeal) -> Notification:
    return _mailed(
        Notification.objects.create(
            kind=NotificationKind.SLA_WARNING,
            appeal=appeal,
            organisation_id=appeal.organisation_id,
            person_id=appeal.assignee_id,
            text_kk=f"№{appeal.number} өтініштің мерзімі {_when(appeal)} аяқталады",
            text_ru=f"Срок обращения №{appeal.number} истекает {_when(appeal)}",
        )
    )


def notify_overdue(appeal: Appeal) -> list[Notification]:
    """The organisation hears it is late; the supervisor of the 109 line gets the escalation."""
    rows = []
    if appeal.organisation_id is not None:
        rows.append(
            Notification(
                kind=NotificationKind.OVERDUE,
                appeal=appeal,
                organisation_id=appeal.organisation_id,
                person=appeal.assignee or _head(appeal),
                text_kk=f"№{appeal.number} өтініштің мерзімі өтті ({_when(appeal)})",
                text_ru=f"Обращение №{appeal.number} просрочено (срок {_when(appeal)})",
            )
        )
    rows.append(
        Notification(
            kind=NotificationKind.ESCALATION,
            appeal=appeal,
            organisation_id=appeal.organisation_id,
            recipient_role=Role.SUPERVISOR.value,
            text_kk=f"Мерзімі өткен өтініш №{appeal.number} ({_when(appeal)}): бақылауға алыңыз",
            text_ru=f"Просрочено обращение №{appeal.number} (срок {_when(appeal)}): возьмите на контроль",
        )
    )
    return _mailed(Notification.objects.bulk_create(rows))
