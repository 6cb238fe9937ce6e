"""Scale-out (decision 82): two gunicorn web processes, two Celery workers on the same queues and one
beat, against one region: the test database, one Redis and one S3-compatible object store (moto's
server on loopback). Each process has its own empty MEDIA_ROOT, which must stay empty: nothing a
request or a task needs is kept in a process.

Everything is driven over HTTP: a person signed in through Keycloak on web A is signed in on web B
(and signed out on both by a logout on B); appeals and their attachments are created through both
processes; two appeals are transferred to another akimat, which reads the files from the object
store; an emergency goes to 112 and on to a centre's CAD (a stub on loopback). Then every outbox
message has been applied once, the region's read model counts what the akimats hold, and the files
are byte for byte the same. Beat's jobs run once per tick with two workers consuming, and still once
per tick when a second beat is started by mistake.
"""

from __future__ import annotations

import hashlib
import os
import re
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from importlib import import_module
from pathlib import Path

import pytest
import requests
from django.conf import settings
from django.db import connection
from django_tenants.utils import get_public_schema_name, schema_context

from appeals.models import Appeal, Attachment, EmergencyForward
from appeals.models.appeal import prefix_of
from demo.dev_realm import DEMO_PASSWORD
from federation.emergency_112.models import Incident
from federation.messaging.inbox.models import Receipt
from federation.messaging.models import Message, MessageState, Outcome
from regional.models.read_model import AppealFact, StatusCount
from tenants.models import Akimat
from testkit.browser import web_server
from testkit.cad_stub import CadStub
from testkit.identities import user_with_roles
from testkit.object_storage import ObjectStore, s3_server
from testkit.paths import OPERATIONS
from testkit.processes import QUICK_RELAY_ENV, celery_beat, celery_worker, free_port, wait_until
from testkit.tenants import scratch_akimat, square_district
from tests.accounts.conftest import LocalhostBrowser, keycloak, login_form_action  # noqa: F401 (fixture)
from tests.federation.emergency_112.conftest import make_centre

pytestmark = pytest.mark.slow

# Every process: the relay's quick timings, the SLA monitor every second, the same object store.
TIMINGS = QUICK_RELAY_ENV | {"EMERGENCY_CAD_READ_TIMEOUT_SECONDS": "20", "APPEALS_SLA_MONITOR_SECONDS": "1"}
SLA_ENTRY = "appeals-sla-monitor"
CSRF = "c" * 32
PNG = b"\x89PNG\r\n\x1a\n"


def operation(name: str) -> str:
    found = next(OPERATIONS.rglob(f"{name}.graphql"))
    return found.read_text(encoding="utf-8")


@dataclass
class Stack:
    folder: Path
    store: ObjectStore
    a: Akimat
    b: Akimat
    web_a: int
    web_b: int
    workers: list[Path]
    media: list[Path]
    cad: CadStub
    env: dict[str, str]


@pytest.fixture(scope="module")
def akimats(onboarded: dict[str, Akimat], django_db_blocker: pytest.FixtureRequest) -> Iterator[tuple]:
    sender = square_district("scale-a", "598800000", "Scale-out A District", west=69.6, south=54.6)
    receiver = square_district("scale-b", "598900000", "Scale-out B District", west=69.8, south=54.6)
    with scratch_akimat(sender, django_db_blocker) as a, scratch_akimat(receiver, django_db_blocker) as b:
        yield a, b


@pytest.fixture(scope="module")
def stack(akimats: tuple, django_db_blocker: pytest.FixtureRequest, tmp_path_factory) -> Iterator[Stack]:
    folder = tmp_path_factory.mktemp("scale-out")
    a, b = akimats
    cad = CadStub(secret=f"s3cret-{uuid.uuid4().hex}").start()
    media = {name: folder / name / "media" for name in ("web-a", "web-b", "worker-1", "worker-2", "beat")}
    (folder / "beat").mkdir(exist_ok=True)
    for path in media.values():
        path.mkdir(parents=True)
    web_b_port = free_port()
    try:
        with s3_server(folder / "s3.log") as store, django_db_blocker.unblock():
            env = TIMINGS | store.env
            own = lambda name: env | {"MEDIA_ROOT": str(media[name])}  # noqa: E731
            logs = [folder / "worker-1.log", folder / "worker-2.log"]
            with (
                web_server(folder / "web-a.log", env=own("web-a")),
                web_server(folder / "web-b.log", env=own("web-b"), port=web_b_port),
                celery_worker(logs[0], "-n", "scale-1@%h", env=own("worker-1")),
                celery_worker(logs[1], "-n", "scale-2@%h", env=own("worker-2")),
            ):
                assert wait_until(lambda: all(" ready." in log.read_text() for log in logs), timeout=60)
                yield Stack(
                    folder,
                    store,
                    a,
                    b,
                    settings.IKOMEK_PUBLIC_PORT,
                    web_b_port,
                    logs,
                    list(media.values()),
                    cad,
                    env,
                )
    finally:
        cad.stop()
        connection.set_schema_to_public()


# ------------------------------------------------------------------ HTTP to one web process or another
class Browser(LocalhostBrowser):
    """A browser reaching an akimat's host on a given web process: by address, with the host name
    (Python's resolver does not know *.localhost; browsers send it to loopback themselves)."""

    def __init__(self) -> None:
        super().__init__()
        self.cookies.set("csrftoken", CSRF, domain="127.0.0.1")

    def call(self, method: str, port: int, slug: str, path: str, **kwargs: object) -> requests.Response:
        headers = {
            "Host": f"{slug}.{settings.BASE_DOMAIN}:{port}",
            # Django renews the CSRF token at sign-in: the header repeats the cookie as it is now.
            "X-CSRFToken": [c.value for c in self.cookies if c.name == "csrftoken"][-1],
            "Accept-Language": "ru",
            **kwargs.pop("headers", {}),
        }
        return self.request(
            method,
            f"http://127.0.0.1:{port}{path}",
            headers=headers,
            allow_redirects=False,
            timeout=30,
            **kwargs,
        )

    def gql(self, port: int, slug: str, name: str, variables: dict) -> dict:
        answer = self.call(
            "POST", port, slug, "/graphql/", json={"query": operation(name), "variables": variables}
        )
        assert answer.status_code == 200, answer.text[:500]
        body = answer.json()
        assert not body.get("errors"), body
        (result,) = body["data"].values()
        assert not (result or {}).get("errors"), result
        return result


def staff(schema: str, role: str) -> Browser:
    """A member of the akimat with a session made as a login makes it (in the session store: Redis and
    the akimat's table)."""
    with schema_context(schema):
        user = user_with_roles(f"{role}-{uuid.uuid4().hex[:6]}", role)
        session = import_module(settings.SESSION_ENGINE).SessionStore()
        session["_auth_user_id"] = str(user.pk)
        session["_auth_user_backend"] = settings.AUTHENTICATION_BACKENDS[0]
        session["_auth_user_hash"] = user.get_session_auth_hash()
        session.create()
    browser = Browser()
    browser.cookies.set(settings.SESSION_COOKIE_NAME, session.session_key, domain="127.0.0.1")
    return browser


def keycloak_login(port: int, slug: str, username: str) -> Browser:
    """The authorization code login through Keycloak's real form, on the web process at `port`."""
    browser = Browser()
    start = browser.call("GET", port, slug, "/auth/login/")
    assert start.status_code == 302, start.text[:300]
    form = browser.get(start.headers["Location"], timeout=10)
    answer = browser.post(
        login_form_action(form.text),
        data={"username": username, "password": DEMO_PASSWORD, "credentialId": ""},
        allow_redirects=False,
        timeout=10,
    )
    callback = answer.headers["Location"]
    assert f"{slug}.{settings.BASE_DOMAIN}:{port}/auth/callback/" in callback, callback
    done = browser.call("GET", port, slug, callback.split(f":{port}", 1)[1])
    assert done.status_code == 302 and "/auth/" not in done.headers["Location"], done.headers
    return browser


# ------------------------------------------------------------------ what the platform holds
def messages_of(*schemas: str) -> list[Message]:
    with schema_context(get_public_schema_name()):
        return list(
            Message.objects.filter(source_schema__in=schemas)
            | Message.objects.filter(target_schema__in=schemas)
        )


def settled(*schemas: str) -> bool:
    return all(m.state == MessageState.DELIVERED for m in messages_of(*schemas))


def appeals_of(schema: str) -> dict[int, str]:
    with schema_context(schema):
        return dict(Appeal.objects.values_list("number", "status"))


def create_with_file(browser: Browser, port: int, file_port: int, slug: str, n: int) -> tuple[int, bytes]:
    created = browser.gql(
        port,
        slug,
        "CreateAppeal",
        {
            "input": {
                "channel": "LANDLINE",
                "description": f"Холодные батареи в подъезде, обращение {n}",
                "applicantPhone": "+77051230011",
                "address": "ул. Тестовая, 1",
                "category": "heating",
                "clientKey": f"scale-{slug}-{n}-{uuid.uuid4().hex[:6]}",
            }
        },
    )
    number = created["appeal"]["number"]
    content = PNG + os.urandom(2048 + n)
    uploaded = browser.call(
        "POST", file_port, slug, f"/appeals/{number}/attachments", files={"file": (f"photo-{n}.png", content)}
    )
    assert uploaded.status_code == 201, uploaded.text[:500]
    return number, content


def test_two_web_processes_and_two_workers_apply_each_message_once(stack, keycloak, committed_112):  # noqa: F811
    with beat(stack, "beat"):
        check_the_scale_out(stack)


def beat(stack: Stack, name: str) -> object:
    """A beat of the stack (its schedule file and log in its own folder, its own empty MEDIA_ROOT)."""
    folder = stack.folder / name
    folder.mkdir(exist_ok=True)
    return celery_beat(folder, env=stack.env | {"MEDIA_ROOT": str(stack.media[-1])})


def check_the_scale_out(stack: Stack) -> None:
    a, b = stack.a.slug, stack.b.slug
    ports = (stack.web_a, stack.web_b)

    # Signed in on web A through Keycloak, signed in on web B; signed out on B, signed out on A too.
    person = keycloak_login(stack.web_a, "petropavlovsk", "operator.petropavlovsk")
    assert person.call("GET", stack.web_b, "petropavlovsk", "/auth/me").json()["username"] == (
        "operator.petropavlovsk"
    )
    assert person.call("POST", stack.web_b, "petropavlovsk", "/auth/logout/").status_code == 302
    assert person.call("GET", stack.web_a, "petropavlovsk", "/auth/me").status_code == 401

    with schema_context(get_public_schema_name()):
        make_centre(stack.cad)
    operator_a, operator_b = staff(stack.a.schema_name, "operator"), staff(stack.b.schema_name, "operator")
    me = operator_a.call("GET", stack.web_a, a, "/auth/me")
    assert me.status_code == 200, (me.text, (stack.folder / "web-a.log").read_text()[-3000:])
    # Created on one process, its file uploaded through the other.
    files = {}
    for n in range(4):
        number, content = create_with_file(operator_a, ports[n % 2], ports[(n + 1) % 2], a, n)
        files[number] = content
    for n in range(2):
        create_with_file(operator_b, ports[n % 2], ports[(n + 1) % 2], b, 10 + n)
    sent, kept = list(files)[:2], list(files)[2:]
    for port, number in zip(ports, sent, strict=True):
        operator_a.gql(
            port,
            a,
            "TransferAppeal",
            {"input": {"number": number, "akimat": b, "reason": "Адрес в другом районе"}},
        )
    emergency = kept[0]
    operator_a.gql(stack.web_b, a, "ForwardTo112", {"input": {"number": emergency, "services": ["101"]}})

    def transferred() -> dict[int, Appeal]:
        with schema_context(stack.b.schema_name):
            return {
                appeal.origin_number: appeal
                for appeal in Appeal.objects.filter(transferred_from=a).prefetch_related("attachments")
            }

    def done() -> bool:
        forward = None
        with schema_context(stack.a.schema_name):
            forward = EmergencyForward.objects.filter(appeal__number=emergency).first()
        return (
            len(transferred()) == 2
            and forward is not None
            and forward.status == "received"
            and len(stack.cad.documents) == 1
            and settled(stack.a.schema_name, stack.b.schema_name)
        )

    tail = lambda: "\n".join(log.read_text()[-2000:] for log in stack.workers)  # noqa: E731
    assert wait_until(done, timeout=90), tail()
    time.sleep(2)  # anything a late duplicate would do, it would have done by now
    assert settled(stack.a.schema_name, stack.b.schema_name)

    # Every message applied once: its receipt at its receiver, one of each appeal, one incident, one CAD call.
    messages = messages_of(stack.a.schema_name, stack.b.schema_name)
    assert len(messages) >= 12
    for message in messages:
        assert message.outcome == Outcome.APPLIED, (message.kind, message.outcome, message.last_error)
        if not message.target_schema.startswith(("cad", "webhook")):
            with schema_context(message.target_schema):
                assert Receipt.objects.filter(message_id=message.id, outcome="applied").count() == 1, (
                    message.kind
                )
    arrived = transferred()
    assert sorted(arrived) == sorted(sent)
    with schema_context(stack.b.schema_name):
        assert Appeal.objects.filter(transferred_from=a).count() == 2
    with schema_context(get_public_schema_name()):
        assert Incident.objects.filter(source_schema=stack.a.schema_name).count() == 1
    assert len([r for r in stack.cad.requests if r.answered == 200]) == 1

    # The region's read model counts exactly what each akimat holds.
    with schema_context(get_public_schema_name()):
        for tenant in (stack.a, stack.b):
            held = appeals_of(tenant.schema_name)
            facts = dict(AppealFact.objects.filter(schema=tenant.schema_name).values_list("number", "status"))
            assert facts == held
            counted = StatusCount.objects.filter(scope=tenant.schema_name)
            assert sum(counted.values_list("count", flat=True)) == len(held)

    # The files: in the object store under each akimat's folder, the same bytes at the receiver,
    # read through the web process that did not store them; no process kept a file of its own.
    keys = stack.store.keys()
    for origin, appeal in arrived.items():
        (copy,) = appeal.attachments.all()
        assert copy.file.name.startswith(prefix_of(stack.b.schema_name)) and copy.file.name in keys
        assert hashlib.sha256(stack.store.read(copy.file.name)).hexdigest() == copy.sha256
        for port in ports:
            download = operator_b.call("GET", port, b, f"/appeals/attachments/{copy.token}")
            assert download.status_code == 200 and download.content == files[origin]
    with schema_context(stack.a.schema_name):
        originals = list(Attachment.objects.values_list("file", flat=True))
    assert len(originals) == 4 and set(originals) <= set(keys)
    assert all(name.startswith(prefix_of(stack.a.schema_name)) for name in originals)
    assert [path for media in stack.media for path in media.rglob("*")] == []

    # Both workers took part.
    for log in stack.workers:
        assert re.search(r"federation\.\w+\[[0-9a-f-]+\] succeeded", log.read_text()), log


# ------------------------------------------------------------------ beat: one run per tick
def sla_sends(beat_log: Path) -> int:
    return beat_log.read_text().count(f"Sending due task {SLA_ENTRY} ")


def sla_runs(logs: list[Path]) -> int:
    """Runs of the SLA monitor in every akimat, over both workers' logs."""
    return sum(
        len(re.findall(r"appeals\.tasks\.monitor_deadlines\[[0-9a-f-]+\] succeeded", log.read_text()))
        for log in logs
    )


def dropped(logs: list[Path]) -> int:
    return sum(log.read_text().count(f"beat tick already run: {SLA_ENTRY} dropped") for log in logs)


def quiet(logs: list[Path]) -> None:
    """Wait until neither worker has written anything for two seconds."""
    sizes: list[int] = []

    def still() -> bool:
        now = [log.stat().st_size for log in logs]
        same = now == (sizes[-1] if sizes else None)
        sizes.append(now)
        return same

    assert wait_until(still, timeout=60, interval=2.0)


def test_beat_jobs_run_once_per_tick_with_two_workers_and_even_with_a_second_beat(stack):
    with schema_context(get_public_schema_name()):
        tenants = Akimat.objects.filter(is_active=True).exclude(schema_name=get_public_schema_name()).count()
    quiet(stack.workers)

    # One beat, two workers: each tick's fan-out ran once, so the monitor once in every akimat.
    runs = sla_runs(stack.workers)
    with beat(stack, "one-beat"):
        assert wait_until(lambda: sla_sends(stack.folder / "one-beat" / "beat.log") >= 5, timeout=30)
    quiet(stack.workers)
    sent = sla_sends(stack.folder / "one-beat" / "beat.log")
    assert sla_runs(stack.workers) - runs == sent * tenants, (sent, tenants)
    for log in stack.workers:  # both consumed beat's work
        assert "appeals.tasks.monitor_deadlines" in log.read_text(), log

    # A second beat, started by mistake next to the first: it sends as much, yet each tick runs once.
    runs, drops = sla_runs(stack.workers), dropped(stack.workers)
    logs = [stack.folder / name / "beat.log" for name in ("first-beat", "second-beat")]
    with beat(stack, "first-beat"), beat(stack, "second-beat"):
        assert wait_until(lambda: min(sla_sends(log) for log in logs) >= 8, timeout=40)
    quiet(stack.workers)
    first, second = (sla_sends(log) for log in logs)
    ran = (sla_runs(stack.workers) - runs) / tenants
    drops = dropped(stack.workers) - drops
    shown = f"first beat sent {first}, second {second}, ran {ran}, dropped {drops}"
    assert ran == int(ran), shown  # whole fan-outs only
    assert ran <= max(first, second) + 1, shown  # about one beat's ticks ran ...
    assert drops >= min(first, second) - 1, shown  # ... and the other beat's copies were dropped
    assert ran + drops == first + second, shown  # every message ran or was dropped: none lost
