"""The appeals GraphQL API end to end over HTTP: intake, transitions with typed user errors,
history, lists with filters and cursors, masking of personal data, registers and caller ID."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from appeals.actions.telephony import record_incoming_call
from appeals.jobs.monitor import sweep
from appeals.models import Appeal
from testkit.graphql import data_of, gql, refusal
from tests.appeals.conftest import CENTRE, appeal_in, intake

CREATE = """
mutation Create($input: CreateAppealInput!) {
  createAppeal(input: $input) {
    created
    appeal {
      number status applicantPhone applicantLanguage category { code } priority deadline
      location { longitude latitude }
    }
    repeatCandidates { number }
    errors { field code message }
  }
}
"""


def create_input(**overrides: object) -> dict:
    return {
        "channel": "LANDLINE",
        "description": "Нет горячей воды",
        "applicantPhone": "8 705 123 45 67",
        "applicantName": "Айгерим Садыкова",
        "category": "hot-water",
        "location": {"longitude": CENTRE[0], "latitude": CENTRE[1]},
    } | overrides


def test_create_returns_the_appeal(operator_client):
    answer = data_of(
        gql(operator_client, CREATE, {"input": create_input(clientKey="web-42", applicantLanguage="KK")})
    )["createAppeal"]
    assert answer["created"] is True
    appeal = answer["appeal"]
    assert appeal["status"] == "RECEIVED" and appeal["applicantPhone"] == "+77051234567"
    assert appeal["applicantLanguage"] == "KK"
    assert appeal["category"]["code"] == "hot-water" and appeal["priority"] == "NORMAL"
    assert appeal["deadline"].endswith("+05:00")  # Asia/Almaty
    assert appeal["location"] == {"longitude": CENTRE[0], "latitude": CENTRE[1]}

    retry = create_input(clientKey="web-42", applicantLanguage="KK", applicantPhone="+77051234567")
    again = data_of(gql(operator_client, CREATE, {"input": retry}))["createAppeal"]
    assert again["created"] is False and again["appeal"]["number"] == appeal["number"]
    assert Appeal.objects.filter(client_key="web-42").count() == 1


def test_a_reused_client_key_with_another_request_is_refused_with_the_first_number(operator_client):
    first = data_of(gql(operator_client, CREATE, {"input": create_input(clientKey="web-43")}))["createAppeal"]
    number = first["appeal"]["number"]
    query = CREATE.replace("errors { field code message }", "errors { field code message appealNumber }")
    changed = create_input(clientKey="web-43", description="Нет холодной воды")
    answer = gql(operator_client, query, {"input": changed}, HTTP_ACCEPT_LANGUAGE="en")["data"][
        "createAppeal"
    ]
    assert answer["appeal"] is None and answer["created"] is None
    assert answer["errors"] == [
        {
            "field": "clientKey",
            "code": "idempotency_conflict",
            "message": f"This clientKey was already used for appeal {number} with different data. "
            "Send a new key for a new appeal.",
            "appealNumber": number,
        }
    ]
    russian = gql(operator_client, query, {"input": changed}, HTTP_ACCEPT_LANGUAGE="ru-RU,ru;q=0.9")
    assert russian["data"]["createAppeal"]["errors"][0]["message"].startswith(
        f"Этот clientKey уже использован для обращения {number}"
    )
    assert Appeal.objects.filter(client_key="web-43").count() == 1


def test_bad_input_gets_typed_errors_not_exceptions(operator_client):
    answer = gql(
        operator_client,
        CREATE,
        {"input": create_input(applicantPhone="12", applicantIin="123456789012", category="x")},
    )
    assert "errors" not in answer  # no GraphQL-level error: typed user errors in the payload
    payload = answer["data"]["createAppeal"]
    assert payload["appeal"] is None
    assert {(e["field"], e["code"]) for e in payload["errors"]} == {
        ("applicantPhone", "invalid_phone"),
        ("applicantIin", "invalid_iin"),
        ("category", "not_found"),
    }
    assert all(e["message"] for e in payload["errors"])
    assert not Appeal.objects.exists()


def test_without_a_role_the_create_is_refused(anonymous_client):
    refusal(gql(anonymous_client, CREATE, {"input": create_input()}), "forbidden")
    assert not Appeal.objects.exists()


def test_the_whole_lifecycle_through_mutations(operator_client, executor_client):
    number = intake().number
    steps = [
        (operator_client, "registerAppeal(input: {number: $n, assign: true})", "ASSIGNED"),
        (executor_client, "startWork(input: {number: $n})", "IN_PROGRESS"),
        (executor_client, 'markDone(input: {number: $n, resolution: "Заменили задвижку"})', "DONE"),
        (operator_client, "recordCallback(input: {number: $n, reached: true, satisfied: false})", "REOPENED"),
        (operator_client, "assignAppeal(input: {number: $n})", "ASSIGNED"),
        (executor_client, "startWork(input: {number: $n})", "IN_PROGRESS"),
        (executor_client, 'markNotDone(input: {number: $n, reason: "Нужен капремонт"})', "NOT_DONE"),
        (
            operator_client,
            "recordCallback(input: {number: $n, reached: true, satisfied: true})",
            "CITIZEN_INFORMED",
        ),
        (operator_client, "closeAppeal(input: {number: $n})", "CLOSED"),
    ]
    for client, call, status in steps:
        answer = gql(
            client,
            f"mutation($n: Int!) {{ {call} {{ appeal {{ status }} errors {{ code message }} }} }}",
            {"n": number},
        )
        (payload,) = data_of(answer).values()
        assert payload["appeal"]["status"] == status, call

    history = data_of(
        gql(
            operator_client,
            "query($n: Int!) { appeal(number: $n) "
            "{ events { kind fromStatus toStatus actorRole actorName at } } }",
            {"n": number},
        )
    )["appeal"]["events"]
    transitions = [(e["fromStatus"], e["toStatus"]) for e in history if e["kind"] == "transition"]
    assert transitions[0] == ("RECEIVED", "REGISTERED") and transitions[-1] == ("CITIZEN_INFORMED", "CLOSED")
    assert len(transitions) == 11
    assert {e["actorRole"] for e in history} == {"operator", "executor"}
    assert all(e["at"].endswith("+05:00") for e in history)


def test_an_illegal_transition_is_a_typed_error(operator_client):
    number = appeal_in("closed").number
    answer = gql(
        operator_client,
        "mutation($n: Int!) { cancelAppeal(input: {number: $n, reason: SPAM}) "
        "{ appeal { number } errors { field code message } } }",
        {"n": number},
    )
    assert "closed" in refusal(answer, "invalid_transition", "status")["message"]


def test_done_without_saying_what_was_done_is_refused(executor_client):
    number = appeal_in("in_progress").number
    done = (
        "mutation($n: Int!) { markDone(input: {number: $n%s}) "
        "{ appeal { number } errors { field code message } } }"
    )
    blank = gql(executor_client, done % ', resolution: "  "', {"n": number})
    blank = refusal(blank, "required", "resolution")
    assert blank["message"] == "Не істелді: міндетті / Что сделано: обязательно"
    # Left out, it is the same refusal: the schema keeps the field optional for the baseline's clients.
    missing = refusal(gql(executor_client, done % "", {"n": number}), "required", "resolution")
    assert missing["message"] == blank["message"]
    assert Appeal.objects.get(number=number).status == "in_progress"


def test_allowed_transitions_follow_status_and_role(operator_client, executor_client):
    number = appeal_in("assigned").number
    query = "query($n: Int!) { appeal(number: $n) { allowedTransitions } }"
    assert set(data_of(gql(operator_client, query, {"n": number}))["appeal"]["allowedTransitions"]) == {
        "assign",
        "reject",
        "cancel",
        "forward_112",
        "transfer",  # to another akimat (federation)
    }
    assert data_of(gql(executor_client, query, {"n": number}))["appeal"]["allowedTransitions"] == [
        "start_work"
    ]


LIST = """
query List($first: Int, $after: String, $filter: AppealFilter, $orderBy: AppealOrder) {
  appeals(first: $first, after: $after, filter: $filter, orderBy: $orderBy) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { cursor node { number status } }
  }
}
"""


def numbers(answer: dict) -> list[int]:
    return [edge["node"]["number"] for edge in data_of(answer)["appeals"]["edges"]]


def test_cursor_pages_do_not_overlap(operator_client):
    made = [intake().number for _ in range(7)]
    first = gql(operator_client, LIST, {"first": 3, "orderBy": "NUMBER_ASC"})
    assert numbers(first) == made[:3]
    info = first["data"]["appeals"]["pageInfo"]
    assert info["hasNextPage"] is True and first["data"]["appeals"]["totalCount"] == 7
    second = gql(operator_client, LIST, {"first": 3, "after": info["endCursor"], "orderBy": "NUMBER_ASC"})
    assert numbers(second) == made[3:6]
    last = gql(
        operator_client,
        LIST,
        {"first": 3, "after": second["data"]["appeals"]["pageInfo"]["endCursor"], "orderBy": "NUMBER_ASC"},
    )
    assert numbers(last) == made[6:] and last["data"]["appeals"]["pageInfo"]["hasNextPage"] is False
    # Newest first by default.
    assert numbers(gql(operator_client, LIST, {"first": 2})) == made[::-1][:2]


@pytest.mark.parametrize(
    ("first", "after", "code", "field"),
    [
        (101, None, "invalid_page_size", "first"),
        (0, None, "invalid_page_size", "first"),
        (5, "garbage", "invalid_cursor", "after"),
    ],
)
def test_page_size_is_capped_and_cursors_checked(operator_client, first, after, code, field):
    answer = gql(operator_client, LIST, {"first": first, "after": after})
    assert answer["data"] is None
    refusal(answer, code, field)


def test_filters(operator_client):
    now = timezone.now()
    heating = intake(category="heating")
    roads = intake(category="roads", location=(69.20, 54.90))
    social = intake(category="social", location=None)
    done = appeal_in("done", category="lifts")
    late = appeal_in("in_progress", category="heating")
    Appeal.objects.filter(pk=late.pk).update(deadline=now - datetime.timedelta(hours=1))
    old = intake(category="waste")
    Appeal.objects.filter(pk=old.pk).update(received_at=now - datetime.timedelta(days=40))

    def only(filter_: dict) -> set[int]:
        return set(numbers(gql(operator_client, LIST, {"first": 100, "filter": filter_})))

    assert only({"status": ["DONE"]}) == {done.number}
    assert only({"category": "housing"}) == {
        heating.number,
        roads.number,
        done.number,
        late.number,
        old.number,
    }
    assert only({"category": "social"}) == {social.number}
    assert only({"organisation": "housing-department"}) == {done.number, late.number}
    assert only({"overdue": True}) == {late.number}
    assert late.number not in only({"overdue": False})
    assert old.number not in only({"receivedFrom": (now - datetime.timedelta(days=1)).isoformat()})
    assert only({"receivedTo": (now - datetime.timedelta(days=1)).isoformat()}) == {old.number}
    box = {"west": 69.19, "south": 54.89, "east": 69.21, "north": 54.91}
    assert only({"bbox": box}) == {roads.number}
    assert only({"phone": "8 705 123 45 67"}) >= {heating.number}

    bad = gql(operator_client, LIST, {"filter": {"bbox": {"west": 70, "south": 54, "east": 69, "north": 55}}})
    refusal(bad, "invalid_bbox", "filter.bbox")
    unknown = gql(operator_client, LIST, {"filter": {"category": "no-such"}})
    refusal(unknown, "not_found", "filter.category")


def test_ordering_by_deadline_puts_undated_last(operator_client):
    soon = intake(category="electricity")  # 12 h
    later = intake(category="heating")  # 24 h
    undated = intake(category="")
    order = numbers(gql(operator_client, LIST, {"first": 10, "orderBy": "DEADLINE_ASC"}))
    assert order == [soon.number, later.number, undated.number]
    page = gql(operator_client, LIST, {"first": 1, "orderBy": "DEADLINE_ASC"})
    rest = gql(
        operator_client,
        LIST,
        {"first": 5, "orderBy": "DEADLINE_ASC", "after": data_of(page)["appeals"]["pageInfo"]["endCursor"]},
    )
    assert numbers(rest) == [later.number, undated.number]


PERSONAL = (
    "query($n: Int!) { appeal(number: $n) { applicantName applicantPhone applicantIin personalDataMasked } }"
)


def test_personal_data_is_masked_for_roles_without_the_right(operator_client, analyst_client):
    from tests.appeals.test_intake import VALID_IIN

    number = intake(applicant_iin=VALID_IIN).number
    full = data_of(gql(operator_client, PERSONAL, {"n": number}))["appeal"]
    assert full == {
        "applicantName": "Айгерим Садыкова",
        "applicantPhone": "+77051234567",
        "applicantIin": VALID_IIN,
        "personalDataMasked": False,
    }
    masked = data_of(gql(analyst_client, PERSONAL, {"n": number}))["appeal"]
    # The platform's one masking (accounts.personal_data): initials, the last digits, no birth date.
    assert masked == {
        "applicantName": "А••• С.",
        "applicantPhone": "+7 ••• ••• •• 67",
        "applicantIin": "••••••••••" + VALID_IIN[-2:],
        "personalDataMasked": True,
    }
    # Nor can the analyst search by phone, told so in its language.
    by_phone = {"filter": {"phone": "+77051234567"}}
    said = {
        language: refusal(
            gql(analyst_client, LIST, by_phone, HTTP_ACCEPT_LANGUAGE=language), "forbidden", "filter.phone"
        )["message"]
        for language in ("ru", "kk")
    }
    assert said == {
        "ru": "Для поиска по телефону нужно право видеть персональные данные.",
        "kk": "Телефон нөмірі бойынша іздеу үшін дербес деректерді көру құқығы керек.",
    }


def test_reading_needs_a_role(anonymous_client):
    number = intake().number
    answer = gql(anonymous_client, "query($n: Int!) { appeal(number: $n) { number } }", {"n": number})
    assert answer["data"]["appeal"] is None
    refusal(answer, "forbidden")


def test_callback_queue_and_repeat_candidates(operator_client):
    done = appeal_in("done")
    appeal_in("in_progress")
    queue = data_of(gql(operator_client, "{ callbackQueue(first: 10) { edges { node { number status } } } }"))
    assert [e["node"]["number"] for e in queue["callbackQueue"]["edges"]] == [done.number]

    open_one = intake(category="heating")
    candidates = data_of(
        gql(
            operator_client,
            "query($c: String!, $p: GeoPointInput) { repeatCandidates(category: $c, location: $p) "
            "{ number } }",
            {"c": "heating", "p": {"longitude": CENTRE[0], "latitude": CENTRE[1]}},
        )
    )["repeatCandidates"]
    assert open_one.number in [c["number"] for c in candidates]

    repeat = intake(category="heating", phone="+77017654321")
    linked = data_of(
        gql(
            operator_client,
            "mutation($n: Int!, $o: Int!) { linkAsRepeat(input: {number: $n, originalNumber: $o}) "
            "{ appeal { number repeatCount repeats { number repeatOf status cancelReason } } "
            "errors { code } } }",
            {"n": repeat.number, "o": open_one.number},
        )
    )["linkAsRepeat"]
    assert linked["appeal"]["repeatCount"] == 1
    assert linked["appeal"]["repeats"] == [
        {
            "number": repeat.number,
            "repeatOf": open_one.number,
            "status": "CANCELLED",
            "cancelReason": "DUPLICATE",
        }
    ]


def test_recent_incoming_calls_show_the_callers_earlier_appeals(operator_client, analyst_client):
    mine = [intake(phone="+77051112233").number for _ in range(7)]
    record_incoming_call("8 705 111 22 33", exchange_call_id="c-1")
    record_incoming_call("+77059998877", exchange_call_id="c-2")
    query = "{ recentIncomingCalls(limit: 5) { phone phoneValid earlierAppeals { number } } }"
    calls = data_of(gql(operator_client, query))["recentIncomingCalls"]
    assert calls[0] == {"phone": "+77059998877", "phoneValid": True, "earlierAppeals": []}
    assert calls[1]["phone"] == "+77051112233"
    assert [a["number"] for a in calls[1]["earlierAppeals"]] == mine[::-1][:5]  # newest five
    refusal(gql(analyst_client, query), "forbidden")


def test_violations_register_and_the_lawyers_mutations(lawyer_client, operator_client):
    from appeals.models import Organisation, ResponsiblePerson

    head = ResponsiblePerson.objects.create(
        organisation=Organisation.objects.get(code="housing-department"),
        full_name="Нурлан Абенов",
        is_head=True,
    )
    now = timezone.now()
    for _ in range(2):
        late = appeal_in("in_progress")
        Appeal.objects.filter(pk=late.pk).update(deadline=now - datetime.timedelta(hours=3))
    sweep(now)
    register = data_of(
        gql(
            lawyer_client,
            "{ violations(first: 10) { totalCount edges { node { id appeal { number } person { fullName } "
            "hoursOverdue status personViolations isRepeatOffence } } } }",
        )
    )["violations"]
    assert register["totalCount"] == 2
    nodes = [e["node"] for e in register["edges"]]
    assert all(n["person"]["fullName"] == head.full_name and n["isRepeatOffence"] for n in nodes)
    assert all(n["hoursOverdue"] == 3.0 and n["status"] == "OPEN" for n in nodes)

    violation_id = nodes[0]["id"]
    answer = data_of(
        gql(
            lawyer_client,
            'mutation($id: Int!) { recordExplanation(input: {id: $id, text: "Не было запчастей"}) '
            "{ violation { status explanation events { toStatus actorRole } } errors { code } } }",
            {"id": violation_id},
        )
    )["recordExplanation"]
    assert answer["violation"]["status"] == "EXPLANATION_RECEIVED"
    assert [e["toStatus"] for e in answer["violation"]["events"]] == ["OPEN", "EXPLANATION_RECEIVED"]
    refused = gql(
        operator_client,
        'mutation($id: Int!) { closeViolation(input: {id: $id, text: "x"}) '
        "{ violation { id } errors { field code } } }",
        {"id": violation_id},
    )
    refusal(refused, "forbidden")


def test_catalogues(anonymous_client, operator_client):
    categories = gql(
        anonymous_client, "{ categories { code parentCode isEmergency services112 slaCalendar } }"
    )
    by_code = {c["code"]: c for c in data_of(categories)["categories"]}
    assert by_code["gas-leak"] == {
        "code": "gas-leak",
        "parentCode": "emergency",
        "isEmergency": True,
        "services112": ["104"],
        "slaCalendar": "round_the_clock",
    }
    organisations = data_of(gql(operator_client, "{ organisations { code people { fullName } } }"))[
        "organisations"
    ]
    assert "housing-department" in {o["code"] for o in organisations}


def test_node_interface_resolves_by_number(operator_client):
    number = intake().number
    node_id = data_of(gql(operator_client, "query($n: Int!) { appeal(number: $n) { id } }", {"n": number}))[
        "appeal"
    ]["id"]
    found = gql(
        operator_client, "query($id: ID!) { node(id: $id) { ... on Appeal { number } } }", {"id": node_id}
    )
    assert data_of(found)["node"] == {"number": number}


def test_refusals_name_the_action_in_words_not_the_permission(executor_client, operator_client):
    number = appeal_in("received").number
    register = (
        "mutation($n: Int!) { registerAppeal(input: {number: $n}) "
        "{ appeal { number } errors { field code message } } }"
    )
    answer = gql(executor_client, register, {"n": number}, HTTP_ACCEPT_LANGUAGE="en")
    message = refusal(answer, "forbidden")["message"]
    assert message == "Your roles do not allow you to register, classify and assign appeals."
    russian = refusal(gql(executor_client, register, {"n": number}, HTTP_ACCEPT_LANGUAGE="ru"), "forbidden")
    assert (
        russian["message"] == "Ваши роли не позволяют регистрировать, классифицировать и назначать обращения."
    )
    # A read refused as a GraphQL error speaks the same way; no permission code anywhere.
    kpis = gql(executor_client, "{ akimatKpis { received } }", HTTP_ACCEPT_LANGUAGE="kk")
    read = refusal(kpis, "forbidden")["message"]
    assert read == "Рөлдеріңіз мынаған рұқсат бермейді: есептер мен көрсеткіштерді оқу."
    assert "reports.view" not in read and "appeal.route" not in message


FREE_TEXT = "query($n: Int!) { appeal(number: $n) { description resolution events { comment } } }"


def test_phones_and_iins_in_free_text_are_masked_for_roles_without_personal_data(petropavlovsk):
    from testkit.graphql import data_of, gql
    from testkit.identities import logged_in, user_with_roles

    said = "Звонить +7 (705) 123-45-67 или 87051112233, ИИН 900101300123; дом 12, кв 5"
    appeal = intake(description=said)
    integrator = data_of(gql(logged_in(user_with_roles("text-integrator", "integrator")), FREE_TEXT,
                             {"n": appeal.number}))["appeal"]  # fmt: skip
    assert integrator["description"] == "Звонить •••67 или •••33, ИИН •••23; дом 12, кв 5"
    supervisor = data_of(gql(logged_in(user_with_roles("text-supervisor", "supervisor")), FREE_TEXT,
                             {"n": appeal.number}))["appeal"]  # fmt: skip
    assert supervisor["description"] == said
