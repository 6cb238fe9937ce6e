"""The guide's tables are the code's: what the integrator role may do is the permission matrix, and
every example operation, run as every role, is refused for exactly the roles its `# Needs:` line
leaves out (with the needed action named), before its input is even read."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.test import Client
from django.utils import translation

from accounts.permissions import ACTIONS
from accounts.roles import Role
from ikomek.schema import regional_schema, schema
from integrations.guide_tables import BLOCKS, GUIDE, Example, current_block, examples, holders
from testkit.graphql import gql
from testkit.graphql_variables import stand_in_variables
from testkit.identities import logged_in, user_with_roles
from testkit.paths import OPERATIONS, ROOT
from tests.regional.helpers import regional_client

ANONYMOUS = "anonymous"


def test_the_guides_tables_are_made_from_the_code():
    text = Path(ROOT, GUIDE).read_text(encoding="utf-8")
    for name, make in BLOCKS.items():
        assert current_block(text, name) == make(), "run: .venv/bin/python manage.py guide_tables --write"


def test_every_example_operation_says_what_it_needs():
    assert len(examples()) == len(list(OPERATIONS.rglob("*.graphql")))


def refusals(answer: dict) -> list[dict]:
    """The `forbidden` errors of an answer, top-level or typed in a payload."""
    found = [e for e in answer.get("errors", []) if (e.get("extensions") or {}).get("code") == "forbidden"]
    for payload in (answer.get("data") or {}).values():
        if isinstance(payload, dict):
            found += [e for e in payload.get("errors") or [] if e.get("code") == "forbidden"]
    return found


def check(example: Example, clients: dict[str, Client]) -> list[str]:
    """Run the example as each caller; the mismatches with the guide, in words."""
    document = (OPERATIONS / example.path).read_text(encoding="utf-8")
    variables = stand_in_variables((regional_schema if example.regional else schema).graphql_schema, document)
    allowed = {role.value: own for role, own in holders(example.needs)}
    if example.needs is None:
        allowed[ANONYMOUS] = False
    action = ""
    if example.needs is not None:
        with translation.override("en"):
            action = str(ACTIONS[example.needs])
    wrong = []
    for caller, client in clients.items():
        refused = refusals(gql(client, document, variables, HTTP_ACCEPT_LANGUAGE="en"))
        message = refused[0]["message"] if refused else ""
        if caller not in allowed:
            if action not in message:  # refused, naming the action the roles lack
                got = message or "let through"
                wrong.append(f"{example.path} as {caller}: {got!r}, not about {action!r}")
        elif refused and not (allowed[caller] and action not in message):
            # Let through, but for an "(own)" role: refused about the appeal's organisation only.
            wrong.append(f"{example.path} as {caller}: refused {message!r}")
    return wrong


def test_akimat_examples_are_refused_for_exactly_the_roles_the_guide_leaves_out(petropavlovsk):
    clients = {
        role.value: logged_in(
            user_with_roles(
                f"guide-{role.value}",
                role.value,
                organisation="housing-department" if role is Role.EXECUTOR else "",
            )
        )
        for role in Role
    }
    clients[ANONYMOUS] = Client(HTTP_HOST="petropavlovsk.localhost")
    ran = [example for example in examples() if not example.regional]
    assert len(ran) >= 40
    assert [m for example in ran for m in check(example, clients)] == []


@pytest.mark.usefixtures("tenants")
def test_regional_examples_are_refused_for_exactly_the_roles_the_guide_leaves_out():
    clients = {role.value: regional_client(f"guide-r-{role.value}", role.value) for role in Role}
    clients[ANONYMOUS] = Client(HTTP_HOST="localhost")
    ran = [example for example in examples() if example.regional]
    assert len(ran) >= 10
    assert [m for example in ran for m in check(example, clients)] == []


def test_an_example_without_its_needs_line_is_an_error(tmp_path):
    (tmp_path / "graphql" / "operations").mkdir(parents=True)
    (tmp_path / "graphql" / "operations" / "Bare.graphql").write_text("query Bare { categories { code } }")
    with pytest.raises(ValueError, match=r"Bare\.graphql has no '# Needs"):
        examples(tmp_path)
