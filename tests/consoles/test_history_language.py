"""The appeal's history speaks the screen's language: what the platform itself writes in "kk / ru"
(a 112 alarm, a proposed transfer) shows the screen's half only."""

from __future__ import annotations

import datetime

import pytest
from django_tenants.utils import tenant_context

from accounts.permissions import Operation
from appeals.actions.regional_escalation import escalate_locked
from appeals.events import SYSTEM, record_event
from appeals.models import EventKind
from federation.escalations.tasks import overdue_reason
from testkit.identities import logged_in, user_with_roles
from tests.appeals.conftest import intake

ALARM = "№ 7: 112 67 с қабылдамады / 112 не принял за 67 с"


@pytest.mark.parametrize(
    ("language", "shown", "hidden"),
    [("kk", "67 с қабылдамады", "не принял"), ("ru", "112 не принял за 67 с", "қабылдамады")],
)
def test_a_112_alarm_in_the_history_shows_the_screens_half(tenants, language, shown, hidden):
    with tenant_context(tenants["petropavlovsk"]):
        appeal = intake()
        record_event(
            appeal, EventKind.EMERGENCY_ALARM, SYSTEM, operation=Operation.EMERGENCY_HANDLE, comment=ALARM
        )
        client = logged_in(user_with_roles(f"history-{language}", "operator"))
        client.cookies["django_language"] = language
        text = client.get(f"/console/appeals/{appeal.number}/").content.decode()
    history = text[text.index('class="history"') :]
    assert shown in history and hidden not in history


@pytest.mark.parametrize(
    ("language", "shown", "hidden"),
    [
        ("kk", "3 мерзім өтті, жауап жоқ (07.12.2026 15:49 бастап)", "без ответа"),
        ("ru", "без ответа 3 срока (с 07.12.2026 15:49)", "жауап жоқ"),
    ],
)
def test_a_rules_escalation_shows_the_screens_half_a_persons_as_typed(tenants, language, shown, hidden):
    since = datetime.datetime(2026, 12, 7, 10, 49, tzinfo=datetime.UTC)  # 15:49 in Almaty
    with tenant_context(tenants["petropavlovsk"]):
        by_rule, by_person = intake(), intake()
        escalate_locked(SYSTEM, by_rule, rule="overdue_multiple", reason=overdue_reason(3, since))
        typed = "Подрядчик / мердігер не отвечает"  # a person's text with a slash is theirs, whole
        escalate_locked(SYSTEM, by_person, rule="manual", reason=typed)
        client = logged_in(user_with_roles(f"escalation-{language}", "operator"))
        client.cookies["django_language"] = language
        rule_page = client.get(f"/console/appeals/{by_rule.number}/").content.decode()
        person_page = client.get(f"/console/appeals/{by_person.number}/").content.decode()
    history = rule_page[rule_page.index('class="history"') :]
    assert shown in history and hidden not in history
    assert typed in person_page[person_page.index('class="history"') :]
