"""Intake: validation with field and code, E.164 phones, IIN control digit, the akimat's boundary,
and idempotent creation on the client's key (also when two requests race)."""

from __future__ import annotations

import uuid

import pytest
from django.db import connection, transaction
from django_tenants.utils import schema_context, tenant_context

from accounts.roles import Role
from appeals import actions
from appeals.actions import AppealInput
from appeals.errors import AppealError
from appeals.models import Appeal, AppealEvent
from appeals.rules.applicants import check_iin, iin_control_digit, normalise_phone
from federation.messaging.models import Message
from testkit.concurrency import run_at_once
from testkit.identities import principal
from tests.appeals.conftest import ANALYST, CENTRE, OPERATOR, intake


def make_iin(first_eleven: str) -> str:
    return first_eleven + str(iin_control_digit(first_eleven))


VALID_IIN = make_iin("85031530012")  # born 15.03.1985


def problems_of(**fields: object) -> set[tuple[str, str]]:
    values = {"channel": "landline", "description": "Нет воды", "applicant_phone": "+77051234567"} | fields
    with pytest.raises(AppealError) as caught:
        actions.create_appeal(OPERATOR, AppealInput(**values))
    return {(p.field, p.code) for p in caught.value.problems}


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("+7 705 123 45 67", "+77051234567"),
        ("8 (705) 123-45-67", "+77051234567"),
        ("87051234567", "+77051234567"),
        ("8 7152 46 12 34", "+77152461234"),  # Petropavlovsk landline
        ("+7 (7152) 46-12-34", "+77152461234"),
    ],
)
def test_phone_numbers_are_normalised_to_e164(raw, expected):
    assert normalise_phone(raw) == (expected, None)


@pytest.mark.parametrize("raw", ["12345", "+7 999", "телефон", "+7 000 000 00 00"])
def test_invalid_phone_numbers_are_refused(raw):
    phone, problem = normalise_phone(raw)
    assert phone is None and problem.code == "invalid_phone" and raw in problem.message


def test_iin_control_digit():
    assert check_iin(VALID_IIN) == (VALID_IIN, None)
    wrong = VALID_IIN[:11] + str((int(VALID_IIN[11]) + 1) % 10)
    assert check_iin(wrong)[1].code == "invalid_iin"
    assert "контрольная" in check_iin(wrong)[1].message
    assert check_iin("851315300123")[1].code == "invalid_iin"  # month 13
    assert check_iin("12345")[1].code == "invalid_iin"
    assert check_iin("") == ("", None)  # optional


def test_intake_normalises_and_records_everything(petropavlovsk):
    result = actions.create_appeal(
        OPERATOR,
        AppealInput(
            channel="mobile",
            description="  Не горит фонарь у подъезда  ",
            applicant_phone="8 705 123 45 67",
            applicant_name="Ержан Касымов",
            applicant_iin=VALID_IIN,
            address="ул. Конституции Казахстана, 20",
            longitude=CENTRE[0],
            latitude=CENTRE[1],
            category_code="street-lighting",
            client_key="app-1",
        ),
    )
    appeal = result.appeal
    assert result.created
    assert appeal.status == "received"
    assert appeal.applicant_phone == "+77051234567"
    assert appeal.applicant_iin == VALID_IIN
    assert appeal.description == "Не горит фонарь у подъезда"
    assert appeal.priority == "normal"  # the category's default
    assert appeal.deadline is not None and appeal.deadline > appeal.received_at
    assert (appeal.location.x, appeal.location.y) == CENTRE
    event = appeal.events.get()
    assert (event.kind, event.to_status, event.actor_role) == ("created", "received", "operator")


def test_operator_intake_can_register_at_once(petropavlovsk):
    appeal = intake(register=True)
    assert appeal.status == "registered"
    stored = Appeal.objects.get(pk=appeal.pk)  # written registered by the insert (decision 85)
    assert stored.status == "registered" and stored.registered_at == appeal.registered_at is not None
    assert stored.status_changed_at == stored.received_at
    events = list(appeal.events.values_list("kind", "from_status", "to_status", "transition", "actor_role"))
    assert events == [
        ("created", "", "received", "", "operator"),
        ("transition", "received", "registered", "register", "operator"),
    ]
    # The region hears of it once, in its last state (received, then registered: one message).
    key = {"source_schema": connection.schema_name, "ordering_key": f"appeal:{appeal.number}"}
    with schema_context("public"):
        states = list(Message.objects.filter(kind="appeals.status", **key).values_list("payload", flat=True))
    assert [(state["status"], state["version"]) for state in states] == [
        ("registered", appeal.events.order_by("id").last().pk)
    ]


def test_register_at_once_needs_the_right_to_register_and_stores_nothing_without_it(petropavlovsk):
    integrator = principal(Role.INTEGRATOR, name="integrator")  # creates, but does not route
    before = Appeal.objects.count()
    with pytest.raises(AppealError) as caught:
        actions.create_appeal(
            integrator,
            AppealInput(
                channel="web",
                description="Нет отопления",
                applicant_phone="+77051234567",
                category_code="heating",
                client_key=f"no-route-{uuid.uuid4().hex}",
                register=True,
            ),
        )
    assert [problem.code for problem in caught.value.problems] == ["forbidden"]
    assert Appeal.objects.count() == before
    # Without registering, the same caller's appeal is taken in (received).
    result = actions.create_appeal(
        integrator,
        AppealInput(channel="web", description="Нет отопления", applicant_phone="+77051234567",
                    category_code="heating"),
    )  # fmt: skip
    assert Appeal.objects.get(pk=result.appeal.pk).status == "received"


def test_an_emergency_asked_to_register_goes_to_112_instead(petropavlovsk):
    appeal = intake(category="gas-leak", register=True)
    stored = Appeal.objects.get(pk=appeal.pk)
    assert stored.status == appeal.status == "forwarded_112" and stored.registered_at is None


def test_all_problems_are_reported_together(petropavlovsk):
    problems = problems_of(
        channel="pigeon",
        description=" ",
        applicant_phone="12",
        applicant_iin="123456789012",
        category_code="no-such",
        priority="extreme",
        language="de",
    )
    assert problems == {
        ("language", "invalid"),
        ("channel", "invalid"),
        ("description", "required"),
        ("applicantPhone", "invalid_phone"),
        ("applicantIin", "invalid_iin"),
        ("category", "not_found"),
        ("priority", "invalid"),
    }
    assert not Appeal.objects.exists()


@pytest.mark.parametrize(
    ("attr", "field", "limit"),
    [
        ("applicant_name", "applicantName", 200),
        ("address", "address", 300),
        ("object_key", "objectKey", 100),
        ("description", "description", 5000),
        ("client_key", "clientKey", 100),
    ],
)
def test_text_longer_than_its_field_is_refused_never_cut(petropavlovsk, attr, field, limit):
    assert problems_of(**{attr: "я" * (limit + 1)}) == {(field, "too_long")}
    assert not Appeal.objects.exists()
    # Exactly the limit is stored whole, and surrounding spaces do not count.
    text = "я" * limit
    padded = text if attr == "client_key" else f"  {text}  "
    appeal = actions.create_appeal(
        OPERATOR,
        AppealInput(
            **(
                {"channel": "api", "description": "Нет воды", "applicant_phone": "+77051234567"}
                | {attr: padded}
            )
        ),
    ).appeal
    appeal.refresh_from_db()
    assert getattr(appeal, attr) == text


def test_the_too_long_message_names_the_limit_in_each_language(petropavlovsk):
    from apierrors.language import in_language

    with pytest.raises(AppealError) as caught:
        actions.create_appeal(
            OPERATOR,
            AppealInput(
                channel="api", description="Нет воды", applicant_phone="+77051234567", address="д" * 301
            ),
        )
    message = caught.value.problems[0].message
    assert in_language(message, "en") == "At most 300 characters."
    assert in_language(message, "ru") == "Не длиннее 300 символов."
    assert in_language(message, "kk") == "300 таңбадан аспауы керек."
    assert in_language(message, None) == "300 таңбадан аспауы керек. / Не длиннее 300 символов."


def test_phone_is_required(petropavlovsk):
    assert ("applicantPhone", "required") in problems_of(applicant_phone="")


def test_a_point_outside_the_region_is_refused(petropavlovsk):
    # Inside another akimat a transfer is proposed instead (tests/federation/test_transfers.py).
    assert ("location", "outside_region") in problems_of(longitude=76.95, latitude=43.24)  # Almaty
    assert ("location", "invalid_location") in problems_of(longitude=69.1)


def test_registration_needs_a_category(petropavlovsk):
    assert ("category", "required") in problems_of(register=True)


def test_without_permission_nothing_is_created(petropavlovsk):
    with pytest.raises(AppealError) as caught:
        actions.create_appeal(
            ANALYST, AppealInput(channel="web", description="x", applicant_phone="+77051234567")
        )
    assert caught.value.problems[0].code == "forbidden"


def test_a_retry_with_the_same_client_key_returns_the_first_appeal(petropavlovsk):
    first = actions.create_appeal(
        OPERATOR,
        AppealInput(channel="api", description="Нет света", applicant_phone="+77051234567", client_key="k-1"),
    )
    # The same request, written differently: compared after normalising (E.164, trimmed text).
    again = actions.create_appeal(
        OPERATOR,
        AppealInput(
            channel="api", description=" Нет света ", applicant_phone="8 705 123 45 67", client_key="k-1"
        ),
    )
    assert first.created and not again.created
    assert again.appeal.pk == first.appeal.pk
    assert Appeal.objects.filter(client_key="k-1").count() == 1
    assert AppealEvent.objects.filter(appeal=first.appeal).count() == 1


@pytest.mark.parametrize(
    "change",
    [
        {"description": "Нет света!"},
        {"applicant_phone": "+77051234568"},
        {"applicant_name": "Другой человек"},
        {"address": "ул. Другая, 1"},
        {"longitude": CENTRE[0], "latitude": CENTRE[1]},
        {"category_code": "heating"},
        {"priority": "high"},
        {"channel": "web"},
    ],
)
def test_the_same_client_key_with_a_different_request_is_refused_naming_the_first_appeal(
    petropavlovsk, change
):
    request = {
        "channel": "api",
        "description": "Нет света",
        "applicant_phone": "+77051234567",
        "client_key": "k-2",
    }
    first = actions.create_appeal(OPERATOR, AppealInput(**request)).appeal
    with pytest.raises(AppealError) as caught:
        actions.create_appeal(OPERATOR, AppealInput(**(request | change)))
    (problem,) = caught.value.problems
    assert (problem.field, problem.code, problem.appeal_number) == (
        "clientKey",
        "idempotency_conflict",
        first.number,
    )
    assert str(first.number) in str(problem.message)
    assert Appeal.objects.count() == 1
    # The first request, repeated, still answers with its appeal.
    assert actions.create_appeal(OPERATOR, AppealInput(**request)).appeal.pk == first.pk


def test_an_appeal_older_than_the_request_digests_answers_any_retry_of_its_key(petropavlovsk):
    first = actions.create_appeal(
        OPERATOR,
        AppealInput(channel="api", description="Нет света", applicant_phone="+77051234567", client_key="k-3"),
    ).appeal
    Appeal.objects.filter(pk=first.pk).update(client_key_digest="")
    again = actions.create_appeal(
        OPERATOR,
        AppealInput(channel="api", description="Другое", applicant_phone="+77051234567", client_key="k-3"),
    )
    assert not again.created and again.appeal.pk == first.pk


def test_concurrent_retries_create_one_appeal(scratch_tenant, django_db_blocker):
    """Eight threads, eight connections, one key, released together: one appeal, one event."""
    key = f"race-{uuid.uuid4().hex}"

    def create() -> tuple[int, bool]:
        with tenant_context(scratch_tenant):
            result = actions.create_appeal(
                OPERATOR,
                AppealInput(
                    channel="api", description="Гонка", applicant_phone="+77051234567", client_key=key
                ),
            )
            return result.appeal.pk, result.created

    with django_db_blocker.unblock():
        results = run_at_once(*[create] * 8)
        assert len({pk for pk, _ in results}) == 1
        assert sum(created for _, created in results) == 1
        with tenant_context(scratch_tenant), transaction.atomic():
            assert Appeal.objects.filter(client_key=key).count() == 1
            assert AppealEvent.objects.filter(appeal__client_key=key).count() == 1
        connection.set_schema_to_public()
