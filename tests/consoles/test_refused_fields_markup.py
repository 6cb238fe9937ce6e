"""What a screen reader gets from the operator's refused forms and search lists (server side,
Django's client on the real database): every `aria-describedby` names an element the page has, a
refused field is marked `aria-invalid` (the category's search box and a step's field too), an
error list keeps its list semantics (the alert is its wrapper), and the search boxes' lists are
comboboxes' listboxes whose count is announced in the screen's language."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from django.test import Client
from django_tenants.utils import tenant_context

from testkit.identities import logged_in, user_with_roles
from tests.appeals.conftest import appeal_in, intake


@pytest.fixture
def inside(tenants) -> Iterator[None]:
    with tenant_context(tenants["petropavlovsk"]):
        yield


def operator(language: str = "ru") -> Client:
    client = logged_in(user_with_roles(f"a11y-{language}", "operator"))
    client.cookies["django_language"] = language
    return client


def tag(html: str, element_id: str) -> str:
    found = re.search(rf'<[a-z]+[^>]*\bid="{re.escape(element_id)}"[^>]*>', html)
    assert found, element_id
    return found.group(0)


def described_by_what_exists(html: str) -> list[str]:
    """Every id an aria-describedby names; fails on one the page lacks."""
    ids = [i for value in re.findall(r'aria-describedby="([^"]*)"', html) for i in value.split()]
    missing = [i for i in ids if f'id="{i}"' not in html]
    assert not missing, missing
    return ids


def test_refused_intake_fields_point_at_their_errors(inside):
    answer = operator().post(
        "/console/intake/",
        {
            "channel": "landline",
            "phone": "12",
            "description": "Су жоқ",
            "client_key": "a11y-1",
            "register": "on",
        },
    )
    html = answer.content.decode()
    assert answer.status_code == 400
    ids = described_by_what_exists(html)
    assert {"id_phone-error", "id_category-error"} <= set(ids)
    assert 'aria-invalid="true"' in tag(html, "id_phone")
    search = tag(html, "category-search")  # the box the operator types in, for the hidden code
    assert 'aria-invalid="true"' in search and 'aria-describedby="id_category-error"' in search


def test_the_search_boxes_are_comboboxes(inside):
    html = operator().get("/console/intake/").content.decode()
    for box, listbox in (("id_address", "address-listbox"), ("category-search", "category-listbox")):
        found = tag(html, box)
        assert 'role="combobox"' in found and 'aria-expanded="false"' in found
        assert f'aria-controls="{listbox}"' in found
    assert 'id="address-found" class="visually-hidden" aria-live="polite"' in html
    assert 'id="category-found" class="visually-hidden" aria-live="polite"' in html
    assert 'id="map-status" aria-live="polite"' in html


@pytest.mark.parametrize(("language", "said"), [("kk", "Табылған санаттар: "), ("ru", "Найдено категорий: ")])
def test_the_category_list_says_how_many_it_found(inside, language, said):
    html = operator(language).get(
        "/console/intake/categories", {"category_search": ""}, HTTP_HX_REQUEST="true"
    )
    html = html.content.decode()
    assert 'role="listbox" id="category-listbox"' in html
    options = re.findall(
        r'<button type="button" role="option" aria-selected="false" tabindex="-1" id="([^"]+)"', html
    )
    assert options and options[0] == "category-option-0"
    assert f'<p id="category-found" hx-swap-oob="innerHTML">{said}{len(options)}</p>' in html


def test_the_queue_search_says_how_many_it_found(inside):
    intake()
    client = operator("kk")
    html = client.get("/console/queues/", {"q": ""}, HTTP_HX_REQUEST="true").content.decode()
    assert re.search(r'<p id="rows-found" hx-swap-oob="innerHTML">Табылған өтініштер: \d+</p>', html)
    page = client.get("/console/queues/").content.decode()
    assert 'id="rows-found" class="visually-hidden" aria-live="polite"></p>' in page  # empty until a search


def test_a_refused_step_marks_its_field_and_keeps_its_error_list_a_list(inside):
    appeal = intake(category="", location=None)
    answer = operator("kk").post(
        f"/console/appeals/{appeal.number}/transfer", {"akimat": "kyzylzhar", "reason": ""}
    )
    html = answer.content.decode()
    assert answer.status_code == 400
    described_by_what_exists(html)
    reason = tag(html, "transfer-reason")
    assert 'aria-invalid="true"' in reason and 'aria-describedby="transfer-errors"' in reason
    assert "aria-invalid" not in tag(html, "transfer-akimat")  # not the one refused
    assert '<div role="alert" id="transfer-errors"><ul class="errors">' in html
    assert '<ul class="errors" role="alert"' not in html


def test_a_refused_call_back_describes_its_fields(inside):
    answered = appeal_in("done")
    answer = operator().post(
        f"/console/callbacks/{answered.number}/", {"contact": answered.number, "comment": "x" * 2001}
    )
    html = answer.content.decode()
    assert answer.status_code == 400
    ids = described_by_what_exists(html)
    assert f"c{answered.number}-outcome-error" in ids and f"c{answered.number}-comment-error" in ids
