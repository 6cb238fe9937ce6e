"""The 112 dispatchers' inbox (`/112/`) server-side: dispatchers only, the incidents in the screen's
language, the newest not yet accepted on top, open ones paged by priority and age, the alarms counted
in one bar, filters in the URL, the rows the page polls (204 while nothing changed, one query when
idle), the steps posted from the page and by scripts (JSON), a refused step under its form in the
person's language with the text kept, and a fixed number of queries whatever the number of incidents."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

import pytest
from django.test import Client
from django.utils import timezone

from accounts.roles import Role
from appeals.kpi_definitions import ALMATY
from federation.emergency_112 import watchdog
from federation.emergency_112.actions import acknowledge_incident, receive_incident, reject_incident
from federation.emergency_112.documents import CallerInput, Priority, build_request_for_service
from federation.emergency_112.forwarding import NO_ADDRESS, NO_NAME
from federation.emergency_112.models import Incident, IncidentEvent, IncidentState
from testkit.emergency_factories import make_input
from testkit.identities import logged_in, principal, user_with_roles
from testkit.queries import exact_queries

JSON = {"HTTP_ACCEPT": "application/json"}
DISPATCHER = principal(Role.DISPATCHER_112, name="dispatcher-aida", tenant=None)


def dispatcher(language: str = "ru", name: str = "aida") -> Client:
    client = logged_in(user_with_roles(f"{name}-{language}", "dispatcher_112"), host="localhost")
    client.cookies["django_language"] = language
    return client


def receive(tenants, slug: str = "petropavlovsk", **overrides: object) -> Incident:
    document = build_request_for_service(make_input(tenants[slug], **overrides))
    return receive_incident(document, source_schema=slug)


def test_strangers_sign_in_and_other_roles_get_the_refused_page(tenants):
    anonymous = Client(HTTP_HOST="localhost").get("/112/")
    assert anonymous.status_code == 302 and anonymous["Location"] == "/auth/login/?next=/112/"
    operator = logged_in(user_with_roles("op-112", "operator"), host="localhost")
    operator.cookies["django_language"] = "ru"
    refused = operator.get("/112/")
    assert refused.status_code == 403 and "Нет доступа" in refused.content.decode()
    assert Client(HTTP_HOST="localhost").get("/112/rows").status_code == 286  # the poll stops
    assert Client(HTTP_HOST="petropavlovsk.localhost").get("/112/").status_code == 404


@pytest.mark.parametrize(
    ("language", "shown", "not_shown"),
    [
        (
            "kk",
            ["Петропавл", "101 Өрт сөндіру қызметі", "Өрт", "Қабылданды", "Қабылдау", "Төтенше емес"],
            ["Принять", "Пожарная служба"],
        ),
        (
            "ru",
            ["Петропавловск", "101 Пожарная служба", "Пожар", "Поступил", "Принять", "Не экстренный"],
            ["Қабылдау", "Өрт сөндіру"],
        ),
    ],
)
def test_the_page_lists_incidents_in_the_persons_language(tenants, language, shown, not_shown):
    receive(tenants, appeal_number="PAGE-1")
    response = dispatcher(language).get("/112/")
    assert response.status_code == 200 and response["Cache-Control"].startswith("max-age=0")
    html = response.content.decode()
    assert "№PAGE-1" in html and 'class="p2 awaiting"' in html  # unacknowledged: highlighted
    for text in shown:
        assert text in html, text
    for text in not_shown:
        assert text not in html, text
    assert 'hx-trigger="every 250ms"' in html and "consoles/dispatch112.js" in html
    keys = {"kk": "Пернелер: j немесе ↓", "ru": "Клавиши: j или ↓"}[language]
    assert keys in html  # the keyboard is documented on the page


def section(html: str, name: str) -> str:
    start = html.index(f'id="{name}"')
    end = html.find("</section>", start)
    return html[start:end]


def numbers(html: str) -> list[str]:
    return [part.split('"')[0] for part in html.split('data-number="')[1:]]


def test_open_incidents_by_priority_then_longest_waiting_the_newest_on_top(tenants):
    low = receive(tenants, appeal_number="LOW", priority=Priority.LOW)
    old = receive(tenants, appeal_number="HIGH-OLD", priority=Priority.HIGHEST)
    new = receive(tenants, appeal_number="HIGH-NEW", priority=Priority.HIGHEST)
    done = receive(tenants, appeal_number="DONE", priority=Priority.HIGHEST)
    taken = receive(tenants, appeal_number="TAKEN", priority=Priority.HIGHEST)
    now = timezone.now()
    for incident, minutes in ((low, 9), (old, 5), (new, 1), (taken, 7)):
        Incident.objects.filter(pk=incident.pk).update(
            received_at=now - timedelta(minutes=minutes), awaiting_ack_since=now - timedelta(minutes=minutes)
        )
    reject_incident(DISPATCHER, done.pk, note="ложный вызов")
    acknowledge_incident(DISPATCHER, taken.pk)
    html = dispatcher().get("/112/").content.decode()
    assert numbers(section(html, "newest")) == ["HIGH-NEW", "HIGH-OLD", "LOW"]  # not accepted, newest first
    assert numbers(section(html, "open")) == ["TAKEN", "HIGH-OLD", "HIGH-NEW", "LOW"]
    assert "Открытые происшествия: 4" in section(html, "open")
    finished = section(html, "finished")
    assert numbers(finished) == ["DONE"] and 'class="p1 finished"' in finished and "ложный вызов" in finished


def test_a_row_says_when_it_arrived_with_the_year(tenants):
    """An incident still open from last year (or read back in January) is not taken for this
    year's: the arrival is the date with the year and the time, in Almaty."""
    old = receive(tenants, appeal_number="LAST-YEAR", priority=Priority.HIGHEST)
    today = receive(tenants, appeal_number="THIS-YEAR", priority=Priority.HIGHEST)
    last_year = timezone.now().astimezone(ALMATY).year - 1
    arrived = datetime(last_year, 12, 31, 23, 58, 7, tzinfo=ALMATY)
    Incident.objects.filter(pk=old.pk).update(received_at=arrived, awaiting_ack_since=arrived)
    html = section(dispatcher().get("/112/").content.decode(), "open")
    row = html[html.index('data-number="LAST-YEAR"') :].split("</tr>")[0]
    assert f">31.12.{last_year} 23:58:07</time>" in row
    now = timezone.localtime(Incident.objects.get(pk=today.pk).received_at, ALMATY)
    row = html[html.index('data-number="THIS-YEAR"') :].split("</tr>")[0]
    assert f">{now:%d.%m.%Y %H:%M:%S}</time>" in row


def test_open_incidents_are_paged_and_every_list_takes_the_filters(tenants):
    for n in range(52):
        receive(tenants, appeal_number=f"P-{n}", services=("103",))
    receive(tenants, "esil", appeal_number="ESIL-GAS", services=("104",))
    client = dispatcher()
    first = client.get("/112/").content.decode()
    assert len(numbers(section(first, "open"))) == 50 and "1–50 показаны" in first
    assert '<a href="?page=2"' in first
    second = client.get("/112/?page=2").content.decode()
    assert numbers(section(second, "open")) == ["P-50", "P-51", "ESIL-GAS"]
    gas = client.get("/112/?service=104").content.decode()
    assert numbers(section(gas, "open")) == ["ESIL-GAS"] and numbers(section(gas, "newest")) == ["ESIL-GAS"]
    assert '<option value="104" selected>' in gas
    esil = client.get("/112/?akimat=esil&service=103").content.decode()
    assert numbers(section(esil, "open")) == [] and "Открытые происшествия: 0" in esil
    # The rows asked for by a filter move the address bar to the page's URL (a bookmark).
    rows = client.get("/112/rows?service=104&akimat=esil", HTTP_HX_REQUEST="true")
    assert rows.status_code == 200 and rows["HX-Push-Url"] == "/112/?service=104&akimat=esil"
    assert numbers(section(rows.content.decode(), "open")) == ["ESIL-GAS"]


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("service=109", "Нет службы 109."),
        ("akimat=atlantis", "Нет акимата atlantis."),
        ("alarm=fire", "Нет такого вида тревоги: fire."),
        ("page=0", "Нет страницы 0."),
        ("service=999&akimat=zzz", "Нет акимата zzz. Нет службы 999."),  # every unknown value
    ],
)
def test_an_unknown_filter_is_named_and_everything_shown(tenants, query, message):
    receive(tenants, appeal_number="ALL-1")
    response = dispatcher().get(f"/112/?{query}")
    html = response.content.decode()
    assert response.status_code == 400
    assert f'id="bad-filter">{message} Показаны все происшествия.' in html
    assert numbers(section(html, "open")) == ["ALL-1"]


def version_of(html: str) -> str:
    return html.split('data-inbox-version="')[1].split('"')[0]


def test_the_poll_answers_204_until_something_shown_changes(tenants):
    incident = receive(tenants)
    client = dispatcher("kk")
    first = client.get("/112/rows")
    version = version_of(first.content.decode())
    assert first.status_code == 200 and "Қабылдау" in first.content.decode()
    assert first["X-Inbox-Version"] == version
    idle = client.get(f"/112/rows?seen={version}")
    assert idle.status_code == 204 and idle["X-Inbox-Version"] == version
    acknowledge_incident(DISPATCHER, incident.pk)
    changed = client.get(f"/112/rows?seen={version}")
    assert changed.status_code == 200 and "Күштерді жіберу" in changed.content.decode()
    assert changed["X-Inbox-Version"] != version and "HX-Push-Url" not in changed  # a poll: the URL stays


def oob_ids(html: str) -> list[str]:
    return [part.rsplit('id="', 1)[1].split('"')[0] for part in html.split(' hx-swap-oob="true"')[:-1]]


def test_a_poll_gets_only_the_parts_that_changed_and_the_whole_inbox_when_the_filters_did(tenants):
    first = receive(tenants, appeal_number="FIRST")
    client = dispatcher()
    version = version_of(client.get("/112/").content.decode())
    # Accepted: it leaves the strip of new ones and changes state in the open list; the count, the
    # alarms, the pages and the finished ones stay: not sent.
    acknowledge_incident(DISPATCHER, first.pk)
    answer = client.get(f"/112/rows?seen={version}")
    html = answer.content.decode()
    assert answer.status_code == 200 and answer["HX-Reswap"] == "none"
    assert oob_ids(html) == ["inbox-version", "newest", "open-list"]
    assert version_of(html) == answer["X-Inbox-Version"] != version
    assert numbers(html) == ["FIRST"] and "Направить силы" in html  # the open list: its next step
    # A new one: the strip and the count; the open list too (it is on the first page).
    receive(tenants, appeal_number="SECOND")
    answer = client.get(f"/112/rows?seen={version_of(html)}")
    assert oob_ids(answer.content.decode()) == ["inbox-version", "newest", "open-title", "open-list"]
    assert "Открытые происшествия: 2" in answer.content.decode()
    # Seen with other filters (or not a version of these parts), once something moved: the whole
    # inbox, swapped as one.
    filtered = version_of(client.get("/112/?akimat=petropavlovsk").content.decode())
    receive(tenants, appeal_number="THIRD")
    for seen in (filtered, "x.y"):
        whole = client.get(f"/112/rows?seen={seen}")
        assert whole.status_code == 200 and "HX-Reswap" not in whole and oob_ids(whole.content.decode()) == []
        assert {"alarm-bar", "newest", "open-title", "open-list", "pages", "finished"} <= set(
            part.split('"')[0] for part in whole.content.decode().split(' id="')[1:]
        )


# session, user (with the staff profile), roles
AUTH_QUERIES = 3


def test_an_idle_poll_reads_one_marker_and_a_new_incident_is_the_next_answer(tenants):
    receive(tenants, appeal_number="OLD-1")
    client = dispatcher()
    version = version_of(client.get("/112/").content.decode())
    with exact_queries(AUTH_QUERIES + 1):  # the change marker, on its index
        assert client.get(f"/112/rows?seen={version}").status_code == 204
    filtered = version_of(client.get("/112/?akimat=petropavlovsk").content.decode())
    receive(tenants, "esil", appeal_number="ESIL-1")  # another akimat's
    # The marker moved, this screen's rows did not: 204 again, with the new marker to send next.
    moved = client.get(f"/112/rows?akimat=petropavlovsk&seen={filtered}")
    assert moved.status_code == 204 and moved["X-Inbox-Version"] != filtered
    assert moved["X-Inbox-Version"].partition(".")[2] == filtered.partition(".")[2]
    with exact_queries(AUTH_QUERIES + 1):
        assert (
            client.get(f"/112/rows?akimat=petropavlovsk&seen={moved['X-Inbox-Version']}").status_code == 204
        )
    receive(tenants, appeal_number="NEW-2")
    answer = client.get(f"/112/rows?seen={version}")
    assert answer.status_code == 200 and numbers(section(answer.content.decode(), "newest"))[0] == "NEW-2"


def test_a_change_that_commits_behind_the_marker_is_still_shown(tenants):
    """A transaction stamps `updated_at` when it writes and commits later: its stamp may be older than
    the newest one a poll already saw. The marker's digest covers the rows stamped just before the
    newest, so the late one changes it."""
    first = receive(tenants, appeal_number="FIRST")
    now = timezone.now()
    Incident.objects.filter(pk=first.pk).update(updated_at=now - timedelta(seconds=1))
    client = dispatcher()
    version = version_of(client.get("/112/").content.decode())
    late = receive(tenants, appeal_number="LATE")
    Incident.objects.filter(pk=late.pk).update(updated_at=now - timedelta(seconds=2))  # behind the marker
    answer = client.get(f"/112/rows?seen={version}")
    assert answer.status_code == 200 and "LATE" in numbers(section(answer.content.decode(), "newest"))
    with exact_queries(AUTH_QUERIES + 1):
        again = client.get(f"/112/rows?seen={answer['X-Inbox-Version']}")
    assert again.status_code == 204  # the same rows: nothing to swap


def test_alarms_are_counted_in_one_bar_in_the_persons_language(tenants):
    slow = [receive(tenants, appeal_number=f"SLOW-{n}") for n in range(3)]
    Incident.objects.filter(pk__in=[i.pk for i in slow]).update(
        awaiting_ack_since=timezone.now() - timedelta(seconds=90)
    )
    receive(tenants, appeal_number="FRESH")
    watchdog.raise_ack_alarms()
    kazakh = dispatcher("kk").get("/112/").content.decode()
    bar = kazakh[kazakh.index('id="alarm-bar"') : kazakh.index("</nav>", kazakh.index('id="alarm-bar"'))]
    assert bar.count('<a class="alarm') == 1  # one count for the kind, not a banner an incident
    assert "⚠ 112 60 с ішінде қабылдамады: <b>3</b>" in bar
    assert 'href="?alarm=not_acknowledged"' in bar
    row_alarm = 'data-kind="not_acknowledged" title="№ SLOW-0: 112 90 с қабылдамады">⚠ Уақытында қабылданбады'
    assert row_alarm in kazakh
    assert "не принял" not in kazakh
    russian = dispatcher("ru", name="vera")
    page = russian.get("/112/?alarm=not_acknowledged").content.decode()
    assert "⚠ Не принято 112 за 60 с: <b>3</b>" in page and "Показать все происшествия" in page
    assert sorted(numbers(section(page, "open"))) == ["SLOW-0", "SLOW-1", "SLOW-2"]
    assert 'title="112 не принял за 90 с">⚠ Не принято вовремя' in page


def test_a_late_incident_says_so_while_the_watchdog_is_away(tenants):
    """No periodic job has run (beat away): the page itself says an incident is past the time 112
    has to accept it, and marks when a fresh one will be (the script shows it on that second)."""
    late = receive(tenants, appeal_number="LATE")
    Incident.objects.filter(pk=late.pk).update(awaiting_ack_since=timezone.now() - timedelta(seconds=61))
    fresh = receive(tenants, appeal_number="FRESH")
    page = dispatcher("kk").get("/112/").content.decode()
    newest = section(page, "newest")
    row_of = {n: newest[newest.index(f'data-number="{n}"') :].split("</tr>")[0] for n in numbers(newest)}
    assert '<span class="alarm" data-kind="late"' in row_of["LATE"] and "hidden>" not in row_of["LATE"]
    assert "⚠ 60 с астам қабылданбады" in row_of["LATE"] and "Не принято" not in page
    fresh.refresh_from_db()
    due = int((fresh.awaiting_ack_since + timedelta(seconds=60)).timestamp())
    assert f'data-late-at="{due}" hidden>' in row_of["FRESH"]
    # Once the watchdog has raised its alarm, it alone says so.
    watchdog.raise_ack_alarms()
    page = dispatcher("ru", name="vera").get("/112/").content.decode()
    newest = section(page, "newest")
    late_row = newest[newest.index('data-number="LATE"') :].split("</tr>")[0]
    assert 'data-kind="not_acknowledged"' in late_row and 'data-kind="late"' not in late_row


def test_form_posts_walk_the_incident_through_its_states(tenants):
    incident = receive(tenants, appeal_number="WALK-1")
    client = dispatcher("kk")
    base = f"/112/incidents/{incident.pk}"
    response = client.post(f"{base}/acknowledge/")
    assert response.status_code == 302 and response["Location"] == "/112/"
    assert "№WALK-1 өтініш: Қабылдады" in client.get("/112/").content.decode()
    dispatched = client.post(f"{base}/dispatch/", {"unit": "ПЧ-3"}, **JSON).json()["incident"]
    assert dispatched["state"] == "dispatched" and dispatched["unit"] == "ПЧ-3"
    assert client.post(f"{base}/on-scene/", **JSON).json()["incident"]["state"] == "on_scene"
    closed = client.post(f"{base}/close/", {"note": "ликвидировано"}, **JSON)
    assert closed.json()["incident"]["state"] == "closed"
    actors = set(
        IncidentEvent.objects.filter(incident=incident, kind="transition").values_list(
            "actor_subject", flat=True
        )
    )
    assert actors == {"local:aida-kk"}


def test_scripts_get_the_registers_code_field_and_message(tenants):
    incident = receive(tenants)
    client = dispatcher()
    base = f"/112/incidents/{incident.pk}"
    response = client.post(f"{base}/reject/", {"note": ""}, **JSON)
    assert response.status_code == 400
    assert response.json()["error"] == {
        "code": "required",
        "field": "note",
        "message": "a rejection needs the dispatcher's note for the 109 line",
    }
    response = client.post(f"{base}/close/", **JSON)
    assert response.status_code == 409 and response.json()["error"]["code"] == "illegal_transition"
    assert client.post("/112/incidents/999999/acknowledge/", **JSON).status_code == 404
    assert client.post(f"{base}/explode/", **JSON).json()["error"]["code"] == "unknown_step"
    other = logged_in(user_with_roles("op-json", "operator"), host="localhost")
    refused = other.post(f"{base}/acknowledge/", **JSON)
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "forbidden"


def test_a_refused_step_comes_back_under_its_form_in_the_persons_language(tenants):
    incident = receive(tenants)
    base = f"/112/incidents/{incident.pk}"
    kazakh = dispatcher("kk")
    empty = kazakh.post(f"{base}/reject/", {"note": "   "})
    html = empty.content.decode()
    assert empty.status_code == 400 and empty["Content-Type"].startswith("text/html")
    assert f'id="reject-{incident.pk}-error" data-code="required">Неліктен төтенше емес' in html
    assert "Напишите" not in html

    russian = dispatcher("ru", name="vera")
    early = russian.post(f"{base}/dispatch/", {"unit": "ПЧ-3"})
    text = early.content.decode()
    assert early.status_code == 409 and 'data-code="illegal_transition"' in text
    assert "это действие больше невозможно" in text
    missing = russian.post("/112/incidents/999999/acknowledge/")
    assert missing.status_code == 404 and "Такого происшествия нет." in missing.content.decode()
    assert russian.post(f"{base}/explode/").status_code == 404

    acknowledge_incident(DISPATCHER, incident.pk)
    unit = russian.post(f"{base}/dispatch/", {"unit": " "})
    assert unit.status_code == 400 and "Укажите направленное подразделение" in unit.content.decode()
    incident.refresh_from_db()
    assert incident.state == IncidentState.ACKNOWLEDGED


def test_a_refused_step_keeps_what_was_typed(tenants):
    incident = receive(tenants)
    acknowledge_incident(DISPATCHER, incident.pk)
    reject_incident(DISPATCHER, incident.pk, note="ложный")  # meanwhile, by another dispatcher
    page = dispatcher().post(f"/112/incidents/{incident.pk}/reject/", {"note": "мой текст"})
    assert page.status_code == 409  # the row has no reject form any more: the reason on top
    assert 'class="errors" role="alert" data-code="illegal_transition">Происшествие' in page.content.decode()
    fresh = receive(tenants)
    typed = dispatcher("ru", name="olga").post(f"/112/incidents/{fresh.pk}/dispatch/", {"unit": "ПЧ-9"})
    assert typed.status_code == 409
    assert f'id="dispatch-{fresh.pk}"' not in typed.content.decode()  # not offered from "received"


def test_form_posts_need_the_csrf_token(tenants):
    incident = receive(tenants)
    strict = dispatcher()
    strict.handler.enforce_csrf_checks = True
    assert strict.post(f"/112/incidents/{incident.pk}/acknowledge/").status_code == 403
    incident.refresh_from_db()
    assert incident.state == IncidentState.RECEIVED


# session, user (with the staff profile), roles; the akimats (the filter's choices); the change
# marker; the open incidents counted, the newest not accepted, the page of open ones, the finished
# ones (each list with its alarms in the same statement); the alarms counted by kind
PAGE_QUERIES = AUTH_QUERIES + 7


def test_the_page_and_its_poll_cost_the_same_queries_for_one_incident_or_many(tenants):
    receive(tenants)
    client = dispatcher()
    client.get("/112/")  # warm: the session's first look-ups
    with exact_queries(PAGE_QUERIES):
        one = client.get("/112/").content.decode()
    with exact_queries(PAGE_QUERIES):
        assert client.get("/112/rows").status_code == 200
    for n in range(60):
        receive(tenants, services=("101", "103") if n % 2 else ("102",))
    for incident in Incident.objects.order_by("id")[:5]:
        reject_incident(DISPATCHER, incident.pk, note="не ЧС")
    watchdog.raise_ack_alarms(timezone.now() + timedelta(minutes=5))  # every open one alarmed
    with exact_queries(PAGE_QUERIES):
        many = client.get("/112/?service=101").content.decode()
    with exact_queries(PAGE_QUERIES):
        assert client.get("/112/rows?alarm=not_acknowledged&page=2").status_code == 200
    assert one.count("<tr data-id=") == 2  # the newest strip and the open list
    assert len(numbers(section(many, "open"))) == 28 and len(numbers(section(many, "newest"))) == 5
    assert many.count('class="alarm"') == 28 + 5 + 1  # each shown row's and the bar's one


@pytest.mark.parametrize(
    ("language", "said", "other"),
    [("kk", "Аты айтылмады", "Имя не названо"), ("ru", "Имя не названо", "Аты айтылмады")],
)
def test_a_name_and_address_not_said_show_the_screens_words(tenants, language, said, other):
    location = make_input(tenants["petropavlovsk"]).location
    receive(
        tenants,
        appeal_number="UNSAID-1",
        caller=CallerInput(name=NO_NAME, phone="+77015556677", callback_number="", language="ru"),
        location=replace(location, address_text=NO_ADDRESS),
    )
    html = dispatcher(language, name="unsaid").get("/112/").content.decode()
    row = html[html.rindex('data-number="UNSAID-1"') :].split("</tr>")[0]  # the list's row, not the strip's
    assert f"<td>{said}<br>" in row and other not in row
    assert ("Мекенжай айтылмады" if language == "kk" else "Адрес не назван") in row
