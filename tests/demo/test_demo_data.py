"""Demo data: realistic, inside each tenant's real boundary, consistent with the rules, and a second
run changes nothing."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.db.models import Count, Q
from django.utils import timezone
from django_tenants.utils import tenant_context

from appeals.models import Appeal, AppealEvent, CallbackAttempt, Category, Violation, ViolationEvent
from appeals.states import ACTIVE_STATUSES
from appeals.violations.register import opened_comment
from demo.appeals import executor_organisation, seed_tenant


def test_a_seeded_city_looks_like_the_109_line(tenants):
    petropavlovsk = tenants["petropavlovsk"]
    message = seed_tenant(petropavlovsk, scale=0.1)  # 600 appeals: the shape, quickly
    assert "600 appeals" in message
    with tenant_context(petropavlovsk):
        appeals = Appeal.objects.filter(client_key__startswith="demo:")
        total = appeals.count()
        assert total == 600
        housing = appeals.filter(Q(category__is_housing_utilities=True)).count()
        assert 0.7 <= housing / total <= 0.9  # "80% about housing and utilities"
        repeats = appeals.filter(parent__isnull=False)
        assert repeats.count() >= total * 0.1
        assert all(r.status == "cancelled" and r.cancel_reason == "duplicate" for r in repeats[:50])
        assert appeals.filter(repeat_count__gt=0).exists()
        now = timezone.now()
        assert appeals.filter(status__in=ACTIVE_STATUSES, deadline__lt=now).exists()  # open and overdue
        assert appeals.filter(status="closed").count() > total * 0.3
        assert appeals.filter(received_at__lt=now - datetime.timedelta(days=90)).exists()
        assert Violation.objects.filter(appeal__in=appeals).exists()
        # A violation's history opens as the real register writes it, both halves (a screen picks its own).
        openings = ViolationEvent.objects.filter(
            violation__appeal__in=appeals, from_status="", to_status="open"
        )
        said = {
            (e.comment, opened_comment(e.violation.appeal.number))
            for e in openings.select_related("violation__appeal")
        }
        assert said and all(comment == expected for comment, expected in said)
        assert CallbackAttempt.objects.filter(appeal__in=appeals).exists()

        # Every point lies inside the tenant's real boundary.
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM appeals_appeal a WHERE a.client_key LIKE 'demo:%%' "
                "AND NOT ST_Covers(ST_GeomFromEWKB(%s), a.location)",
                [bytes(petropavlovsk.boundary.ewkb)],
            )
            assert cursor.fetchone()[0] == 0

        # The history agrees with the status, and deadlines come from the SLA rules.
        sample = appeals.exclude(status="received").order_by("?")[:40]
        for appeal in sample:
            last = AppealEvent.objects.filter(appeal=appeal, kind="transition").order_by("at", "id").last()
            assert last.to_status == appeal.status, appeal
        open_late = appeals.filter(
            status__in=ACTIVE_STATUSES, deadline__lt=now - datetime.timedelta(minutes=10)
        )
        assert not open_late.filter(overdue_at__isnull=True).exists()  # the monitor has nothing to catch up
        heating = Category.objects.get(code="heating")
        first = appeals.filter(category=heating, reopen_count=0).first()
        if first is not None:
            assert first.deadline - first.received_at == datetime.timedelta(hours=24)

        # Numbers follow the order of arrival.
        ordered = list(appeals.order_by("received_at").values_list("number", flat=True))
        assert ordered == sorted(ordered)
        per_org = appeals.values("organisation__code").annotate(n=Count("id"))
        assert {"heat-network", "water-utility"} <= {row["organisation__code"] for row in per_org}
        # The demo executor (executor.petropavlovsk) has work of its organisation's to do and to see.
        executors = appeals.filter(organisation__code=executor_organisation("petropavlovsk"))
        assert executors.filter(status__in=["assigned", "in_progress"]).exists()
        assert executors.filter(status="closed").exists()

    again = seed_tenant(petropavlovsk, scale=0.1)
    assert "already there" in again
    with tenant_context(petropavlovsk):
        assert Appeal.objects.filter(client_key__startswith="demo:").count() == 600


def test_a_district_gets_fewer_appeals_inside_its_boundary(tenants):
    esil = tenants["esil"]
    seed_tenant(esil, scale=0.2)
    with tenant_context(esil):
        count = Appeal.objects.count()
        assert 30 <= count <= 80
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM appeals_appeal WHERE NOT ST_Covers(ST_GeomFromEWKB(%s), location)",
                [bytes(esil.boundary.ewkb)],
            )
            assert cursor.fetchone()[0] == 0
        assert Appeal.objects.filter(address__startswith="с. Явленка").count() == count
        assert Appeal.objects.filter(organisation__code=executor_organisation("esil")).exists()


@pytest.mark.parametrize(
    ("slug", "now"),
    [
        ("petropavlovsk", datetime.datetime(2026, 7, 15, 3, 0, tzinfo=datetime.UTC)),  # summer, night
        ("petropavlovsk", datetime.datetime(2027, 1, 2, 12, 0, tzinfo=datetime.UTC)),  # holidays
        ("esil", datetime.datetime(2026, 11, 30, 9, 0, tzinfo=datetime.UTC)),
    ],
)
def test_the_demo_executor_has_open_work_whatever_the_day(tenants, slug, now):
    # Small demos at any "now" (even out of the heating season) leave the executor's
    # organisation fresh appeals being worked on, not due yet.
    seed_tenant(tenants[slug], now=now, scale=0.02)
    with tenant_context(tenants[slug]):
        open_work = Appeal.objects.filter(
            organisation__code=executor_organisation(slug), status__in=["assigned", "in_progress"]
        )
        assert open_work.filter(deadline__gt=now, received_at__gt=now - datetime.timedelta(hours=12)).exists()
        last = AppealEvent.objects.filter(appeal__in=open_work).order_by("at").last()
        assert last.at < now
