"""The integrators' sandbox akimat (decision 79): its appeals live the full 109 life, but its
emergencies never reach 112 (no outbox message, nothing in the 112 register or at a CAD) while a
real akimat's do; nothing of it reaches the region's read model, KPIs or lists; transfers between it
and real akimats are refused both ways; `reset_sandbox` wipes it and refuses any real akimat.

The sandbox is onboarded (committed) for this module and dropped afterwards; the tests that must
commit (delivery in this process, as the relay does) wipe what they left in both akimats.
"""

from __future__ import annotations

import dataclasses
import datetime
from collections.abc import Iterator
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.test import Client
from django.utils import timezone
from django_tenants.utils import schema_context, tenant_context

from accounts.roles import Role
from appeals import actions
from appeals.actions import AppealInput
from appeals.emergency.watchdog import raise_not_received_alarms
from appeals.errors import AppealError
from appeals.models import Appeal, EmergencyForward
from appeals.sandbox import NotSandbox, wipe_sandbox_appeals
from appeals.transfers.actions import transfer_appeal
from appeals.transfers.proposals import locate
from consoles.dispatch112.page import akimats as inbox_akimats
from federation.emergency_112.forwarding import INCIDENT_KIND
from federation.emergency_112.models import Incident
from federation.messaging.errors import FederationError
from federation.messaging.models import Message
from federation.messaging.outbox import region, send
from federation.read_model_feed import STATUS_KIND, send_backfill, state_of
from regional import kpis
from regional.console import console
from regional.models import AppealFact
from tenants.models import Akimat
from tenants.sandbox import SANDBOX_SLUG, current_is_sandbox, sandbox_spec
from testkit.cad_stub import CadStub
from testkit.graphql import data_of, gql, refusal
from testkit.identities import logged_in, principal, user_with_roles
from testkit.tenants import scratch_akimat
from tests.appeals.conftest import CENTRE, VALID_PHONE, intake
from tests.federation.emergency_112.conftest import make_centre
from tests.regional.helpers import deliver_pending, forget_committed_appeals

# An integrator's system as its client-credentials token makes it (a service account).
SANDBOX_INTEGRATOR = dataclasses.replace(
    principal(Role.INTEGRATOR, name="integrator-sandbox", tenant=SANDBOX_SLUG), kind="service"
)
SANDBOX_OPERATOR = principal(Role.OPERATOR, name="operator-sandbox", tenant=SANDBOX_SLUG)
SANDBOX_SUPERVISOR = principal(Role.SUPERVISOR, name="supervisor-sandbox", tenant=SANDBOX_SLUG)
PETROPAVLOVSK_OPERATOR = principal(Role.OPERATOR, name="operator")

EMERGENCY_QUERY = """
query ($number: Int!) {
  appeal(number: $number) {
    status
    emergency112 { status sandbox services }
    events { kind transition data }
  }
}
"""
TRANSFER = """
mutation ($input: TransferAppealInput!) {
  transferAppeal(input: $input) { appeal { number status } errors { field code message } }
}
"""


@pytest.fixture(scope="module")
def sandbox(onboarded: dict[str, Akimat], django_db_blocker: pytest.FixtureRequest) -> Iterator[Akimat]:
    with scratch_akimat(sandbox_spec(), django_db_blocker) as tenant:
        yield tenant


def emergency_input(description: str = "Горит сарай во дворе, дым идёт к дому") -> AppealInput:
    return AppealInput(
        channel="api",
        description=description,
        applicant_phone=VALID_PHONE,
        applicant_name="Айгерим Садыкова",
        address="ул. Абая, 10",
        longitude=CENTRE[0],
        latitude=CENTRE[1],
        category_code="fire",
    )


def messages_from(schema: str, **filters: object) -> list[Message]:
    with schema_context("public"):
        return list(Message.objects.filter(source_schema=schema, **filters))


def test_seed_region_onboards_the_sandbox_marked_as_such(tenants, sandbox):
    out = StringIO()
    call_command("seed_region", only=[SANDBOX_SLUG], stdout=out)
    assert "sandbox: present" in out.getvalue() and "nothing reaches 112" in out.getvalue()
    connection.set_schema_to_public()
    row = Akimat.objects.get(slug=SANDBOX_SLUG)
    assert row.is_sandbox and row.domains.get().domain == "sandbox.localhost"
    assert not Akimat.objects.get(slug="petropavlovsk").is_sandbox
    with tenant_context(row):
        assert current_is_sandbox()
    with tenant_context(Akimat.objects.get(slug="petropavlovsk")):
        assert not current_is_sandbox()


@pytest.fixture
def cad_stub() -> Iterator[CadStub]:
    stub = CadStub(secret="sandbox-cad-secret").start()
    yield stub
    stub.stop()


@pytest.fixture
def committed(committed_112, sandbox, onboarded) -> Iterator[None]:
    """Real commits in the sandbox and Petropavlovsk, wiped afterwards (with their read-model facts)."""
    yield
    connection.set_schema_to_public()
    forget_committed_appeals("petropavlovsk", sandbox.schema_name)
    connection.set_schema_to_public()


def test_a_sandbox_emergency_never_reaches_112_while_a_real_one_does(committed, sandbox, onboarded, cad_stub):
    make_centre(cad_stub)  # a 112 centre with its own CAD: whatever reaches the register goes there
    with tenant_context(sandbox), transaction.atomic():
        test_one = actions.create_appeal(SANDBOX_INTEGRATOR, emergency_input()).appeal
    with tenant_context(onboarded["petropavlovsk"]), transaction.atomic():
        real_one = actions.create_appeal(PETROPAVLOVSK_OPERATOR, emergency_input()).appeal

    # Both are forwarded in their akimats: the sandbox's as a dry run, marked so.
    with tenant_context(sandbox):
        forward = EmergencyForward.objects.get(appeal__number=test_one.number)
        assert Appeal.objects.get(pk=test_one.pk).status == "forwarded_112"
        event = Appeal.objects.get(pk=test_one.pk).events.get(transition="forward_112")
        assert event.data["sandbox"] is True and event.data["trigger"] == "category"
        assert forward.status == "forwarded"
    assert messages_from(sandbox.schema_name) == []  # no message to 112, nor to the region at all
    assert len(messages_from("petropavlovsk", kind=INCIDENT_KIND)) == 1

    deliver_pending()

    with schema_context("public"):
        assert list(Incident.objects.values_list("source_schema", "appeal_number")) == [
            ("petropavlovsk", str(real_one.number))
        ]
    (received,) = cad_stub.documents.values()
    assert f":{real_one.number}:petropavlovsk.localhost" in received["requestForService"]["eido"]["$id"]
    # 112 answered the real one; the sandbox's waits for nobody, and its watchdog raises no alarm.
    with tenant_context(onboarded["petropavlovsk"]):
        assert EmergencyForward.objects.get(appeal__number=real_one.number).status == "received"
    with tenant_context(sandbox):
        assert raise_not_received_alarms(timezone.now() + datetime.timedelta(days=1)) == []


def test_the_integrator_sees_the_sandbox_forward_in_the_api(tenants, sandbox):
    with tenant_context(sandbox):
        client = logged_in(user_with_roles("integrator-sandbox", "integrator"), host="sandbox.localhost")
        created = data_of(
            gql(
                client,
                """mutation ($input: CreateAppealInput!) {
                  createAppeal(input: $input) { appeal { number status } errors { field code message } }
                }""",
                {
                    "input": {
                        "channel": "API",
                        "description": "Пожар в гараже",
                        "applicantPhone": VALID_PHONE,
                        "location": {"longitude": CENTRE[0], "latitude": CENTRE[1]},
                        "category": "fire",
                    }
                },
            )
        )["createAppeal"]["appeal"]
        assert created["status"] == "FORWARDED_112"
        appeal = data_of(gql(client, EMERGENCY_QUERY, {"number": created["number"]}))["appeal"]
    assert appeal["emergency112"]["sandbox"] is True and appeal["emergency112"]["services"] == ["101"]
    (forward,) = [e for e in appeal["events"] if e["transition"] == "forward_112"]
    assert '"sandbox": true' in forward["data"]
    with tenant_context(tenants["petropavlovsk"]):
        real = actions.create_appeal(PETROPAVLOVSK_OPERATOR, emergency_input()).appeal
        client = logged_in(user_with_roles("operator-p", "operator"), host="petropavlovsk.localhost")
        real_view = data_of(gql(client, EMERGENCY_QUERY, {"number": real.number}))["appeal"]
    assert real_view["emergency112"]["sandbox"] is False


def test_nothing_of_the_sandbox_enters_the_read_model_or_the_kpis(committed, sandbox, onboarded):
    period = kpis.Period.of(None, None)
    deliver_pending()
    before = kpis.region_kpis(None, period)
    facts_before = AppealFact.objects.count()
    with tenant_context(sandbox):
        for index in range(3):
            with transaction.atomic():
                appeal = actions.create_appeal(
                    SANDBOX_INTEGRATOR,
                    dataclasses.replace(emergency_input(f"Батареи {index}"), category_code="heating"),
                ).appeal
        with transaction.atomic():
            actions.register_appeal(SANDBOX_OPERATOR, appeal.number)
        assert send_backfill() == []  # a rebuild of the read model sends nothing from here either
    assert messages_from(sandbox.schema_name) == []
    deliver_pending()
    connection.set_schema_to_public()
    assert AppealFact.objects.filter(schema=sandbox.schema_name).count() == 0
    assert AppealFact.objects.count() == facts_before
    assert kpis.region_kpis(None, period) == before

    # A real akimat's appeal in the same run does reach it (the feed works; the sandbox is skipped).
    with tenant_context(onboarded["petropavlovsk"]), transaction.atomic():
        actions.create_appeal(
            PETROPAVLOVSK_OPERATOR, dataclasses.replace(emergency_input("Холодно"), category_code="heating")
        )
    deliver_pending()
    connection.set_schema_to_public()
    assert kpis.region_kpis(None, period).received == before.received + 1


def test_the_regions_lists_skip_the_sandbox(tenants, sandbox):
    connection.set_schema_to_public()
    registry = [row.akimat.slug for row in console(30).akimats]
    assert "petropavlovsk" in registry and SANDBOX_SLUG not in registry
    assert SANDBOX_SLUG not in [a.slug for a in inbox_akimats()]
    assert SANDBOX_SLUG not in Akimat.objects.in_region().values_list("slug", flat=True)
    viewer = logged_in(user_with_roles("viewer-sb", "regional_viewer"), host="localhost")
    listed = data_of(gql(viewer, "{ akimats { slug } districtComparison { akimat { slug } } }"))
    assert "petropavlovsk" in [a["slug"] for a in listed["akimats"]]
    assert SANDBOX_SLUG not in [a["slug"] for a in listed["akimats"]]
    assert SANDBOX_SLUG not in [row["akimat"]["slug"] for row in listed["districtComparison"]]
    refusal(gql(viewer, '{ regionalKpis(akimat: "sandbox") { received } }'), "unknown_akimat", "akimat")
    landing = logged_in(user_with_roles("nobody-sb"), host="localhost").get("/").content.decode()
    assert "petropavlovsk.localhost" in landing and "sandbox.localhost" not in landing


def test_transfers_between_the_sandbox_and_real_akimats_are_refused_both_ways(tenants, sandbox):
    inside_kyzylzhar = tenants["kyzylzhar"].boundary.point_on_surface
    with tenant_context(tenants["petropavlovsk"]):
        real = intake()
        with pytest.raises(AppealError) as caught:
            transfer_appeal(PETROPAVLOVSK_OPERATOR, real.number, akimat=SANDBOX_SLUG, reason="Тест")
        assert caught.value.problems[0].code == "sandbox_transfer"
        client = logged_in(user_with_roles("operator-t", "operator"), host="petropavlovsk.localhost")
        answer = gql(
            client,
            TRANSFER,
            {"input": {"number": real.number, "akimat": SANDBOX_SLUG, "reason": "Тест"}},
            HTTP_ACCEPT_LANGUAGE="en",
        )
        refused = refusal(answer, "sandbox_transfer", "akimat")
        assert "sandbox" in refused["message"]
        targets = data_of(gql(client, "{ transferTargets { slug } }"))["transferTargets"]
        slugs = [t["slug"] for t in targets]
        assert "kyzylzhar" in slugs and SANDBOX_SLUG not in slugs
        # An address in another akimat is proposed to it, never to the sandbox (whose territory is
        # the whole region's).
        _, proposed, problem = locate(inside_kyzylzhar.x, inside_kyzylzhar.y)
        assert problem is None and proposed.slug == "kyzylzhar"
        # The outbox is the last line: a message to the sandbox is refused whatever sends it.
        with pytest.raises(FederationError) as blocked, transaction.atomic():
            send(STATUS_KIND, state_of(real, real.events.last().pk), target=sandbox.schema_name)
        assert blocked.value.code == "sandbox_isolated"
        assert Appeal.objects.get(pk=real.pk).status == real.status

    with tenant_context(sandbox):
        test_one = actions.create_appeal(
            SANDBOX_OPERATOR, dataclasses.replace(emergency_input("Холодно"), category_code="heating")
        ).appeal
        for target in ("petropavlovsk", "kyzylzhar"):
            with pytest.raises(AppealError) as caught:
                transfer_appeal(SANDBOX_OPERATOR, test_one.number, akimat=target, reason="Тест")
            assert caught.value.problems[0].code == "sandbox_transfer"
        client = logged_in(user_with_roles("operator-s", "operator"), host="sandbox.localhost")
        assert data_of(gql(client, "{ transferTargets { slug } }"))["transferTargets"] == []
        # Any point of the region is the sandbox's own; none is proposed to a real akimat.
        _, proposed, problem = locate(inside_kyzylzhar.x, inside_kyzylzhar.y)
        assert (proposed, problem) == (None, None)
        with pytest.raises(FederationError) as blocked, transaction.atomic():
            send(STATUS_KIND, state_of(test_one, test_one.events.last().pk), target=region())
        assert blocked.value.code == "sandbox_isolated"
        assert Appeal.objects.get(pk=test_one.pk).status == "received"


def test_reset_sandbox_refuses_a_real_akimat_and_wipes_the_sandbox(tenants, sandbox):
    with tenant_context(tenants["petropavlovsk"]):
        real = intake()
        with pytest.raises(NotSandbox):
            wipe_sandbox_appeals()
    with pytest.raises(CommandError, match="real akimat, not the sandbox"):
        call_command("reset_sandbox", "petropavlovsk")
    with tenant_context(tenants["petropavlovsk"]):
        assert Appeal.objects.filter(pk=real.pk).exists()

    with tenant_context(sandbox):
        made = [
            actions.create_appeal(SANDBOX_INTEGRATOR, emergency_input(f"Пожар {index}")).appeal
            for index in range(2)
        ]
        assert EmergencyForward.objects.count() == 2
    out = StringIO()
    call_command("reset_sandbox", stdout=out)
    assert out.getvalue().startswith("sandbox: 2 appeal(s), 4 event(s)")
    with tenant_context(sandbox):
        assert (Appeal.objects.count(), EmergencyForward.objects.count()) == (0, 0)
        # Numbers go on: a number an integrator kept never names another appeal.
        again = actions.create_appeal(SANDBOX_INTEGRATOR, emergency_input("Снова")).appeal
        assert again.number > max(a.number for a in made)
    with tenant_context(tenants["petropavlovsk"]):
        assert Appeal.objects.filter(pk=real.pk).exists()


@pytest.mark.parametrize(
    ("language", "strip"),
    [
        ("ru", "Песочница для проверок интеграторов: обращения здесь не настоящие"),
        ("kk", "Интеграторларға арналған құмсалғыш: мұндағы өтініштер шынайы емес"),
    ],
)
def test_every_page_of_the_sandbox_says_it_is_one_in_its_language(tenants, sandbox, language, strip):
    def page(host: str) -> str:
        client = Client(HTTP_HOST=host)
        client.cookies["django_language"] = language
        response = client.get("/", HTTP_ACCEPT_LANGUAGE=language)
        assert response.status_code == 200
        return response.content.decode()

    assert strip in page("sandbox.localhost")
    assert 'class="sandbox"' not in page("petropavlovsk.localhost")
