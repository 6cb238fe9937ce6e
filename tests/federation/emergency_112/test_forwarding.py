"""Forwarding from the 109 line: by emergency category at intake (or registration) and by the
operator's choice, at once, recorded in the appeal's history, and written to the federation outbox
in the same transaction as a requestForService valid on both ends."""

from __future__ import annotations

import dataclasses
import json

import pytest
from django.db import transaction
from django.utils import timezone

from accounts.roles import Role
from appeals import actions
from appeals.actions import EmergencyUpdate
from appeals.errors import AppealError
from appeals.models import Appeal, EmergencyForward, EmergencyStatus
from appeals.reads.worklists import Worklist, worklist
from federation.emergency_112.documents import Priority, read_request_for_service
from federation.emergency_112.forwarding import INCIDENT_KIND, NOTES_LIMIT, fit_notes
from federation.emergency_112.services import Service
from federation.messaging.errors import FederationError
from federation.messaging.outbox import region, send
from testkit.graphql import data_of, gql, refusal
from testkit.identities import logged_in, principal, user_with_roles
from testkit.paths import OPERATIONS
from tests.appeals.conftest import CENTRE, EXECUTOR, OPERATOR, VALID_PHONE, appeal_in, intake
from tests.federation.emergency_112.conftest import outbox

FORWARD = (OPERATIONS / "ForwardTo112.graphql").read_text(encoding="utf-8")
# An integrator's system as its client-credentials token makes it (a service account).
INTEGRATOR_SYSTEM = dataclasses.replace(
    principal(Role.INTEGRATOR, name="integrator-petropavlovsk"), kind="service"
)


def forwards_of(appeal: Appeal) -> list:
    return outbox(INCIDENT_KIND, ordering_key=f"emergency112:{appeal.number}")


def history(appeal: Appeal) -> list[tuple[str, str, str]]:
    return [(e.kind, e.transition, e.to_status) for e in appeal.events.order_by("at", "id")]


def test_an_emergency_category_is_forwarded_at_intake_before_anything_else(petropavlovsk):
    appeal = intake(
        category="fire", description="Горит сарай во дворе, дым идёт к дому", address="ул. Абая, 10"
    )
    appeal.refresh_from_db()
    assert appeal.status == "forwarded_112"
    assert history(appeal) == [("created", "", "received"), ("transition", "forward_112", "forwarded_112")]
    forward_event = appeal.events.get(transition="forward_112")
    assert forward_event.actor_role == "system"  # the catalogue's rule, not a person's choice
    assert forward_event.data["trigger"] == "category" and forward_event.data["services"] == ["101"]
    assert forward_event.data["operator"]["subject"] == OPERATOR.subject  # who took the call

    (message,) = forwards_of(appeal)
    assert (message.source_schema, message.target_schema, message.state) == (
        "petropavlovsk",
        "public",
        "pending",
    )
    summary = read_request_for_service(message.payload)  # the receiving side's own validation
    assert (summary.tenant_schema, summary.akimat_kato) == ("petropavlovsk", petropavlovsk.kato)
    assert summary.appeal_number == str(appeal.number) and summary.services == [Service.FIRE]
    assert summary.eido_id == f"urn:emergency:uid:incidentid:{appeal.number}:petropavlovsk.localhost"
    assert (summary.caller_phone, summary.caller_name) == (VALID_PHONE, "Айгерим Садыкова")
    assert summary.address_text == "ул. Абая, 10" and summary.accuracy_m == 50.0
    assert (summary.longitude, summary.latitude) == pytest.approx(CENTRE)
    assert summary.category_ru == "Пожар" and summary.priority == Priority.HIGHEST.rank
    assert "Горит сарай" in summary.notes and summary.caller_language == "ru"

    forward = EmergencyForward.objects.get(appeal=appeal)
    assert (forward.status, forward.services, forward.forwards) == (EmergencyStatus.FORWARDED, ["101"], 1)
    # It never sat in the operator's queue.
    assert not Appeal.objects.filter(pk=appeal.pk, status__in=["received", "registered"]).exists()


def test_a_category_asking_for_several_services_sends_one_incident_with_each_agency(petropavlovsk):
    appeal = intake(category="emergency", description="Авария: пострадавшие, возгорание")
    (message,) = forwards_of(appeal)
    document = message.payload["requestForService"]
    assert document["origin"]["servicesRequested"] == ["101", "102", "103"]
    agencies = [agency["agencyType"] for agency in document["eido"]["agencyComponent"]]
    assert agencies == [["psap"], ["fire"], ["police"], ["ems"]]
    assert document["eido"]["incidentComponent"]["incidentTypeCommonRegistryText"] == "TROUBLE"


def test_gas_goes_out_with_the_local_label_and_in_kazakh_when_the_caller_spoke_kazakh(petropavlovsk):
    appeal = intake(category="gas-leak", description="Подъездте газ иісі шығып тұр", register=True)
    appeal.refresh_from_db()
    # Phone intake asked to register at once: the emergency goes to 112 instead.
    assert appeal.status == "forwarded_112" and appeal.registered_at is None
    summary = read_request_for_service(forwards_of(appeal)[0].payload)
    assert summary.services == [Service.GAS] and summary.caller_language == "kk"
    agency = forwards_of(appeal)[0].payload["requestForService"]["eido"]["agencyComponent"][1]
    assert agency["agencyType"] == ["fire.x-kz-gas"]
    # The category, not the service, names the incident type: APCO's gas leak.
    incident = forwards_of(appeal)[0].payload["requestForService"]["eido"]["incidentComponent"]
    assert incident["incidentTypeCommonRegistryText"] == "GASLEAK"


def test_the_language_the_operator_recorded_wins_over_the_guess(petropavlovsk):
    # Russian words, but the caller spoke Kazakh: 112 calls back in Kazakh.
    appeal = intake(category="fire", description="Горит сарай", language="kk")
    assert appeal.applicant_language == "kk"
    summary = read_request_for_service(forwards_of(appeal)[0].payload)
    assert summary.caller_language == "kk"


def test_an_integrators_emergency_waits_for_an_operator_at_the_head_of_the_new_list(petropavlovsk):
    """A system's emergency is no person's judgement (and a test one must never reach 112): it waits
    for an operator's confirmation, first in the new list, unless the region allowed the client."""
    data = actions.AppealInput(
        channel="api",
        description="Человеку плохо на остановке",
        applicant_phone=VALID_PHONE,
        category_code="medical",
    )
    earlier = intake()  # an ordinary appeal received before it
    appeal = actions.create_appeal(INTEGRATOR_SYSTEM, data).appeal
    appeal.refresh_from_db()
    assert appeal.status == "received" and forwards_of(appeal) == []
    assert not EmergencyForward.objects.filter(appeal=appeal).exists()
    new = [a.number for a in worklist(Worklist.NEW)]
    assert new.index(appeal.number) < new.index(earlier.number)
    page = (
        logged_in(user_with_roles("confirming-operator", "operator")).get("/console/queues/").content.decode()
    )
    row = page[page.index(f">{appeal.number}</a>") :].split("</tr>")[0]
    assert 'class="badge emergency"' in row  # "confirm the forward to 112", in the screen's language

    actions.forward_to_112(OPERATOR, appeal.number, services=["103"], note="")  # the operator confirms
    appeal.refresh_from_db()
    assert appeal.status == "forwarded_112" and len(forwards_of(appeal)) == 1


def test_an_emergency_112_sent_back_waits_to_be_classified_not_to_be_forwarded(petropavlovsk):
    """112 said it is no emergency: the queue no longer asks to confirm a forward, it says 112 sent
    it back, and the appeal waits in its turn (the head of the list is for the unforwarded)."""
    earlier = intake()
    returned = intake(category="public-order")
    at = timezone.now()
    dispatcher = principal(Role.DISPATCHER_112, name="dispatcher", tenant=None)
    update = EmergencyUpdate(status="rejected", incident_id="urn:x", at=at, rejection_note="участковому")
    actions.apply_112_status(dispatcher, returned.number, update)
    returned.refresh_from_db()
    assert returned.status == "received"
    [row] = [a for a in worklist(Worklist.NEW) if a.number == returned.number]
    assert row.returned_by_112 and not row.awaits_112
    new = [a.number for a in worklist(Worklist.NEW)]
    assert new.index(earlier.number) < new.index(returned.number)  # received first, listed first
    client = logged_in(user_with_roles("returned-operator", "operator"))
    client.cookies["django_language"] = "ru"
    page = client.get("/console/queues/").content.decode()
    row_html = page[page.index(f">{returned.number}</a>") :].split("</tr>")[0]
    assert 'class="badge emergency"' not in row_html and "112 вернул: не экстренный" in row_html


def test_an_integrator_the_region_allowed_forwards_at_intake(petropavlovsk, settings):
    settings.INTEGRATORS_DIRECT_112 = [INTEGRATOR_SYSTEM.username]
    data = actions.AppealInput(
        channel="api",
        description="ДТП, есть пострадавшие",
        applicant_phone=VALID_PHONE,
        category_code="medical",
    )
    appeal = actions.create_appeal(INTEGRATOR_SYSTEM, data).appeal
    appeal.refresh_from_db()
    assert appeal.status == "forwarded_112" and len(forwards_of(appeal)) == 1


def test_an_ordinary_category_stays_in_the_109_queue(petropavlovsk):
    appeal = intake(category="heating")
    assert appeal.status == "received" and forwards_of(appeal) == []
    assert not EmergencyForward.objects.filter(appeal=appeal).exists()


def test_registering_with_an_emergency_category_forwards_instead_of_assigning(petropavlovsk):
    appeal = intake(category="")
    actions.register_appeal(OPERATOR, appeal.number, category_code="fire", assign=True)
    appeal.refresh_from_db()
    assert appeal.status == "forwarded_112" and appeal.organisation_id is None
    assert history(appeal) == [
        ("created", "", "received"),
        ("transition", "register", "registered"),
        ("transition", "forward_112", "forwarded_112"),
    ]
    assert len(forwards_of(appeal)) == 1


def test_the_operator_forwards_to_several_services_through_graphql(petropavlovsk):
    client = logged_in(user_with_roles("fw-operator", "operator"))
    number = appeal_in("assigned").number  # a "heating" appeal the operator recognises as an emergency
    note = "Запах гари из щитка, мужчина без сознания"
    answer = gql(client, FORWARD, {"input": {"number": number, "services": ["103", "101"], "note": note}})
    appeal = data_of(answer)["forwardTo112"]["appeal"]
    assert appeal["status"] == "FORWARDED_112"
    assert (
        appeal["emergency112"]["services"] == ["101", "103"]
        and appeal["emergency112"]["status"] == "FORWARDED"
    )
    last = appeal["events"][-1]
    assert (last["transition"], last["fromStatus"], last["actorRole"], last["comment"]) == (
        "forward_112",
        "ASSIGNED",
        "operator",
        note,
    )
    assert json.loads(last["data"])["trigger"] == "operator"
    (message,) = forwards_of(Appeal.objects.get(number=number))
    summary = read_request_for_service(message.payload)
    assert summary.services == [Service.FIRE, Service.AMBULANCE]
    assert summary.notes.endswith(f"109: {note}")
    agent = message.payload["requestForService"]["eido"]["agentComponent"][0]
    assert "Fw-Operator" in agent["agentJcard"]


@pytest.mark.parametrize(
    ("services", "field", "code"),
    [
        ([], "services", "required"),
        (["105"], "services", "invalid_service"),
        (["101", "101"], "services", "duplicate_service"),
    ],
)
def test_bad_services_are_typed_errors_and_nothing_is_sent(petropavlovsk, services, field, code):
    client = logged_in(user_with_roles("fw-operator-2", "operator"))
    appeal = intake(category="heating")
    answer = gql(client, FORWARD, {"input": {"number": appeal.number, "services": services}})
    refusal(answer, code, field)
    appeal.refresh_from_db()
    assert appeal.status == "received" and forwards_of(appeal) == []


@pytest.mark.parametrize(
    ("who", "status", "code", "field"),
    [
        ("executor", "in_progress", "forbidden", None),
        ("operator", "closed", "invalid_transition", "status"),
        ("operator", "cancelled", "invalid_transition", "status"),
    ],
)
def test_refusals_by_role_and_state(petropavlovsk, who, status, code, field):
    client = logged_in(user_with_roles(f"fw-{who}-{status}", who))
    appeal = appeal_in(status)
    answer = gql(client, FORWARD, {"input": {"number": appeal.number, "services": ["102"]}})
    refusal(answer, code, field)
    assert forwards_of(appeal) == []


def test_an_unknown_appeal_is_not_found(petropavlovsk):
    client = logged_in(user_with_roles("fw-operator-3", "operator"))
    answer = gql(client, FORWARD, {"input": {"number": 987654321, "services": ["102"]}})
    assert "987654321" in refusal(answer, "not_found", "number")["message"]


def test_forwarding_again_while_112_has_it_adds_services_to_the_same_incident(petropavlovsk):
    appeal = intake(category="fire")
    actions.forward_to_112(OPERATOR, appeal.number, services=["103"], note="Есть пострадавший")
    first, second = forwards_of(appeal)
    assert [first.sequence, second.sequence] == [1, 2]
    one, two = (message.payload["requestForService"] for message in (first, second))
    assert one["incidentId"] == two["incidentId"] and one["messageId"] != two["messageId"]
    assert (one["origin"]["servicesRequested"], two["origin"]["servicesRequested"]) == (
        ["101"],
        ["101", "103"],
    )
    assert EmergencyForward.objects.get(appeal=appeal).forwards == 2


def test_a_refused_forward_leaves_no_trace(petropavlovsk):
    appeal = intake(category="heating")
    with pytest.raises(RuntimeError), transaction.atomic():
        actions.forward_to_112(OPERATOR, appeal.number, services=["101"])
        raise RuntimeError("the request failed after the forward")
    appeal.refresh_from_db()
    assert appeal.status == "received" and forwards_of(appeal) == []
    assert not EmergencyForward.objects.filter(appeal=appeal).exists()


def test_a_very_long_description_is_cut_for_112_not_refused(petropavlovsk):
    text = "Горит & дымит <подвал>\n" * 240  # > 5000 characters once escaped
    appeal = intake(category="heating", description=text[:4990])
    actions.forward_to_112(OPERATOR, appeal.number, services=["101"])
    notes = forwards_of(appeal)[0].payload["requestForService"]["eido"]["notesComponent"][0]
    assert len(notes["notesActionComments"]) <= NOTES_LIMIT and notes["notesActionComments"].endswith("[…]")
    assert fit_notes("short") == "short"


def test_the_outbox_refuses_a_document_that_breaks_the_schema(petropavlovsk):
    appeal = intake(category="fire")
    document = forwards_of(appeal)[0].payload
    del document["requestForService"]["eido"]["callbackComponent"]
    with pytest.raises(FederationError) as caught, transaction.atomic():
        send(INCIDENT_KIND, document, target=region())
    assert (caught.value.field, caught.value.code) == ("payload", "invalid")
    assert "callbackComponent" in caught.value.message


def test_an_executor_cannot_forward_through_the_action_either(petropavlovsk):
    appeal = appeal_in("in_progress")
    with pytest.raises(AppealError) as caught:
        actions.forward_to_112(EXECUTOR, appeal.number, services=["101"])
    assert caught.value.problems[0].code == "forbidden"
