"""HMAC signatures between iKOMEK and a CAD: good ones pass once; bad, stale and replayed ones do not."""

from __future__ import annotations

import time
import uuid

import pytest

from federation.emergency_112.signing import (
    MESSAGE_ID_HEADER,
    SIGNATURE_HEADER,
    TIMESTAMP_HEADER,
    SignatureRefused,
    sign,
    verify,
)
from testkit.cad_stub import hmac_v1

SECRET = "centre-secret-for-tests"
BODY = '{"statusUpdate": {"note": "Өрт сөндірілді"}}'.encode()


def headers_for(
    body: bytes = BODY, *, secret: str = SECRET, at: float | None = None, message_id: str = ""
) -> dict:
    return sign(secret, body, message_id or str(uuid.uuid4()), now=at).as_http()


def check(headers: dict, body: bytes = BODY, centre: str = "sko-112", now: float | None = None) -> str:
    return verify(secret=SECRET, centre_slug=centre, body=body, headers=headers, now=now)


def test_signature_is_hmac_sha256_over_timestamp_dot_body():
    headers = headers_for(at=1_800_000_000)
    assert headers[TIMESTAMP_HEADER] == "1800000000"
    # The stub computes it independently (hashlib/hmac only): both sides agree on the scheme.
    assert headers[SIGNATURE_HEADER] == hmac_v1(SECRET, "1800000000", BODY)


def test_a_good_message_is_accepted_once_then_refused_as_a_replay():
    headers = headers_for()
    assert check(headers) == headers[MESSAGE_ID_HEADER]
    with pytest.raises(SignatureRefused) as caught:
        check(headers)
    assert (caught.value.code, caught.value.status) == ("replayed", 409)


def test_replay_memory_is_per_centre():
    headers = headers_for()
    check(headers, centre="centre-a")
    assert check(headers, centre="centre-b") == headers[MESSAGE_ID_HEADER]


@pytest.mark.parametrize(
    ("tamper", "code"),
    [
        (lambda h, b: (h | {SIGNATURE_HEADER: "v1=" + "0" * 64}, b), "signature_invalid"),
        (lambda h, b: (h, b + b" "), "signature_invalid"),  # body changed after signing
        (lambda h, b: (h | {TIMESTAMP_HEADER: str(int(h[TIMESTAMP_HEADER]) + 1)}, b), "signature_invalid"),
        (
            lambda h, b: (h | {SIGNATURE_HEADER: hmac_v1("other-secret", h[TIMESTAMP_HEADER], b)}, b),
            "signature_invalid",
        ),
        (lambda h, b: ({k: v for k, v in h.items() if k != SIGNATURE_HEADER}, b), "signature_missing"),
        (lambda h, b: (h | {MESSAGE_ID_HEADER: "42"}, b), "message_id_invalid"),
        (lambda h, b: (h | {TIMESTAMP_HEADER: "yesterday"}, b), "timestamp_invalid"),
    ],
)
def test_tampered_messages_are_refused(tamper, code):
    headers, body = tamper(headers_for(), BODY)
    with pytest.raises(SignatureRefused) as caught:
        check(headers, body)
    assert caught.value.code == code
    assert caught.value.status == 401


@pytest.mark.parametrize("offset", [-301, 301, -3600])
def test_timestamps_outside_five_minutes_are_stale(offset):
    now = time.time()
    headers = headers_for(at=now + offset)
    with pytest.raises(SignatureRefused) as caught:
        check(headers, now=now)
    assert caught.value.code == "timestamp_stale"
    assert "±300" in caught.value.message


def test_timestamp_at_the_edge_of_the_window_is_accepted():
    now = time.time()
    assert check(headers_for(at=now - 299), now=now)


def test_a_forgery_does_not_burn_the_message_id_of_the_real_message():
    real = headers_for()
    forged = real | {SIGNATURE_HEADER: "v1=" + "f" * 64}
    with pytest.raises(SignatureRefused):
        check(forged)
    assert check(real) == real[MESSAGE_ID_HEADER]
