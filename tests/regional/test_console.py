"""The regional console page: regional staff only, every akimat's figures side by side with the
region's, the escalation queue with decisions for the regional admin (the same service as the API,
its message to the akimat included), kk/ru, and a fixed number of queries whatever the rows."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.utils import timezone

from federation.escalations.kinds import DECISION_KIND
from federation.messaging.models import Message
from regional.models import Escalation
from testkit.identities import logged_in, user_with_roles
from testkit.queries import exact_queries
from tests.regional.helpers import regional_client
from tests.regional.test_regional_api import seed_known


def escalation(number: int, schema: str = "petropavlovsk", **fields: object) -> Escalation:
    defaults = {
        "category": "heating",
        "cause": "manual",
        "reason": "Подрядчик не выходит на связь",
        "escalated_at": timezone.now(),
        "escalated_by": "operator",
    }
    return Escalation.objects.create(schema=schema, appeal_number=number, **(defaults | fields))


@pytest.fixture
def viewer(tenants) -> Client:
    return regional_client("console-viewer", "regional_viewer")


@pytest.fixture
def admin(tenants) -> Client:
    return regional_client("console-admin", "regional_admin")


def test_anonymous_is_sent_to_login_and_akimat_staff_is_refused(tenants):
    response = Client(HTTP_HOST="localhost").get("/region/?days=7")
    assert response.status_code == 302
    assert response["Location"] == "/auth/login/?next=%2Fregion%2F%3Fdays%3D7"
    operator = logged_in(user_with_roles("console-operator", "operator"), host="localhost")
    refused = operator.get("/region/")
    assert refused.status_code == 403 and "regional.view" in refused.content.decode()
    assert Client(HTTP_HOST="petropavlovsk.localhost").get("/region/").status_code == 404


def test_the_viewer_sees_every_akimat_beside_the_region_and_no_decisions(viewer, tenants):
    seed_known("esil")
    escalation(7)
    page = viewer.get("/region/")
    assert page.status_code == 200 and page["Cache-Control"].startswith("max-age=0")
    html = page.content.decode()
    for tenant in tenants.values():
        assert f'data-akimat="{tenant.slug}"' in html and tenant.name_kk in html
    esil_row = re.search(r'<tr data-akimat="esil">(.*?)</tr>', html, re.S).group(1)
    cells = re.findall(r'<td class="n[^"]*">([^<]*)</td>', esil_row)
    assert cells[0] == "4" and cells[5] == "1"  # received, overdue now (seed_known's figures)
    assert "Облыс / Область" in html and "Подрядчик не выходит на связь" in html
    assert "Қабылдау / Принять" not in html  # a viewer does not decide
    assert viewer.post("/region/escalations/1/accept/").status_code == 403


def test_a_bad_period_is_refused_with_the_allowed_values(viewer):
    response = viewer.get("/region/?days=31")
    assert response.status_code == 400 and "7, 30, 90, 365" in response.content.decode()


def test_the_admin_decides_from_the_page_and_the_akimat_is_told(admin):
    queued = escalation(11)
    html = admin.get("/region/").content.decode()
    assert f"/region/escalations/{queued.pk}/accept/" in html

    done = admin.post(f"/region/escalations/{queued.pk}/accept/", follow=True)
    assert "Облыс қабылдады / Принято областью" in done.content.decode()
    queued.refresh_from_db()
    assert queued.state == "accepted"
    told = Message.objects.get(kind=DECISION_KIND, target_schema="petropavlovsk")
    assert (told.payload["number"], told.payload["decision"]) == (11, "accept")

    json = {"HTTP_ACCEPT": "application/json"}
    missing = admin.post(f"/region/escalations/{queued.pk}/resolve/", {"comment": " "}, **json)
    assert missing.status_code == 400 and missing.json()["error"]["code"] == "required"
    again = admin.post(f"/region/escalations/{queued.pk}/accept/", **json)
    assert again.status_code == 409 and again.json()["error"]["code"] == "invalid_transition"
    assert admin.post("/region/escalations/999999/accept/", **json).status_code == 404
    resolved = admin.post(
        f"/region/escalations/{queued.pk}/resolve/", {"comment": "Работы выполнены"}, **json
    )
    assert resolved.json() == {"escalation": {"id": queued.pk, "state": "resolved"}}
    assert f'data-id="{queued.pk}"' not in admin.get("/region/").content.decode()  # out of the queue


# session, user, roles; the akimats; their tallies, statuses, open escalations (one statement each for
# all akimats); the queue, its appeals' facts (two), the category labels; the region's tallies,
# statuses, open escalations
PAGE_QUERIES = 14


def test_the_page_costs_the_same_queries_for_one_escalation_or_many(admin):
    def page() -> str:
        admin.get("/region/")  # warm: the session's first look-ups
        with exact_queries(PAGE_QUERIES):
            response = admin.get("/region/")
        assert response.status_code == 200
        return response.content.decode()

    escalation(1)
    assert page().count("data-id=") == 1
    for number in range(2, 12):
        escalation(number, schema="esil" if number % 2 else "kyzylzhar")
    seed_known("esil")
    assert page().count("data-id=") == 11
