"""Scale-out (decision 84): two gunicorn web processes, two Celery workers on the same queues and
production's beat (celery-redbeat's scheduler, with a second beat started by mistake beside it),
against one region: the test database, one Redis and one S3-compatible object store (moto's server on
loopback). Each process has its own empty MEDIA_ROOT, which must stay empty: nothing a request or a
task needs is kept in a process.

Everything is driven over HTTP: a person signed in through Keycloak on web A is signed in on web B
(and signed out on both by a logout on B); a session made on web A's akimat is used on web B;
appeals and their attachments are created through both processes; two appeals are transferred to
another akimat, which reads the files from the object store; an emergency goes to 112 and on to a
centre's CAD (a stub on loopback). Then every outbox message has been applied once, the region's
read model counts what the akimats hold, and the files are byte for byte the same. The SLA monitor
ran once per tick of the one beat that holds the lock, while both workers consumed its runs; the
second beat sent nothing.
"""

from __future__ import annotations

import hashlib
import os
import re
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass
from importlib import import_module
from pathlib import Path

import pytest
import requests
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
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
from testkit.processes import QUICK_RELAY_ENV, celery, celery_worker, free_port, wait_until
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
    media = {name: folder / name / "media" for name in ("web-a", "web-b", "worker-1", "worker-2")}
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
    (Python's resolver does not know *.localhost; browsers send it to loopback themselves). requests
    files cookies under the Host header's name, so cookies are per akimat host and shared by both
    ports, as a browser shares them."""

    def csrf(self, host: str) -> str:
        tokens = [c.value for c in self.cookies if c.name == "csrftoken" and c.domain == host]
        if not tokens:
            self.cookies.set("csrftoken", CSRF, domain=host)
            return CSRF
        # Django renews the CSRF token at sign-in: the header repeats the cookie as it is now.
        return tokens[-1]

    def call(self, method: str, port: int, slug: str, path: str, **kwargs: object) -> requests.Response:
        host = f"{slug}.{settings.BASE_DOMAIN}"
        headers = {
            "Host": f"{host}:{port}",
            "X-CSRFToken": self.csrf(host),
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


def staff(tenant: Akimat, role: str) -> Browser:
    """A member of the akimat with a session made as a login makes it, in the akimat's session table;
    the cookie on the akimat's host, as the login would have set it."""
    with schema_context(tenant.schema_name):
        user = user_with_roles(f"{role}-{uuid.uuid4().hex[:6]}", role)
        session = import_module(settings.SESSION_ENGINE).SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.create()
    browser = Browser()
    host = f"{tenant.slug}.{settings.BASE_DOMAIN}"
    browser.cookies.set(settings.SESSION_COOKIE_NAME, session.session_key, domain=host)
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


def test_two_web_processes_two_workers_and_a_second_beat_apply_each_message_and_tick_once(
    stack,
    keycloak,  # noqa: F811
    committed_112,
):
    prefix = f"scale-beat-{uuid.uuid4().hex[:8]}"
    holder, idle = stack.folder / "beat-1" / "beat.log", stack.folder / "beat-2" / "beat.log"
    with redbeat(stack, "beat-1", prefix):
        assert wait_until(lambda: sla_sends(holder) >= 1, timeout=30), holder.read_text()[-3000:]
        with redbeat(stack, "beat-2", prefix):
            # The second beat (a mistake, an overlapping deploy) is up and waits for the lock.
            assert wait_until(lambda: "Acquiring lock" in idle.read_text(), timeout=60), idle.read_text()[
                -3000:
            ]
            check_the_scale_out(stack)
            assert sla_sends(holder) >= 5, holder.read_text()[-3000:]
    quiet(stack.workers)

    # The second beat never held the lock and sent nothing.
    assert "Acquired lock" not in idle.read_text()
    assert "Sending due task" not in idle.read_text()
    # The monitor ran once in every akimat per tick the first beat sent, and both workers ran it.
    with schema_context(get_public_schema_name()):
        tenants = Akimat.objects.filter(is_active=True).exclude(schema_name=get_public_schema_name()).count()
    sent = sla_sends(holder)
    runs = [sla_runs(log) for log in stack.workers]
    # Beat logs "Sending due task" before it publishes: the stop may fall between the two for the
    # last tick (seen once, 11 logged and 10 run). Never more: no tick runs twice.
    assert sum(runs) in (sent * tenants, (sent - 1) * tenants), (sent, tenants, runs)
    assert all(runs), runs


def redbeat(stack: Stack, name: str, prefix: str) -> AbstractContextManager:
    """A beat with production's scheduler (celery-redbeat: one beat holds a lock in Redis under
    `prefix`), its log in its own folder, its own empty MEDIA_ROOT."""
    folder = stack.folder / name
    folder.mkdir(exist_ok=True)
    media = folder / "media"
    media.mkdir(exist_ok=True)
    stack.media.append(media)
    env = stack.env | {
        "MEDIA_ROOT": str(media),
        "CELERY_BEAT_SCHEDULER": "redbeat.RedBeatScheduler",
        "CELERY_REDBEAT_KEY_PREFIX": prefix,
        "CELERY_BEAT_MAX_LOOP_INTERVAL": "1",
    }
    # DEBUG: redbeat says "Acquiring lock" only there.
    return celery(folder / "beat.log", "beat", "--loglevel", "DEBUG", env=env)


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
    operator_a, operator_b = staff(stack.a, "operator"), staff(stack.b, "operator")
    for port in ports:  # the akimat's session table serves every web process
        me = operator_a.call("GET", port, a, "/auth/me")
        assert me.status_code == 200 and me.json()["tenant"] == a, me.text[:300]
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

    # Every message delivered once: applied, with one receipt at its receiver, or superseded by a newer
    # one of the same key (never delivered); none refused as a duplicate, none arriving stale.
    messages = messages_of(stack.a.schema_name, stack.b.schema_name)
    assert len(messages) >= 12
    shown = sorted((m.kind, m.target_schema, m.outcome) for m in messages)
    assert {m.outcome for m in messages} <= {Outcome.APPLIED, Outcome.SUPERSEDED}, shown
    applied = [m for m in messages if m.outcome == Outcome.APPLIED]
    assert len(applied) >= 10, shown
    for message in applied:
        if message.target_schema in (stack.a.schema_name, stack.b.schema_name, get_public_schema_name()):
            with schema_context(message.target_schema):
                receipts = Receipt.objects.filter(message_id=message.id)
                assert list(receipts.values_list("outcome", flat=True)) == ["applied"], message.kind
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
            # "*": every category of the akimat together, one row per status.
            counted = StatusCount.objects.filter(scope=tenant.schema_name, category="*", count__gt=0)
            assert dict(counted.values_list("status", "count")) == Counter(held.values())

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


def sla_runs(log: Path) -> int:
    """Runs of the SLA monitor (one per akimat per tick) in a worker's log."""
    return len(re.findall(r"appeals\.tasks\.monitor_deadlines\[[0-9a-f-]+\] succeeded", log.read_text()))


def quiet(logs: list[Path]) -> None:
    """Wait until neither worker has written anything for two seconds."""
    sizes: list[list[int]] = []

    def still() -> bool:
        now = [log.stat().st_size for log in logs]
        same = bool(sizes) and now == sizes[-1]
        sizes.append(now)
        return same

    assert wait_until(still, timeout=60, interval=2.0)
