"""Executors (a responsible organisation's staff) see and act on their own organisation's appeals only:
lists are narrowed, an appeal asked for or acted on outside them is refused with `forbidden`, an
account without an organisation sees nothing and is told why. Real tokens: tests/accounts."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.roles import Role
from appeals import actions
from appeals.errors import AppealError
from appeals.models import Appeal, AppealEvent, Attachment, Organisation
from testkit.graphql import data_of, gql, refusal
from testkit.identities import logged_in, principal, user_with_roles
from testkit.queries import exact_queries
from tests.appeals.conftest import EXECUTOR, HOUSING, OPERATOR, intake

VETERINARY = "veterinary-station"  # the shipped catalogue routes stray animals there
LIST = """query($first: Int!) { appeals(first: $first, orderBy: NUMBER_ASC) { totalCount
    edges { node { number organisation { code } events { kind } allowedTransitions } } } }"""
JPEG = b"\xff\xd8\xff\xe0" + b"\x00\x10JFIF" + b"\x00" * 200


def assigned(category: str = "heating") -> Appeal:
    appeal = intake(category=category)
    actions.register_appeal(OPERATOR, appeal.number, assign=True)
    appeal.refresh_from_db()
    return appeal


@pytest.fixture
def executor(petropavlovsk):
    return logged_in(user_with_roles("scope-executor", "executor", organisation=HOUSING))


def numbers(answer: dict) -> list[int]:
    return [edge["node"]["number"] for edge in data_of(answer)["appeals"]["edges"]]


def test_the_list_holds_the_own_organisations_appeals_with_their_history(executor, operator_client):
    own = [assigned().number, assigned("cold-water").number]
    others = [assigned("stray-animals").number, intake().number]  # the vets', and nobody's yet

    answer = gql(executor, LIST, {"first": 50})

    assert numbers(answer) == own
    edges = answer["data"]["appeals"]["edges"]
    assert {edge["node"]["organisation"]["code"] for edge in edges} == {HOUSING}
    assert all(edge["node"]["events"] for edge in edges)  # the history of those
    assert edges[0]["node"]["allowedTransitions"] == ["start_work"]
    assert answer["data"]["appeals"]["totalCount"] == 2
    assert set(numbers(gql(operator_client, LIST, {"first": 50}))) >= set(own + others)


def test_the_narrowed_list_costs_the_same_queries_for_5_and_50(executor):
    for index in range(50):
        assigned()
        if index % 5 == 0:
            assigned("stray-animals")  # not the executor's: filtered out, whatever their number

    def page(first: int) -> None:
        gql(executor, "{ akimat { slug } }")  # warms the host map
        # session, user, roles, the organisation, the page, its events, the count
        with exact_queries(7):
            assert len(numbers(gql(executor, LIST, {"first": first}))) == first

    page(5)
    page(50)


def test_an_appeal_of_another_organisation_is_refused_by_number_and_by_id(executor, operator_client):
    vets = assigned("stray-animals")
    by_number = gql(executor, "query($n: Int!) { appeal(number: $n) { number } }", {"n": vets.number})
    assert by_number["data"]["appeal"] is None
    assert HOUSING in refusal(by_number, "forbidden", "number")["message"]
    global_id = gql(operator_client, "query($n: Int!) { appeal(number: $n) { id } }", {"n": vets.number})
    by_id = gql(
        executor, "query($id: ID!) { node(id: $id) { id } }", {"id": data_of(global_id)["appeal"]["id"]}
    )
    assert by_id["data"]["node"] is None
    refusal(by_id, "forbidden", "number")
    own = assigned()
    assert data_of(gql(executor, "query($n: Int!) { appeal(number: $n) { number } }", {"n": own.number})) == {
        "appeal": {"number": own.number}
    }


@pytest.mark.parametrize(
    "call",
    [
        lambda n: actions.start_work(EXECUTOR, n),
        lambda n: actions.mark_done(EXECUTOR, n, resolution="Сделано"),
        lambda n: actions.mark_not_done(EXECUTOR, n, reason="Нет материалов"),
    ],
    ids=["start_work", "mark_done", "mark_not_done"],
)
def test_an_executor_cannot_act_on_another_organisations_appeal(petropavlovsk, call):
    vets = assigned("stray-animals")
    vet = principal(Role.EXECUTOR, name="vet", organisation=VETERINARY)
    actions.start_work(vet, vets.number)
    events = AppealEvent.objects.filter(appeal=vets).count()

    with pytest.raises(AppealError) as caught:
        call(vets.number)

    problem = caught.value.problems[0]
    assert (problem.field, problem.code) == ("number", "forbidden")
    assert str(vets.number) in problem.message and HOUSING in problem.message
    vets.refresh_from_db()
    assert vets.status == "in_progress" and AppealEvent.objects.filter(appeal=vets).count() == events


def test_mutations_answer_with_a_typed_error(executor):
    vets = assigned("stray-animals")
    answer = gql(
        executor,
        "mutation($n: Int!) { startWork(input: {number: $n}) "
        "{ appeal { status } errors { field code message } } }",
        {"n": vets.number},
    )
    assert str(vets.number) in refusal(answer, "forbidden", "number")["message"]


def test_repeats_and_repeat_candidates_stay_inside_the_organisation(executor, operator_client):
    own = assigned()
    repeat = intake(phone="+77017654321")
    actions.link_as_repeat(OPERATOR, repeat.number, original_number=own.number)
    vets = assigned("stray-animals")
    query = "query($n: Int!) { appeal(number: $n) { repeatCount repeats { number } } }"

    # The repeat was never any organisation's: the operator sees it, the executor the count only.
    assert data_of(gql(operator_client, query, {"n": own.number}))["appeal"]["repeats"] == [
        {"number": repeat.number}
    ]
    assert data_of(gql(executor, query, {"n": own.number}))["appeal"] == {"repeatCount": 1, "repeats": []}
    candidates = data_of(
        gql(
            executor,
            'query($p: GeoPointInput) { repeatCandidates(category: "stray-animals", location: $p) '
            "{ number } }",
            {"p": {"longitude": vets.location.x, "latitude": vets.location.y}},
        )
    )["repeatCandidates"]
    assert candidates == []


def test_without_an_organisation_an_executor_sees_nothing_and_is_told_why(petropavlovsk):
    appeal = assigned()
    nobody = logged_in(user_with_roles("scope-no-org", "executor"))
    answer = gql(nobody, LIST, {"first": 10})
    assert answer["data"] is None
    assert "organisation" in refusal(answer, "forbidden")["message"]
    with pytest.raises(AppealError, match="organisation"):
        actions.start_work(principal(Role.EXECUTOR, name="nobody"), appeal.number)


def test_an_organisation_unknown_to_the_akimat_is_named_in_the_refusal(petropavlovsk):
    assigned()
    stranger = logged_in(user_with_roles("scope-stranger", "executor", organisation="no-such-utility"))
    assert "no-such-utility" in refusal(gql(stranger, LIST, {"first": 10}), "forbidden")["message"]


def test_another_role_with_the_whole_akimat_reads_everything_but_executes_its_own_only(petropavlovsk):
    own, vets = assigned(), assigned("stray-animals")
    both = logged_in(user_with_roles("scope-exec-analyst", "executor", "analyst", organisation=HOUSING))
    assert set(numbers(gql(both, LIST, {"first": 50}))) >= {own.number, vets.number}
    executor_analyst = principal(Role.EXECUTOR, Role.ANALYST, name="both", organisation=HOUSING)
    actions.start_work(executor_analyst, own.number)
    with pytest.raises(AppealError, match="forbidden"):
        actions.start_work(executor_analyst, vets.number)


def test_attachments_of_other_organisations_are_neither_read_nor_added(
    executor, operator_client, settings, tmp_path
):
    settings.MEDIA_ROOT = str(tmp_path)
    own, vets = assigned(), assigned("stray-animals")
    for appeal in (own, vets):
        upload = SimpleUploadedFile("photo.jpg", JPEG)
        assert (
            operator_client.post(f"/appeals/{appeal.number}/attachments", {"file": upload}).status_code == 201
        )
    own_file, vets_file = (Attachment.objects.get(appeal=a) for a in (own, vets))

    assert executor.get(f"/appeals/attachments/{own_file.token}").status_code == 200
    refused = executor.get(f"/appeals/attachments/{vets_file.token}")
    assert refused.status_code == 403 and refused.json()["errors"][0]["code"] == "forbidden"
    added = executor.post(f"/appeals/{vets.number}/attachments", {"file": SimpleUploadedFile("a.jpg", JPEG)})
    assert added.status_code == 403 and Attachment.objects.filter(appeal=vets).count() == 1
    mine = executor.post(f"/appeals/{own.number}/attachments", {"file": SimpleUploadedFile("b.jpg", JPEG)})
    assert mine.status_code == 201


def test_the_organisation_filter_cannot_widen_the_reach(executor):
    assigned("stray-animals")
    answer = gql(
        executor,
        "query($o: String!) { appeals(first: 10, filter: {organisation: $o}) { edges { node { number } } } }",
        {"o": VETERINARY},
    )
    assert numbers(answer) == []
    assert Organisation.objects.filter(code=VETERINARY).exists()  # it is there, just not theirs
