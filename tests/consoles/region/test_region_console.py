"""The regional console page (`/region/`): regional staff only, every akimat's figures side by side
with the region's in the screen's language, the escalation queue with decisions for the regional
admin (the same service as the API, its message to the akimat included), refusals and a wrong
period in the person's language, the language switch kept for a person of the public schema, and a
fixed number of queries whatever the rows."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone
from django_tenants.utils import get_public_schema_name, schema_context

from accounts.models import StaffProfile
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


def speaking(client: Client, language: str) -> Client:
    client.cookies["django_language"] = language
    return client


@pytest.fixture
def viewer(tenants) -> Client:
    return regional_client("console-viewer", "regional_viewer")


@pytest.fixture
def admin(tenants) -> Client:
    return regional_client("console-admin", "regional_admin")


def test_strangers_sign_in_and_akimat_staff_get_the_refused_page_in_their_language(tenants):
    response = Client(HTTP_HOST="localhost").get("/region/?days=7")
    assert response.status_code == 302
    assert response["Location"] == "/auth/login/?next=/region/%3Fdays%3D7"
    operator = speaking(logged_in(user_with_roles("console-operator", "operator"), host="localhost"), "kk")
    refused = operator.get("/region/")
    html = refused.content.decode()
    assert refused.status_code == 403 and refused["Content-Type"].startswith("text/html")
    assert "Қолжетімсіз" in html and "Нет доступа" not in html  # the consoles' page, in Kazakh
    assert "облыстың Keycloak әкімшісіне" in html
    assert Client(HTTP_HOST="petropavlovsk.localhost").get("/region/").status_code == 404


def test_the_viewer_sees_every_akimat_beside_the_region_in_one_language_and_no_decisions(viewer, tenants):
    seed_known("esil")
    escalation(7)
    escalation(8, cause="overdue_multiple", reason="3 мерзім өтті, жауап жоқ / без ответа 3 срока")
    page = speaking(viewer, "kk").get("/region/")
    assert page.status_code == 200 and page["Cache-Control"].startswith("max-age=0")
    html = page.content.decode()
    for tenant in tenants.values():
        assert f'data-akimat="{tenant.slug}"' in html and tenant.name_kk in html
        assert tenant.name_ru not in html  # one language on the screen
    esil_row = re.search(r'<tr data-akimat="esil">(.*?)</tr>', html, re.S).group(1)
    cells = re.findall(r'<td data-label="([^"]+)" class="n[^"]*">([^<]*)</td>', esil_row)
    assert cells[0][0] == "Қабылданды" and cells[5][0] == "Қазір мерзімі өткен"  # named on a phone
    cells = [value for _label, value in cells]
    assert cells[0] == "4" and cells[5] == "1"  # received, overdue now (seed_known's figures)
    assert cells[1] == "33,3"  # on time: 1 of 3 answered, written the Kazakh way
    assert "Облыс бойынша өтініштер" in html and "Подрядчик не выходит на связь" in html
    assert "Кезекте" in html and "В очереди" not in html  # the escalation's state, Kazakh half
    assert 'data-label="Эскалация"><span class="state"' in html  # the queue's cells named on a phone
    assert 'data-label="Себеп"' in html and 'data-label="Өтініш қазір"' in html
    assert "3 мерзім өтті, жауап жоқ" in html and "без ответа" not in html  # a rule's reason, halved
    assert "/region/escalations/" not in html  # a viewer does not decide
    assert viewer.post("/region/escalations/1/accept/").status_code == 403

    russian = speaking(viewer, "ru").get("/region/").content.decode()
    assert "Обращения по области" in russian and "Облыс бойынша" not in russian
    assert "без ответа 3 срока" in russian and "жауап жоқ" not in russian
    assert "Есильский район" in russian


@pytest.mark.parametrize(
    ("language", "words"), [("kk", "365 күнді таңдаңыз"), ("ru", "Выберите последние 7, 30, 90 или 365 дней")]
)
def test_a_wrong_period_is_a_field_error_in_the_persons_language(viewer, language, words):
    for wrong in ("31", "abc", "-7", "9" * 40):
        response = speaking(viewer, language).get(f"/region/?days={wrong}")
        html = response.content.decode()
        assert response.status_code == 400, wrong
        # The id every console form gives a field's error (consoles/field_errors.py), pointed at.
        assert 'id="id_days-error"' in html and 'aria-describedby="id_days-error"' in html and words in html
        assert 'aria-invalid="true"' in html and "id_days_error" not in html
        assert 'id="kpis"' not in html
    chosen = speaking(viewer, language).get("/region/?days=90").content.decode()
    assert '<option value="90" selected>' in chosen


def test_the_admin_decides_from_the_page_and_the_akimat_is_told(admin):
    queued = escalation(11)
    html = speaking(admin, "ru").get("/region/").content.decode()
    assert f"/region/escalations/{queued.pk}/accept/" in html
    assert f'<label for="resolve-{queued.pk}">Решение</label>' in html  # every text field has its label

    done = admin.post(f"/region/escalations/{queued.pk}/accept/", {"days": "90"})
    assert done.status_code == 302 and done["Location"] == "/region/?days=90"
    page = admin.get(done["Location"]).content.decode()
    assert "Обращение №11 (Петропавловск): Принято областью" in page
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


def test_a_refused_decision_comes_back_under_its_form_with_the_text_kept(admin):
    queued = escalation(12)
    kazakh = speaking(admin, "kk")
    empty = kazakh.post(f"/region/escalations/{queued.pk}/assign_back/", {"comment": "  "})
    html = empty.content.decode()
    assert empty.status_code == 400 and empty["Content-Type"].startswith("text/html")
    assert f'id="assign_back-{queued.pk}-error" data-code="required">Әкімдікке нұсқауды жазыңыз.' in html
    assert "Напишите" not in html

    kazakh.post(f"/region/escalations/{queued.pk}/accept/")
    late = kazakh.post(f"/region/escalations/{queued.pk}/accept/")
    assert late.status_code == 409 and "бұл шешім енді мүмкін емес" in late.content.decode()
    gone = speaking(admin, "ru").post("/region/escalations/999999/resolve/", {"comment": "Готово"})
    assert gone.status_code == 404 and "Такой эскалации нет." in gone.content.decode()
    typed = speaking(admin, "ru").post(f"/region/escalations/{queued.pk}/explode/", {"comment": "мой текст"})
    assert typed.status_code == 400 and "Такого решения нет." in typed.content.decode()


def test_a_viewer_posting_a_decision_gets_the_refused_page_or_json(viewer):
    queued = escalation(13)
    page = speaking(viewer, "ru").post(f"/region/escalations/{queued.pk}/accept/")
    assert page.status_code == 403 and "Нет доступа" in page.content.decode()
    json = viewer.post(f"/region/escalations/{queued.pk}/accept/", HTTP_ACCEPT="application/json")
    assert json.status_code == 403 and "эскалациям" in json.json()["error"]["message"]  # the action, in words
    queued.refresh_from_db()
    assert queued.state == "open"


def test_the_language_switch_is_kept_for_a_person_of_the_regional_host(tenants):
    client = regional_client("switching-viewer", "regional_viewer")
    answer = client.post("/console/language", {"language": "kk", "next": "/region/?days=7"})
    assert answer.status_code == 302 and answer["Location"] == "/region/?days=7"
    with schema_context(get_public_schema_name()):  # the region's people live in the public schema
        user = User.objects.get(username="switching-viewer")
        assert StaffProfile.objects.get(user=user).language == "kk"
    other_device = Client(HTTP_HOST="localhost", HTTP_ACCEPT_LANGUAGE="ru")
    other_device.force_login(user)
    html = other_device.get("/region/").content.decode()
    assert 'lang="kk"' in html and "Облыс бойынша өтініштер" in html


def test_the_regional_staff_land_on_their_console(tenants):
    assert regional_client("lands-viewer", "regional_viewer").get("/")["Location"] == "/region/"
    assert regional_client("lands-dispatcher", "dispatcher_112").get("/")["Location"] == "/112/"
    assert Client(HTTP_HOST="localhost").get("/").status_code == 200  # strangers: the akimats' list


# session, user (with the staff profile), roles; the akimats; their tallies, statuses, open
# escalations (one statement each for all akimats); the queue, its appeals' facts (two), the category
# labels; the region's tallies, statuses, open escalations
PAGE_QUERIES = 15  # the places: one read of every akimat's ranking


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
