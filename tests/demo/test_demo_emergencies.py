"""The demo's emergencies reached 112 the real way and stand where the scenes say: the dispatcher's
inbox, the appeals' 112 status and the 109 queue agree, and a second seeding adds nothing."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.db import connection
from django_tenants.utils import schema_context

from appeals.models import Appeal, EmergencyForward
from demo.emergencies import SCENES, seed_akimat
from federation.emergency_112.models import Incident
from federation.messaging.models import Message, MessageState
from tests.regional.helpers import forget_committed_appeals


@pytest.fixture
def clean(committed_112) -> Iterator[None]:
    # Before as well as after: a browser test of this process may have committed forwards of its
    # own in Petropavlovsk (the suite's order decides; a fresh clone's run met three of them).
    forget_committed_appeals("petropavlovsk")
    yield
    forget_committed_appeals("petropavlovsk")
    connection.set_schema_to_public()


def test_demo_emergencies_stand_at_their_stages_in_112_and_in_the_akimat(clean, onboarded):
    assert seed_akimat(onboarded["petropavlovsk"]) == "petropavlovsk: emergencies forwarded to 112: 5"
    expected = [scene.stage if scene.stage != "new" else "received" for scene in SCENES["petropavlovsk"]]
    with schema_context("public"):
        incidents = sorted(
            Incident.objects.filter(source_schema="petropavlovsk"), key=lambda i: int(i.appeal_number)
        )
        assert [i.state for i in incidents] == expected
        stuck = Message.objects.filter(kind__startswith="emergency_112.").exclude(
            state=MessageState.DELIVERED
        )
        assert not stuck.exclude(kind="emergency_112.cad").exists()
    with schema_context("petropavlovsk"):
        forwards = list(EmergencyForward.objects.select_related("appeal").order_by("appeal__number"))
        assert [f.status for f in forwards] == expected
        by_stage = dict(zip(expected, forwards, strict=True))
        assert by_stage["dispatched"].services == ["101", "103"]  # the operator's choice: fire and ambulance
        assert by_stage["dispatched"].unit.startswith("ПЧ-2")
        assert by_stage["closed"].appeal.status == "done"  # the operator calls the citizen back
        assert by_stage["rejected"].appeal.status == "received"  # back in the 109 queue
        assert by_stage["received"].appeal.status == "forwarded_112"
        assert {f.appeal.applicant_phone for f in forwards} == {s.phone for s in SCENES["petropavlovsk"]}

    assert seed_akimat(onboarded["petropavlovsk"]) == "petropavlovsk: demo emergencies already there"
    with schema_context("petropavlovsk"):
        assert Appeal.objects.filter(client_key__startswith="demo112:").count() == 5
