"""The 112 register: receiving forwarded incidents and the dispatcher's state machine."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, InternalError, ProgrammingError, connection, transaction
from django.utils import timezone

from federation.emergency_112 import actions
from federation.emergency_112.actions import (
    FieldRequired,
    IllegalTransition,
    IncidentNotFound,
    acknowledge_incident,
    close_incident,
    dispatch_incident,
    mark_on_scene,
    receive_incident,
    reject_incident,
)
from federation.emergency_112.documents import CallerInput, Priority
from federation.emergency_112.models import (
    EventKind,
    Incident,
    IncidentEvent,
    IncidentState,
)
from federation.emergency_112.validation import DocumentInvalid
from testkit.concurrency import run_at_once
from tests.federation.emergency_112.conftest import make_centre, outbox, statuses_sent

S = IncidentState


@pytest.fixture
def incident(tenants, document_for) -> Incident:
    return receive_incident(document_for(), source_schema="petropavlovsk")


def test_receive_registers_the_incident_with_its_event_and_the_status_message(tenants, document_for):
    document = document_for(
        appeal_number="PTR-1",
        services=("103", "101"),
        priority=Priority.HIGHEST,
        caller=CallerInput(name="Сауле", phone="+77015556677", callback_number="+77152461234", language="kk"),
    )
    incident = receive_incident(document, source_schema="petropavlovsk")
    assert incident.state == S.RECEIVED
    assert incident.eido_id == "urn:emergency:uid:incidentid:PTR-1:petropavlovsk.ikomek.kz"
    assert incident.source_akimat == tenants["petropavlovsk"]
    assert incident.services == ["101", "103"] and incident.priority == 1
    assert (incident.caller_phone, incident.callback_number) == ("+77015556677", "+77152461234")
    assert incident.location.y == pytest.approx(54.8753) and incident.accuracy_m == 25.0
    assert incident.document == document and incident.centre is None
    (event,) = incident.events.all()
    assert (event.kind, event.from_state, event.to_state, event.actor_subject) == (
        EventKind.RECEIVED,
        "",
        "received",
        "system:federation",
    )
    (message,) = outbox("emergency_112.status")
    assert (message.source_schema, message.target_schema, message.ordering_key, message.sequence) == (
        "public",
        "petropavlovsk",
        f"incident:{incident.pk}",
        1,
    )
    status = message.payload
    assert (status["appealNumber"], status["state"], status["registryStatus"]) == (
        "PTR-1",
        "received",
        "Active",
    )
    assert status["incidentId"] == incident.eido_id and status["receivedAt"].endswith("+05:00")


def test_the_same_message_twice_changes_nothing(tenants, document_for):
    document = document_for()
    first = receive_incident(document, source_schema="petropavlovsk")
    second = receive_incident(document, source_schema="petropavlovsk")
    assert first.pk == second.pk
    assert Incident.objects.count() == 1
    assert IncidentEvent.objects.filter(incident=first).count() == 1
    assert second.document_version == 1


def test_a_new_message_for_the_same_incident_updates_it_without_a_duplicate(tenants, document_for):
    first = receive_incident(document_for(appeal_number="UPD-1"), source_schema="petropavlovsk")
    update = document_for(appeal_number="UPD-1", services=("101", "103"), priority=Priority.HIGHEST)
    second = receive_incident(update, source_schema="petropavlovsk")
    assert second.pk == first.pk and Incident.objects.count() == 1
    second.refresh_from_db()
    assert second.services == ["101", "103"] and second.priority == 1 and second.document_version == 2
    assert [event.kind for event in second.events.all()] == [EventKind.RECEIVED, EventKind.UPDATED]
    # The 109 line hears that 112 holds version 2 (same state, all services).
    assert [(s["state"], s["documentVersion"], s["services"]) for s in statuses_sent(second)] == [
        ("received", 1, ["101"]),
        ("received", 2, ["101", "103"]),
    ]


def test_a_tenant_cannot_forward_in_the_name_of_another(tenants, document_for):
    with pytest.raises(DocumentInvalid) as caught:
        receive_incident(document_for("kyzylzhar"), source_schema="petropavlovsk")
    assert caught.value.first.path == "/requestForService/origin/tenantSchema"
    assert Incident.objects.count() == 0


def test_the_akimat_code_must_be_the_senders(tenants, document_for):
    document = document_for(akimat_kato=tenants["esil"].kato)
    with pytest.raises(DocumentInvalid) as caught:
        receive_incident(document, source_schema="petropavlovsk")
    assert caught.value.first.path == "/requestForService/origin/akimatKato"


def test_an_invalid_document_is_refused_with_the_schema_error(tenants, document_for):
    document = document_for()
    del document["requestForService"]["eido"]["personComponent"]
    with pytest.raises(DocumentInvalid) as caught:
        receive_incident(document, source_schema="petropavlovsk")
    assert caught.value.first.path == "/requestForService/eido"
    assert "'personComponent' is a required property" in caught.value.first.message


def test_a_centre_with_its_own_cad_gets_a_delivery_queued_in_the_outbox(tenants, document_for, settings):
    centre = make_centre(runs_own_cad=True, endpoint_url="http://127.0.0.1:9/eido", secret="x" * 32)
    document = document_for()
    incident = receive_incident(document, source_schema="petropavlovsk")
    (message,) = outbox("emergency_112.cad")
    assert incident.centre == centre
    assert (message.source_schema, message.target_schema, message.state, message.attempts) == (
        "public",
        "public",
        "pending",
        0,
    )
    assert message.payload == {"centre": centre.slug, "incident": incident.pk, "document": document}
    assert message.ordering_key == f"cad:{centre.slug}:{incident.pk}"
    assert message.max_attempts == settings.EMERGENCY_CAD_MAX_ATTEMPTS


def test_without_a_cad_of_its_own_nothing_is_queued_for_one(tenants, document_for):
    make_centre()
    receive_incident(document_for(), source_schema="petropavlovsk")
    assert outbox("emergency_112.cad") == []


# ------------------------------------------------------------------ the state machine
FULL_PATH = [
    (acknowledge_incident, {}, S.ACKNOWLEDGED, "Active"),
    (dispatch_incident, {"unit": "ПЧ-2, АЦ-40 / экипаж 103-7"}, S.DISPATCHED, "ResourcesAssigned"),
    (mark_on_scene, {}, S.ON_SCENE, "ResourcesOnscene"),
    (close_incident, {"note": "Өрт сөндірілді"}, S.CLOSED, "Closed"),
]


def test_every_legal_step_of_the_full_path_writes_event_and_status(incident, dispatcher):
    previous = S.RECEIVED
    for action, kwargs, state, registry in FULL_PATH:
        result = action(dispatcher, incident.pk, **kwargs)
        assert result.state == state
        event = IncidentEvent.objects.filter(incident=incident).last()
        assert (event.from_state, event.to_state, event.actor_subject) == (
            previous,
            state,
            "local:dispatcher-aida",
        )
        assert statuses_sent(incident)[-1]["registryStatus"] == registry
        assert statuses_sent(incident)[-1]["state"] == state
        previous = state
    incident.refresh_from_db()
    assert incident.unit == "ПЧ-2, АЦ-40 / экипаж 103-7"
    assert all([incident.acknowledged_at, incident.dispatched_at, incident.on_scene_at, incident.finished_at])
    # Each message carries the whole state: the last one alone tells the 109 line everything.
    last = statuses_sent(incident)[-1]
    assert last["unit"] == incident.unit and last["note"] == "Өрт сөндірілді"
    assert all(
        last[key] for key in ("receivedAt", "acknowledgedAt", "dispatchedAt", "onSceneAt", "finishedAt")
    )
    assert [message.sequence for message in outbox("emergency_112.status")] == [1, 2, 3, 4, 5]


@pytest.mark.parametrize("state_before", [S.RECEIVED, S.ACKNOWLEDGED])
def test_rejection_is_legal_before_dispatch_and_records_the_note(incident, dispatcher, state_before):
    if state_before == S.ACKNOWLEDGED:
        acknowledge_incident(dispatcher, incident.pk)
    note = "Төтенше жағдай емес: жарық жоқ / Не экстренный: нет света, передать в 109"
    rejected = reject_incident(dispatcher, incident.pk, note=note)
    assert rejected.state == S.REJECTED and rejected.rejection_note == note
    event = IncidentEvent.objects.filter(incident=incident).last()
    assert (event.from_state, event.to_state, event.note) == (state_before, S.REJECTED, note)
    status = statuses_sent(incident)[-1]
    assert (status["registryStatus"], status["state"], status["rejectionNote"]) == (
        "Cancelled",
        "rejected",
        note,
    )


def test_rejection_without_a_note_is_refused(incident, dispatcher):
    with pytest.raises(FieldRequired) as caught:
        reject_incident(dispatcher, incident.pk, note="   ")
    assert (caught.value.code, caught.value.field) == ("required", "note")
    incident.refresh_from_db()
    assert incident.state == S.RECEIVED


def test_dispatch_without_a_unit_is_refused(incident, dispatcher):
    acknowledge_incident(dispatcher, incident.pk)
    with pytest.raises(FieldRequired) as caught:
        dispatch_incident(dispatcher, incident.pk, unit="")
    assert caught.value.field == "unit"


STEP = {
    S.ACKNOWLEDGED: lambda actor, pk: acknowledge_incident(actor, pk),
    S.DISPATCHED: lambda actor, pk: dispatch_incident(actor, pk, unit="Экипаж 1"),
    S.ON_SCENE: lambda actor, pk: mark_on_scene(actor, pk),
    S.CLOSED: lambda actor, pk: close_incident(actor, pk),
    S.REJECTED: lambda actor, pk: reject_incident(actor, pk, note="не экстренный"),
}
PATH_TO = {
    S.RECEIVED: [],
    S.ACKNOWLEDGED: [S.ACKNOWLEDGED],
    S.DISPATCHED: [S.ACKNOWLEDGED, S.DISPATCHED],
    S.ON_SCENE: [S.ACKNOWLEDGED, S.DISPATCHED, S.ON_SCENE],
    S.CLOSED: [S.ACKNOWLEDGED, S.DISPATCHED, S.ON_SCENE, S.CLOSED],
    S.REJECTED: [S.REJECTED],
}
LEGAL = {
    (S.RECEIVED, S.ACKNOWLEDGED),
    (S.RECEIVED, S.REJECTED),
    (S.ACKNOWLEDGED, S.DISPATCHED),
    (S.ACKNOWLEDGED, S.REJECTED),
    (S.DISPATCHED, S.ON_SCENE),
    (S.ON_SCENE, S.CLOSED),
}
ALL_PAIRS = [(a, b) for a in PATH_TO for b in STEP]


@pytest.mark.parametrize(("start", "target"), ALL_PAIRS, ids=[f"{a}->{b}" for a, b in ALL_PAIRS])
def test_each_pair_of_states_is_legal_or_refused(incident, dispatcher, start, target):
    for step in PATH_TO[start]:
        STEP[step](dispatcher, incident.pk)
    events_before = IncidentEvent.objects.filter(incident=incident).count()
    if (start, target) in LEGAL:
        assert STEP[target](dispatcher, incident.pk).state == target
        assert IncidentEvent.objects.filter(incident=incident).count() == events_before + 1
    else:
        with pytest.raises(IllegalTransition) as caught:
            STEP[target](dispatcher, incident.pk)
        assert caught.value.status == 409 and f"from {start} to {target}" in caught.value.message
        incident.refresh_from_db()
        assert incident.state == start
        assert IncidentEvent.objects.filter(incident=incident).count() == events_before


def test_only_dispatchers_may_act(incident, operator):
    with pytest.raises(PermissionDenied) as caught:
        acknowledge_incident(operator, incident.pk)
    assert "112" in str(caught.value)  # the action in words, not the permission's code


def test_unknown_incident(tenants, dispatcher):
    with pytest.raises(IncidentNotFound):
        acknowledge_incident(dispatcher, 987654)


def test_forwarding_again_after_rejection_reopens_the_incident(tenants, document_for, dispatcher):
    incident = receive_incident(document_for(appeal_number="RE-1"), source_schema="petropavlovsk")
    reject_incident(dispatcher, incident.pk, note="нет признаков ЧС")
    again = receive_incident(
        document_for(appeal_number="RE-1", notes="Появился запах газа"), source_schema="petropavlovsk"
    )
    assert again.pk == incident.pk and again.state == S.RECEIVED and again.awaiting_ack_since
    last = IncidentEvent.objects.filter(incident=incident).last()
    assert (last.from_state, last.to_state) == (S.REJECTED, S.RECEIVED)
    # Sent once per change: received, rejected, received again (no extra "updated" while rejected).
    assert [status["state"] for status in statuses_sent(incident)] == ["received", "rejected", "received"]


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE emergency_112_incidentevent SET note = 'rewritten'",
        "DELETE FROM emergency_112_incidentevent",
    ],
)
def test_events_are_append_only_in_the_database(incident, statement):
    with (
        pytest.raises((InternalError, ProgrammingError, IntegrityError)) as caught,
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(statement)
    assert "append_only" in str(caught.value)
    assert IncidentEvent.objects.filter(incident=incident).count() == 1


def test_cad_status_mapping_is_idempotent_for_a_repeated_status(tenants, document_for):
    centre = make_centre(runs_own_cad=True, endpoint_url="http://127.0.0.1:9/eido", secret="y" * 32)
    incident = receive_incident(document_for(), source_schema="petropavlovsk")
    update = {
        "incidentId": incident.eido_id,
        "incidentStatusCommonRegistryText": "Active",
        "acknowledged": True,
    }
    assert actions.apply_cad_status(centre, update).changed is True
    assert actions.apply_cad_status(centre, update).changed is False
    event = IncidentEvent.objects.filter(incident=incident).last()
    assert (event.to_state, event.actor_subject, event.actor_kind) == (
        "acknowledged",
        f"cad:{centre.slug}",
        "service",
    )


def test_an_older_version_arriving_late_is_recorded_but_not_applied(tenants, document_for):
    now = timezone.now()
    newer = document_for(appeal_number="ORD-1", notes="new", sent_at=now)
    older = document_for(appeal_number="ORD-1", notes="old", sent_at=now - timedelta(seconds=5))
    receive_incident(newer, source_schema="petropavlovsk")
    incident = receive_incident(older, source_schema="petropavlovsk")
    incident.refresh_from_db()
    assert incident.notes == "new" and incident.document_version == 1
    assert list(incident.received_documents.values_list("applied", flat=True)) == [True, False]


def test_concurrent_forwards_of_one_incident_make_one_incident(committed_112, onboarded, document_for):
    """The relay may deliver in parallel and out of order: one incident, the newest version wins."""
    now = timezone.now()
    first = document_for(appeal_number="RACE-1", sent_at=now)
    updates = [
        document_for(appeal_number="RACE-1", notes=f"update {n}", sent_at=now + timedelta(seconds=n + 1))
        for n in range(3)
    ]
    run_at_once(
        *[
            lambda document=document: receive_incident(document, source_schema="petropavlovsk")
            for document in [first, first, first, *updates]
        ]
    )
    (incident,) = Incident.objects.filter(appeal_number="RACE-1")
    assert incident.notes == "update 2"  # the newest, whatever the arrival order
    assert incident.received_documents.count() == 4  # each distinct message once
    kinds = list(incident.events.values_list("kind", flat=True))
    assert kinds.count(EventKind.RECEIVED) == 1
    assert incident.document_version == 1 + kinds.count(EventKind.UPDATED)


def test_a_deactivated_akimat_gets_nothing_and_112_goes_on(tenants, document_for, dispatcher, caplog):
    from datetime import timedelta

    from tenants.models import Akimat

    incident = receive_incident(document_for("esil"), source_schema="esil")
    esil = Akimat.objects.get(schema_name="esil")
    esil.is_active = False
    esil.save(update_fields=["is_active"])  # as deactivation saves it: the registry caches hear of it
    Incident.objects.filter(pk=incident.pk).update(awaiting_ack_since=timezone.now() - timedelta(seconds=90))
    from federation.emergency_112 import watchdog

    assert len(watchdog.raise_ack_alarms()) == 2  # both alarms raised in the region all the same
    assert acknowledge_incident(dispatcher, incident.pk).state == S.ACKNOWLEDGED
    assert [status["state"] for status in statuses_sent(incident)] == ["received"]  # nothing after
    assert outbox("emergency_112.alarm") == []
    assert "the akimat is deactivated" in caplog.text
