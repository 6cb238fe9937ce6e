"""The region's open data `/open-data/` on the regional host (decision 111): each akimat's datasets
linked, the region's appeals of a month from the read model by the public rule (never an
emergency, a cancelled appeal or the sandbox), bad input said in the screen's language, and four
SQL statements whatever the rows. That an akimat's appeal gets there through its message:
tests/regional/test_open_data.py (it commits)."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator

import pytest
from django.test import Client
from django.utils import timezone

from accounts.keycloak_realm import web_origin
from consoles.months import current
from federation.emergency_112.models import Incident
from regional.read_model import apply_states
from tenants.models import Akimat
from tenants.sandbox import sandbox_spec
from testkit.queries import exact_queries
from testkit.tenants import scratch_akimat
from tests.regional.test_read_model import _state

FIRE = {"code": "fire", "parent": "emergency", "name_kk": "Өрт", "name_ru": "Пожар"}


@pytest.fixture(scope="module")
def sandbox(onboarded, django_db_blocker) -> Iterator[Akimat]:
    with scratch_akimat(sandbox_spec(), django_db_blocker) as tenant:
        yield tenant


def anyone(language: str = "ru") -> Client:
    client = Client(HTTP_HOST="localhost")
    client.cookies["django_language"] = language
    return client


def body(answer) -> str:
    return b"".join(answer.streaming_content).decode() if answer.streaming else answer.content.decode()


def rows(answer) -> dict[tuple[str, int], dict[str, str]]:
    text = body(answer)
    assert text.startswith("\ufeff")
    return {(row["akimat"], int(row["number"])): row for row in csv.DictReader(io.StringIO(text[1:]))}


def forwarded(akimat: Akimat, number: int) -> None:
    """An appeal of the akimat in the 112 register (an akimat's own emergency category, forwarded)."""
    now = timezone.now()
    Incident.objects.create(
        eido_id=f"test-{akimat.slug}-{number}", source_schema=akimat.schema_name, source_akimat=akimat,
        appeal_number=str(number), services=["101"], priority=1, category_kk="Өрт", category_ru="Пожар",
        caller_name="", caller_phone="", callback_number="", caller_language="ru", address_text="",
        document={}, document_sent_at=now, created=now,
    )  # fmt: skip


def test_the_regions_appeals_are_public_ones_of_the_region_only(tenants, sandbox):
    petropavlovsk, kyzylzhar = tenants["petropavlovsk"], tenants["kyzylzhar"]
    apply_states(petropavlovsk.schema_name, [_state(90001, "assigned"), _state(90002, "cancelled")])
    apply_states(petropavlovsk.schema_name, [_state(90003, "done", category=FIRE)])  # 112 closed it
    apply_states(kyzylzhar.schema_name, [_state(90004, "in_progress"), _state(90005, "registered")])
    forwarded(kyzylzhar, 90005)
    apply_states(sandbox.schema_name, [_state(90006, "assigned")])
    # An akimat's own emergency category, waiting for an operator to confirm its forward.
    own_emergency = {"code": "flood", "parent": "", "name_kk": "Су тасқыны", "name_ru": "Паводок"}
    apply_states(kyzylzhar.schema_name, [_state(90007, "received", category=own_emergency)])
    found = rows(anyone().get("/open-data/appeals.csv"))
    assert ("petropavlovsk", 90001) in found and ("kyzylzhar", 90004) in found
    left_out = [("petropavlovsk", 90002), ("petropavlovsk", 90003)]
    for absent in [*left_out, ("kyzylzhar", 90005), ("kyzylzhar", 90007)]:
        assert absent not in found, absent
    assert not any(slug == sandbox.slug for slug, _number in found)
    row = found[("petropavlovsk", 90001)]
    assert (row["akimat_name_ru"], row["category_code"], row["category_name_ru"]) == (
        petropavlovsk.name_ru, "heating", "Отопление",
    )  # fmt: skip
    assert (row["status"], row["answered"], row["answered_on_time"], row["repeat_count"]) == (
        "assigned", "false", "", "0",
    )  # fmt: skip
    assert row["received_at"].endswith("+05:00") and row["deadline"].endswith("+05:00")
    document = json.loads(body(anyone().get(f"/open-data/appeals.json?month={current().label}")))
    assert document["month"] == current().label and document["licence"] == "CC BY 4.0"
    assert {(r["akimat"], r["number"]) for r in document["appeals"]} == set(found)


def test_a_download_costs_four_statements_whatever_its_rows(tenants):
    schema = tenants["esil"].schema_name
    client = anyone()
    body(client.get("/open-data/appeals.csv"))
    apply_states(schema, [_state(91001, "assigned")])
    with exact_queries(4):  # the akimats, the first day, the categories' names, the facts by a cursor
        few = rows(client.get("/open-data/appeals.csv"))
    apply_states(schema, [_state(number, "registered") for number in range(91002, 91009)])
    with exact_queries(4):
        many = rows(client.get("/open-data/appeals.csv"))
    assert len(many) == len(few) + 7


@pytest.mark.parametrize(("language", "words"), [("kk", "әлі келген жоқ"), ("ru", "ещё не наступил")])
def test_the_page_links_each_akimat_and_says_a_bad_month(tenants, sandbox, language, words):
    page = anyone(language).get("/open-data/")
    text = page.content.decode()
    assert page.status_code == 200 and f'<html lang="{language}">' in text
    month = current().label
    site = web_origin("petropavlovsk.localhost")
    assert f'href="{site}/open-data/?month={month}&amp;lang={language}"' in text
    assert f'href="{site}/open-data/appeals.csv?month={month}"' in text
    assert f'href="appeals.csv?month={month}"' in text and 'data-column="akimat"' in text
    assert f'data-akimat="{sandbox.slug}"' not in text
    # Why the region has fewer rows than an akimat's own file (the walk of 7 Dec asked).
    said = {"kk": "оператор тіркегеннен кейін", "ru": "когда его зарегистрировал оператор"}[language]
    assert said in text and "utf-8-sig" in text
    assert 'href="/open-data/"' in anyone(language).get("/").content.decode()
    future = f"{current().after:%Y-%m}"
    refused = anyone(language).get(f"/open-data/?month={future}")
    assert refused.status_code == 400 and words in refused.content.decode()
    download = anyone(language).get(f"/open-data/appeals.csv?month={future}")
    assert download.status_code == 400 and words in download.content.decode()
    assert anyone(language).get("/open-data/appeals.geojson").status_code == 404


@pytest.mark.parametrize("path", ["/open-data/", "/open-data/appeals.csv"])
def test_a_link_checker_may_ask_the_region_with_head(tenants, path):
    client = Client(HTTP_HOST="localhost")
    asked = client.head(path)
    assert asked.status_code == 200 and asked["Content-Type"] == client.get(path)["Content-Type"]
