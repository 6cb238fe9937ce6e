"""Escalation to the region: by the operator with a reason or by the region's rules per category; the
regional queue; the region's decisions back in the akimat's appeal history (a round trip of messages)."""

from __future__ import annotations

import datetime
import random

import pytest
from django.db import connection
from django.utils import timezone
from django_tenants.utils import tenant_context

from accounts.roles import Role
from appeals import actions
from appeals.errors import AppealError
from appeals.models import Appeal, EventKind
from federation.escalations.kinds import DECISION_KIND, ESCALATION_KIND
from federation.escalations.models import EscalationRule
from federation.escalations.rules import forget_rules
from federation.escalations.tasks import escalate_long_overdue
from federation.messaging.models import Message
from regional import escalations
from regional.errors import RegionalError
from regional.models import Escalation
from testkit.graphql import data_of, gql, refusal
from testkit.identities import executor_of, principal
from tests.regional.helpers import deliver_pending, regional_client
from tests.regional.test_read_model import OPERATOR, new_appeal

ADMIN = principal(Role.REGIONAL_ADMIN, name="r-admin", tenant=None)
VIEWER = principal(Role.REGIONAL_VIEWER, name="r-viewer", tenant=None)

DECIDE = """
mutation($id: Int!, $text: String!) {
  assignEscalationBack(input: {id: $id, instructions: $text}) {
    escalation { id state allowedDecisions entries { kind comment actorRole } }
    errors { field code message }
  }
}
"""


@pytest.fixture(autouse=True)
def _fresh_rules():
    forget_rules()
    yield
    forget_rules()


def test_manual_escalation_round_trip(committed_akimats):
    west = committed_akimats["regional-west"]
    with tenant_context(west):
        appeal = new_appeal(west.slug, random.Random(1), category="heating")
        actions.register_appeal(OPERATOR, appeal.number, assign=True)
        actions.escalate_to_region(
            OPERATOR, appeal.number, reason="Подрядчик не выходит на связь, тел. +7 705 123 45 67"
        )
    deliver_pending()

    queued = Escalation.objects.get(schema=west.schema_name, appeal_number=appeal.number)
    assert (queued.state, queued.cause, queued.escalated_by, queued.category) == (
        "open",
        "manual",
        "operator",
        "heating",
    )
    assert (
        "+7 705" not in queued.reason and "Подрядчик не выходит на связь" in queued.reason
    )  # no phone leaves
    assert [e.kind for e in queued.entries.all()] == ["escalated"]

    # Regional staff decide through the regional API; each decision comes back to the appeal's history.
    admin = regional_client("escalation-admin", "regional_admin")
    accepted = gql(
        admin,
        'mutation($id: Int!) { acceptEscalation(input: {id: $id, comment: "Берём"}) '
        "{ escalation { state } errors { code } } }",
        {"id": queued.pk},
    )
    assert data_of(accepted)["acceptEscalation"] == {"escalation": {"state": "ACCEPTED"}, "errors": []}
    back = data_of(gql(admin, DECIDE, {"id": queued.pk, "text": "Заменить подрядчика до пятницы"}))[
        "assignEscalationBack"
    ]
    assert back["escalation"]["state"] == "ASSIGNED_BACK"
    assert back["escalation"]["allowedDecisions"] == []
    assert [(e["kind"], e["actorRole"]) for e in back["escalation"]["entries"]] == [
        ("escalated", "operator"),
        ("accept", "regional_admin"),
        ("assign_back", "regional_admin"),
    ]
    deliver_pending()
    with tenant_context(west):
        appeal.refresh_from_db()
        assert appeal.regional_escalation == "assigned_back"
        history = list(
            appeal.events.filter(
                kind__in=[EventKind.REGIONAL_ESCALATION, EventKind.REGIONAL_DECISION]
            ).order_by("id")
        )
        assert [(e.kind, e.data.get("decision"), e.actor_role) for e in history] == [
            ("regional_escalation", None, "operator"),
            ("regional_decision", "accept", "regional_admin"),
            ("regional_decision", "assign_back", "regional_admin"),
        ]
        assert (
            history[-1].comment == "Заменить подрядчика до пятницы"
            and history[-1].actor_name == "Escalation-Admin"
        )

        # Still not done: the operator escalates again; the same queue entry opens again.
        actions.escalate_to_region(OPERATOR, appeal.number, reason="Поручение не выполнено")
    deliver_pending()
    queued.refresh_from_db()
    assert queued.state == "open" and [e.kind for e in queued.entries.all()][-1] == "escalated_again"
    escalations.resolve(ADMIN, queued.pk, "Область заменила подрядчика")
    deliver_pending()
    with tenant_context(west):
        appeal.refresh_from_db()
        assert appeal.regional_escalation == "resolved"
        assert appeal.events.filter(kind=EventKind.REGIONAL_DECISION, data__decision="resolve").exists()
    connection.set_schema_to_public()
    assert not Message.objects.filter(kind__in=[ESCALATION_KIND, DECISION_KIND], state="dead").exists()


def test_decisions_follow_the_queue_states_and_need_their_text(tenants):
    escalation = escalations.receive_escalation(
        "esil",
        {
            "number": 424242,
            "version": 1,
            "rule": "manual",
            "reason": "x",
            "actor_role": "operator",
            "at": timezone.now().isoformat(),
            "category": "roads",
        },
    )
    for decision, text, field, code in (
        ("assign_back", " ", "comment", "required"),
        ("resolve", "", "comment", "required"),
        ("approve", "x", "decision", "invalid"),
    ):
        with pytest.raises(RegionalError) as caught:
            escalations.decide(ADMIN, escalation.pk, decision, text)
        assert [(p.field, p.code) for p in caught.value.problems] == [(field, code)]
    with pytest.raises(RegionalError) as caught:
        escalations.decide(VIEWER, escalation.pk, "accept")
    assert [p.code for p in caught.value.problems] == ["forbidden"]
    escalations.resolve(ADMIN, escalation.pk, "Решено")
    with pytest.raises(RegionalError) as caught:
        escalations.accept(ADMIN, escalation.pk)
    assert caught.value.problems[0].code == "invalid_transition"
    with pytest.raises(RegionalError) as caught:
        escalations.accept(ADMIN, 10**9)
    assert caught.value.problems[0].code == "not_found"
    message = Message.objects.get(kind=DECISION_KIND, payload__escalation=escalation.pk)
    assert (message.target_schema, message.payload["decision"]) == ("esil", "resolve")


def test_a_viewer_sees_the_queue_but_cannot_decide(tenants):
    escalation = escalations.receive_escalation(
        "esil",
        {
            "number": 434343,
            "version": 1,
            "rule": "manual",
            "reason": "x",
            "actor_role": "operator",
            "at": timezone.now().isoformat(),
            "category": "",
        },
    )
    viewer = regional_client("queue-viewer", "regional_viewer")
    listed = gql(viewer, "{ escalations(first: 50) { edges { node { id appealNumber state } } } }")
    assert {"id": escalation.pk, "appealNumber": 434343, "state": "OPEN"} in [
        e["node"] for e in data_of(listed)["escalations"]["edges"]
    ]
    refusal(gql(viewer, DECIDE, {"id": escalation.pk, "text": "x"}), "forbidden")


def test_a_manual_escalation_needs_a_reason_and_is_not_sent_twice(tenants):
    with tenant_context(tenants["esil"]):
        appeal = new_appeal_in(tenants["esil"])
        with pytest.raises(AppealError) as caught:
            actions.escalate_to_region(OPERATOR, appeal.number, reason=" ")
        assert (caught.value.problems[0].field, caught.value.problems[0].code) == ("reason", "required")
        actions.escalate_to_region(OPERATOR, appeal.number, reason="Нужна помощь области")
        with pytest.raises(AppealError) as caught:
            actions.escalate_to_region(OPERATOR, appeal.number, reason="Ещё раз")
        assert caught.value.problems[0].code == "already_escalated"
        with pytest.raises(AppealError) as caught:
            actions.escalate_to_region(principal(Role.EXECUTOR, name="x"), appeal.number, reason="x")
        assert caught.value.problems[0].code == "forbidden"
    (sent,) = Message.objects.filter(
        kind=ESCALATION_KIND, payload__number=appeal.number, source_schema="esil"
    )
    assert sent.payload["rule"] == "manual" and sent.ordering_key == f"escalation:{appeal.number}"
    assert set(sent.payload) == {"number", "version", "rule", "reason", "actor_role", "at", "category"}


def new_appeal_in(akimat: object, category: str = "heating") -> Appeal:
    from appeals.actions import AppealInput

    return actions.create_appeal(
        OPERATOR,
        AppealInput(
            channel="web",
            description="Тест",
            applicant_phone="+77051234567",
            longitude=68.30,
            latitude=54.14,
            category_code=category,
        ),
    ).appeal


def test_an_appeal_about_an_object_of_regional_importance_goes_to_the_region_at_once(tenants):
    with tenant_context(tenants["esil"]):
        appeal = new_appeal_in(tenants["esil"], category="interdistrict-roads")
        appeal.refresh_from_db()
        assert appeal.regional_escalation == "open"
        event = appeal.events.get(kind=EventKind.REGIONAL_ESCALATION)
        assert (event.data["rule"], event.data["rule_category"], event.actor_role) == (
            "regional_scope",
            "regional-objects",
            "system",
        )
    sent = Message.objects.get(kind=ESCALATION_KIND, payload__number=appeal.number, source_schema="esil")
    assert sent.payload["rule"] == "regional_scope" and sent.payload["category"] == "interdistrict-roads"
    # And the read model hears of it: the latest state says "open".
    last = (
        Message.objects.filter(kind="appeals.status", source_schema="esil", payload__number=appeal.number)
        .order_by("-sequence")
        .first()
    )
    assert last.payload["regional_escalation"] == "open"


def test_reported_not_done_twice_goes_to_the_region(tenants):
    with tenant_context(tenants["esil"]):
        appeal = new_appeal_in(tenants["esil"])
        n = appeal.number
        actions.register_appeal(OPERATOR, n, assign=True)
        actions.start_work(executor_of(n), n)
        actions.mark_not_done(executor_of(n), n, reason="Нет трубы")
        actions.record_callback(OPERATOR, n, reached=True, satisfied=False)  # reopened
        appeal.refresh_from_db()
        assert appeal.regional_escalation is None  # once is not yet a pattern
        actions.assign_appeal(OPERATOR, n)
        actions.start_work(executor_of(n), n)
        actions.mark_not_done(executor_of(n), n, reason="Снова нет трубы")
        appeal.refresh_from_db()
        assert appeal.regional_escalation == "open"
        event = appeal.events.get(kind=EventKind.REGIONAL_ESCALATION)
        assert (event.data["rule"], event.data["not_done_times"]) == ("repeated_not_done", 2)


def test_long_overdue_appeals_go_to_the_region_after_the_rules_multiple(tenants):
    with tenant_context(tenants["esil"]):
        appeal = new_appeal_in(tenants["esil"])  # heating: 24 hours round the clock
        actions.register_appeal(OPERATOR, appeal.number, assign=True)
        deadline = timezone.now() - datetime.timedelta(hours=30)
        Appeal.objects.filter(pk=appeal.pk).update(deadline=deadline, overdue_at=deadline)
        # The "*" rule: three SLA periods, i.e. two more 24-hour periods after the deadline.
        assert escalate_long_overdue(now=deadline + datetime.timedelta(hours=47)) == 0
        assert escalate_long_overdue(now=deadline + datetime.timedelta(hours=48, minutes=1)) == 1
        assert escalate_long_overdue(now=deadline + datetime.timedelta(hours=100)) == 0  # once
        appeal.refresh_from_db()
        assert appeal.regional_escalation == "open"
        event = appeal.events.get(kind=EventKind.REGIONAL_ESCALATION)
        assert (event.data["rule"], event.data["overdue_multiple"]) == ("overdue_multiple", 3)


def test_a_rule_of_the_region_changes_what_the_akimats_do(tenants):
    EscalationRule.objects.filter(category="*").update(overdue_multiple=None, not_done_times=1)
    forget_rules()
    with tenant_context(tenants["esil"]):
        appeal = new_appeal_in(tenants["esil"])
        actions.register_appeal(OPERATOR, appeal.number, assign=True)
        actions.start_work(executor_of(appeal.number), appeal.number)
        actions.mark_not_done(executor_of(appeal.number), appeal.number, reason="Нет трубы")
        appeal.refresh_from_db()
        assert appeal.regional_escalation == "open"
        other = new_appeal_in(tenants["esil"])
        actions.register_appeal(OPERATOR, other.number, assign=True)
        Appeal.objects.filter(pk=other.pk).update(
            deadline=timezone.now() - datetime.timedelta(days=30), overdue_at=timezone.now()
        )
        assert escalate_long_overdue() == 0  # the time rule is off


def test_the_beat_schedule_runs_the_time_rule_in_every_akimat():
    from django.conf import settings

    from ikomek.celery import app as celery_app

    entry = settings.CELERY_BEAT_SCHEDULE["escalation-rules"]
    assert (entry["task"], entry["args"]) == (
        "ikomek.tasks.fan_out_to_tenants",
        ("federation.escalations.escalate_long_overdue",),
    )
    celery_app.loader.import_default_modules()
    assert "federation.escalations.escalate_long_overdue" in celery_app.tasks


def test_the_regional_admin_reads_the_rules_in_the_admin_in_one_language_and_edits_them_on_the_console(
    tenants,
):
    from django.contrib.auth.models import Group, User
    from django.test import Client

    def staff(username: str, role: str, host: str) -> Client:
        user = User.objects.create_user(username, password="x", is_staff=True)
        user.groups.add(Group.objects.get_or_create(name=role)[0])
        client = Client(HTTP_HOST=host)
        client.force_login(user)
        return client

    rules = "/admin/escalations/escalationrule/"
    admin = staff("rules-admin", "regional_admin", "localhost")
    admin.cookies["django_language"] = "ru"
    page = admin.get(rules)
    html = page.content.decode()
    assert page.status_code == 200 and "regional-objects" in html
    assert "Правила эскалации" in html and "эскалация ережелері" not in html  # one language
    # Read-only: an edit here would leave no change-log row (the console's page writes one).
    assert admin.get(f"{rules}add/").status_code == 403
    rule = EscalationRule.objects.get(category="*")
    assert (
        admin.post(f"{rules}{rule.pk}/change/", {"category": "*", "overdue_multiple": "5"}).status_code == 403
    )
    assert admin.post(f"{rules}{rule.pk}/delete/", {"post": "yes"}).status_code == 403
    assert EscalationRule.objects.get(pk=rule.pk).overdue_multiple == 3
    assert staff("rules-viewer", "regional_viewer", "localhost").get(rules).status_code == 403
    with tenant_context(tenants["esil"]):
        akimat_admin = staff("rules-akimat", "supervisor", "esil.localhost")
        assert akimat_admin.get(rules).status_code == 403
