"""The permission matrix, cell by cell, for principals made from real Keycloak tokens.

SPEC restates the matrix from the requirements; it is the test's own copy on purpose: changing
who may do what means changing it here too, in review, not by accident in code. `o` marks an
operation a role holds for its own organisation's appeals only.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied

from accounts.claims import principal_from_claims
from accounts.matrix_table import DOCS_PAGE, END, START, markdown
from accounts.permissions import (
    ACTIONS,
    MATRIX,
    OWN_ORGANISATION_ONLY,
    Operation,
    can,
    limited_to_own_organisation,
    require,
    sees_personal_data,
)
from accounts.principal import Principal
from accounts.roles import Role
from accounts.tokens import verifier
from testkit.processes import ROOT
from tests.accounts.conftest import api

COLUMNS = ["op", "ex", "su", "an", "la", "ak", "rv", "ra", "112", "in", "pa"]
ROLES = dict(
    zip(
        COLUMNS,
        [
            Role.OPERATOR,
            Role.EXECUTOR,
            Role.SUPERVISOR,
            Role.ANALYST,
            Role.LAWYER,
            Role.AKIM,
            Role.REGIONAL_VIEWER,
            Role.REGIONAL_ADMIN,
            Role.DISPATCHER_112,
            Role.INTEGRATOR,
            Role.PLATFORM_ADMIN,
        ],
        strict=True,
    )
)
SPEC_TEXT = """
                            op ex su an la ak rv ra 112 in pa
appeal.create               x  .  x  .  .  .  .  .  .   x  .
appeal.view                 x  o  x  x  x  x  .  .  .   x  .
appeal.view_personal_data   x  .  x  .  x  .  .  .  .   .  .
appeal.route                x  .  x  .  .  .  .  .  .   .  .
appeal.execute              .  o  .  .  .  .  .  .  .   .  .
appeal.reject               x  .  x  .  .  .  .  .  .   .  .
appeal.callback             x  .  x  .  .  .  .  .  .   .  .
appeal.cancel               x  .  x  .  .  .  .  .  .   .  .
appeal.reopen               x  .  x  .  .  .  .  .  .   .  .
appeal.transfer             x  .  x  .  .  .  .  .  .   .  .
appeal.forward_112          x  .  x  .  .  .  .  .  .   .  .
catalogue.manage            .  .  x  .  .  .  .  .  .   .  .
reports.view                .  .  x  x  x  x  .  .  .   .  .
violation.view              .  .  x  .  x  x  .  .  .   .  .
violation.manage            .  .  .  .  x  .  .  .  .   .  .
regional.view               .  .  .  .  .  .  x  x  .   .  x
regional.escalation.decide  .  .  .  .  .  .  .  x  .   .  .
regional.rules.manage       .  .  .  .  .  .  .  x  .   .  .
emergency.handle            .  .  .  .  .  .  .  .  x   .  .
emergency.alarms_view       .  .  x  .  .  .  .  .  .   .  .
tenant.admin                .  .  .  .  .  .  .  x  .   .  x
federation.admin            .  .  .  .  .  .  .  .  .   .  x
webhook.manage              .  .  x  .  .  .  .  .  .   x  .
"""


def spec(allowed: str = "xo") -> dict[tuple[Role, Operation], bool]:
    cells = {}
    for line in SPEC_TEXT.strip().splitlines()[1:]:
        operation, *marks = line.split()
        for column, mark in zip(COLUMNS, marks, strict=True):
            cells[(ROLES[column], Operation(operation))] = mark in allowed
    return cells


SPEC = spec()
OWN_ORGANISATION_SPEC = spec(allowed="o")


def test_spec_covers_every_role_and_operation():
    assert {role for role, _ in SPEC} == set(Role)
    assert {operation for _, operation in SPEC} == set(Operation)


def test_matrix_in_code_is_the_spec():
    in_code = {(role, op): op in MATRIX.get(role, frozenset()) for role in Role for op in Operation}
    assert in_code == SPEC


def test_own_organisation_limits_in_code_are_the_spec():
    in_code = {
        (role, op): op in OWN_ORGANISATION_ONLY.get(role, frozenset()) for role in Role for op in Operation
    }
    assert in_code == OWN_ORGANISATION_SPEC


def test_a_role_with_the_whole_akimat_lifts_the_organisation_limit():
    def person(*roles: Role) -> Principal:
        return Principal("s", "local", "u", "U", "user", roles=frozenset(roles), organisation="heat-network")

    assert limited_to_own_organisation(person(Role.EXECUTOR), Operation.APPEAL_VIEW)
    assert limited_to_own_organisation(person(Role.EXECUTOR), Operation.APPEAL_EXECUTE)
    # An executor who is also an analyst reads every appeal, and still executes only its own.
    assert not limited_to_own_organisation(person(Role.EXECUTOR, Role.ANALYST), Operation.APPEAL_VIEW)
    assert limited_to_own_organisation(person(Role.EXECUTOR, Role.ANALYST), Operation.APPEAL_EXECUTE)
    # Not allowed at all is not "limited": the permission check refuses it.
    assert not limited_to_own_organisation(person(Role.EXECUTOR), Operation.APPEAL_ROUTE)
    assert not limited_to_own_organisation(person(Role.OPERATOR), Operation.APPEAL_VIEW)


def one_role_token(tokens, role: Role) -> tuple[str, str | None]:
    """A real token whose only iKOMEK role is `role`, and the host it belongs on."""
    if role is Role.INTEGRATOR:
        return tokens.service("integrator-petropavlovsk"), "petropavlovsk"
    if role is Role.DISPATCHER_112:
        return tokens.service("ikomek-112", "ikomek-112-dev-secret"), None
    if role in (Role.REGIONAL_VIEWER, Role.REGIONAL_ADMIN, Role.PLATFORM_ADMIN):
        return tokens.password(role.value.replace("_", "-")), None
    return tokens.password(f"{role.value}.petropavlovsk"), "petropavlovsk"


@pytest.mark.parametrize("role", list(Role), ids=lambda role: role.value)
def test_every_cell_for_a_principal_from_a_real_token(tokens, tenants, role):
    token, host = one_role_token(tokens, role)

    me = api(host, token).json()
    principal = principal_from_claims(verifier().access_token(token), host)

    assert me["roles"] == [role.value]
    for operation in Operation:
        allowed = SPEC[(role, operation)]
        assert (operation.value in me["operations"]) is allowed, operation
        assert can(principal, operation) is allowed, operation
        if allowed:
            require(principal, operation)
        else:
            # The refusal names the action in words (in the active language), not the permission.
            with pytest.raises(PermissionDenied, match=re.escape(str(ACTIONS[operation]))):
                require(principal, operation)
    assert sees_personal_data(principal) is SPEC[(role, Operation.APPEAL_VIEW_PERSONAL_DATA)]
    assert me["sees_personal_data"] is sees_personal_data(principal)


def test_personal_data_is_for_operator_supervisor_and_lawyer_only():
    assert {role for role in Role if SPEC[(role, Operation.APPEAL_VIEW_PERSONAL_DATA)]} == {
        Role.OPERATOR,
        Role.SUPERVISOR,
        Role.LAWYER,
    }


def test_identity_doc_table_is_the_matrix_in_code():
    page = Path(ROOT, DOCS_PAGE).read_text(encoding="utf-8")
    assert START in page and END in page, "docs/identity.md lost its permission matrix markers"
    table = page.split(START, 1)[1].split(END, 1)[0].strip()
    assert table == markdown(), "run: .venv/bin/python manage.py permission_matrix --write-docs"
