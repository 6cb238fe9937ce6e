"""Open311 GeoReport v2 on an akimat's host (decision 101), with Django's client on the real
database, Redis and Keycloak: the services are the akimat's non-emergency categories in the
caller's language; the requests are its public appeals without anything of the applicant; filters
refuse bad input in the API's envelope; a report filed with an integrator's real token becomes an
appeal once, whatever the retries; nothing of another akimat shows; JSON and XML alike."""

from __future__ import annotations

import uuid
from urllib.parse import urlencode
from xml.etree import ElementTree

import pytest
from django.test import Client
from django.utils import timezone
from django_tenants.utils import tenant_context

from appeals import actions
from appeals.kpi_definitions import ALMATY
from appeals.models import Appeal
from testkit.identities import logged_in, user_with_roles
from testkit.queries import exact_queries
from tests.accounts.conftest import tenant_host
from tests.appeals.conftest import CENTRE, OPERATOR, appeal_in, intake

PHONE = "+77051230011"
V2 = "/open311/v2"


def caller(language: str = "ru", token: str = "", slug: str = "petropavlovsk") -> Client:
    headers = {"HTTP_HOST": tenant_host(slug), "HTTP_ACCEPT_LANGUAGE": language}
    if token:
        headers["HTTP_AUTHORIZATION"] = f"Bearer {token}"
    return Client(**headers)


def by_id(rows: list[dict]) -> dict[str, dict]:
    return {row["service_request_id"]: row for row in rows}


@pytest.mark.parametrize(
    ("language", "heating", "group"),
    [
        ("ru", "Отопление", "Жилищно-коммунальное хозяйство"),
        ("kk", "Жылумен жабдықтау", "Тұрғын үй-коммуналдық шаруашылық"),
    ],
)
def test_the_services_are_the_akimats_categories_without_emergencies(petropavlovsk, language, heating, group):
    answer = caller(language).get(f"{V2}/services.json")
    services = {s["service_code"]: s for s in answer.json()}
    assert answer.status_code == 200 and answer["Content-Type"].startswith("application/json")
    assert services["heating"]["service_name"] == heating and services["heating"]["group"] == group
    assert services["heating"]["metadata"] is False and services["heating"]["type"] == "realtime"
    # Keywords help a civic app's user pick the service: the code's words and the akimat's own.
    assert {"heating", "батарея", "жылу"} <= set(services["heating"]["keywords"].split(","))
    assert "fire" not in services and "medical" not in services  # 112's, not a report to file
    assert "RateLimit-Limit" in answer  # the API's limits count Open311 too

    xml = ElementTree.fromstring(caller(language).get(f"{V2}/services.xml").content)  # noqa: S314 - our own answer
    assert xml.tag == "services" and {e.findtext("service_code") for e in xml.findall("service")} == set(
        services
    )

    definition = caller().get(f"{V2}/services/heating.json").json()
    assert definition == [{"service_code": "heating", "attributes": []}]
    missing = caller("en").get(f"{V2}/services/fire.json")
    assert missing.status_code == 404
    [error] = missing.json()
    assert error["code"] == "not_found" and error["field"] == "service_code"
    assert error["description"] == error["message"] and "no such service" in error["description"]


def test_requests_show_public_appeals_and_nothing_of_the_applicant(petropavlovsk):
    registered = appeal_in(
        "registered",
        phone=PHONE,
        applicant_name="Сауле Жанова",
        description=f"Нет тепла, звоните {PHONE}",
        address="ул. Позолотина, 72, кв. 66",
    )
    received = intake(phone=PHONE, description="Пока не прочитано оператором", address=f"Звоните {PHONE}")
    closed = appeal_in("closed", phone=PHONE)
    emergency = intake(category="medical", phone=PHONE)
    cancelled = intake(phone=PHONE)
    actions.cancel_appeal(OPERATOR, cancelled.number, reason="spam")
    answer = caller().get(f"{V2}/requests.json")
    text = answer.content.decode()
    rows = by_id(answer.json())
    assert answer.status_code == 200
    assert str(emergency.number) not in rows and str(cancelled.number) not in rows
    shown = rows[str(registered.number)]
    assert (
        shown["status"] == "open"
        and shown["service_code"] == "heating"
        and shown["service_name"] == "Отопление"
    )
    assert shown["description"].startswith("Нет тепла, звоните •••") and shown["description"].endswith("11")
    assert (shown["lat"], shown["long"]) == (round(CENTRE[1], 6), round(CENTRE[0], 6))
    assert shown["requested_datetime"].endswith("+05:00")  # Almaty time
    assert shown["address"] == "ул. Позолотина, 72"  # the building, not the flat
    # Nothing typed is public until a person of the 109 line read it.
    unread = rows[str(received.number)]
    assert unread["description"] == unread["address"] == unread["address_id"] == ""
    assert unread["lat"] is None and unread["long"] is None  # nor where it is
    assert rows[str(closed.number)]["status"] == "closed"
    assert rows[str(closed.number)]["status_notes"] == "Отопление восстановлено"
    assert PHONE not in text and "Сауле" not in text and "7051230011" not in text

    one = caller().get(f"{V2}/requests/{registered.number}.json").json()
    assert one == [shown]
    for hidden in (emergency.number, cancelled.number, 10**12, "abc"):
        refused = caller().get(f"{V2}/requests/{hidden}.json")
        assert refused.status_code == 404 and refused.json()[0]["code"] == "not_found"


def test_the_filters_narrow_the_list_and_bad_ones_are_refused_by_field(petropavlovsk):
    opened, done = appeal_in("registered"), appeal_in("done", category="cold-water")

    def ids(**params: str) -> set[str]:
        answer = caller().get(f"{V2}/requests.json", params)
        assert answer.status_code == 200, answer.content
        return {row["service_request_id"] for row in answer.json()}

    mine = {str(opened.number), str(done.number)}
    assert ids(status="closed") & mine == {str(done.number)}
    assert ids(status="open") & mine == {str(opened.number)}
    assert ids(status="open,closed") & mine == mine
    assert ids(service_code="cold-water") & mine == {str(done.number)}
    assert ids(service_request_id=f"{opened.number}, {done.number}") == mine
    assert ids(start_date="2099-01-01") == set()
    assert ids(start_date="2020-01-01", end_date="2020-01-02") == set()
    assert len(ids(page_size="1")) == 1 and ids(page="9999") == set()
    today = timezone.now().astimezone(ALMATY).date().isoformat()
    assert ids(end_date=today) & mine == mine  # a day as end_date: up to its end
    # An offset PostgreSQL does not store (over ±15:59) is compared in UTC.
    assert ids(start_date="2020-01-01T00:00:00-23:59") & mine == mine

    for params, field, code in [
        ({"start_date": "вчера"}, "start_date", "invalid"),
        ({"end_date": "2026-13-45"}, "end_date", "invalid"),
        ({"start_date": "2026-12-02", "end_date": "2026-12-01"}, "end_date", "invalid_period"),
        ({"status": "pending"}, "status", "invalid"),
        ({"page_size": "0"}, "page_size", "out_of_range"),
        ({"page_size": "1001"}, "page_size", "out_of_range"),
        ({"page": "-1"}, "page", "out_of_range"),
        ({"service_request_id": "1;DROP"}, "service_request_id", "invalid"),
        ({"jurisdiction_id": "kyzylzhar"}, "jurisdiction_id", "not_found"),
        ({"start_date": "9999-12-31T23:59:59-23:59"}, "start_date", "out_of_range"),
        ({"start_date": "0001-01-01T00:00:00+05:00"}, "start_date", "out_of_range"),
        ({"end_date": "9999-12-31"}, "end_date", "invalid"),
        ({"service_code": "\x00"}, "service_code", "invalid_characters"),
    ]:
        refused = caller("kk").get(f"{V2}/requests.json", params)
        assert refused.status_code in (400, 404), params
        assert [(e["field"], e["code"]) for e in refused.json()] == [(field, code)], params


def test_nothing_of_another_akimat_shows(tenants):
    marker = f"kyzylzhar-only-{uuid.uuid4().hex[:8]}"
    with tenant_context(tenants["kyzylzhar"]):
        theirs = appeal_in("registered", description=marker, location=None)
    with tenant_context(tenants["petropavlovsk"]):
        ours = caller().get(f"{V2}/requests.json", {"service_request_id": str(theirs.number)})
        assert marker not in ours.content.decode()
    with tenant_context(tenants["kyzylzhar"]):
        assert marker in caller(slug="kyzylzhar").get(f"{V2}/requests/{theirs.number}.json").content.decode()


def test_the_list_costs_one_query_however_many(petropavlovsk):
    for _ in range(3):
        appeal_in("assigned")
    client = caller()
    client.get(f"{V2}/requests.json")  # warm: the host's akimat, once a process
    with exact_queries(1):  # the appeals with their categories and organisations
        few = client.get(f"{V2}/requests.json")
    for _ in range(5):
        appeal_in("assigned")
    with exact_queries(1):
        many = client.get(f"{V2}/requests.json")
    assert len(many.json()) == len(few.json()) + 5


def test_xml_is_the_specifications_shape(petropavlovsk):
    appeal = appeal_in("registered")
    document = ElementTree.fromstring(caller().get(f"{V2}/requests/{appeal.number}.xml").content)  # noqa: S314 - our own answer
    assert document.tag == "service_requests"
    [request] = document.findall("request")
    assert (
        request.findtext("service_request_id") == str(appeal.number) and request.findtext("status") == "open"
    )
    refused = ElementTree.fromstring(caller("en").get(f"{V2}/requests.xml", {"status": "x"}).content)  # noqa: S314 - our own answer
    assert refused.tag == "errors" and refused.find("error").findtext("code") == "invalid"
    discovery = caller().get("/open311/discovery.json").json()
    assert discovery["endpoints"][0]["url"].endswith("/open311/v2/")
    assert "text/xml" in discovery["endpoints"][0]["formats"]


def report(**changes: str) -> dict[str, str]:
    return {
        "service_code": "heating",
        "lat": str(CENTRE[1]),
        "long": str(CENTRE[0]),
        "address_string": "ул. Абая, 12",
        "description": "Холодные батареи в подъезде",
        "first_name": "Ерлан",
        "last_name": "Садыков",
        "phone": "8 705 123 45 67",
    } | changes


def test_an_integrator_files_a_report_once_whatever_the_retries(petropavlovsk, tokens):
    client = caller("en", tokens.service("integrator-petropavlovsk"))
    key = f"open311-{uuid.uuid4().hex}"
    filed = client.post(f"{V2}/requests.json", report(), HTTP_IDEMPOTENCY_KEY=key)
    assert filed.status_code == 201, filed.content
    [answer] = filed.json()
    appeal = Appeal.objects.select_related("category").get(number=int(answer["service_request_id"]))
    assert (appeal.channel, appeal.status, appeal.category.code) == ("api", "received", "heating")
    assert appeal.applicant_name == "Ерлан Садыков" and appeal.applicant_phone == "+77051234567"
    assert appeal.location is not None and appeal.client_key == key

    again = client.post(f"{V2}/requests.json", report(), HTTP_IDEMPOTENCY_KEY=key)
    assert again.status_code == 200 and again.json()[0]["service_request_id"] == answer["service_request_id"]
    changed = client.post(f"{V2}/requests.json", report(description="Другое"), HTTP_IDEMPOTENCY_KEY=key)
    assert changed.status_code == 400
    assert [(e["field"], e["code"]) for e in changed.json()] == [("Idempotency-Key", "idempotency_conflict")]
    assert Appeal.objects.filter(client_key=key).count() == 1


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"phone": "12"}, [("phone", "invalid_phone")]),
        ({"phone": ""}, [("phone", "required")]),
        ({"service_code": ""}, [("service_code", "required")]),
        ({"service_code": "fire"}, [("service_code", "not_found")]),
        ({"lat": "north", "long": "x"}, [("lat", "invalid_location"), ("long", "invalid_location")]),
        ({"lat": "", "long": "", "address_string": ""}, [("lat", "required")]),
        ({"lat": "43.24", "long": "76.95"}, [("lat", "outside_region")]),
        ({"description": ""}, [("description", "required")]),
        ({"first_name": "я" * 201}, [("first_name", "too_long")]),
        # Open311's own checks and intake's together: the caller learns every problem at once.
        (
            {"service_code": "fire", "phone": "12", "description": ""},
            [("service_code", "not_found"), ("description", "required"), ("phone", "invalid_phone")],
        ),
    ],
)
def test_a_bad_report_is_refused_by_open311s_field_names(petropavlovsk, tokens, changes, expected):
    answer = caller("en", tokens.service("integrator-petropavlovsk")).post(
        f"{V2}/requests.json", report(**changes)
    )
    assert answer.status_code == 400, answer.content
    assert [(e["field"], e["code"]) for e in answer.json()] == expected
    assert all(e["description"] for e in answer.json())


def test_filing_needs_an_api_clients_token(petropavlovsk):
    anonymous = caller("en").post(f"{V2}/requests.json", report(api_key="anything"))
    assert anonymous.status_code == 401 and anonymous.json()[0]["code"] == "unauthenticated"
    assert "Bearer" in anonymous.json()[0]["description"]
    # A console's session is an ambient credential: it never files (no CSRF here).
    session = logged_in(user_with_roles("open311-operator", "operator"))
    refused = session.post(f"{V2}/requests.json", report())
    assert (
        refused.status_code == 401 and not Appeal.objects.filter(description=report()["description"]).exists()
    )


def test_a_token_without_the_right_to_create_is_forbidden(petropavlovsk, tokens):
    analyst = caller("en", tokens.password("analyst.petropavlovsk"))
    answer = analyst.post(f"{V2}/requests.json", report())
    assert answer.status_code == 403 and answer.json()[0]["code"] == "forbidden"


def test_a_form_that_is_not_utf8_is_refused_never_stored_altered(petropavlovsk, tokens):
    body = urlencode(report(description="x")).replace("description=x", "description=a%FFb")
    answer = caller("en", tokens.service("integrator-petropavlovsk")).post(
        f"{V2}/requests.json", body, content_type="application/x-www-form-urlencoded"
    )
    assert answer.status_code == 400, answer.content
    assert [(e["field"], e["code"]) for e in answer.json()] == [("description", "invalid_characters")]
    assert "UTF-8" in answer.json()[0]["description"]
    assert not Appeal.objects.filter(description__contains="\ufffd").exists()


def test_refusals_before_open311s_views_are_open311s_list_too(petropavlovsk, tokens):
    """A token refused, another akimat's token, an unknown path: Open311 clients read a list."""
    malformed = caller("en", "abc.def.ghi").post(f"{V2}/requests.json", report())
    assert malformed.status_code == 401 and malformed["WWW-Authenticate"].startswith("Bearer")
    (error,) = malformed.json()
    assert error["code"] == "malformed" and error["description"] == error["message"]
    elsewhere = caller("en", tokens.service("integrator-kyzylzhar")).post(f"{V2}/requests.json", report())
    assert elsewhere.status_code == 403 and elsewhere.json()[0]["code"] == "wrong_tenant"
    unknown = caller("en").get(f"{V2}/requests.yaml")
    assert unknown.status_code == 404 and isinstance(unknown.json(), list)
    as_xml = caller("en", "abc.def.ghi").get(f"{V2}/requests.xml")
    refused = ElementTree.fromstring(as_xml.content)  # noqa: S314 - our own answer
    assert as_xml.status_code == 401 and refused.tag == "errors"
    assert refused.find("error").findtext("code") == "malformed"
