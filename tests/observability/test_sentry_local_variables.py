"""Error reports keep each frame's local variables, without the personal data and secrets in them.

Sentry sends a local as its repr; a real exception is raised while an appeal's intake data, a
principal, a transferred appeal and an appeal are locals, and a real HTTP receiver on loopback takes
the envelope, as Sentry's server would.
"""

# The locals of register_by_phone exist to be reported, not used.
# ruff: noqa: F841, RUF059
from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
import sentry_sdk

from accounts.principal import Principal
from accounts.roles import Role
from appeals.actions.intake import AppealInput
from appeals.models import Appeal
from appeals.transfers.actions import TransferredAppeal
from observability.sentry import REDACTED, init_sentry, is_personal_name
from testkit.http_receiver import HttpReceiver, start_receiver

NAME = "Айгерим Сапарова"
ADDRESS = "ул. Абая 12, кв. 5"
DESCRIPTION = "Нет отопления, ребёнок болеет"
IIN = "880412300157"
OPERATOR = "Оператор Жанна Иванова"
SECRETS = ("eyJhbGciOiJSUzI1NiJ9.payload.signature", "client-s3cr3t-value", "hunter2-password")
PERSONAL = (NAME, "Сапарова", "Абая", "отопления", "ребёнок", IIN, "2345678", "Иванова", *SECRETS)


@pytest.fixture
def sentry_receiver() -> Iterator[HttpReceiver]:
    receiver = start_receiver()
    init_sentry(dsn=f"http://publickey@127.0.0.1:{receiver.server.server_address[1]}/42", environment="test")
    yield receiver
    sentry_sdk.init(dsn=None)
    receiver.close()


def register_by_phone() -> None:
    """Where the exception is raised: its locals are what a report of a failed intake would carry."""
    intake = AppealInput(
        channel="phone",
        description=DESCRIPTION,
        applicant_phone="+7 701 234 56 78",
        applicant_name=NAME,
        applicant_iin=IIN,
        address=ADDRESS,
        category_code="heating",
    )
    operator = Principal(
        subject="local:operator.esil",
        issuer="local",
        username="operator.esil",
        display_name=OPERATOR,
        kind="user",
        roles=frozenset({Role.OPERATOR}),
        tenant="esil",
    )
    transferred = TransferredAppeal(
        origin_number=41,
        channel="web",
        description=DESCRIPTION,
        applicant_phone="87012345678",
        address=ADDRESS,
    )
    appeal = Appeal(number=77, status="received", applicant_name=NAME, description=DESCRIPTION)
    # Sentry keeps the first ten locals of a frame: nine here.
    contact = {"applicantName": NAME, "addressText": ADDRESS, "sourceSchema": "esil", "seen": [intake, "ok"]}
    access_token, client_secret, admin_password = SECRETS
    category_code = "heating"
    raise ValueError(f"could not register {intake}")


def captured(receiver: HttpReceiver) -> tuple[str, dict]:
    """The envelope as text (JSON unescaped, so no value hides behind \\u escapes) and the event."""
    try:
        register_by_phone()
    except ValueError:
        sentry_sdk.capture_exception()
    sentry_sdk.flush(timeout=5)
    assert receiver.requests, "no envelope reached the receiver"
    items = []
    for request in receiver.requests:
        for line in request.body.splitlines():
            try:
                items.append(json.loads(line))
            except ValueError:
                continue
    events = [item for item in items if isinstance(item, dict) and "exception" in item]
    assert events, items
    return json.dumps(items, ensure_ascii=False), events[0]


def test_no_personal_data_or_secret_of_a_local_leaves_the_process(sentry_receiver):
    text, _event = captured(sentry_receiver)
    assert "register_by_phone" in text  # the frame is there, with its locals
    for value in PERSONAL:
        assert value not in text, f"{value!r} left the platform"


def test_locals_are_kept_by_name_with_personal_ones_redacted(sentry_receiver):
    _raw, event = captured(sentry_receiver)
    (exception,) = event["exception"]["values"]
    frame = next(f for f in exception["stacktrace"]["frames"] if f["function"] == "register_by_phone")
    local = frame["vars"]
    # By type: our objects that carry personal data go as a whole, wherever they sit.
    for name in ("intake", "operator", "transferred", "appeal"):
        assert local[name] == REDACTED, name
    assert local["contact"]["seen"][0] == REDACTED and "ok" in local["contact"]["seen"][1]
    # By name: camelCase keys, and anything called a token, secret or password.
    assert local["contact"]["applicantName"] == REDACTED and local["contact"]["addressText"] == REDACTED
    assert "esil" in local["contact"]["sourceSchema"]
    for name in ("access_token", "client_secret", "admin_password"):
        assert local[name] in (REDACTED, "[Filtered]"), name
    # What is not personal stays readable: the report is still worth having.
    assert local["category_code"] == "'heating'"
    # The message embedded the dataclass's repr: it goes as a whole too.
    assert exception["value"] == REDACTED
    # Our source lines stay (they name the types, hold no data).
    assert "raise ValueError" in frame["context_line"]


@pytest.mark.parametrize(
    ("name", "personal"),
    [
        ("applicant_language", True),
        ("applicantPhone", True),
        ("callback_number", True),
        ("addressText", True),
        ("KEYCLOAK_WEB_CLIENT_SECRET", True),
        ("refresh_token", True),
        ("payload", True),
        ("category_code", False),
        ("schema_name", False),
        ("attempt", False),
        ("message_id", False),
    ],
)
def test_personal_names(name, personal):
    assert is_personal_name(name) is personal
