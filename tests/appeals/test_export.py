"""The appeals export (`/appeals/export.ndjson`, `.csv`): the period's appeals of the akimat,
oldest first, streamed; personal data (name, phone, the free-text description) only for the roles
that see it; wrong days and strangers refused in the API's envelope; one query for any number."""

from __future__ import annotations

import csv
import datetime
import io
import json

from django.test import Client
from django.utils import timezone

from appeals.models import Appeal
from appeals.rules.calendar import ALMATY
from testkit.identities import logged_in, user_with_roles
from testkit.queries import exact_queries
from tests.appeals.conftest import intake

PHONE = "+77057770011"


def body(answer) -> str:
    return b"".join(answer.streaming_content).decode()


def lines(answer) -> list[dict]:
    return [json.loads(line) for line in body(answer).splitlines()]


def today() -> str:
    return timezone.now().astimezone(ALMATY).date().isoformat()


def test_an_integrator_gets_the_periods_appeals_without_personal_data(petropavlovsk):
    mine = [intake(phone=PHONE, description=f"Звонить {PHONE}, ИИН 900101300123 / {i}") for i in range(3)]
    old = intake(phone=PHONE)
    Appeal.objects.filter(pk=old.pk).update(received_at=timezone.now() - datetime.timedelta(days=40))
    integrator = logged_in(user_with_roles("export-integrator", "integrator"))

    answer = integrator.get(f"/appeals/export.ndjson?until={today()}")
    assert answer.status_code == 200 and answer["Content-Type"] == "application/x-ndjson"
    rows = lines(answer)
    numbers = [row["number"] for row in rows]
    assert [a.number for a in mine] == [n for n in numbers if n in {a.number for a in mine}]
    assert old.number not in numbers  # 40 days ago: outside the default 30
    moments = [row["received_at"] for row in rows]
    assert moments == sorted(moments)  # oldest first
    assert PHONE not in body(integrator.get("/appeals/export.ndjson"))  # nor in the description
    assert "applicant_phone" not in rows[0] and "description" not in rows[0]
    assert rows[0]["status"] and rows[0]["received_at"].endswith("+05:00")

    since = (timezone.now() - datetime.timedelta(days=45)).astimezone(ALMATY).date().isoformat()
    wider = [row["number"] for row in lines(integrator.get(f"/appeals/export.ndjson?since={since}"))]
    assert old.number in wider


def test_a_supervisor_gets_personal_data_and_the_csv(petropavlovsk):
    appeal = intake(phone=PHONE)
    supervisor = logged_in(user_with_roles("export-supervisor", "supervisor"))
    answer = supervisor.get("/appeals/export.csv")
    assert answer["Content-Type"].startswith("text/csv")
    assert 'filename="appeals-' in answer["Content-Disposition"]
    table = list(csv.DictReader(io.StringIO(body(answer).lstrip("\ufeff"))))
    row = next(r for r in table if r["number"] == str(appeal.number))
    assert row["applicant_phone"] == PHONE and row["description"]
    assert row["overdue"] == "false"  # a yes or no as JSON and the open data write it


def test_a_cell_that_would_run_as_a_formula_is_kept_as_text(petropavlovsk):
    """A name or a description an integrator or a citizen wrote as a formula is not a call when a
    supervisor opens the CSV in a spreadsheet; phone numbers stay numbers."""
    appeal = intake(
        phone=PHONE,
        applicant_name="=cmd|' /C calc'!A0",
        description='@SUM(1+1)*cmd|" /C calc"!A0',
        address='-2+3+HYPERLINK("http://evil.example","x")',
    )
    supervisor = logged_in(user_with_roles("export-formulas", "supervisor"))
    table = list(csv.DictReader(io.StringIO(body(supervisor.get("/appeals/export.csv")).lstrip("\ufeff"))))
    row = next(r for r in table if r["number"] == str(appeal.number))
    assert row["applicant_name"] == "'=cmd|' /C calc'!A0"
    assert row["description"] == '\'@SUM(1+1)*cmd|" /C calc"!A0'
    assert row["address"] == '\'-2+3+HYPERLINK("http://evil.example","x")'
    assert row["applicant_phone"] == PHONE  # "+7705...": a number, not a formula


def test_the_export_costs_one_query_for_few_or_many(petropavlovsk):
    integrator = logged_in(user_with_roles("export-counter", "integrator"))
    integrator.get("/appeals/export.ndjson")  # warm: the session's first reads

    def count() -> int:
        with exact_queries(4):  # session, user, roles; the appeals
            return len(lines(integrator.get("/appeals/export.ndjson")))

    few = count()
    for _ in range(5):
        intake()
    assert count() == few + 5


def test_wrong_days_and_strangers_are_refused_in_the_envelope(petropavlovsk):
    integrator = logged_in(user_with_roles("export-wrong", "integrator"))
    wrong = integrator.get("/appeals/export.ndjson?since=yesterday", HTTP_ACCEPT_LANGUAGE="ru")
    assert wrong.status_code == 400
    error = wrong.json()["errors"][0]
    assert (error["field"], error["code"]) == ("since", "invalid") and "датой" in error["message"]
    backwards = integrator.get("/appeals/export.ndjson?since=2026-03-10&until=2026-03-01")
    assert backwards.status_code == 400 and backwards.json()["errors"][0]["field"] == "since"
    too_long = integrator.get("/appeals/export.ndjson?since=2024-01-01&until=2026-01-01")
    assert too_long.status_code == 400 and too_long.json()["errors"][0]["field"] == "until"
    stranger = Client(HTTP_HOST="petropavlovsk.localhost").get("/appeals/export.ndjson")
    assert stranger.status_code == 401 and stranger.json()["errors"][0]["code"] == "unauthenticated"
    assert integrator.get("/appeals/export.xml").status_code == 404
