"""The IIN taken at intake is on the appeal page: whole for the roles that see personal data (an
operator), masked to its last two digits for the others (an analyst), as the API masks it."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
from django_tenants.utils import tenant_context

from appeals.rules.applicants import iin_control_digit
from testkit.identities import logged_in, user_with_roles
from tests.appeals.conftest import intake

BORN = "85031530012"  # 15.03.1985
IIN = BORN + str(iin_control_digit(BORN))


@pytest.fixture
def inside(tenants) -> Iterator[None]:
    with tenant_context(tenants["petropavlovsk"]):
        yield


def page(role: str, number: int, language: str) -> str:
    client = logged_in(user_with_roles(f"iin-{role}-{uuid.uuid4().hex[:8]}", role))
    client.cookies["django_language"] = language
    answer = client.get(f"/console/appeals/{number}/")
    assert answer.status_code == 200
    return answer.content.decode()


@pytest.mark.parametrize(("language", "word"), [("kk", "ЖСН"), ("ru", "ИИН")])
def test_the_iin_is_shown_whole_to_the_operator_and_masked_to_the_analyst(inside, language, word):
    number = intake(applicant_iin=IIN).number
    assert f'<dt>{word}</dt><dd class="iin">{IIN}</dd>' in page("operator", number, language)
    masked = page("analyst", number, language)
    assert f'<dt>{word}</dt><dd class="iin">••••••••••{IIN[-2:]}</dd>' in masked
    assert IIN not in masked


def test_an_appeal_without_an_iin_shows_no_line_for_it(inside):
    assert 'class="iin"' not in page("operator", intake().number, "ru")
