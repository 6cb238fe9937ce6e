"""Nested lists load without N+1: a page of 50 appeals with every nested list costs the same number
of SQL queries as a page of 5, also for the lists nested one level deeper (an appeal's repeats with
their history) and for appeals nested in other lists. (Speed is measured in bench/, never here.)"""

from __future__ import annotations

import datetime
import uuid

import pytest
from django.utils import timezone
from django_tenants.utils import schema_context

from appeals import actions
from appeals.actions.telephony import record_incoming_call
from appeals.api.loading import COLUMNS_READ
from appeals.jobs.monitor import sweep
from appeals.models import Appeal, Attachment
from federation.messaging.models import Message
from ikomek.schema import schema
from testkit.graphql import data_of, gql
from testkit.identities import logged_in, user_with_roles
from testkit.paths import OPERATIONS
from testkit.queries import exact_queries
from tests.appeals.conftest import CENTRE, OPERATOR, appeal_in, intake

PAGE = """
query Page($first: Int!) {
  appeals(first: $first, orderBy: NUMBER_ASC) {
    pageInfo { hasNextPage endCursor }
    edges {
      cursor
      node {
        id number status statusLabel channel applicantName applicantPhone personalDataMasked
        address location { longitude latitude } description priority deadline isOverdue repeatOf
        allowedTransitions
        category { code nameRu parentCode isEmergency }
        organisation { code nameRu people { fullName } }
        assignee { fullName }
        events { kind fromStatus toStatus actorName actorRole at }
        attachments { token contentType url }
        callbackAttempts { reached satisfied contactNumber }
        repeats { number status category { code } }
      }
    }
  }
}
"""


def rich_appeal(index: int) -> None:
    """An appeal with something in every nested list."""
    appeal = appeal_in("done")
    Attachment.objects.create(
        appeal=appeal,
        token=uuid.uuid4(),
        file=f"appeals/petropavlovsk/{appeal.pk}/x.jpg",
        extension=".jpg",
        content_type="image/jpeg",
        size=10,
        original_name="x.jpg",
        sha256="0" * 64,
        uploaded_by="test",
    )
    if index % 2 == 0:
        repeat = intake(phone="+77017654321")
        actions.link_as_repeat(OPERATOR, repeat.number, original_number=appeal.number)
    actions.record_callback(OPERATOR, appeal.number, reached=False)


def costs(queries: int, client, query: str, variables: dict | None = None) -> dict:
    """The data of one request, which must cost exactly `queries` SQL queries."""
    gql(client, "{ akimat { slug } }")  # warms the host map: its one registry query is not the page's
    with exact_queries(queries):
        answer = gql(client, query, variables)
    return data_of(answer)


def page_costs(queries: int, client, first: int, query: str = PAGE) -> dict:
    data = costs(queries, client, query, {"first": first})
    assert len(data["appeals"]["edges"]) == first
    return data


# session, user, roles; the page (category, organisation, assignee joined); its events, attachments,
# call-back attempts, repeats; the organisations' people
PAGE_QUERIES = 9


def test_a_page_of_50_costs_what_a_page_of_5_costs(operator_client):
    for index in range(50):
        rich_appeal(index)
    page_costs(PAGE_QUERIES, operator_client, 5)
    page = page_costs(PAGE_QUERIES, operator_client, 50)
    nodes = [edge["node"] for edge in page["appeals"]["edges"]]
    # By number: original 0, its repeat, original 1, original 2, its repeat, ...: the first 50 are
    # 33 originals (each with a file and a call-back attempt), 17 of them with a repeat, 17 repeats.
    assert all(node["events"] for node in nodes)
    assert sum(bool(node["attachments"] and node["callbackAttempts"]) for node in nodes) == 33
    assert sum(bool(node["repeats"]) for node in nodes) == 17
    assert sum(node["repeatOf"] is not None for node in nodes) == 17


# Lists inside the appeals nested in the page: one query per nested list, whatever the page size.
NESTED = """
query Page($first: Int!) {
  appeals(first: $first, orderBy: NUMBER_ASC) {
    edges {
      node {
        number
        repeats {
          number
          events { kind at actorName }
          attachments { token }
          callbackAttempts { at }
          organisation { code people { fullName } }
          repeats { number }
        }
      }
    }
  }
}
"""


# session, user, roles; the page; its repeats; their events, attachments, call-back attempts, repeats;
# their organisations' people
NESTED_QUERIES = 9


def test_the_repeats_of_a_page_and_their_history_cost_the_same_for_5_and_50(operator_client):
    for index in range(50):
        rich_appeal(index)
    page_costs(NESTED_QUERIES, operator_client, 5, NESTED)
    data = page_costs(NESTED_QUERIES, operator_client, 50, NESTED)
    repeats = [r for edge in data["appeals"]["edges"] for r in edge["node"]["repeats"]]
    # Every other original has a repeat (the repeats are on the page too, having numbers of their own).
    assert len(repeats) > 10 and all(r["events"] for r in repeats)  # each repeat's own history


def test_one_appeal_by_node_id_loads_its_nested_lists_in_fixed_queries(operator_client):
    original = appeal_in("assigned")
    for index in range(6):
        repeat = intake(phone=f"+7701765432{index}")
        actions.link_as_repeat(OPERATOR, repeat.number, original_number=original.number)
    query = """query($id: ID!) { node(id: $id) { ... on Appeal { number events { kind }
        repeats { number events { kind } organisation { code } } } } }"""
    global_id = gql(operator_client, "query($n: Int!) { appeal(number: $n) { id } }", {"n": original.number})
    # session, user, roles; the appeal, its events, its repeats, their events
    data = costs(7, operator_client, query, {"id": data_of(global_id)["appeal"]["id"]})
    assert len(data["node"]["repeats"]) == 6 and all(r["events"] for r in data["node"]["repeats"])


# session, user, roles; the violations, their events, their appeals, those appeals' events, their repeats
REGISTER_QUERIES = 8


def test_appeals_inside_the_violation_register_are_loaded_in_fixed_queries(petropavlovsk):
    lawyer = logged_in(user_with_roles("gql-lawyer", "lawyer"))
    query = """query($first: Int!) { violations(first: $first) { edges { node { id events { toStatus }
        appeal { number events { kind } repeats { number events { kind } } organisation { code } } } } } }"""

    def overdue(count: int) -> None:
        for _ in range(count):
            appeal = appeal_in("in_progress")
            Appeal.objects.filter(pk=appeal.pk).update(deadline=timezone.now() - datetime.timedelta(hours=2))
        sweep()

    overdue(2)
    data = costs(REGISTER_QUERIES, lawyer, query, {"first": 20})
    assert len(data["violations"]["edges"]) == 2
    overdue(10)
    data = costs(REGISTER_QUERIES, lawyer, query, {"first": 20})
    assert len(data["violations"]["edges"]) == 12 and all(
        e["node"]["appeal"]["events"] for e in data["violations"]["edges"]
    )


# session, user, roles; the category, the nearest in degrees, the candidates, their events, their
# repeats
CANDIDATES_QUERIES = 8


def test_repeat_candidates_load_their_nested_lists_in_fixed_queries(operator_client):
    query = """query($p: GeoPointInput) { repeatCandidates(category: "heating", location: $p) {
        number organisation { code } events { kind } repeats { number } } }"""
    where = {"p": {"longitude": CENTRE[0], "latitude": CENTRE[1]}}
    for _ in range(2):
        appeal_in("assigned")
    data = costs(CANDIDATES_QUERIES, operator_client, query, where)
    assert len(data["repeatCandidates"]) == 2
    for _ in range(6):
        appeal_in("assigned")
    data = costs(CANDIDATES_QUERIES, operator_client, query, where)
    assert len(data["repeatCandidates"]) == 8 and all(c["organisation"] for c in data["repeatCandidates"])


# session, user, roles; the queue, its events, its call-back attempts
QUEUE_QUERIES = 6
# session, user, roles; the calls, each caller's latest appeals (one statement), their events
CALLERS_QUERIES = 6


def test_the_callback_queue_and_the_caller_list_are_flat_too(operator_client):
    queue = (
        "{ callbackQueue(first: 50) { edges { node { number events { kind } callbackAttempts { at } } } } }"
    )
    calls = "{ recentIncomingCalls(limit: 50) { phone earlierAppeals { number events { at } } } }"

    def both() -> tuple[int, int]:
        queued = costs(QUEUE_QUERIES, operator_client, queue)["callbackQueue"]["edges"]
        callers = costs(CALLERS_QUERIES, operator_client, calls)["recentIncomingCalls"]
        return len(queued), len(callers)

    for index in range(3):
        appeal_in("done", phone=f"+7705111220{index}")
        record_incoming_call(f"+7705111220{index}")
    assert both() == (3, 3)
    for index in range(3, 30):
        appeal_in("done", phone=f"+770511122{index:02d}")
        record_incoming_call(f"+770511122{index:02d}")
    assert both() == (30, 30)


@pytest.mark.parametrize("first", [1, 100])
def test_the_largest_page_is_allowed(operator_client, first):
    intake()
    answer = gql(
        operator_client, "query($f: Int!) { appeals(first: $f) { edges { node { number } } } }", {"f": first}
    )
    assert len(data_of(answer)["appeals"]["edges"]) == 1


# ------------------------------------------------------------------ mutations
CREATE = (OPERATIONS / "CreateAppeal.graphql").read_text(encoding="utf-8")
REGISTER = (OPERATIONS / "RegisterAppeal.graphql").read_text(encoding="utf-8")
START_WORK = (OPERATIONS / "StartWork.graphql").read_text(encoding="utf-8")

# session, user, roles; savepoint, the intake statement (appeal and event), the outbox's message with
# its ordering sequence, the repeat candidates (the nearest in degrees measured in metres, one
# statement), release
CREATE_QUERIES = 8
# session, user, roles; savepoint, the intake statement (nothing inserted), the first appeal, release
CREATE_AGAIN_QUERIES = 7
# session, user, roles; savepoint, the intake statement (the appeal registered, its first event), the
# registration's event, the repeat candidates, the outbox's message (the registered state, written
# once: no "received" message updated in place), release
CREATE_REGISTERED_QUERIES = 9
# savepoint, the appeal locked, session, user, roles; register: the appeal, its event, the outbox's
# message with its sequence; routing: the appeal's map object (the city map's router, asked first:
# none here), the category's rules (area, default), its parent, the parent's rules; assign: the
# appeal, its event, the notification; the newest state written once; release
REGISTER_AND_ASSIGN_QUERIES = 18
# savepoint, the appeal locked, session, user, roles, the executor's organisation; the appeal, its
# event, the outbox's message with its sequence; release
START_WORK_QUERIES = 10


def created(client, key: str, query: str = CREATE, **extra) -> dict:
    variables = {
        "input": {
            "channel": "LANDLINE",
            "description": "Нет горячей воды",
            "applicantPhone": "+77051234567",
            "category": "hot-water",
            "location": {"longitude": CENTRE[0], "latitude": CENTRE[1]},
            "clientKey": key,
            **extra,
        }
    }
    return data_of(gql(client, query, variables))["createAppeal"]


def test_intake_and_a_retry_of_it_cost_a_fixed_number_of_queries(operator_client):
    intake(
        category="hot-water"
    )  # an open appeal nearby: the new one's repeat candidates are looked up and found
    created(operator_client, "warm-up")  # the host map, the catalogue caches
    with exact_queries(CREATE_QUERIES):
        first = created(operator_client, "qc-1")
    assert first["created"] is True and len(first["repeatCandidates"]) == 2
    with exact_queries(CREATE_AGAIN_QUERIES):
        again = created(operator_client, "qc-1")
    assert again["created"] is False and again["appeal"]["number"] == first["appeal"]["number"]


def test_intake_that_registers_sends_the_region_one_message_written_once(operator_client):
    created(operator_client, "warm-up-registered", register=True)
    with exact_queries(CREATE_REGISTERED_QUERIES) as captured:
        answer = created(operator_client, "qc-registered", register=True)
    assert answer["appeal"]["status"] == "REGISTERED"
    outbox = [q["sql"] for q in captured.captured_queries if "federation_message" in q["sql"]]
    assert len(outbox) == 1 and "INSERT INTO public.federation_message" in outbox[0]
    with schema_context("public"):
        (message,) = Message.objects.filter(ordering_key=f"appeal:{answer['appeal']['number']}")
    assert (message.payload["status"], message.sequence) == ("registered", 1)


# Every field of an appeal that is answered from its own row's columns (appeals/api/loading.py).
ROW_FIELDS = (
    "__typename id number status statusLabel allowedTransitions statusChangedAt channel address "
    "location { longitude latitude } objectKey description priority receivedAt registeredAt deadline "
    "isOverdue repeatCount personalDataMasked category { code }"
)


def created_asking(client, key: str, candidate_fields: str) -> dict:
    query = CREATE.replace(
        "repeatCandidates { number address receivedAt status }", f"repeatCandidates {{ {candidate_fields} }}"
    )
    assert query != CREATE
    return created(client, key, query)


def candidates_statement(captured) -> str:
    (sql,) = [query["sql"] for query in captured.captured_queries if "nearest AS" in query["sql"]]
    return sql


def test_intake_loads_only_the_candidates_columns_the_caller_reads(operator_client):
    nearby = intake(category="hot-water")
    created(operator_client, "cols-warm-up")
    with exact_queries(CREATE_QUERIES) as narrow:
        created(operator_client, "cols-1")  # the published operation: number address receivedAt status
    with exact_queries(CREATE_QUERIES) as whole:  # personal data: the whole row, still no query per candidate
        answer = created_asking(operator_client, "cols-2", "number applicantPhone")

    narrow_sql, whole_sql = candidates_statement(narrow), candidates_statement(whole)
    assert '"address"' in narrow_sql and '"received_at"' in narrow_sql
    assert '"applicant_phone"' not in narrow_sql and '"description"' not in narrow_sql
    assert '"applicant_phone"' in whole_sql and '"description"' in whole_sql
    phones = {candidate["number"]: candidate["applicantPhone"] for candidate in answer["repeatCandidates"]}
    assert phones[nearby.number] == Appeal.objects.get(pk=nearby.pk).applicant_phone


def test_candidates_read_from_their_columns_alone_answer_as_whole_ones_do(operator_client):
    intake(category="hot-water")
    created(operator_client, "same-warm-up")
    with exact_queries(CREATE_QUERIES):  # nothing deferred is read: no query per candidate
        narrow = created_asking(operator_client, "same-1", ROW_FIELDS)
    whole = created_asking(operator_client, "same-2", ROW_FIELDS + " applicantName")

    by_number = {candidate["number"]: candidate for candidate in whole["repeatCandidates"]}
    assert len(narrow["repeatCandidates"]) == 2
    for candidate in narrow["repeatCandidates"]:
        other = dict(by_number[candidate["number"]])
        other.pop("applicantName")
        assert candidate == other


def test_the_columns_each_field_reads_name_real_fields():
    appeal_type = schema.graphql_schema.get_type("Appeal")
    model_fields = {field.name for field in Appeal._meta.concrete_fields}
    for name, columns in COLUMNS_READ.items():
        assert name == "__typename" or name in appeal_type.fields, name
        assert set(columns) <= model_fields, name


def test_a_transition_costs_a_fixed_number_of_queries(operator_client, executor_client):
    first, second = intake(), intake()

    def register(number: int) -> dict:
        payload = gql(operator_client, REGISTER, {"input": {"number": number, "assign": True}})
        return data_of(payload)["registerAppeal"]

    register(first.number)  # warm-up: the host map, the routing rules
    with exact_queries(REGISTER_AND_ASSIGN_QUERIES):
        payload = register(second.number)
    assert payload["appeal"]["status"] == "ASSIGNED"
    gql(executor_client, "{ akimat { slug } }")  # the executor's session and organisation
    with exact_queries(START_WORK_QUERIES):
        payload = data_of(gql(executor_client, START_WORK, {"input": {"number": second.number}}))["startWork"]
    assert payload["appeal"]["status"] == "IN_PROGRESS"
