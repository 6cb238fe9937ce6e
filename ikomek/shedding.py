"""Load shedding: past what the web workers can take, a new API request is answered at once with
429 and Retry-After instead of waiting in a queue its caller gives up on (decision 67).

The length of the queue is the kernel's: how many accepted connections wait on the listening
socket that gunicorn's workers share (`TCP_INFO` of a listening socket reports it). gunicorn hands
its sockets over in `post_worker_init` (`ikomek/gunicorn_conf.py`); elsewhere (tests' client,
runserver) nothing is known and nothing is shed. Only `POST /graphql/` is shed, and never an
emergency: a createAppeal whose category goes on to 112 is always worked.

Behind nginx a call is also shed when it waited too long for a worker while others wait behind it
(decision 96): nginx stamps `X-Request-Start: t=<seconds>` as it hands the call over. Past
`WEB_SHED_WAITED_MS` its answer comes late already, and working it would make every call behind it
later still; refused at once, the calls behind it can be answered in time. With none waiting
behind it, working it delays nobody, and it is worked.
"""

from __future__ import annotations

import json
import socket
import struct
import time
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse

from apierrors.envelope import error_response

_listeners: list[socket.socket] = []
# struct tcp_info: eight one-byte fields, then rto, ato, snd_mss, rcv_mss, unacked (for a listening
# socket: the connections waiting to be accepted), sacked (its backlog).
_TCP_INFO = struct.Struct("8B6I")
OVERLOADED = (
    "Жүйе қазір толы жүктелген, бір секундтан кейін қайталаңыз (clientKey сол күйінде) / "
    "Система перегружена, повторите через секунду (с тем же clientKey)"
)


def listening(sockets: list[socket.socket]) -> None:
    """The sockets this worker accepts on (gunicorn's post_worker_init)."""
    _listeners[:] = sockets


def waiting() -> int:
    """Connections accepted by the kernel and not yet by a worker, on every listening socket."""
    total = 0
    for listener in _listeners:
        try:
            info = listener.getsockopt(socket.IPPROTO_TCP, socket.TCP_INFO, _TCP_INFO.size)
        except OSError:
            continue
        total += _TCP_INFO.unpack_from(info)[12]
    return total


def waited(request: HttpRequest) -> float | None:
    """Seconds since the proxy handed the call over (`X-Request-Start: t=<seconds since the epoch>`,
    as nginx's `$msec` writes it); None without a stamp, or with one that is not a time in the past.
    The caller's own header never gets through: nginx sets it on every call it passes."""
    stamp = request.META.get("HTTP_X_REQUEST_START", "")
    if not stamp.startswith("t="):
        return None
    try:
        started = float(stamp[2:])
    except ValueError:
        return None
    seconds = time.time() - started
    return seconds if 0 <= seconds < 3600 else None


def waited_too_long(request: HttpRequest) -> bool:
    limit = settings.WEB_SHED_WAITED_MS
    if limit <= 0:  # off
        return False
    seconds = waited(request)
    return seconds is not None and seconds * 1000 > limit


def is_emergency(request: HttpRequest) -> bool:
    """A createAppeal of a category that goes on to 112 (the body is small: the API caps it),
    whatever the caller named its input variable."""
    from appeals.catalogue.cache import active_category  # a domain's cache, read only when refusing

    try:
        body = json.loads(request.body or b"{}")
        variables = body.get("variables") or {}
        codes = [v.get("category") for v in variables.values() if isinstance(v, dict)]
    except (ValueError, AttributeError, RecursionError):
        return False
    if "createAppeal" not in str(body.get("query", "")):
        return False
    for code in codes:
        if isinstance(code, str) and len(code) <= 60:
            category = active_category(code)
            if category is not None and category.is_emergency:
                return True
    return False


def should_shed(request: HttpRequest) -> bool:
    """Past the queue's limit, or late with others waiting behind it; never an emergency."""
    behind = waiting()
    if behind > settings.WEB_SHED_QUEUE or (behind and waited_too_long(request)):
        return not is_emergency(request)
    return False


def overloaded(request: HttpRequest | None = None) -> JsonResponse:
    return error_response(request, 429, "overloaded", OVERLOADED, headers={"Retry-After": "1"})


class LoadSheddingMiddleware:
    """After the tenant is known (an emergency's category is the tenant's), before anything costly."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method == "POST" and request.path == "/graphql/" and _listeners and should_shed(request):
            return overloaded(request)
        return self.get_response(request)
