"""Signed HTTP messages between iKOMEK and a 112 centre's own dispatch system (CAD).

Signature: HMAC-SHA256 over `<timestamp>.<body>` with the centre's secret, sent as
`X-Ikomek-Signature: v1=<hex>` with `X-Ikomek-Timestamp` (Unix seconds) and `X-Ikomek-Message-Id`.
The receiver refuses a bad signature, a timestamp more than `EMERGENCY_SIGNATURE_TOLERANCE_SECONDS`
away from its clock, and a message id it has already seen in that window (Redis `SET NX EX`,
keyed by centre). The message id is also inside the signed body, so it cannot be swapped.
"""

from __future__ import annotations

import hashlib
import hmac
import time
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache

import redis
from django.conf import settings

SIGNATURE_HEADER = "X-Ikomek-Signature"
TIMESTAMP_HEADER = "X-Ikomek-Timestamp"
MESSAGE_ID_HEADER = "X-Ikomek-Message-Id"
SCHEME = "v1"


class SignatureRefused(Exception):
    """Why a signed request was refused; `code` is stable for clients, `status` the HTTP status."""

    def __init__(self, code: str, message: str, status: int = 401) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.status = status


@dataclass(frozen=True)
class SignedHeaders:
    signature: str
    timestamp: str
    message_id: str

    def as_http(self) -> dict[str, str]:
        return {
            SIGNATURE_HEADER: self.signature,
            TIMESTAMP_HEADER: self.timestamp,
            MESSAGE_ID_HEADER: self.message_id,
        }


def signature(secret: str, timestamp: str, body: bytes) -> str:
    mac = hmac.new(secret.encode("utf-8"), timestamp.encode("ascii") + b"." + body, hashlib.sha256)
    return f"{SCHEME}={mac.hexdigest()}"


def sign(secret: str, body: bytes, message_id: str, *, now: float | None = None) -> SignedHeaders:
    timestamp = str(int(now if now is not None else time.time()))
    return SignedHeaders(signature(secret, timestamp, body), timestamp, message_id)


def tolerance_seconds() -> int:
    return int(settings.EMERGENCY_SIGNATURE_TOLERANCE_SECONDS)


@cache
def _replay_store(url: str) -> redis.Redis:
    return redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=2)


def replay_key(centre_slug: str, message_id: str) -> str:
    return f"emergency112:seen:{centre_slug}:{message_id}"


def _header(headers: Mapping[str, str], name: str) -> str:
    value = headers.get(name) or headers.get(name.lower()) or ""
    return value.strip()


def verify(
    *,
    secret: str | Sequence[str],
    centre_slug: str,
    body: bytes,
    headers: Mapping[str, str],
    now: float | None = None,
) -> str:
    """Check signature, freshness and uniqueness; return the message id or raise SignatureRefused.

    Order matters: the replay mark is set only for a correctly signed, fresh message, so a forger
    cannot burn a legitimate message id.
    """
    given = _header(headers, SIGNATURE_HEADER)
    timestamp = _header(headers, TIMESTAMP_HEADER)
    message_id = _header(headers, MESSAGE_ID_HEADER)
    if not given or not timestamp or not message_id:
        raise SignatureRefused(
            "signature_missing",
            f"{SIGNATURE_HEADER}, {TIMESTAMP_HEADER} and {MESSAGE_ID_HEADER} are all required",
        )
    if not (timestamp.isascii() and timestamp.isdigit()):  # "²" passes isdigit, then no int() takes it
        raise SignatureRefused("timestamp_invalid", f"{TIMESTAMP_HEADER} must be Unix seconds")
    try:
        message_id = str(uuid.UUID(message_id))
    except ValueError:
        raise SignatureRefused("message_id_invalid", f"{MESSAGE_ID_HEADER} must be a UUID") from None
    secrets = [secret] if isinstance(secret, str) else list(secret)  # several while a rotation overlaps
    given_bytes = given.encode("utf-8", "replace")  # compare_digest takes non-ASCII text only as bytes
    if not any(
        hmac.compare_digest(given_bytes, signature(one, timestamp, body).encode()) for one in secrets if one
    ):
        raise SignatureRefused("signature_invalid", "the signature does not match the body and timestamp")
    skew = (now if now is not None else time.time()) - int(timestamp)
    window = tolerance_seconds()
    if abs(skew) > window:
        raise SignatureRefused(
            "timestamp_stale", f"timestamp is {int(skew)} s away from the server clock (allowed ±{window} s)"
        )
    # Kept for twice the window: any timestamp still acceptable is covered.
    first_time = _replay_store(settings.EMERGENCY_REPLAY_REDIS_URL).set(
        replay_key(centre_slug, message_id), b"1", nx=True, ex=2 * window
    )
    if not first_time:
        raise SignatureRefused("replayed", f"message {message_id} was already received", status=409)
    return message_id
