"""Webhooks delivered through the federation outbox to a real HTTP server on loopback: signed as the
integrator's guide says, retried while the integrator is down, in order per appeal, never twice,
dead letters replayed; and the change feed gives back exactly what was missed.

These tests commit (the relay's deliveries are transactions of their own), in an akimat of their
own; the relay runs in this process (`deliver`), the receiver in a thread.
"""

from __future__ import annotations

import ipaddress
import json
import socket
import threading
import time
from collections import defaultdict
from contextlib import suppress
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone
from django_tenants.utils import schema_context, tenant_context

from appeals import actions
from appeals.models import Appeal, AppealEvent
from appeals.reads.changes import changed_since, position_of
from federation.messaging.delivery import deliver
from federation.messaging.kicks import forget_all_marks
from federation.messaging.models import OPEN_STATES, Message, MessageState
from ikomek.celery import app
from integrations import subscriptions
from integrations.delivery import body_of, signed_headers
from integrations.feed import WEBHOOK_KIND, event_type_of
from integrations.models import Webhook
from testkit.processes import QUICK_RELAY_ENV, celery_worker, wait_until
from testkit.webhook_receiver import WebhookReceiver
from tests.appeals.conftest import EXECUTOR, OPERATOR, intake
from tests.federation.emergency_112.test_cad_delivery import envelope_of
from tests.federation.emergency_112.test_cad_queue import broker_queue
from tests.integrations.conftest import HOOKS_POINT, INTEGRATOR

ALL_TYPES = ["appeal.created", "appeal.status_changed", "appeal.updated"]
README = Path(__file__).resolve().parents[2] / "graphql" / "README.md"


@pytest.fixture
def committed(hooks_akimat, django_db_blocker):
    """Real commits in the module's akimat; its webhooks and webhook messages gone after the test."""
    with django_db_blocker.unblock():
        yield hooks_akimat
        connection.set_schema_to_public()
        Message.objects.filter(kind=WEBHOOK_KIND).delete()
        with tenant_context(hooks_akimat):
            for webhook in Webhook.objects.all():
                subscriptions.delete_webhook(INTEGRATOR, webhook.pk)


def subscribe(tenant, receiver: WebhookReceiver, types: list[str] = ALL_TYPES) -> Webhook:
    with tenant_context(tenant):
        webhook, receiver.secret = subscriptions.create_webhook(
            INTEGRATOR, url=receiver.url, event_types=types
        )
    return webhook


def open_messages(tenant) -> list[Message]:
    with schema_context("public"):
        messages = Message.objects.filter(
            kind=WEBHOOK_KIND, source_schema=tenant.schema_name, state__in=OPEN_STATES
        )
        return list(messages.order_by("ordering_key", "sequence"))


def relay_round(tenant) -> None:
    """What the relay's tasks and sweep do over time, at once: every retry is due now."""
    connection.set_schema_to_public()
    Message.objects.filter(kind=WEBHOOK_KIND, state=MessageState.RETRYING).update(
        next_attempt_at=timezone.now()
    )
    for message in open_messages(tenant):
        deliver(message.pk)


def feed_from(tenant, position) -> tuple[list[int], object]:
    with tenant_context(tenant):
        numbers = []
        while rows := list(changed_since(Appeal.objects.all(), position)[:2]):
            numbers += [row.number for row in rows]
            position = position_of(rows[-1])
        return numbers, position


def documented_verify():
    """`verify_delivery` exactly as graphql/README.md gives it to integrators."""
    blocks = [part.split("```")[0] for part in README.read_text().split("```python\n")[1:]]
    (block,) = [text for text in blocks if "def verify_delivery" in text]
    namespace: dict = {}
    exec(block, namespace)  # noqa: S102  (our own documentation's snippet)
    return namespace["verify_delivery"]


def test_a_delivery_verifies_with_the_documented_snippet(committed, receiver):
    subscribe(committed, receiver)
    with tenant_context(committed):
        appeal = intake(location=HOOKS_POINT, applicant_name="Айгерим Садыкова", phone="+77051234567")
    (message,) = open_messages(committed)
    deliver(message.pk)
    assert receiver.answered == [200]
    (notice,) = receiver.notices
    assert notice["id"] == str(message.pk) and notice["type"] == "appeal.created"
    assert notice["akimat"] == committed.schema_name and notice["appeal"]["number"] == appeal.number
    # The integrator's own check, from the guide, takes what was signed.
    verify = documented_verify()
    envelope_body = json.dumps(notice, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode()
    headers = signed_headers([receiver.secret], envelope_body, notice["id"])
    assert verify(receiver.secret, headers, envelope_body) == notice
    with pytest.raises(ValueError, match="bad signature"):
        verify("whsec_wrong", headers, envelope_body)
    with pytest.raises(ValueError, match="stale"):
        verify(
            receiver.secret,
            signed_headers([receiver.secret], envelope_body, notice["id"], now=1),
            envelope_body,
        )
    # The public state only: nothing of the applicant, the address or the description.
    text = json.dumps(notice, ensure_ascii=False)
    assert "Садыкова" not in text and "7051234567" not in text and "батареи" not in text
    assert set(notice) == {"id", "akimat", "type", "occurred_at", "change", "appeal"}
    # Every time in Almaty's, as the guide says (the ones read back from the database were UTC's).
    times = [notice["occurred_at"]] + [notice["appeal"][key] for key in ("received_at", "deadline")]
    assert all(time.endswith("+05:00") for time in times), times


def test_during_a_rotation_both_secrets_verify(committed, receiver):
    webhook = subscribe(committed, receiver)
    old = receiver.secret
    with tenant_context(committed):
        _, new = subscriptions.rotate_secret(INTEGRATOR, webhook.pk)
        receiver.secret = old  # the integrator has not switched yet
        intake(location=HOOKS_POINT)
    (message,) = open_messages(committed)
    deliver(message.pk)
    assert receiver.answered == [200]
    receiver.secret = new  # switched: the same kind of delivery still verifies
    with tenant_context(committed):
        intake(location=HOOKS_POINT)
    (message,) = open_messages(committed)
    deliver(message.pk)
    assert receiver.answered == [200, 200]


def test_an_integrator_down_for_a_while_misses_nothing(committed, receiver):
    subscribe(committed, receiver)
    _, last_seen = feed_from(committed, None)  # the integrator's cursor before the outage
    receiver.stop()
    with tenant_context(committed):
        first, second = intake(location=HOOKS_POINT), intake(location=HOOKS_POINT)
        actions.register_appeal(OPERATOR, first.number, assign=True)
        actions.start_work(EXECUTOR, first.number)
        actions.register_appeal(OPERATOR, second.number)
        actions.mark_done(EXECUTOR, first.number, resolution="Отопление восстановлено")
    for _ in range(3):  # connections refused
        relay_round(committed)
    waiting = open_messages(committed)
    assert all(m.state in (MessageState.RETRYING, MessageState.PENDING) for m in waiting)
    heads = [m for m in waiting if m.attempts]
    assert {m.ordering_key for m in heads} == {m.ordering_key for m in waiting}  # one head per appeal
    assert len(heads) == 2 and all(m.attempts == 3 and "connection" in m.last_error for m in heads)
    receiver.status = 503  # back, but not ready yet
    receiver.start()
    relay_round(committed)
    assert receiver.answered == [503, 503] and receiver.notices == []
    receiver.status = 200
    for _ in range(10):
        if not open_messages(committed):
            break
        relay_round(committed)
    assert open_messages(committed) == []
    # Every change of a subscribed type, once, in order per appeal.
    with tenant_context(committed):
        expected = {
            appeal.number: [
                e.pk for e in AppealEvent.objects.filter(appeal=appeal).order_by("id") if event_type_of(e)
            ]
            for appeal in (first, second)
        }
    got = defaultdict(list)
    for notice in receiver.notices:
        got[notice["appeal"]["number"]].append(notice["appeal"]["version"])
    assert dict(got) == expected and len(expected[first.number]) >= 5
    assert receiver.repeats == 0 and len({n["id"] for n in receiver.notices}) == len(receiver.notices)
    last_of_first = [n for n in receiver.notices if n["appeal"]["number"] == first.number][-1]
    assert last_of_first["appeal"]["status"] == "done"
    # Catching up from the cursor before the outage gives exactly the appeals that changed.
    assert feed_from(committed, last_seen)[0] == [second.number, first.number]


def test_a_dead_letter_is_replayed_and_delivered_once(committed, receiver, settings):
    settings.WEBHOOK_MAX_ATTEMPTS = 2
    subscribe(committed, receiver, ["appeal.created"])
    receiver.status = 503
    with tenant_context(committed):
        intake(location=HOOKS_POINT)
    (message,) = open_messages(committed)
    relay_round(committed)
    relay_round(committed)
    message.refresh_from_db()
    assert (message.state, message.attempts) == (MessageState.DEAD, 2) and "503" in message.last_error
    receiver.status = 200
    call_command("federation_replay", str(message.pk), reason="integrator back", actor="duty")
    relay_round(committed)
    message.refresh_from_db()
    assert message.state == MessageState.DELIVERED and message.replays == 1
    assert [n["id"] for n in receiver.notices] == [str(message.pk)] and receiver.answered == [503, 503, 200]


def test_a_wrong_secret_is_refused_for_good_at_once(committed, receiver):
    subscribe(committed, receiver, ["appeal.created"])
    receiver.secret = "whsec_not-the-one"
    with tenant_context(committed):
        intake(location=HOOKS_POINT)
    (message,) = open_messages(committed)
    deliver(message.pk)
    message.refresh_from_db()
    assert (message.state, message.attempts) == (MessageState.DEAD, 1) and "401" in message.last_error


@pytest.fixture
def listener_inside():
    """A listening socket on the address this machine's own name resolves to (loopback or the
    container's private one): a public-looking name that leads inside. It records what arrives."""
    name = socket.gethostname()
    address = socket.getaddrinfo(name, None, type=socket.SOCK_STREAM)[0][4][0]
    assert not ipaddress.ip_address(address).is_global, f"{name} resolves to a public address here"
    family = socket.AF_INET6 if ":" in address else socket.AF_INET
    server = socket.create_server((address, 0), family=family)
    received = bytearray()

    def accept() -> None:
        with suppress(OSError):
            while True:
                peer, _ = server.accept()
                with peer:
                    peer.settimeout(2)
                    with suppress(OSError):
                        while chunk := peer.recv(4096):
                            received.extend(chunk)

    threading.Thread(target=accept, daemon=True).start()
    yield f"https://{name}:{server.getsockname()[1]}/hooks", received
    server.close()


def test_a_name_that_leads_inside_is_refused_at_the_connection_with_nothing_sent(
    committed, listener_inside, settings
):
    settings.WEBHOOK_ALLOW_PLAIN_HTTP = False
    url, received = listener_inside
    with tenant_context(committed):
        subscriptions.create_webhook(INTEGRATOR, url=url, event_types=["appeal.created"])  # the name passes
        intake(location=HOOKS_POINT)
    (message,) = open_messages(committed)
    deliver(message.pk)
    message.refresh_from_db()
    assert (message.state, message.attempts) == (MessageState.DEAD, 1)
    assert "is not a public address" in message.last_error
    time.sleep(0.3)  # what a sender would have written by now
    assert bytes(received) == b""  # not even the TLS greeting


def test_a_deleted_webhook_gets_nothing_more(committed, receiver):
    webhook = subscribe(committed, receiver, ["appeal.created"])
    with tenant_context(committed):
        intake(location=HOOKS_POINT)
        subscriptions.delete_webhook(INTEGRATOR, webhook.pk)
    (message,) = open_messages(committed)
    deliver(message.pk)
    message.refresh_from_db()
    assert message.state == MessageState.DELIVERED and receiver.answered == []
    with tenant_context(committed):
        intake(location=HOOKS_POINT)
    assert open_messages(committed) == []


def test_the_types_asked_for_and_only_those(committed, receiver):
    subscribe(committed, receiver, ["appeal.status_changed"])
    with tenant_context(committed):
        appeal = intake(location=HOOKS_POINT)
        assert open_messages(committed) == []
        actions.register_appeal(OPERATOR, appeal.number)
    (message,) = open_messages(committed)
    assert message.payload["notice"]["type"] == "appeal.status_changed"
    assert message.payload["notice"]["change"]["to_status"] == "registered"


def test_body_and_headers_are_the_same_bytes_on_every_attempt(committed, receiver):
    subscribe(committed, receiver, ["appeal.created"])
    with tenant_context(committed):
        intake(location=HOOKS_POINT)
    (message,) = open_messages(committed)
    assert body_of(envelope_of(message, 1)) == body_of(envelope_of(message, 7))


# ------------------------------------------------------------------ a real worker
@pytest.mark.slow
def test_a_worker_on_the_webhooks_queue_delivers_once_the_integrator_is_back(committed, receiver, tmp_path):
    app.control.purge()  # no task, and no mark saying one is queued, left by earlier tests
    forget_all_marks()
    subscribe(committed, receiver)
    receiver.stop()
    with tenant_context(committed):
        appeal = intake(location=HOOKS_POINT)
        actions.register_appeal(OPERATOR, appeal.number)
    # Kicked on commit onto the queue of its own, and nowhere else.
    assert {m["headers"]["task"] for m in broker_queue("webhooks")} == {"integrations.deliver_webhook"}
    others = broker_queue("celery") + broker_queue("cad") + broker_queue("urgent")
    assert all(m["headers"]["task"] != "integrations.deliver_webhook" for m in others)
    log = tmp_path / "worker.log"
    with celery_worker(log, "-Q", "webhooks", "-n", "hooks@%h", env=QUICK_RELAY_ENV):
        assert wait_until(lambda: any(m.attempts >= 2 for m in open_messages(committed)), timeout=30), (
            log.read_text()[-3000:]
        )
        receiver.start()
        assert wait_until(lambda: not open_messages(committed), timeout=40), log.read_text()[-3000:]
    versions = [n["appeal"]["version"] for n in receiver.notices]
    assert [n["type"] for n in receiver.notices] == ["appeal.created", "appeal.status_changed"]
    assert versions == sorted(versions) and receiver.repeats == 0
