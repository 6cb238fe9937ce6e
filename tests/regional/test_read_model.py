"""The regional read model: fed only by the akimats' messages, it matches a direct count over their own
appeals after a burst of changes through a real worker, and stays right under duplicate, repeated and
out-of-order delivery (the messages carry state, not deltas)."""

from __future__ import annotations

import datetime
import random
from collections import Counter, defaultdict

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.utils import timezone
from django_tenants.utils import get_public_schema_name, schema_context, tenant_context

from accounts.roles import Role
from appeals import actions
from appeals.actions import AppealInput
from appeals.jobs.monitor import sweep
from appeals.models import Appeal
from appeals.states import ACTIVE_STATUSES
from federation.messaging.deadletters import replay
from federation.messaging.delivery import deliver
from federation.messaging.models import OPEN_STATES, Message, MessageState, Outcome
from federation.messaging.outbox import send
from federation.read_model_feed import BATCH_KIND, STATUS_KIND, current_states
from regional import kpis, rebuild
from regional.histogram import COLUMNS, bounds, bucket_of
from regional.models import ALL, AppealFact, DailyTally, StatusCount
from regional.read_model import apply_states
from testkit.identities import executor_of, principal
from testkit.processes import celery_worker, wait_until
from tests.regional.conftest import inside
from tests.regional.direct_count import count, nearest_rank
from tests.regional.helpers import deliver_pending

OPERATOR = principal(Role.OPERATOR, name="r-operator")
CATEGORIES = ["heating", "cold-water", "roads", "yards", "electricity", "other"]
COUNTERS = ("received", "repeats", "resolved", "resolved_on_time", "closed", *COLUMNS)


def new_appeal(slug: str, rng: random.Random, **extra: object) -> Appeal:
    x, y = inside(slug)
    return actions.create_appeal(
        OPERATOR,
        AppealInput(
            channel="landline",
            description="Тест",
            applicant_phone="+77051234567",
            applicant_name="Тест Тестов",
            longitude=x + rng.uniform(-0.05, 0.05),
            latitude=y + rng.uniform(-0.05, 0.05),
            category_code=extra.pop("category", rng.choice(CATEGORIES)),
            **extra,
        ),
    ).appeal


def backdate(appeal: Appeal, rng: random.Random) -> None:
    """Received days ago with a 24-hour deadline (later events carry it to the region)."""
    received = timezone.now() - datetime.timedelta(hours=rng.uniform(1, 240))
    Appeal.objects.filter(pk=appeal.pk).update(
        received_at=received, deadline=received + datetime.timedelta(hours=24)
    )


def live(slug: str, rng: random.Random, count_: int, transfer_to: str | None) -> None:
    """Random lifecycles in one akimat: every transition the state machine has, repeats, transfers."""
    originals: list[int] = []
    for index in range(count_):
        appeal = new_appeal(slug, rng)
        n = appeal.number
        fate = rng.random()
        if fate < 0.1:
            continue  # stays received
        backdate(appeal, rng)
        if fate < 0.15 and originals:
            actions.link_as_repeat(OPERATOR, n, original_number=rng.choice(originals))
            continue
        if fate < 0.2:
            actions.cancel_appeal(OPERATOR, n, reason="spam")
            continue
        if fate < 0.25 and transfer_to:
            actions.transfer_appeal(OPERATOR, n, akimat=transfer_to, reason="Не наш район")
            continue
        actions.register_appeal(OPERATOR, n, assign=True)
        if fate < 0.35:
            originals.append(n)
            continue  # assigned, maybe overdue later
        actions.start_work(executor_of(n), n)
        if fate < 0.45:
            continue
        outcome = rng.random()
        if outcome < 0.6:
            actions.mark_done(executor_of(n), n, resolution="Сделано")
        elif outcome < 0.8:
            actions.mark_not_done(executor_of(n), n, reason="Нет материалов")
        else:
            actions.reject_appeal(OPERATOR, n, reason="Не наша зона")
        if rng.random() < 0.2:
            continue  # waits for the call-back
        satisfied = rng.random() < 0.8
        actions.record_callback(OPERATOR, n, reached=True, satisfied=satisfied)
        if satisfied and rng.random() < 0.8:
            actions.close_appeal(OPERATOR, n)
            if index % 7 == 0:
                actions.reopen_appeal(OPERATOR, n, reason="Снова")
    sweep()  # the monitor marks the overdue ones (their events carry the state)


def kept_tallies(schema: str) -> tuple[dict, dict]:
    status = {
        (r.category, r.status): (r.count, r.overdue)
        for r in StatusCount.objects.filter(scope=schema).exclude(category=ALL)
        if r.count or r.overdue
    }
    daily: dict = {}
    for row in DailyTally.objects.filter(scope=schema).exclude(category=ALL):
        values = {name: getattr(row, name) for name in COUNTERS if getattr(row, name)}
        if values:
            daily[(row.category, row.day)] = values
    return status, daily


def assert_matches_direct_count(schema: str) -> None:
    direct = count(schema)
    status, daily = kept_tallies(schema)
    assert status == {key: (n, direct.overdue.get(key, 0)) for key, n in direct.status.items()}
    assert daily == {key: {k: v for k, v in cell.items() if v} for key, cell in direct.daily.items()}
    figures = kpis.kpis_by_scope(
        [schema], None, kpis.Period(datetime.date(2000, 1, 1), datetime.date(2099, 1, 1))
    )
    got = figures[schema]
    assert got.received == sum(c["received"] for c in direct.daily.values())
    assert got.open_now == sum(n for (_, s), n in direct.status.items() if s in ACTIVE_STATUSES)
    assert got.overdue_now == sum(direct.overdue.values())
    assert got.closed == len(direct.close_seconds)
    for share in (0.5, 0.9):
        if direct.close_seconds:
            exact = nearest_rank(direct.close_seconds, share)
            lower, upper = bounds(bucket_of(exact))
            estimate = got.hours_to_close(share) * 3600
            # Rounded to 0.01 h by the API: allow that much outside the bucket.
            assert lower - 18 <= estimate <= (upper if upper is not None else lower) + 18, (share, exact)


@pytest.mark.slow
def test_the_read_model_matches_a_direct_count_after_a_burst_through_a_real_worker(
    committed_akimats, tmp_path
):
    west, east = committed_akimats["regional-west"], committed_akimats["regional-east"]
    rng = random.Random(109)
    with celery_worker(tmp_path / "worker.log", "-n", "regional@%h"):
        for akimat, other in ((west, "regional-east"), (east, "regional-west")):
            with tenant_context(akimat):
                live(akimat.slug, rng, 45, other)
        connection.set_schema_to_public()

        def all_delivered() -> bool:
            return not Message.objects.filter(state__in=OPEN_STATES).exists()

        assert wait_until(all_delivered, timeout=240), (tmp_path / "worker.log").read_text()[-3000:]
    assert not Message.objects.filter(
        state=MessageState.DEAD, source_schema__in=["regional_west", "regional_east"]
    )
    for akimat in (west, east):
        assert_matches_direct_count(akimat.schema_name)
    # The kept tallies (region-wide ones included) are exactly what the facts add up to.
    assert rebuild.differences() == []
    # Received by transfer: in the receiver's figures, not twice in the region's.
    with schema_context(east.schema_name):
        received = Appeal.objects.filter(transferred_from="regional-west").count()
    assert (
        received
        == AppealFact.objects.filter(schema=east.schema_name, transferred_from="regional-west").count()
    )
    assert received == AppealFact.objects.filter(schema=west.schema_name, status="transferred").count() > 0


def _states(schema: str, numbers: list[int]) -> list[dict]:
    """appeals.status payloads sent for these appeals, oldest first (as the relay carried them)."""
    return [
        m.payload
        for m in Message.objects.filter(
            kind=STATUS_KIND, source_schema=schema, payload__number__in=numbers
        ).order_by("created_at", "sequence")
    ]


def test_any_order_and_any_repetition_of_the_states_gives_the_same_read_model(tenants):
    """The handler applied to the real payloads of many changes, in order once, and shuffled with
    duplicates in random batches: the same facts and tallies."""
    rng = random.Random(7)
    numbers = []
    with tenant_context(tenants["esil"]):
        for _ in range(25):
            appeal = new_appeal_in_esil(rng)
            numbers.append(appeal.number)
            if rng.random() < 0.7:
                actions.register_appeal(OPERATOR, appeal.number, assign=True)
                actions.start_work(executor_of(appeal.number), appeal.number)
                actions.mark_done(executor_of(appeal.number), appeal.number, resolution="Сделано")
                if rng.random() < 0.6:
                    actions.record_callback(OPERATOR, appeal.number, reached=True, satisfied=True)
                    actions.close_appeal(OPERATOR, appeal.number)
    connection.set_schema_to_public()
    states = _states("esil", numbers)
    assert len(states) > 60
    apply_states("order_once", states)
    shuffled = states * 3
    rng.shuffle(shuffled)
    while shuffled:
        size = rng.randint(1, 40)
        apply_states("order_shuffled", shuffled[:size])
        shuffled = shuffled[size:]

    def facts(schema: str) -> list[tuple]:
        return list(
            AppealFact.objects.filter(schema=schema)
            .order_by("number")
            .values_list("number", "version", "status", "category", "resolved_at", "closed_at", "received_at")
        )

    def tallies(schema: str) -> tuple:
        status, daily = kept_tallies(schema)
        return status, daily

    assert facts("order_once") == facts("order_shuffled") and len(facts("order_once")) == 25
    assert tallies("order_once") == tallies("order_shuffled")
    # And both are the appeals' current state, as a rebuild would send it.
    with schema_context("esil"):
        current = {s["number"]: (s["version"], s["status"]) for s in current_states(numbers)}
    assert {n: (v, s) for n, v, s, *_ in facts("order_once")} == current
    assert rebuild.differences() == []


def new_appeal_in_esil(rng: random.Random) -> Appeal:
    return actions.create_appeal(
        principal(Role.OPERATOR, name="e-operator", tenant="esil"),
        AppealInput(
            channel="web",
            description="Тест",
            applicant_phone="+77051234567",
            longitude=68.30 + rng.uniform(-0.01, 0.01),
            latitude=54.14 + rng.uniform(-0.01, 0.01),
            category_code=rng.choice(CATEGORIES),
        ),
    ).appeal


def test_duplicates_replays_and_an_older_rebuild_change_nothing(committed_akimats):
    west = committed_akimats["regional-west"]
    rng = random.Random(3)
    with tenant_context(west):
        appeal = new_appeal(west.slug, rng, category="heating")
        actions.register_appeal(OPERATOR, appeal.number, assign=True)
        # An old state, as a rebuild started before these changes would carry it.
        (stale,) = list(current_states([appeal.number]))
        actions.start_work(executor_of(appeal.number), appeal.number)
        actions.mark_done(executor_of(appeal.number), appeal.number, resolution="Сделано")
    deliver_pending()
    fact = AppealFact.objects.get(schema=west.schema_name, number=appeal.number)
    assert fact.status == "done"
    before = (kept_tallies(west.schema_name), fact.version)

    # Replayed messages arrive again: recorded as duplicates, nothing applied twice.
    sent = list(
        Message.objects.filter(
            kind=STATUS_KIND, source_schema=west.schema_name, payload__number=appeal.number
        ).order_by("sequence")
    )
    Message.objects.filter(pk__in=[m.pk for m in sent]).update(state=MessageState.DEAD)
    replay([m.pk for m in sent], actor=principal(Role.PLATFORM_ADMIN, name="admin"), reason="test")
    reports = [deliver(m.pk) for m in sent]
    assert {r.outcome for r in reports} == {Outcome.DUPLICATE}
    # The older state comes late (a rebuild batch): stale by version, applied to nothing.
    with schema_context(west.schema_name), transaction.atomic():
        late = send(BATCH_KIND, {"appeals": [stale]}, target=get_public_schema_name())
    assert deliver(late).outcome == Outcome.APPLIED  # the message is taken; its state is older
    fact = AppealFact.objects.get(schema=west.schema_name, number=appeal.number)
    assert (fact.status, (kept_tallies(west.schema_name), fact.version)) == ("done", before)
    assert rebuild.differences() == []


def test_the_rebuild_command_fills_the_read_model_and_is_idempotent(committed_akimats, capsys):
    east = committed_akimats["regional-east"]
    rng = random.Random(11)
    with tenant_context(east):
        for _ in range(5):
            appeal = new_appeal(east.slug, rng)
            actions.register_appeal(OPERATOR, appeal.number, assign=True)
    connection.set_schema_to_public()
    # As after a COPY of demo data: the read model lost these facts (no messages were delivered).
    Message.objects.filter(source_schema=east.schema_name, state__in=OPEN_STATES).delete()
    AppealFact.objects.filter(schema=east.schema_name).delete()
    rebuild.rebuild_tallies()

    call_command("rebuild_read_model", east.slug)
    assert "regional-east: 1 message(s) sent, 1 delivered" in capsys.readouterr().out
    assert_matches_direct_count(east.schema_name)
    first = list(
        AppealFact.objects.filter(schema=east.schema_name)
        .order_by("number")
        .values_list("number", "version", "status")
    )
    call_command("rebuild_read_model", east.slug)
    again = list(
        AppealFact.objects.filter(schema=east.schema_name)
        .order_by("number")
        .values_list("number", "version", "status")
    )
    assert first == again
    assert_matches_direct_count(east.schema_name)
    call_command("rebuild_read_model", "--check")
    assert "agree" in capsys.readouterr().out


def test_the_check_finds_a_broken_tally_and_the_repair_fixes_it(tenants):
    apply_states("check_me", [_state(1, "received")])
    StatusCount.objects.filter(scope="check_me", category=ALL, status="received").update(count=5)
    assert any("regional_statuscount" in line for line in rebuild.differences())
    rebuild.rebuild_tallies()
    assert rebuild.differences() == []
    assert StatusCount.objects.get(scope="check_me", category=ALL, status="received").count == 1


def _state(number: int, status: str, version: int = 1, **changes: object) -> dict:
    now = timezone.now()
    state = {
        "number": number,
        "version": version,
        "status": status,
        "priority": "normal",
        "channel": "web",
        "category": {"code": "heating", "parent": "housing", "name_kk": "Жылу", "name_ru": "Отопление"},
        "received_at": now.isoformat(),
        "resolved_at": None,
        "closed_at": None,
        "deadline": (now + datetime.timedelta(hours=24)).isoformat(),
        "overdue_at": None,
        "escalated_at": None,
        "is_repeat": False,
        "repeat_count": 0,
        "reopen_count": 0,
        "transferred_to": None,
        "transferred_from": None,
        "origin_number": None,
        "regional_escalation": None,
    }
    state.update(changes)
    return state


def test_a_reopened_appeal_moves_its_answer_and_its_closing(tenants):
    received = timezone.now() - datetime.timedelta(days=3)
    answered = received + datetime.timedelta(hours=30)  # late
    closed = received + datetime.timedelta(hours=40)
    base = {
        "received_at": received.isoformat(),
        "deadline": (received + datetime.timedelta(hours=24)).isoformat(),
    }
    apply_states(
        "reopen_me",
        [_state(1, "closed", 5, resolved_at=answered.isoformat(), closed_at=closed.isoformat(), **base)],
    )
    figures = kpis.kpis_by_scope(
        ["reopen_me"], None, kpis.Period(received.date() - datetime.timedelta(days=1), timezone.now().date())
    )
    got = figures["reopen_me"]
    assert (got.received, got.resolved, got.resolved_on_time, got.closed) == (1, 1, 0, 1)
    assert 39 <= got.hours_to_close(0.5) <= 48  # the 40-hour bucket
    # Reopened: no answer and no closing any more, open again (the monitor decides overdue later).
    apply_states("reopen_me", [_state(1, "reopened", 6, reopen_count=1, **base)])
    got = kpis.kpis_by_scope(
        ["reopen_me"], None, kpis.Period(received.date() - datetime.timedelta(days=1), timezone.now().date())
    )["reopen_me"]
    assert (got.received, got.resolved, got.closed, got.open_now) == (1, 0, 0, 1)
    assert got.hours_to_close(0.5) is None and got.sla_compliance is None


def test_counts_by_status_are_per_category_and_region_wide(tenants):
    apply_states(
        "counting", [_state(1, "received"), _state(2, "assigned", overdue_at=timezone.now().isoformat())]
    )
    apply_states(
        "counting",
        [
            _state(
                3,
                "received",
                category={"code": "roads", "parent": "housing", "name_kk": "Жол", "name_ru": "Дороги"},
            )
        ],
    )
    rows = Counter()
    for r in StatusCount.objects.filter(scope="counting"):
        rows[(r.category, r.status)] += r.count
    assert rows == Counter(
        {
            ("heating", "received"): 1,
            ("heating", "assigned"): 1,
            ("roads", "received"): 1,
            (ALL, "received"): 2,
            (ALL, "assigned"): 1,
        }
    )
    assert StatusCount.objects.get(scope="counting", category=ALL, status="assigned").overdue == 1
    region = defaultdict(int)
    for r in StatusCount.objects.filter(scope=ALL, category=ALL):
        region[r.status] += r.count
    assert region["received"] >= 2 and region["assigned"] >= 1
