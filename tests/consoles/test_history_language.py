"""The appeal's history speaks the screen's language: what the platform itself writes in "kk / ru"
(a 112 alarm, a proposed transfer) shows the screen's half only."""

from __future__ import annotations

import pytest
from django_tenants.utils import tenant_context

from accounts.permissions import Operation
from appeals.events import SYSTEM, record_event
from appeals.models import EventKind
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
