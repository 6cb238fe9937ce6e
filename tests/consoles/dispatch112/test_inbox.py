"""The 112 dispatchers' inbox (`/112/`) server-side: dispatchers only, the incidents in the screen's
language, the rows the page polls (204 while nothing changed), the steps posted from the page and by
scripts (JSON), a refused step under its form in the person's language with the text kept, and a
fixed number of queries whatever the number of incidents."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from accounts.roles import Role
from federation.emergency_112 import watchdog
from federation.emergency_112.actions import acknowledge_incident, receive_incident, reject_incident
from federation.emergency_112.documents import Priority, build_request_for_service
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


def receive(tenants, **overrides: object) -> Incident:
    document = build_request_for_service(make_input(tenants["petropavlovsk"], **overrides))
    return receive_incident(document, source_schema="petropavlovsk")


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
    assert 'hx-trigger="every 2s"' in html and "consoles/dispatch112.js" in html


def test_open_incidents_come_first_by_priority_then_newest(tenants):
    receive(tenants, appeal_number="LOW", priority=Priority.LOW)
    old = receive(tenants, appeal_number="HIGH-OLD", priority=Priority.HIGHEST)
    receive(tenants, appeal_number="HIGH-NEW", priority=Priority.HIGHEST)
    done = receive(tenants, appeal_number="DONE", priority=Priority.HIGHEST)
    Incident.objects.filter(pk=old.pk).update(received_at=timezone.now() - timedelta(minutes=5))
    reject_incident(DISPATCHER, done.pk, note="ложный вызов")
    html = dispatcher().get("/112/").content.decode()
    order = [html.index(f'data-number="{n}"') for n in ("HIGH-NEW", "HIGH-OLD", "LOW", "DONE")]
    assert order == sorted(order)
    assert 'class="p1 finished"' in html and "ложный вызов" in html


def test_the_poll_answers_204_until_something_shown_changes(tenants):
    incident = receive(tenants)
    client = dispatcher("kk")
    first = client.get("/112/rows")
    version = first.content.decode().split('data-inbox-version="')[1].split('"')[0]
    assert first.status_code == 200 and "Қабылдау" in first.content.decode()
    assert client.get(f"/112/rows?seen={version}").status_code == 204
    acknowledge_incident(DISPATCHER, incident.pk)
    changed = client.get(f"/112/rows?seen={version}")
    assert changed.status_code == 200 and "Күштерді жіберу" in changed.content.decode()


def test_the_duty_officers_alarm_is_shown_in_the_persons_language(tenants):
    incident = receive(tenants, appeal_number="SLOW-1")
    Incident.objects.filter(pk=incident.pk).update(awaiting_ack_since=timezone.now() - timedelta(seconds=90))
    watchdog.raise_ack_alarms()
    kazakh = dispatcher("kk").get("/112/").content.decode()
    assert 'class="alarm" data-kind="not_acknowledged">⚠ №SLOW-1: Уақытында қабылданбады' in kazakh
    assert "не принял" not in kazakh
    russian = dispatcher("ru", name="vera").get("/112/").content.decode()
    assert "⚠ №SLOW-1: Не принято вовремя" in russian and "112 не принял за" in russian


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


# session, user (with the staff profile), roles; the incidents; their open alarms; the duty
# officer's alarms
PAGE_QUERIES = 6


def test_the_page_and_its_poll_cost_the_same_queries_for_one_incident_or_many(tenants):
    receive(tenants)
    client = dispatcher()
    client.get("/112/")  # warm: the session's first look-ups
    with exact_queries(PAGE_QUERIES):
        one = client.get("/112/").content.decode()
    with exact_queries(PAGE_QUERIES):
        assert client.get("/112/rows").status_code == 200
    for _ in range(12):
        receive(tenants)
    watchdog.raise_ack_alarms(timezone.now() + timedelta(minutes=5))  # every one alarmed
    with exact_queries(PAGE_QUERIES):
        many = client.get("/112/").content.decode()
    with exact_queries(PAGE_QUERIES):
        assert client.get("/112/rows").status_code == 200
    assert one.count("<tr data-id=") == 1 and many.count("<tr data-id=") == 13
    assert many.count('class="alarm" data-kind="not_acknowledged"') == 26  # each row's and the duty list's
