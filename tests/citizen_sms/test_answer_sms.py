"""Citizens hear back by SMS when their appeal is answered (decision 103): one message in the
answering transaction, in the applicant's language, to a mobile number only, never while no
provider is set; delivered through the outbox to a real HTTP server on loopback standing in for the
provider (demo/sms_stub.py, as `make run` starts it): retried while it is down, once whatever the
retries, refused for good on a wrong token."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator

import pytest
from django.db import connection
from django.utils import timezone
from django_tenants.utils import schema_context, tenant_context

from appeals import actions
from appeals.tracking.access_code import readable
from citizen_sms.feed import SMS_KIND
from demo.sms_stub import SmsStub
from federation.messaging.delivery import deliver
from federation.messaging.models import OPEN_STATES, Message, MessageState
from testkit.tenants import scratch_akimat, square_district
from tests.appeals.conftest import EXECUTOR, OPERATOR, appeal_in, intake
from tests.federation.emergency_112.conftest import outbox

MOBILE = "+77051234567"
LANDLINE = "+77152461234"  # Petropavlovsk's city code


def sms_of(appeal) -> list[Message]:
    return outbox(SMS_KIND, ordering_key=f"sms:appeal:{appeal.number}")


@pytest.fixture
def provider_set(settings) -> None:
    settings.SMS_PROVIDER_URL = "http://127.0.0.1:9/messages"  # queued only; nothing delivers here


def test_an_answer_queues_one_sms_in_the_applicants_language(petropavlovsk, provider_set, settings):
    kazakh = appeal_in("done", phone=MOBILE, language="kk")
    [message] = sms_of(kazakh)
    text = message.payload["text"]
    assert message.payload["phone"] == MOBILE and message.payload["number"] == kazakh.number
    assert f"№{kazakh.number} өтінішіңіз орындалды" in text and readable(kazakh.access_code) in text
    assert f"http://petropavlovsk.localhost:{settings.IKOMEK_PUBLIC_PORT}/track/" in text
    assert text.endswith("109 операторы сізге қайта хабарласады.")
    russian = appeal_in("not_done", phone=MOBILE)  # language not said: Russian
    [message] = sms_of(russian)
    assert f"обращение №{russian.number} не выполнено, причина указана" in message.payload["text"]
    assert message.payload["text"].endswith("Оператор 109 вам перезвонит.")
    refused = appeal_in("rejected", phone=MOBILE, language="ru")
    assert "отклонено" in sms_of(refused)[0].payload["text"]


def test_no_sms_before_an_answer_to_a_landline_or_without_a_provider(petropavlovsk, provider_set, settings):
    assert sms_of(appeal_in("in_progress", phone=MOBILE)) == []
    assert sms_of(appeal_in("done", phone=LANDLINE)) == []
    settings.SMS_PROVIDER_URL = ""
    assert sms_of(appeal_in("done", phone=MOBILE)) == []


# ------------------------------------------------------------------ delivered (these tests commit)
@pytest.fixture(scope="module")
def sms_akimat(onboarded, django_db_blocker) -> Iterator[object]:
    spec = square_district("sms-scratch", "599400000", "SMS District", west=69.4, south=54.4)
    with scratch_akimat(spec, django_db_blocker) as tenant:
        yield tenant


@pytest.fixture
def committed(sms_akimat, django_db_blocker) -> Iterator[object]:
    with django_db_blocker.unblock():
        yield sms_akimat
        connection.set_schema_to_public()
        Message.objects.filter(kind=SMS_KIND).delete()


@pytest.fixture
def provider(settings, tmp_path) -> Iterator[SmsStub]:
    stub = SmsStub(token=f"sms-{uuid.uuid4().hex}", log_path=tmp_path / "sms.log").start()
    settings.SMS_PROVIDER_URL, settings.SMS_PROVIDER_TOKEN = stub.url, stub.token
    yield stub
    stub.stop()


def open_sms() -> list[Message]:
    with schema_context("public"):
        return list(Message.objects.filter(kind=SMS_KIND, state__in=OPEN_STATES).order_by("sequence"))


def relay_round() -> None:
    """What the relay's tasks and sweep do over time, at once: every retry is due now."""
    connection.set_schema_to_public()
    Message.objects.filter(kind=SMS_KIND, state=MessageState.RETRYING).update(next_attempt_at=timezone.now())
    for message in open_sms():
        deliver(message.pk)


def answered(tenant) -> object:
    with tenant_context(tenant):
        appeal = intake(phone=MOBILE, location=None, language="kk")
        actions.register_appeal(OPERATOR, appeal.number, assign=True)
        actions.start_work(EXECUTOR, appeal.number)
        actions.mark_done(EXECUTOR, appeal.number, resolution="Сделано")
    return appeal


def test_the_provider_gets_it_once_after_being_down(committed, provider):
    provider.status = 503
    appeal = answered(committed)
    relay_round()
    relay_round()
    [waiting] = open_sms()
    assert waiting.state == MessageState.RETRYING and "503" in waiting.last_error
    provider.status = 202
    relay_round()
    assert open_sms() == [] and provider.answered == [503, 503, 202]
    [sms] = provider.messages
    assert (sms["id"], sms["to"], sms["sender"]) == (str(waiting.pk), MOBILE, "109")
    assert f"№{appeal.number}" in sms["text"]
    kept = [json.loads(line) for line in (provider.log_path).read_text(encoding="utf-8").splitlines()]
    assert kept == [sms]  # what `make run`'s log shows a newcomer


def test_a_wrong_token_is_refused_for_good_at_once(committed, provider, settings):
    settings.SMS_PROVIDER_TOKEN = "not-the-token"
    answered(committed)
    relay_round()
    with schema_context("public"):
        [message] = Message.objects.filter(kind=SMS_KIND)
    assert message.state == MessageState.DEAD and "401" in message.last_error
    assert provider.messages == [] and provider.answered == [401]
