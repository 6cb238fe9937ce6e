"""Sending one signed document to a 112 centre's CAD and classifying the outcome.

`send_document` is the one function that talks HTTP to a CAD; the delivery loop (cad_delivery)
and later the federation outbox call it and act on its verdict.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

import requests
from django.conf import settings

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


_session = requests.Session()


def send_document(*, endpoint_url: str, secret: str, body: bytes, message_id: str) -> SendOutcome:
    headers = {"Content-Type": "application/json; charset=utf-8", **sign(secret, body, message_id).as_http()}
    timeout = (settings.EMERGENCY_CAD_CONNECT_TIMEOUT_SECONDS, settings.EMERGENCY_CAD_READ_TIMEOUT_SECONDS)
    try:
        # Redirects are not followed: a signed body goes only where the centre was registered.
        response = _session.post(
            endpoint_url, data=body, headers=headers, timeout=timeout, allow_redirects=False
        )
    except requests.Timeout as error:
        return SendOutcome(Verdict.RETRY, None, f"timeout: {error}")
    except requests.ConnectionError as error:
        return SendOutcome(Verdict.RETRY, None, f"connection error: {error}")
    except requests.RequestException as error:
        return SendOutcome(Verdict.RETRY, None, f"request failed: {error}")
    detail = response.text[:500]
    return SendOutcome(classify(response.status_code), response.status_code, detail)
