"""Transfers between akimats across their real boundaries: proposed at intake (PostGIS point-in-polygon on
the registry), done by the operator, received by the other akimat with the original number and history,
and followed by the sender until the receiver closes its appeal."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.db import connection
from django.test import Client
from django_tenants.utils import schema_context, tenant_context

from accounts.roles import Role
from appeals import actions
from appeals.actions import AppealInput
from appeals.errors import AppealError
from appeals.models import Appeal, EventKind
from federation.messaging.models import Message
from federation.transfers.kinds import STATUS_KIND, TRANSFER_KIND
from regional.models import AppealFact
from testkit.graphql import data_of, gql, refusal
from testkit.identities import executor_of, logged_in, principal, user_with_roles
from tests.appeals.conftest import CENTRE, OPERATOR
from tests.regional.helpers import deliver_pending, forget_committed_appeals

# Kyzylzhar District just east of the city: Petropavlovsk is a hole in Kyzylzhar's real boundary.
IN_KYZYLZHAR = (69.30, 54.80)
IN_THE_CITY = CENTRE

K_OPERATOR = principal(Role.OPERATOR, name="k-operator", tenant="kyzylzhar")


@pytest.fixture
def operator_client(petropavlovsk) -> Client:
    return logged_in(user_with_roles("t-operator", "operator"))


@pytest.fixture
def executor_client(petropavlovsk) -> Client:
    return logged_in(user_with_roles("t-executor", "executor"))


def report(point: tuple[float, float], actor: object = OPERATOR, **extra: object) -> actions.IntakeResult:
    return actions.create_appeal(
        actor,
        AppealInput(
            channel="landline",
            description="Прорыв трубы на трассе",
            applicant_phone="+77051112233",
            applicant_name="Ержан Жумабаев",
            longitude=point[0],
            latitude=point[1],
            category_code=extra.pop("category_code", "cold-water"),
            **extra,
        ),
    )


def test_a_point_in_kyzylzhar_reported_to_petropavlovsk_proposes_a_transfer(petropavlovsk):
    result = report(IN_KYZYLZHAR)
    assert result.created and result.transfer_proposal.slug == "kyzylzhar"
    appeal = Appeal.objects.get(pk=result.appeal.pk)
    assert appeal.transfer_proposal == "kyzylzhar" and appeal.location.x == pytest.approx(69.30)
    proposed = appeal.events.get(kind=EventKind.TRANSFER_PROPOSED)
    assert proposed.data == {"akimat": "kyzylzhar"} and proposed.actor_role == "system"


def test_a_point_in_the_city_reported_to_kyzylzhar_proposes_petropavlovsk(tenants):
    with tenant_context(tenants["kyzylzhar"]):
        result = report(IN_THE_CITY, K_OPERATOR)
        assert result.transfer_proposal.slug == "petropavlovsk"
    with tenant_context(tenants["kyzylzhar"]):
        assert report(IN_KYZYLZHAR, K_OPERATOR).transfer_proposal is None  # its own territory


def test_a_point_in_its_own_akimat_proposes_nothing(petropavlovsk):
    result = report(IN_THE_CITY)
    assert result.transfer_proposal is None and result.appeal.transfer_proposal is None
    assert not result.appeal.events.filter(kind=EventKind.TRANSFER_PROPOSED).exists()


def test_create_appeal_answers_with_the_proposal(operator_client):
    answer = gql(
        operator_client,
        "mutation($i: CreateAppealInput!) { createAppeal(input: $i) { appeal { number transferProposal "
        "{ slug nameRu } } transferProposal { slug nameKk nameRu } errors { code } } }",
        {
            "i": {
                "channel": "LANDLINE",
                "description": "Нет воды",
                "applicantPhone": "+77051112233",
                "category": "cold-water",
                "location": {"longitude": IN_KYZYLZHAR[0], "latitude": IN_KYZYLZHAR[1]},
            }
        },
    )
    answer = data_of(answer)["createAppeal"]
    assert answer["transferProposal"]["slug"] == answer["appeal"]["transferProposal"]["slug"] == "kyzylzhar"
    assert answer["transferProposal"]["nameRu"].startswith("Кызылжар")


@pytest.mark.parametrize(
    ("akimat", "reason", "field", "code"),
    [
        ("kyzylzhar", "  ", "reason", "required"),
        ("atlantis", "не наш район", "akimat", "unknown_akimat"),
        ("petropavlovsk", "не наш район", "akimat", "unknown_akimat"),  # itself
        ("region", "не наш район", "akimat", "unknown_akimat"),  # the region takes escalations, not transfers
    ],
)
def test_a_transfer_needs_a_reason_and_another_akimat(petropavlovsk, akimat, reason, field, code):
    appeal = report(IN_KYZYLZHAR).appeal
    with pytest.raises(AppealError) as caught:
        actions.transfer_appeal(OPERATOR, appeal.number, akimat=akimat, reason=reason)
    assert (caught.value.problems[0].field, caught.value.problems[0].code) == (field, code)
    appeal.refresh_from_db()
    assert appeal.status == "received" and appeal.transferred_to is None


def test_only_operators_and_supervisors_transfer(petropavlovsk):
    appeal = report(IN_KYZYLZHAR).appeal
    executor = principal(Role.EXECUTOR, name="executor")
    with pytest.raises(AppealError) as caught:
        actions.transfer_appeal(executor, appeal.number, akimat="kyzylzhar", reason="не наш район")
    assert caught.value.problems[0].code == "forbidden"


def test_the_transfer_message_carries_the_appeal_and_its_history(petropavlovsk):
    appeal = report(IN_KYZYLZHAR, language="kk").appeal
    actions.transfer_appeal(OPERATOR, appeal.number, akimat="kyzylzhar", reason="Адрес в Кызылжарском районе")
    message = Message.objects.get(kind=TRANSFER_KIND, payload__origin_number=appeal.number)
    assert (message.source_schema, message.target_schema) == ("petropavlovsk", "kyzylzhar")
    payload = message.payload
    assert payload["applicant_phone"] == "+77051112233" and payload["category_code"] == "cold-water"
    assert payload["applicant_language"] == "kk"
    assert payload["reason"] == "Адрес в Кызылжарском районе"
    assert [e["kind"] for e in payload["history"]] == ["created", "transfer_proposed", "transition"]
    assert payload["history"][-1]["to_status"] == "transferred"


@pytest.fixture
def cross_tenant(committed) -> Iterator[dict]:
    """Committed work in the real Petropavlovsk and Kyzylzhar, wiped afterwards."""
    yield committed
    forget_committed_appeals("petropavlovsk", "kyzylzhar")


def test_transfer_round_trip_across_the_real_boundary(cross_tenant):
    with tenant_context(cross_tenant["petropavlovsk"]):
        sent = report(IN_KYZYLZHAR).appeal
        actions.transfer_appeal(
            OPERATOR, sent.number, akimat="kyzylzhar", reason="Адрес в Кызылжарском районе"
        )
    deliver_pending()

    with schema_context("kyzylzhar"):
        received = Appeal.objects.get(transferred_from="petropavlovsk", origin_number=sent.number)
        assert (received.status, received.applicant_phone, received.category.code) == (
            "received",
            "+77051112233",
            "cold-water",
        )
        event = received.events.get(kind=EventKind.TRANSFER_RECEIVED)
        assert event.data["akimat"] == "petropavlovsk" and event.data["number"] == sent.number
        assert [e["kind"] for e in event.data["history"]] == ["created", "transfer_proposed", "transition"]
        assert (
            event.comment == "Адрес в Кызылжарском районе" and event.actor_subject == "akimat:petropavlovsk"
        )
    with schema_context("petropavlovsk"):
        sent.refresh_from_db()
        assert (sent.status, sent.transferred_to, sent.transferred_to_number, sent.transferred_to_status) == (
            "transferred",
            "kyzylzhar",
            received.number,
            "received",
        )

    # Kyzylzhar works the appeal to the end; Petropavlovsk follows every status.
    with schema_context("kyzylzhar"):
        n = received.number
        actions.register_appeal(K_OPERATOR, n, assign=True)
        actions.start_work(executor_of(n, tenant="kyzylzhar"), n)
        actions.mark_done(executor_of(n, tenant="kyzylzhar"), n, resolution="Трубу заменили")
        actions.record_callback(K_OPERATOR, n, reached=True, satisfied=True)
        actions.close_appeal(K_OPERATOR, n)
    deliver_pending()
    with schema_context("petropavlovsk"):
        sent.refresh_from_db()
        assert sent.transferred_to_status == "closed" and sent.status == "transferred"
        followed = list(
            sent.events.filter(kind=EventKind.TRANSFER_PROGRESS).order_by("id").values_list("data", flat=True)
        )
        assert [d["status"] for d in followed] == [
            "received",
            "registered",
            "assigned",
            "in_progress",
            "done",
            "citizen_informed",
            "closed",
        ]
        assert {d["number"] for d in followed} == {received.number}

    # The region sees both appeals, each where it is handled, and no applicant.
    connection.set_schema_to_public()
    facts = {
        f.schema: f
        for f in AppealFact.objects.filter(schema__in=["petropavlovsk", "kyzylzhar"]).filter(
            number__in=[sent.number, received.number]
        )
    }
    assert (facts["petropavlovsk"].status, facts["petropavlovsk"].transferred_to) == (
        "transferred",
        "kyzylzhar",
    )
    assert (facts["kyzylzhar"].status, facts["kyzylzhar"].transferred_from) == ("closed", "petropavlovsk")
    assert facts["kyzylzhar"].origin_number == sent.number

    # The sender's console shows where it went and how it ended.
    with schema_context("petropavlovsk"):
        client = logged_in(user_with_roles("transfer-viewer", "operator"))
        shown = gql(
            client,
            "query($n: Int!) { appeal(number: $n) { status transferredTo { akimat { slug nameRu } number "
            "status statusLabel } } }",
            {"n": sent.number},
        )
        shown = data_of(shown)["appeal"]
    assert shown["status"] == "TRANSFERRED"
    assert (
        shown["transferredTo"]["akimat"]["slug"] == "kyzylzhar"
        and shown["transferredTo"]["status"] == "CLOSED"
    )
    assert shown["transferredTo"]["number"] == received.number
    with schema_context("kyzylzhar"):
        origin = gql(
            logged_in(user_with_roles("transfer-k", "operator"), host="kyzylzhar.localhost"),
            "query($n: Int!) { appeal(number: $n) { transferredFrom { akimat { slug } number } } }",
            {"n": received.number},
        )
        origin = data_of(origin)["appeal"]["transferredFrom"]
    assert origin == {"akimat": {"slug": "petropavlovsk"}, "number": sent.number}


def test_a_status_from_an_akimat_it_was_not_sent_to_is_refused(cross_tenant):
    with tenant_context(cross_tenant["petropavlovsk"]):
        sent = report(IN_KYZYLZHAR).appeal
        actions.transfer_appeal(
            OPERATOR, sent.number, akimat="kyzylzhar", reason="Адрес в Кызылжарском районе"
        )
    deliver_pending()
    # Esil claims to have it: the platform stamps the source, so the claim is seen and refused.
    from django.db import transaction

    from federation.messaging.outbox import send

    with schema_context("esil"), transaction.atomic():
        forged = send(
            STATUS_KIND,
            {
                "origin_number": sent.number,
                "number": 1,
                "status": "closed",
                "changed_at": "2030-01-01T00:00:00+05:00",
            },
            target="petropavlovsk",
        )
    deliver_pending()
    connection.set_schema_to_public()
    message = Message.objects.get(pk=forged)
    assert message.state == "dead" and "not_transferred_there" in message.last_error
    with schema_context("petropavlovsk"):
        sent.refresh_from_db()
        assert sent.transferred_to_status == "received"


def test_transfer_targets_list_the_other_active_akimats(operator_client):
    answer = gql(operator_client, "{ transferTargets { slug nameKk nameRu } }")
    slugs = [a["slug"] for a in data_of(answer)["transferTargets"]]
    assert "kyzylzhar" in slugs and "esil" in slugs
    assert "petropavlovsk" not in slugs and "region" not in slugs


def test_an_executor_cannot_list_transfer_targets(executor_client):
    refusal(gql(executor_client, "{ transferTargets { slug } }"), "forbidden")


def test_graphql_transfer_refusals_are_typed(operator_client):
    number = report(IN_KYZYLZHAR).appeal.number
    answer = gql(
        operator_client,
        "mutation($i: TransferAppealInput!) { transferAppeal(input: $i) { appeal { status } errors "
        "{ field code message } } }",
        {"i": {"number": number, "akimat": "atlantis", "reason": "x"}},
    )
    assert "atlantis" in refusal(answer, "unknown_akimat", "akimat")["message"]


def test_the_anonymous_client_is_refused_everything(petropavlovsk):
    refusal(gql(Client(HTTP_HOST="petropavlovsk.localhost"), "{ transferTargets { slug } }"), "forbidden")


def test_a_deactivated_sender_is_not_told_and_the_receiver_works_on(tenants):
    from tenants.models import Akimat

    esil = Akimat.objects.get(slug="esil")
    with tenant_context(tenants["kyzylzhar"]):
        received = actions.receive_transfer(
            esil,
            actions.TransferredAppeal(
                origin_number=77,
                channel="landline",
                description="Прорыв трубы",
                applicant_phone="+77051112233",
                longitude=IN_KYZYLZHAR[0],
                latitude=IN_KYZYLZHAR[1],
                category_code="cold-water",
                received_at="2026-01-05T10:00:00+05:00",
                reason="Адрес в Кызылжарском районе",
            ),
        )
        assert (received.transferred_from, received.origin_number) == ("esil", 77)
        told = Message.objects.filter(kind=STATUS_KIND, target_schema="esil", payload__origin_number=77)
        assert told.count() == 1  # received, with the new number
        Akimat.objects.filter(pk=esil.pk).update(is_active=False)
        actions.register_appeal(K_OPERATOR, received.number, assign=True)
        received.refresh_from_db()
        assert received.status == "assigned" and told.count() == 1


E_OPERATOR = principal(Role.OPERATOR, name="e-operator", tenant="esil")


@pytest.fixture
def three_akimats(committed) -> Iterator[dict]:
    yield committed
    forget_committed_appeals("petropavlovsk", "kyzylzhar", "esil")


def test_a_chain_of_transfers_is_followed_by_the_first_sender_to_the_end(three_akimats):
    # Petropavlovsk → Kyzylzhar → Esil: the first sender follows the appeal to where it is closed.
    with tenant_context(three_akimats["petropavlovsk"]):
        sent = report(IN_KYZYLZHAR).appeal
        actions.transfer_appeal(
            OPERATOR, sent.number, akimat="kyzylzhar", reason="Адрес в Кызылжарском районе"
        )
    deliver_pending()
    with schema_context("kyzylzhar"):
        middle = Appeal.objects.get(transferred_from="petropavlovsk", origin_number=sent.number)
        actions.transfer_appeal(
            K_OPERATOR, middle.number, akimat="esil", reason="Сеть обслуживает Есильский РЭС"
        )
    deliver_pending()
    with schema_context("petropavlovsk"):
        sent.refresh_from_db()
        assert (sent.transferred_to, sent.transferred_to_number, sent.handled_by) == (
            "kyzylzhar",
            middle.number,
            "esil",
        )
    with schema_context("esil"):
        last = Appeal.objects.get(transferred_from="kyzylzhar", origin_number=middle.number)
        n = last.number
        actions.register_appeal(E_OPERATOR, n, assign=True)
        actions.start_work(executor_of(n, tenant="esil"), n)
        actions.mark_done(executor_of(n, tenant="esil"), n, resolution="Линию восстановили")
        actions.record_callback(E_OPERATOR, n, reached=True, satisfied=True)
        actions.close_appeal(E_OPERATOR, n)
    deliver_pending()

    with schema_context("kyzylzhar"):
        middle.refresh_from_db()
        assert (middle.status, middle.transferred_to_status, middle.handled_by) == (
            "transferred",
            "closed",
            None,
        )
    with schema_context("petropavlovsk"):
        sent.refresh_from_db()
        assert (sent.status, sent.transferred_to_status) == ("transferred", "closed")
        assert (sent.handled_by, sent.handled_by_number) == ("esil", n)
        followed = list(
            sent.events.filter(kind=EventKind.TRANSFER_PROGRESS).order_by("id").values_list("data", flat=True)
        )
        assert [d["status"] for d in followed] == [
            "received",  # in Kyzylzhar
            "transferred",  # passed on to Esil
            "received",  # in Esil, and on
            "registered",
            "assigned",
            "in_progress",
            "done",
            "citizen_informed",
            "closed",
        ]
        assert followed[1]["handled_by"] == {"akimat": "esil", "number": None}
        assert followed[-1]["handled_by"] == {"akimat": "esil", "number": n}
        client = logged_in(user_with_roles("chain-viewer", "operator"))
        shown = gql(
            client,
            "query($n: Int!) { appeal(number: $n) { transferredTo { akimat { slug } number status "
            "handledBy { slug } handledByNumber } } }",
            {"n": sent.number},
        )
        shown = data_of(shown)["appeal"]["transferredTo"]
    assert shown == {
        "akimat": {"slug": "kyzylzhar"},
        "number": middle.number,
        "status": "CLOSED",
        "handledBy": {"slug": "esil"},
        "handledByNumber": n,
    }
