"""Load shedding (decision 67): past the workers' capacity an API request is answered 429 with
Retry-After at once, never a 5xx, never an emergency; what was shed is not stored, and its re-send
with the same clientKey is stored once. Real sockets and a real gunicorn."""

from __future__ import annotations

import json
import socket
import threading
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore
from django_tenants.utils import tenant_context

from appeals.models import Appeal
from ikomek import shedding
from tenants.models import Akimat
from testkit.browser import web_server
from testkit.identities import user_with_roles

CSRF = "c" * 32
CREATE = (
    "mutation($input: CreateAppealInput!) { createAppeal(input: $input) "
    "{ created appeal { number } errors { code } } }"
)


def test_waiting_counts_the_connections_the_kernel_took_and_no_worker_has_yet():
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(16)
        shedding.listening([listener])
        try:
            assert shedding.waiting() == 0
            callers = [socket.create_connection(listener.getsockname()) for _ in range(5)]
            assert shedding.waiting() == 5
            taken, _ = listener.accept()
            assert shedding.waiting() == 4
            for caller in [*callers, taken]:
                caller.close()
        finally:
            shedding.listening([])


@pytest.fixture
def operator_session(onboarded: dict[str, Akimat], django_db_blocker: pytest.FixtureRequest) -> Iterator[str]:
    with django_db_blocker.unblock(), tenant_context(onboarded["petropavlovsk"]):
        user = user_with_roles(f"shed-{uuid.uuid4().hex[:8]}", "operator")
        session = SessionStore()
        session["_auth_user_id"] = str(user.pk)
        session["_auth_user_backend"] = settings.AUTHENTICATION_BACKENDS[0]
        session["_auth_user_hash"] = user.get_session_auth_hash()
        session.create()
        yield session.session_key
        user.delete()


def post(port: int, session_key: str, key: str, category: str) -> tuple[int, dict[str, str], dict]:
    body = json.dumps(
        {
            "query": CREATE,
            "variables": {
                "input": {
                    "channel": "LANDLINE",
                    "description": "Проверка перегрузки",
                    "applicantPhone": "+77051234567",
                    "category": category,
                    "clientKey": key,
                    "register": True,
                }
            },
        }
    ).encode()
    host = f"petropavlovsk.{settings.BASE_DOMAIN}:{port}"
    head = (
        f"POST /graphql/ HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\nCookie: sessionid={session_key}; csrftoken={CSRF}\r\n"
        f"X-CSRFToken: {CSRF}\r\nConnection: close\r\n\r\n"
    ).encode()
    with socket.create_connection(("127.0.0.1", port), timeout=60) as caller:
        caller.sendall(head + body)
        raw = b""
        while chunk := caller.recv(65536):
            raw += chunk
    head_text, _, payload = raw.partition(b"\r\n\r\n")
    lines = head_text.decode().split("\r\n")
    headers = dict(line.split(": ", 1) for line in lines[1:])
    if headers.get("Transfer-Encoding") == "chunked":
        payload = b"".join(payload.split(b"\r\n")[1::2])
    return int(lines[0].split()[1]), headers, json.loads(payload or b"{}")


@pytest.mark.slow
def test_past_the_queue_limit_requests_get_429_at_once_and_emergencies_are_worked(
    onboarded, operator_session, django_db_blocker, tmp_path: Path
):
    run = uuid.uuid4().hex[:8]
    records = [(f"shed-{run}-{n}", "heating") for n in range(30)]
    records += [(f"shed-{run}-gas-{n}", "gas-leak") for n in range(3)]
    answers: dict[str, tuple[int, dict[str, str], dict]] = {}
    start = threading.Barrier(len(records))
    port = settings.IKOMEK_PUBLIC_PORT

    failures: list[str] = []

    def call(key: str, category: str) -> None:
        start.wait()
        try:
            answers[key] = post(port, operator_session, key, category)
        except Exception as error:  # reported below with the server's log
            failures.append(f"{key}: {error!r}")

    with web_server(tmp_path / "web.log", workers=1, env={"WEB_SHED_QUEUE": "2"}):
        threads = [threading.Thread(target=call, args=record) for record in records]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
        shed = [key for key, (status, _, _) in answers.items() if status == 429]
        again = post(port, operator_session, shed[0], "heating") if shed else None

    log = (tmp_path / "web.log").read_text()[-2000:]
    assert not failures and len(answers) == len(records), (failures[:3], log)
    assert {status for status, _, _ in answers.values()} <= {200, 429}, log  # never a 5xx
    assert shed, "30 callers at once on one worker with a queue limit of 2: some must be shed"
    for key in shed:
        status, headers, body = answers[key]
        assert headers.get("Retry-After") == "1"
        assert body["errors"][0]["extensions"]["code"] == "overloaded"
        assert "Система перегружена" in body["errors"][0]["message"]
    for key, category in records:
        if category == "gas-leak":  # emergencies are never shed
            status, _, body = answers[key]
            assert status == 200 and body["data"]["createAppeal"]["created"] is True
    accepted = {
        key: body["data"]["createAppeal"]["appeal"]["number"]
        for key, (status, _, body) in answers.items()
        if status == 200
    }
    with django_db_blocker.unblock(), tenant_context(onboarded["petropavlovsk"]):
        stored = dict(
            Appeal.objects.filter(client_key__startswith=f"shed-{run}-").values_list("client_key", "number")
        )
    # What was answered is stored once; what was shed was not stored, until its re-send.
    assert again is not None and again[0] == 200 and again[2]["data"]["createAppeal"]["created"] is True
    assert stored == accepted | {shed[0]: again[2]["data"]["createAppeal"]["appeal"]["number"]}


def test_a_body_nested_thousands_deep_is_no_emergency_and_no_server_error(tenants):
    from django.test import RequestFactory

    deep = '{"query": "mutation { createAppeal }", "variables": {"a": ' + "[" * 5000 + "]" * 5000 + "}}"
    request = RequestFactory().post("/graphql/", deep, content_type="application/json")
    assert shedding.is_emergency(request) is False
