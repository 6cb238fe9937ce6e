"""The exported contract: graphql/schema.graphql must equal the schema the code serves (run
`make schema` after changing it), and every example operation in graphql/operations/ runs clean."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone
from graphql import parse, print_schema

from appeals.jobs.monitor import sweep
from appeals.models import Appeal, Organisation, ResponsiblePerson
from ikomek.schema import regional_schema, schema
from testkit.graphql import data_of, gql
from testkit.identities import logged_in, user_with_roles
from testkit.paths import GRAPHQL
from tests.appeals.conftest import CENTRE, HOUSING, intake

OPERATIONS = GRAPHQL / "operations"


@pytest.mark.parametrize(
    ("served", "file"), [(schema, "schema.graphql"), (regional_schema, "regional.graphql")]
)
def test_exported_sdl_is_current(served, file):
    exported = (GRAPHQL / file).read_text(encoding="utf-8")
    assert exported == print_schema(served.graphql_schema), f"graphql/{file} is stale: run `make schema`"


def operation(name: str) -> str:
    return (OPERATIONS / f"{name}.graphql").read_text(encoding="utf-8")


def test_every_operation_parses_and_validates():
    from graphql import validate

    for path in OPERATIONS.glob("*.graphql"):
        document = parse(path.read_text(encoding="utf-8"))
        assert validate(schema.graphql_schema, document) == [], path.name


def test_every_example_operation_runs_in_a_real_scenario(petropavlovsk):
    operator = logged_in(user_with_roles("ops-operator", "operator"))
    executor = logged_in(user_with_roles("ops-executor", "executor", organisation=HOUSING))
    lawyer = logged_in(user_with_roles("ops-lawyer", "lawyer"))
    anyone = logged_in(user_with_roles("ops-nobody"))
    ran: set[str] = set()

    def run(client, name: str, **variables: object) -> dict:
        data = data_of(gql(client, operation(name), variables))
        ran.add(name)
        return data

    point = {"longitude": CENTRE[0], "latitude": CENTRE[1]}
    run(anyone, "Categories")
    receipt = run(
        operator,
        "CreateAppeal",
        input={
            "channel": "LANDLINE",
            "description": "Нет отопления во всём подъезде",
            "applicantPhone": "+7 705 123 45 67",
            "applicantName": "Айгерим Садыкова",
            "address": "ул. Конституции Казахстана, 20",
            "location": point,
            "category": "heating",
            "clientKey": "ops-1",
        },
    )["createAppeal"]
    number, access_code = receipt["appeal"]["number"], receipt["accessCode"]
    run(operator, "RepeatCandidates", category="heating", location=point)
    run(operator, "RegisterAppeal", input={"number": number})
    head = ResponsiblePerson.objects.create(
        organisation=Organisation.objects.get(code="housing-department"),
        full_name="Нурлан Абенов",
        is_head=True,
    )
    run(
        operator,
        "AssignAppeal",
        input={"number": number, "organisation": "housing-department", "assigneeId": head.pk},
    )
    queue = run(executor, "OrganisationQueue", first=10)["appeals"]["edges"]
    assert [edge["node"]["number"] for edge in queue] == [number]
    run(executor, "StartWork", input={"number": number})
    Appeal.objects.filter(number=number).update(deadline=timezone.now() - datetime.timedelta(hours=2))
    sweep()
    run(executor, "MarkDone", input={"number": number, "resolution": "Заменили задвижку"})
    run(operator, "CallbackQueue", first=10)
    run(operator, "RecordCallback", input={"number": number, "reached": True, "satisfied": True})
    run(operator, "CloseAppeal", input={"number": number})
    run(operator, "ReopenAppeal", input={"number": number, "reason": "Снова холодно"})
    run(operator, "AppealByNumber", number=number)
    run(operator, "AppealsList", first=10, filter={"category": "housing"}, orderBy="RECEIVED_AT_DESC")
    run(anyone, "TrackAppeal", number=number, phoneLast4="4567")
    tracked = run(anyone, "TrackAppeal", number=number, accessCode=access_code)["trackAppeal"]
    assert tracked["number"] == number

    violation = run(lawyer, "Violations", first=10)["violations"]["edges"][0]["node"]["id"]
    run(lawyer, "RecordExplanation", input={"id": violation, "text": "Не было запчастей"})
    run(lawyer, "ProposeSanction", input={"id": violation, "text": "Замечание"})
    run(lawyer, "CloseViolation", input={"id": violation, "text": "Взыскание наложено"})

    other = intake(category="roads").number
    run(operator, "RegisterAppeal", input={"number": other, "assign": True})
    run(executor, "StartWork", input={"number": other})
    run(executor, "MarkNotDone", input={"number": other, "reason": "Асфальт только весной"})
    third = intake(category="roads").number
    run(operator, "RegisterAppeal", input={"number": third})
    run(operator, "RejectAppeal", input={"number": third, "reason": "Частная территория"})
    spam = intake(category="other").number
    run(operator, "CancelAppeal", input={"number": spam, "reason": "SPAM"})
    original, repeat, separate = intake().number, intake().number, intake().number
    run(operator, "LinkAsRepeat", input={"number": repeat, "originalNumber": original})
    run(operator, "KeepSeparate", input={"number": separate, "proposed": [original]})
    from appeals.actions.telephony import record_incoming_call

    record_incoming_call("+77051234567")
    run(operator, "RecentIncomingCalls", limit=5)

    emergency = intake(category="heating").number
    run(operator, "ForwardTo112", input={"number": emergency, "services": ["101", "103"], "note": "Дым"})
    supervisor = logged_in(user_with_roles("ops-supervisor", "supervisor"))
    run(supervisor, "EmergencyAlarms", includeResolved=True)

    assert ran == {path.stem for path in OPERATIONS.glob("*.graphql")}, (
        "an example operation is not exercised"
    )


# ----------------------------------------------------------------- the SDL's URL and the policy


@pytest.mark.parametrize(
    ("host", "file"), [("petropavlovsk.localhost", "schema.graphql"), ("localhost", "regional.graphql")]
)
def test_each_host_serves_its_sdl_at_a_stable_url(tenants, host, file):
    from django.test import Client

    client = Client(HTTP_HOST=host)  # anyone: the SDL is published, introspection stays off
    answer = client.get("/graphql/schema.graphql")
    assert answer.status_code == 200 and answer["Content-Type"].startswith("text/plain")
    assert answer.content.decode() == (GRAPHQL / file).read_text(encoding="utf-8")
    again = client.get("/graphql/schema.graphql", HTTP_IF_NONE_MATCH=answer["ETag"])
    assert again.status_code == 304


@pytest.mark.parametrize(
    ("served", "file"), [(schema, "schema.graphql"), (regional_schema, "regional.graphql")]
)
def test_nothing_breaks_for_clients_of_the_baseline(served, file):
    """graphql/baseline/ is the contract integrators built on; a breaking change needs its
    deprecation period first, then a deliberate new baseline (graphql/README.md)."""
    from graphql import build_schema

    from testkit.graphql_policy import breaking_changes

    baseline = build_schema((GRAPHQL / "baseline" / file).read_text(encoding="utf-8"))
    assert breaking_changes(baseline, served.graphql_schema) == []


def test_the_policy_checks_catch_a_removed_field_and_an_undated_deprecation():
    from graphql import build_schema

    from testkit.graphql_policy import breaking_changes, deprecation_problems

    before = build_schema("type Query { a: Int, b: String }")
    after = build_schema('type Query { a: Int @deprecated(reason: "use c") c: Int }')
    assert breaking_changes(before, after) == ["FIELD_REMOVED: Query.b was removed."]
    assert deprecation_problems(after) == ["Query.a: the reason names no removal day ('use c')"]
    dated = build_schema(
        'type Query { a: Int @deprecated(reason: "Removed after 2027-06-30: use c") c: Int }'
    )
    assert deprecation_problems(dated) == []
    for served in (schema, regional_schema):
        assert deprecation_problems(served.graphql_schema) == []
