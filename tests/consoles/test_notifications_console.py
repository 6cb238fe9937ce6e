"""Staff notifications in the console (Django's client, real database): whose notices a person
gets, the header's counter (answers only when the number changed), the list that marks them read
for that person alone, and what both cost in SQL queries."""

from __future__ import annotations

import datetime
from collections.abc import Iterator

import pytest
from django.utils import timezone
from django_tenants.utils import tenant_context

from appeals.jobs.monitor import sweep
from appeals.models import Appeal, Notification, NotificationRead
from testkit.identities import logged_in, user_with_roles
from testkit.queries import exact_queries
from tests.appeals.conftest import HOUSING, appeal_in

COUNTER = "/console/notifications/counter"


@pytest.fixture
def inside(tenants) -> Iterator[None]:
    with tenant_context(tenants["petropavlovsk"]):
        # Browser tests commit notices in this tenant; this test's own start from none (rolled back).
        Notification.objects.all().delete()
        yield


def person(name: str, role: str, language: str = "ru", organisation: str = ""):
    client = logged_in(user_with_roles(name, role, organisation=organisation))
    client.cookies["django_language"] = language
    return client


def overdue(appeal: Appeal) -> None:
    """The SLA monitor finds the appeal late: the organisation's notice and the escalation."""
    Appeal.objects.filter(pk=appeal.pk).update(deadline=timezone.now() - datetime.timedelta(hours=1))
    sweep()


def unread(client) -> int:
    answer = client.get(COUNTER)
    assert answer.status_code == 200
    return int(answer.content.decode().split('data-unread="')[1].split('"')[0])


def test_each_person_gets_the_notices_addressed_to_them(inside):
    appeal = appeal_in("assigned")  # the organisation hears of the new appeal
    overdue(appeal)  # ... and that it is late; the supervisor gets the escalation
    assert set(Notification.objects.values_list("kind", flat=True)) == {"assigned", "overdue", "escalation"}
    executor = person("ex", "executor", organisation=HOUSING)
    stranger = person("ex-other", "executor", organisation="water-utility")
    supervisor = person("sup", "supervisor")
    operator = person("op", "operator")
    assert unread(executor) == 2
    assert unread(stranger) == 0  # another organisation's staff
    assert unread(supervisor) == 1
    assert unread(operator) == 0


def test_the_counter_answers_only_when_the_number_changes(inside):
    supervisor = person("sup", "supervisor", "kk")
    first = supervisor.get(COUNTER)
    assert first.status_code == 200 and 'data-unread="0"' in first.content.decode()
    assert "Хабарламалар" in first.content.decode() and "Уведомления" not in first.content.decode()
    assert supervisor.get(f"{COUNTER}?shown=0").status_code == 204  # nothing changed: nothing to swap
    overdue(appeal_in("in_progress"))
    changed = supervisor.get(f"{COUNTER}?shown=0").content.decode()
    assert 'data-unread="1"' in changed and f"{COUNTER}?shown=1" in changed
    assert 'hx-swap-oob="innerHTML:#notice-news"' in changed  # a screen reader hears of the new one
    assert "hx-swap-oob" not in supervisor.get(COUNTER).content.decode()  # a page's first count: silent


def test_polling_stops_for_a_person_signed_out(inside):
    client = person("sup", "supervisor")
    client.logout()
    assert client.get(COUNTER).status_code == 286  # htmx's "stop polling"


def test_the_list_marks_them_read_for_that_person_only(inside):
    overdue(appeal_in("in_progress"))
    one, other = person("sup-1", "supervisor", "ru"), person("sup-2", "supervisor")
    page = one.get("/console/notifications/")
    text = page.content.decode()
    assert page.status_code == 200
    assert text.count('class="notice unread"') == 1 and "возьмите на контроль" in text
    assert "бақылауға алыңыз" not in text  # one language per screen
    assert unread(one) == 0 and unread(other) == 1
    again = one.get("/console/notifications/").content.decode()
    assert 'class="notice unread"' not in again and "возьмите на контроль" in again
    assert NotificationRead.objects.count() == 1


def test_the_list_links_each_person_to_their_page_of_the_appeal(inside):
    appeal = appeal_in("assigned")
    executor = person("ex", "executor", "kk", organisation=HOUSING)
    text = executor.get("/console/notifications/").content.decode()
    assert f'href="/console/executor/appeals/{appeal.number}/"' in text
    assert f"Жаңа өтініш №{appeal.number}" in text and "Новое обращение" not in text


def test_old_notices_leave_the_inbox(inside):
    overdue(appeal_in("in_progress"))
    supervisor = person("sup", "supervisor")
    assert unread(supervisor) == 1
    Notification.objects.update(created_at=timezone.now() - datetime.timedelta(days=31))
    assert unread(supervisor) == 0
    assert "возьмите на контроль" not in supervisor.get("/console/notifications/").content.decode()


def test_every_console_page_carries_the_counter_and_loads_it_lazily(inside):
    page = person("ex", "executor", organisation=HOUSING).get("/console/executor/").content.decode()
    assert f'hx-get="{COUNTER}?shown=-1"' in page and 'hx-trigger="load"' in page
    assert 'id="notice-news"' in page and 'aria-live="polite"' in page


def costs(client, url: str, expected: int) -> None:
    client.get(url)  # warm: the session's first read, per-process caches
    with exact_queries(expected):
        client.get(url)


# session, user (+ staff profile), roles, organisation (executors only), the count
COUNTER_QUERIES = {"supervisor": 4, "executor": 5}
# the same, the page of notices, and the reads written (none on a second look)
LIST_QUERIES = {"supervisor": 4, "executor": 5}


@pytest.mark.parametrize("role", ["supervisor", "executor"])
def test_the_counter_and_the_list_cost_the_same_queries_for_1_or_9_notices(inside, role):
    client = person("p", role, organisation=HOUSING if role == "executor" else "")
    overdue(appeal_in("assigned"))
    costs(client, COUNTER, COUNTER_QUERIES[role])
    costs(client, "/console/notifications/", LIST_QUERIES[role])
    for _ in range(4):
        overdue(appeal_in("assigned"))
    assert Notification.objects.count() == 15
    costs(client, COUNTER, COUNTER_QUERIES[role])
    client.get("/console/notifications/")  # reads the new ones (one INSERT), then:
    costs(client, "/console/notifications/", LIST_QUERIES[role])
