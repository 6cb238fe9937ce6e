"""Appeals with known figures, made through the real actions (and the SLA monitor), for the
dashboard's tests. The akimat's earlier appeals are set aside first, inside the test's transaction,
so the figures are exactly these (browser tests commit appeals of their own)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db import connection
from django.utils import timezone

from appeals import actions
from appeals.jobs.monitor import sweep
from appeals.models import Appeal
from tests.appeals.conftest import EXECUTOR, OPERATOR, appeal_in, intake


def set_aside_earlier_appeals() -> None:
    """TRUNCATE is transactional in PostgreSQL: the test's rollback brings them back."""
    with connection.cursor() as cursor:
        cursor.execute(f'TRUNCATE "{connection.schema_name}".appeals_appeal CASCADE')


def _deadline(appeal: Appeal, when: datetime.datetime) -> None:
    # The SLA policy decides deadlines at intake; a test moves one to make it late or due soon.
    Appeal.objects.filter(pk=appeal.pk).update(deadline=when)


@dataclass
class Known:
    closed_on_time: Appeal
    done_late: Appeal
    overdue: Appeal
    due_soon: Appeal
    repeat: Appeal
    transferred: Appeal


def known_appeals(**where: object) -> Known:
    """Received 5 (the transferred one counts at the other akimat), 1 repeat, answered 2 (1 on time),
    closed 1, open 2 (1 overdue, 1 due within 24 h); all in the heating category. `where`: the
    intake's location (Petropavlovsk's centre by default; `location=None` elsewhere)."""
    now = timezone.now()
    closed = appeal_in("closed", **where)
    late = appeal_in("in_progress", **where)
    _deadline(late, now - datetime.timedelta(hours=1))
    actions.mark_done(EXECUTOR, late.number, resolution="Сделано после срока")
    overdue = appeal_in("assigned", **where)
    _deadline(overdue, now - datetime.timedelta(hours=2))
    sweep(now)  # the monitor marks it overdue (and opens its violation)
    due_soon = appeal_in("registered", **where)
    _deadline(due_soon, now + datetime.timedelta(hours=3))
    repeat = intake(description="Опять холодно", **where)
    actions.link_as_repeat(OPERATOR, repeat.number, original_number=overdue.number)
    transferred = appeal_in("transferred", **where)
    for appeal in (closed, late, overdue, due_soon, repeat, transferred):
        appeal.refresh_from_db()
    return Known(closed, late, overdue, due_soon, repeat, transferred)
