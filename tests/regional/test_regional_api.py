"""The regional GraphQL API: regional roles only, figures that add up, a fixed number of SQL queries per
answer whatever the number of akimats, no personal data anywhere, and example operations that run."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.gis.geos import MultiPolygon, Polygon
from django.test import Client
from django.utils import timezone
from django_tenants.utils import tenant_context
from graphql import parse, validate

from federation.read_model_feed import STATE_SCHEMA
from ikomek.schema import regional_schema, schema
from regional import escalations
from regional.models import AppealFact
from regional.read_model import apply_states
from tenants.models import Akimat
from testkit.graphql import data_of, gql, refusal
from testkit.identities import logged_in, user_with_roles
from testkit.paths import OPERATIONS
from testkit.queries import exact_queries
from tests.regional.helpers import regional_client
from tests.regional.test_read_model import _state

KPIS = "query($p: PeriodInput, $c: String, $a: String) { regionalKpis(period: $p, category: $c, akimat: $a) { received repeats repeatShare answered answeredOnTime slaCompliance closed medianHoursToClose p90HoursToClose openNow overdueNow escalatedNow byStatus { status count overdue } } }"


def ago(hours: float) -> str:
    return (timezone.now() - datetime.timedelta(hours=hours)).isoformat()


def seed_known(schema: str) -> None:
    """Four appeals with known figures: two closed (10 h and 50 h), one answered late, one overdue."""
    heating = {"received_at": ago(60), "deadline": ago(36)}
    apply_states(
        schema,
        [
            _state(1, "closed", 3, resolved_at=ago(55), closed_at=ago(50), **heating),  # answered on time
            _state(2, "closed", 3, resolved_at=ago(20), closed_at=ago(10), **heating),  # answered late
            _state(3, "citizen_informed", 3, resolved_at=ago(30), is_repeat=True, **heating),  # late
            _state(4, "in_progress", 3, overdue_at=ago(30), **heating),
        ],
    )


@pytest.fixture
def viewer(tenants) -> Client:
    return regional_client("kpi-viewer", "regional_viewer")


def test_kpis_add_up_for_a_known_set_of_appeals(viewer):
    seed_known("esil")
    period = {"start": (timezone.now() - datetime.timedelta(days=5)).date().isoformat()}
    got = data_of(gql(viewer, KPIS, {"p": period, "a": "esil"}))["regionalKpis"]
    assert (got["received"], got["repeats"], got["answered"], got["answeredOnTime"], got["closed"]) == (
        4,
        1,
        3,
        1,
        2,
    )
    assert got["repeatShare"] == 0.25 and got["slaCompliance"] == round(1 / 3, 4)
    assert (got["openNow"], got["overdueNow"]) == (1, 1)
    assert {s["status"]: s["count"] for s in got["byStatus"]} == {
        "closed": 2,
        "citizen_informed": 1,
        "in_progress": 1,
    }
    # Times to close were 10 h (from 60 h ago to 50 h ago) and 50 h: the estimates lie in their buckets.
    assert 9.5 <= got["medianHoursToClose"] <= 11.9
    assert 42 <= got["p90HoursToClose"] <= 51
    # The same akimat appears in the comparison with the same figures; the region adds everything up.
    rows = {
        r["akimat"]["slug"]: r["kpis"]
        for r in data_of(
            gql(
                viewer,
                "query($p: PeriodInput) { districtComparison(period: $p) { akimat { slug } kpis { received overdueNow } } }",
                {"p": period},
            )
        )["districtComparison"]
    }
    assert rows["esil"] == {"received": 4, "overdueNow": 1} and "petropavlovsk" in rows
    region = data_of(gql(viewer, KPIS, {"p": period}))["regionalKpis"]
    assert region["received"] >= 4 and region["overdueNow"] >= 1


def test_time_series_and_category_breakdown(viewer):
    seed_known("esil")
    today = timezone.now().date()
    period = {"start": (today - datetime.timedelta(days=4)).isoformat(), "end": today.isoformat()}
    points = data_of(
        gql(
            viewer,
            'query($p: PeriodInput) { kpiTimeSeries(period: $p, akimat: "esil") { periodStart periodEnd kpis { received closed } } }',
            {"p": period},
        )
    )["kpiTimeSeries"]
    assert (
        len(points) == 5
        and points[0]["periodStart"] == period["start"]
        and points[-1]["periodEnd"] == period["end"]
    )
    assert sum(p["kpis"]["received"] for p in points) == 4 and sum(p["kpis"]["closed"] for p in points) == 2
    weeks = data_of(
        gql(
            viewer,
            'query($p: PeriodInput) { kpiTimeSeries(period: $p, granularity: WEEK, akimat: "esil") { kpis { received } } }',
            {"p": period},
        )
    )["kpiTimeSeries"]
    assert sum(w["kpis"]["received"] for w in weeks) == 4 and 1 <= len(weeks) <= 2
    categories = data_of(
        gql(
            viewer,
            'query($p: PeriodInput) { categoryBreakdown(period: $p, akimat: "esil") { category { code nameRu parentCode } kpis { received } } }',
            {"p": period},
        )
    )["categoryBreakdown"]
    assert categories == [
        {
            "category": {"code": "heating", "nameRu": "Отопление", "parentCode": "housing"},
            "kpis": {"received": 4},
        }
    ]
    grouped = data_of(gql(viewer, KPIS, {"p": period, "a": "esil", "c": "housing"}))["regionalKpis"]
    assert grouped["received"] == 4  # a group counts its sub-categories


def test_the_overdue_list_pages_by_deadline_without_personal_data(viewer):
    apply_states(
        "esil",
        [_state(n, "assigned", 2, deadline=ago(100 - n), overdue_at=ago(50)) for n in range(1, 8)]
        + [_state(99, "assigned", 2, deadline=ago(1))],  # past its deadline, not yet marked by the monitor
    )
    query = 'query($a: String) { overdueAppeals(first: 3, after: $a, akimat: "esil") { pageInfo { hasNextPage endCursor } edges { node { number hoursOverdue akimat { slug } category { code } } } } }'
    numbers, after = [], None
    while True:
        page = data_of(gql(viewer, query, {"a": after}))["overdueAppeals"]
        numbers += [e["node"]["number"] for e in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert numbers == [1, 2, 3, 4, 5, 6, 7]  # most overdue first
    bad = gql(viewer, '{ overdueAppeals(after: "nonsense") { edges { node { number } } } }')
    refusal(bad, "invalid_cursor", "after")
    too_many = gql(viewer, "{ overdueAppeals(first: 101) { edges { node { number } } } }")
    refusal(too_many, "invalid_page_size", "first")


@pytest.mark.parametrize(
    ("variables", "code", "field"),
    [
        ({"a": "atlantis"}, "unknown_akimat", "akimat"),
        ({"p": {"start": "2025-02-01", "end": "2025-01-01"}}, "invalid", "period"),
        ({"p": {"start": "2020-01-01", "end": "2025-01-01"}}, "too_long", "period"),
    ],
)
def test_bad_input_gets_a_clear_error(viewer, variables, code, field):
    answer = gql(viewer, KPIS, variables)
    assert answer["data"] is None
    refusal(answer, code, field)


def test_only_regional_roles_read_it(tenants):
    refusal(gql(Client(HTTP_HOST="localhost"), KPIS), "forbidden")
    refusal(gql(regional_client("kpi-dispatcher", "dispatcher_112"), KPIS), "forbidden")
    for role in ("regional_viewer", "regional_admin", "platform_admin"):
        data_of(gql(regional_client(f"kpi-{role}", role), KPIS))  # answered, nothing refused
    # An akimat's host serves the akimat's API only: the regional fields do not exist there.
    with tenant_context(tenants["petropavlovsk"]):
        operator = logged_in(user_with_roles("kpi-operator", "operator"))
        response = operator.post(
            "/graphql/", {"query": "{ regionalKpis { received } }"}, content_type="application/json"
        )
    answer = response.json()
    (error,) = answer["errors"]
    assert "regionalKpis" in error["message"] and not answer.get("data")


# --------------------------------------------------------------------------- query counts


def fake_akimats(first: int, last: int) -> list[str]:
    """Registry rows (no schemas: the region never reads one) with facts and escalations of their own."""
    schemas = []
    for index in range(first, last):
        x = 40 + index * 0.01
        square = Polygon(((x, 40), (x + 0.01, 40), (x + 0.01, 40.01), (x, 40.01), (x, 40)), srid=4326)
        akimat = Akimat.objects.create(
            schema_name=f"qc_{index}",
            slug=f"qc-{index}",
            kato=f"58{index:03d}0000",
            kind="district",
            name_kk=f"QC {index}",
            name_ru=f"QC {index}",
            boundary=MultiPolygon(square, srid=4326),
        )
        seed_known(akimat.schema_name)
        escalations.receive_escalation(
            akimat.schema_name,
            {
                "number": 4,
                "version": 3,
                "rule": "manual",
                "reason": "x",
                "actor_role": "operator",
                "at": ago(1),
                "category": "heating",
            },
        )
        schemas.append(akimat.schema_name)
    return schemas


READS = {
    "regionalKpis": KPIS,
    "regionalKpis of a group": '{ regionalKpis(category: "housing") { received medianHoursToClose byStatus { count } } }',
    "districtComparison": "{ districtComparison { akimat { slug nameRu } kpis { received overdueNow escalatedNow medianHoursToClose byStatus { status } } } }",
    "categoryBreakdown": "{ categoryBreakdown { category { code nameRu } kpis { received closed openNow escalatedNow } } }",
    "kpiTimeSeries": "{ kpiTimeSeries(granularity: DAY) { periodStart kpis { received slaCompliance } } }",
    "overdueAppeals": "{ overdueAppeals(first: 100) { edges { node { number akimat { slug } category { nameRu } hoursOverdue } } } }",
    "escalations": "{ escalations(first: 100) { edges { node { id akimat { slug } category { nameRu } appeal { status } entries { kind } } } } }",
}


# Session, user and roles (3), then each answer's own statements, whatever the number of akimats.
READ_QUERIES = {
    "regionalKpis": 6,  # tallies, statuses, open escalations
    "regionalKpis of a group": 7,  # the group's categories first
    "districtComparison": 7,  # the akimats, then their tallies, statuses, open escalations
    "categoryBreakdown": 7,  # the category labels, then tallies, statuses, open escalations
    "kpiTimeSeries": 4,  # one statement over the periods
    "overdueAppeals": 6,  # the facts, their akimats, their category labels
    "escalations": 8,  # the queue, its akimats, labels, appeals' facts, entries
}


def read_everything(client: Client) -> dict[str, dict]:
    """Every read once, each costing exactly its READ_QUERIES; the answers' data by name."""
    gql(client, "{ region { slug } }")  # warms the host map and the session
    answers = {}
    for name, query in READS.items():
        with exact_queries(READ_QUERIES[name]):
            answers[name] = data_of(gql(client, query))
    return answers


def test_every_answer_costs_the_same_queries_for_2_or_42_akimats(viewer):
    fake_akimats(0, 2)
    few = read_everything(viewer)
    fake_akimats(2, 42)
    assert AppealFact.objects.filter(schema__startswith="qc_").count() == 42 * 4
    many = read_everything(viewer)
    districts = [len(answers["districtComparison"]["districtComparison"]) for answers in (few, many)]
    assert districts[1] == districts[0] + 40, districts


# --------------------------------------------------------------------------- personal data

PERSONAL = ("applicant", "phone", "iin", "address", "description", "location", "email")


def test_no_type_of_the_regional_api_can_carry_personal_data():
    for type_name, graphql_type in regional_schema.graphql_schema.type_map.items():
        if type_name.startswith("__") or not hasattr(graphql_type, "fields"):
            continue
        for field in graphql_type.fields:
            assert not any(word in field.lower() for word in PERSONAL), (type_name, field)
    for model_field in AppealFact._meta.get_fields():
        assert not any(word in model_field.name for word in PERSONAL), model_field.name


def test_the_state_message_admits_no_personal_field():
    assert STATE_SCHEMA["additionalProperties"] is False
    assert not any(word in key for key in STATE_SCHEMA["properties"] for word in PERSONAL)


def test_what_an_appeal_sends_to_the_region_holds_none_of_its_applicants_data(tenants):
    from appeals import actions
    from appeals.actions import AppealInput
    from federation.messaging.models import Message
    from tests.regional.test_read_model import OPERATOR

    with tenant_context(tenants["esil"]):
        appeal = actions.create_appeal(
            OPERATOR,
            AppealInput(
                channel="landline",
                description="Уникальное описание 7391",
                applicant_phone="+77057391739",
                applicant_name="Уникальное Имя",
                applicant_iin="",
                address="ул. Уникальная, 7391",
                longitude=68.30,
                latitude=54.14,
                category_code="heating",
                register=True,
            ),
        ).appeal
        actions.escalate_to_region(OPERATOR, appeal.number, reason="Жалоба, звонить 8 705 739 17 39")
    sent = Message.objects.filter(source_schema="esil", target_schema="public", payload__number=appeal.number)
    assert {m.kind for m in sent} == {"appeals.status", "appeals.escalation"}
    for message in sent:
        text = str(message.payload)
        for secret in ("7391739", "739 17 39", "Уникальн", "68.3", "54.14"):
            assert secret not in text, (message.kind, secret)


# --------------------------------------------------------------------------- example operations


def test_every_example_operation_validates_against_its_schema():
    for folder, served in (("regional", regional_schema), ("federation", schema)):
        for path in (OPERATIONS / folder).glob("*.graphql"):
            assert validate(served.graphql_schema, parse(path.read_text(encoding="utf-8"))) == [], path.name


def test_every_regional_example_operation_runs(tenants):
    seed_known("esil")
    escalation = escalations.receive_escalation(
        "esil",
        {
            "number": 4,
            "version": 3,
            "rule": "overdue_multiple",
            "reason": "3 срока",
            "actor_role": "system",
            "at": ago(1),
            "category": "heating",
        },
    )
    admin = regional_client("ops-admin", "regional_admin")
    ran = set()

    def run(name: str, **variables: object) -> dict:
        answer = gql(
            admin, (OPERATIONS / "regional" / f"{name}.graphql").read_text(encoding="utf-8"), variables
        )
        ran.add(name)
        return data_of(answer)

    assert run("RegionalKpis", akimat="esil")["regionalKpis"]["received"] == 4
    run("DistrictComparison")
    run("CategoryBreakdown", akimat="esil")
    run("KpiTimeSeries", granularity="WEEK")
    assert run("OverdueAppeals", first=10, akimat="esil")["overdueAppeals"]["edges"][0]["node"]["number"] == 4
    queue = run("EscalationQueue", first=10, akimat="esil")["escalations"]["edges"]
    assert queue[0]["node"]["appeal"]["status"] == "in_progress"
    run("Escalation", id=escalation.pk)
    run("AcceptEscalation", input={"id": escalation.pk, "comment": "Берём"})
    run("AssignEscalationBack", input={"id": escalation.pk, "instructions": "Заменить подрядчика"})
    second = escalations.receive_escalation(
        "esil",
        {
            "number": 4,
            "version": 4,
            "rule": "manual",
            "reason": "снова",
            "actor_role": "operator",
            "at": ago(0),
            "category": "heating",
        },
    )
    assert second.pk == escalation.pk
    run("ResolveEscalation", input={"id": escalation.pk, "resolution": "Решено областью"})
    assert ran == {p.stem for p in (OPERATIONS / "regional").glob("*.graphql")}


def test_every_akimat_example_operation_of_transfers_and_escalations_runs(tenants):
    with tenant_context(tenants["petropavlovsk"]):
        operator = logged_in(user_with_roles("ops-transfer", "operator"))
        ran = set()

        def run(name: str, **variables: object) -> dict:
            answer = gql(
                operator,
                (OPERATIONS / "federation" / f"{name}.graphql").read_text(encoding="utf-8"),
                variables,
            )
            ran.add(name)
            return data_of(answer)

        from appeals import actions
        from appeals.actions import AppealInput
        from tests.appeals.conftest import OPERATOR

        def new() -> int:
            return actions.create_appeal(
                OPERATOR,
                AppealInput(
                    channel="web",
                    description="x",
                    applicant_phone="+77051234567",
                    longitude=69.30,
                    latitude=54.80,
                    category_code="roads",
                ),
            ).appeal.number

        assert any(a["slug"] == "kyzylzhar" for a in run("TransferTargets")["transferTargets"])
        moved = run(
            "TransferAppeal", input={"number": new(), "akimat": "kyzylzhar", "reason": "Кызылжарский район"}
        )
        assert moved["transferAppeal"]["appeal"]["transferredTo"]["akimat"]["slug"] == "kyzylzhar"
        assert moved["transferAppeal"]["appeal"]["transferProposal"]["slug"] == "kyzylzhar"
        up = run("EscalateToRegion", input={"number": new(), "reason": "Нужна помощь области"})
        assert up["escalateToRegion"]["appeal"]["regionalEscalation"]["state"] == "OPEN"
    assert ran == {p.stem for p in (OPERATIONS / "federation").glob("*.graphql")}


@pytest.mark.parametrize(
    "period", [{"end": "0001-01-01"}, {"start": "9999-12-30", "end": "9999-12-31"}, {"start": "1999-12-31"}]
)
@pytest.mark.parametrize(
    "field", ["regionalKpis", "districtComparison", "categoryBreakdown", "kpiTimeSeries"]
)
def test_the_regions_figures_for_days_no_appeal_can_fall_on_are_refused(viewer, period, field):
    selection = "{ received }" if field == "regionalKpis" else "{ kpis { received } }"
    query = f"query($p: PeriodInput) {{ {field}(period: $p) {selection} }}"
    error = refusal(gql(viewer, query, {"p": period}, HTTP_ACCEPT_LANGUAGE="ru"), "out_of_range", "period")
    assert error["message"] == "День с 01.01.2000 по 31.12.2100"
