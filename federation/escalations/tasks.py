"""The time-based rule (unanswered for several SLA periods), checked in every akimat by beat through
ikomek.tasks.fan_out_to_tenants; the event-based rules run in the listener."""

from __future__ import annotations

import datetime
import logging

from celery import shared_task
from django.db import connection, transaction
from django.utils import timezone

from appeals.actions.regional_escalation import escalate_locked
from appeals.events import SYSTEM
from appeals.models import Appeal
from appeals.rules.calendar import ALMATY
from appeals.states import ACTIVE_STATUSES
from federation.escalations import rules
from federation.read_model_feed import category_parent

logger = logging.getLogger(__name__)

BATCH = 500  # per run; the next run goes on


def _candidates() -> list[int]:
    """Open appeals the monitor marked overdue that the region has never had."""
    return list(
        Appeal.objects.filter(
            status__in=ACTIVE_STATUSES,
            overdue_at__isnull=False,
            regional_escalation__isnull=True,
            category__isnull=False,
        )
        .order_by("deadline")
        .values_list("pk", flat=True)[:BATCH]
    )


def _escalate_if_due(pk: int, now: datetime.datetime) -> bool:
    with transaction.atomic():
        appeal = (
            Appeal.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("category")
            .filter(pk=pk, status__in=ACTIVE_STATUSES, regional_escalation__isnull=True)
            .first()
        )
        if appeal is None:
            return False
        rule = rules.rule_for(appeal.category, category_parent(appeal.category))
        threshold = rules.overdue_threshold(appeal, rule) if rule is not None else None
        if threshold is None or threshold > now:
            return False
        escalate_locked(
            SYSTEM,
            appeal,
            rule="overdue_multiple",
            reason=overdue_reason(rule.overdue_multiple, threshold),
            data={"rule_category": rule.category, "overdue_multiple": rule.overdue_multiple},
        )
        return True


def overdue_reason(multiple: int, since: datetime.datetime) -> str:
    """ "kk / ru", the moment in both halves: a screen shows one of them."""
    moment = f"{since.astimezone(ALMATY):%d.%m.%Y %H:%M}"
    return f"{multiple} мерзім өтті, жауап жоқ ({moment} бастап) / без ответа {multiple} срока (с {moment})"


def escalate_long_overdue(now: datetime.datetime | None = None) -> int:
    now = now or timezone.now()
    escalated = sum(_escalate_if_due(pk, now) for pk in _candidates())
    logger.info("escalation rules", extra={"schema": connection.schema_name, "escalated": escalated})
    return escalated


@shared_task(name="federation.escalations.escalate_long_overdue", ignore_result=True)
def escalate_long_overdue_task() -> int:
    """Runs in the schema it was sent into (tenant-schemas-celery)."""
    return escalate_long_overdue()
