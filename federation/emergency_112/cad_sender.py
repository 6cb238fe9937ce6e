"""Sending one signed document to a 112 centre's CAD and classifying the outcome.

`send_document` is the one function that talks HTTP to a CAD; the CAD delivery (cad_outbox) calls
it and acts on its verdict; `post_signed` is the bounded call itself, which integrators' webhooks
(integrations/delivery.py) make with limits of their own. A call ends at a wall-clock deadline
(`EMERGENCY_CAD_DEADLINE_SECONDS`, connect and answer together), not only at per-read timeouts,
and reads at most `EMERGENCY_CAD_MAX_RESPONSE_BYTES` of the answer: a CAD that trickles bytes or
streams without end costs its worker a bounded time, and is retried like one that is down.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

import requests
from django.conf import settings

from federation.emergency_112.http_deadline import DeadlineSession, deadline
from federation.emergency_112.signing import sign

RETRYABLE_STATUSES = frozenset({408, 429})


class Verdict(StrEnum):
    DELIVERED = "delivered"
    RETRY = "retry"
    DEAD = "dead"  # permanent refusal: retrying cannot help


@dataclass(frozen=True)
class SendOutcome:
    verdict: Verdict
    status_code: int | None
    detail: str


def classify(status_code: int) -> Verdict:
    if 200 <= status_code < 300:
        return Verdict.DELIVERED
    if 400 <= status_code < 500 and status_code not in RETRYABLE_STATUSES:
        return Verdict.DEAD
    return Verdict.RETRY  # 5xx, 408, 429 and anything unexpected (1xx/3xx)


@dataclass(frozen=True)
class CallLimits:
    connect_seconds: float
    read_seconds: float
    deadline_seconds: float  # the whole call, whatever the far end does
    max_response_bytes: int


def cad_limits() -> CallLimits:
    return CallLimits(
        connect_seconds=float(settings.EMERGENCY_CAD_CONNECT_TIMEOUT_SECONDS),
        read_seconds=float(settings.EMERGENCY_CAD_READ_TIMEOUT_SECONDS),
        deadline_seconds=float(settings.EMERGENCY_CAD_DEADLINE_SECONDS),
        max_response_bytes=int(settings.EMERGENCY_CAD_MAX_RESPONSE_BYTES),
    )


def send_document(*, endpoint_url: str, secret: str, body: bytes, message_id: str) -> SendOutcome:
    return post_signed(endpoint_url, body, sign(secret, body, message_id).as_http(), cad_limits())


def post_signed(
    endpoint_url: str,
    body: bytes,
    signed_headers: dict[str, str],
    limits: CallLimits,
    *,
    public_only: bool = False,
) -> SendOutcome:
    """POST a signed JSON body within `limits`; the verdict on the answer (never raises for HTTP).
    `public_only`: an address that is not public is refused for good, nothing sent (an outside
    party's endpoint; a 112 centre's CAD may well be on the region's own network)."""
    headers = {
        "Content-Type": "application/json; charset=utf-8",
        # The answer's size is counted as it travels: no compression to expand behind our back.
        "Accept-Encoding": "identity",
        **signed_headers,
    }
    timeout = (limits.connect_seconds, limits.read_seconds)
    seconds = limits.deadline_seconds
    limit = limits.max_response_bytes
    # A session per call: every connection is opened, and so watched, inside this deadline.
    with deadline(seconds, public_only=public_only) as watch, DeadlineSession() as session:
        try:
            # Redirects are not followed: a signed body goes only where the centre was registered.
            response = session.post(
                endpoint_url, data=body, headers=headers, timeout=timeout, allow_redirects=False, stream=True
            )
            with response:
                answer, oversized = _read_at_most(response, limit)
        except requests.RequestException as error:
            if watch.refused is not None:
                return SendOutcome(Verdict.DEAD, None, f"refused: {watch.refused} is not a public address")
            if watch.expired:
                return SendOutcome(Verdict.RETRY, None, f"deadline: no whole answer within {seconds:g} s")
            if isinstance(error, requests.Timeout):
                return SendOutcome(Verdict.RETRY, None, f"timeout: {error}")
            if isinstance(error, requests.ConnectionError):
                return SendOutcome(Verdict.RETRY, None, f"connection error: {error}")
            return SendOutcome(Verdict.RETRY, None, f"request failed: {error}")
    if watch.expired:  # the cut may also end a read quietly, as if the answer were complete
        return SendOutcome(
            Verdict.RETRY, response.status_code, f"deadline: no whole answer within {seconds:g} s"
        )
    verdict = classify(response.status_code)
    if oversized:
        # Not a receiver's answer (a CAD's is a few hundred bytes): never taken as an acknowledgement.
        detail = f"answer larger than {limit} bytes, not read"
        return SendOutcome(
            Verdict.RETRY if verdict == Verdict.DELIVERED else verdict, response.status_code, detail
        )
    return SendOutcome(verdict, response.status_code, answer.decode("utf-8", errors="replace")[:500])


def _read_at_most(response: requests.Response, limit: int) -> tuple[bytes, bool]:
    """The answer's bytes, and whether it was longer than `limit` (then only the limit is read)."""
    declared = response.headers.get("Content-Length", "")
    if declared.isdigit() and int(declared) > limit:
        return b"", True
    answer = response.raw.read(limit + 1, decode_content=False) or b""
    return answer[:limit], len(answer) > limit
