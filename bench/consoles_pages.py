"""Console and public pages: every akimat console page's and public page's server time (p50, p99)
and SQL queries on Petropavlovsk's demo data (about 6,000 appeals over 150 days), each page as the
role that uses it. The issue asks p99 under 100 ms for every page.

Server time is gunicorn's own time of each request (its access log: from the parsed request to the
answer written), over sequential requests of one signed-in person on loopback; the round trip seen
by the client is printed next to it. Queries are counted in this process with Django's client on
the same database (the second request: the first warms per-process caches), as the tests count
them, and the page's CPU time is taken there too (the machine's other jobs move it little).

What the demo leaves empty is added once a day, through the domain's own functions: fresh appeals
for the "new" and "registered" lists (with repeats among them), a call for the caller-ID pop-up,
notices for the inbox, catalogue edits for the change log.

Prints measurements; asserts nothing. BENCH_PAGE_ROUNDS sets the requests per page (200);
BENCH_PAGES runs only the pages whose name holds one of its comma-separated words.
"""

from __future__ import annotations

import datetime
import http.client
import json
import logging
import os
import statistics
import tempfile
import time
import warnings
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from _common import CSRF_HEADERS, ServerTimes, WebServer, percentile, setup_django, with_csrf

# Measured as production runs: no DEBUG (no query log, no GraphQL debug middleware).
os.environ["DJANGO_DEBUG"] = "false"
setup_django()

from _operators import signed_in  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402
from django_tenants.utils import tenant_context  # noqa: E402

from accounts.roles import Role  # noqa: E402
from appeals import actions  # noqa: E402
from appeals.actions.intake import AppealInput  # noqa: E402
from appeals.actions.telephony import record_incoming_call  # noqa: E402
from appeals.catalogue.calendar import ExceptionInput, add_exception, load_day_moves  # noqa: E402
from appeals.jobs.inbox import unread_count  # noqa: E402
from appeals.jobs.notify import notify_assigned, notify_overdue  # noqa: E402
from appeals.models import (  # noqa: E402
    Appeal,
    CalendarException,
    IncomingCall,
    Notification,
    ResponsiblePerson,
    RoutingRule,
    Violation,
)
from appeals.reads.queues import callback_queue  # noqa: E402
from appeals.states import ACTIVE_STATUSES, Status  # noqa: E402
from demo.appeals import executor_organisation, seed_tenant  # noqa: E402
from tenants.models import Akimat  # noqa: E402
from testkit.identities import principal  # noqa: E402

SLUG = "petropavlovsk"
HOST = f"{SLUG}.localhost"
ROUNDS = int(os.environ.get("BENCH_PAGE_ROUNDS", "200"))
ONLY = [word.strip() for word in os.environ.get("BENCH_PAGES", "").split(",") if word.strip()]
TODAY = timezone.localdate()
YEAR = f"start={TODAY - datetime.timedelta(days=364)}&end={TODAY}"
QUARTER = f"start={TODAY - datetime.timedelta(days=89)}&end={TODAY}"
FRESH = 120  # appeals taken in today: 40 places, three appeals each (the first an original)
CALENDAR_EDITS = 60
# Requests before a page is measured: enough that each gunicorn worker has served it (sequential
# requests go to whichever worker accepts first).
WARM = 10


@dataclass(frozen=True)
class Page:
    name: str
    role: str
    path: str
    htmx: bool = False
    status: int = 200


@dataclass(frozen=True)
class Fixture:
    """What the pages are opened on, chosen from the data."""

    executor_organisation: str
    number: int  # a closed appeal with the longest history
    fresh_number: int  # a received appeal with repeats proposed
    executor_number: int  # the executor organisation's appeal in progress with the longest history
    phone: str  # the applicant with the most appeals (the call comes from them)
    street: str
    call_before: int  # the id before the latest call: the pop-up shows it each time
    call_latest: int
    repeat_place: tuple[str, float, float]  # category code, longitude, latitude
    violation: int
    person: int
    person_organisation: str
    rule: int
    answered: int  # the oldest answer waiting for its call-back


def fresh_appeals(now: datetime.datetime) -> None:
    """Today's intake: the demo's simulated appeals are all past the operator's first lists."""
    operator = principal(Role.OPERATOR, name="bench-operator")
    # The demo's own places (not an earlier run's): a second run the same day sends the same
    # appeals again, which their keys then recognise.
    places = list(
        Appeal.objects.filter(location__isnull=False)
        .exclude(client_key__startswith="bench:")
        .order_by("-received_at")
        .values_list("address", "location", "applicant_phone")[:40]
    )
    for index in range(FRESH):
        address, location, phone = places[index % len(places)]
        actions.create_appeal(
            operator,
            AppealInput(
                channel="landline",
                description="Холодные батареи в подъезде",
                applicant_phone=phone,
                applicant_name="Бенч Тестов",
                address=address,
                longitude=location.x,
                latitude=location.y,
                category_code=("heating", "cold-water")[index % len(places) % 2],
                register=index >= len(places),
                client_key=f"bench:{now.date()}:{index}",
            ),
        )


def notices(now: datetime.datetime) -> None:
    """What the notification job writes for the open appeals: assigned, and overdue with its
    escalation to the supervisor (within the inbox's 30 days)."""
    if Notification.objects.filter(created_at__gte=now - datetime.timedelta(days=20)).count() >= 50:
        return
    for appeal in Appeal.objects.filter(status__in=ACTIVE_STATUSES, organisation__isnull=False):
        notify_assigned(appeal)
        if appeal.overdue_at is not None:
            notify_overdue(appeal)


def catalogue_edits() -> None:
    """The year's moved days and far-future days off: change-log rows (logged like any edit)."""
    supervisor = principal(Role.SUPERVISOR, name="bench-supervisor")
    for year in (2026, 2027):
        load_day_moves(supervisor, year)
    first = datetime.date(2031, 1, 6)
    for week in range(CALENDAR_EDITS):
        day = first + datetime.timedelta(weeks=week)
        if not CalendarException.objects.filter(date=day).exists():
            add_exception(supervisor, ExceptionInput(str(day), "day_off", f"Бенч {week}"))


def prepare(tenant: Akimat) -> Fixture:
    now = timezone.now()
    with tenant_context(tenant):
        fresh_appeals(now)
        notices(now)
        catalogue_edits()
        phone = (
            Appeal.objects.values("applicant_phone")
            .annotate(n=Count("id"))
            .order_by("-n", "applicant_phone")
            .values_list("applicant_phone", flat=True)
            .first()
        )
        record_incoming_call(phone, exchange_call_id=f"bench:{now.date()}")
        calls = list(IncomingCall.objects.order_by("-id").values_list("id", flat=True)[:2])
        longest = (
            Appeal.objects.filter(status=Status.CLOSED)
            .annotate(n=Count("events"))
            .order_by("-n", "id")
            .values_list("number", flat=True)
            .first()
        )
        organisation = executor_organisation(SLUG)
        executor_number = (
            Appeal.objects.filter(organisation__code=organisation, status=Status.IN_PROGRESS)
            .annotate(n=Count("events"))
            .order_by("-n", "id")
            .values_list("number", flat=True)
            .first()
        )
        # The last of the first round at its place: still received, two more there since.
        fresh = Appeal.objects.filter(client_key=f"bench:{now.date()}:{FRESH // 3 - 1}").get()
        original = Appeal.objects.filter(client_key=f"bench:{now.date()}:0").get()
        violation = (
            Violation.objects.annotate(n=Count("events"))
            .order_by("-n", "-detected_at")
            .values_list("pk", flat=True)
            .first()
        )
        person = (
            Violation.objects.filter(
                person__isnull=False, detected_at__gte=now - datetime.timedelta(days=365)
            )
            .values("person")
            .annotate(n=Count("id"))
            .order_by("-n", "person")
            .values_list("person", flat=True)
            .first()
        )
        someone = ResponsiblePerson.objects.select_related("organisation").get(pk=person)
        street = original.address.split(",")[1].strip().removeprefix("ул. ")
        return Fixture(
            executor_organisation=organisation,
            number=longest,
            fresh_number=fresh.number,
            executor_number=executor_number,
            phone=phone,
            street=street,
            call_before=calls[1] if len(calls) > 1 else 0,
            call_latest=calls[0],
            repeat_place=(original.category.code, original.location.x, original.location.y),
            violation=violation,
            person=person,
            person_organisation=someone.organisation.code,
            rule=RoutingRule.objects.filter(area__isnull=False)
            .order_by("id")
            .values_list("pk", flat=True)[0],
            answered=callback_queue().values_list("number", flat=True)[0],
        )


def pages(f: Fixture) -> list[Page]:
    category, lon, lat = f.repeat_place
    return [
        # Operator
        Page("queues: new", "operator", "/console/queues/?list=new"),
        Page("queues: registered", "operator", "/console/queues/?list=registered"),
        Page("queues: overdue", "operator", "/console/queues/?list=overdue"),
        Page("queues: due within 24 h", "operator", "/console/queues/?list=due_soon"),
        Page("queues: call-backs", "operator", "/console/queues/?list=callback"),
        Page("queues: search by number (HTMX)", "operator", f"/console/queues/?q={f.number}", htmx=True),
        Page("queues: search by phone (HTMX)", "operator", f"/console/queues/?q={quote(f.phone)}", htmx=True),
        Page(
            "queues: search by address (HTMX)", "operator", f"/console/queues/?q={quote(f.street)}", htmx=True
        ),
        Page("intake form", "operator", "/console/intake/"),
        Page(
            "intake: category search (HTMX)",
            "operator",
            f"/console/intake/categories?category_search={quote('вод')}",
        ),
        Page(
            "intake: repeat candidates (HTMX)",
            "operator",
            f"/console/intake/repeats?category={category}&longitude={lon}&latitude={lat}",
        ),
        Page("caller-ID pop-up: a new call", "operator", f"/console/calls/?after={f.call_before}"),
        Page("caller-ID pop-up: nothing new (each s)", "operator", f"/console/calls/?after={f.call_latest}"),
        Page("akimat boundary for the intake map", "operator", "/console/akimat.geojson"),
        Page("appeal page: closed, longest history", "operator", f"/console/appeals/{f.number}/"),
        Page("appeal page: received, repeats proposed", "operator", f"/console/appeals/{f.fresh_number}/"),
        Page("call-back page", "operator", f"/console/callbacks/{f.answered}/"),
        Page("citizens' tracking form", "operator", "/track/"),
        Page("citizens' portal: the form", "operator", "/appeal/"),
        Page("public figures: 30 days", "operator", "/figures/"),
        Page("public figures: 90 days", "operator", "/figures/?days=90"),
        Page("public figures: CSV, 90 days", "operator", "/figures/figures.csv?days=90"),
        Page("Open311: requests, 90 days (1,000 at most)", "operator", "/open311/v2/requests.json"),
        Page("Open311: services", "operator", "/open311/v2/services.json"),
        # Executor (the phone-size layout is the same HTML)
        Page("executor: my assignments", "executor", "/console/executor/"),
        Page("executor: the appeal", "executor", f"/console/executor/appeals/{f.executor_number}/"),
        # Lawyer
        Page("lawyer: register", "lawyer", "/console/violations/"),
        Page("lawyer: register, open ones", "lawyer", "/console/violations/?status=open"),
        Page("lawyer: violation", "lawyer", f"/console/violations/{f.violation}/"),
        Page("lawyer: person's year", "lawyer", f"/console/violations/people/{f.person}/"),
        Page("lawyer: printable act", "lawyer", f"/console/violations/{f.violation}/act"),
        # Settings
        Page("settings: categories", "supervisor", "/console/settings/categories/"),
        Page("settings: a category", "supervisor", "/console/settings/categories/heating/"),
        Page("settings: organisations", "supervisor", "/console/settings/organisations/"),
        Page(
            "settings: an organisation and its people",
            "supervisor",
            f"/console/settings/organisations/{f.person_organisation}/",
        ),
        Page("settings: a person", "supervisor", f"/console/settings/people/{f.person}/"),
        Page("settings: routing rules", "supervisor", "/console/settings/routing/"),
        Page("settings: a rule with its area", "supervisor", f"/console/settings/routing/{f.rule}/"),
        Page("settings: calendar", "supervisor", "/console/settings/calendar/"),
        Page("settings: exchange secret", "supervisor", "/console/settings/exchange/"),
        Page("settings: change log", "supervisor", "/console/settings/changes/"),
        # Notifications
        Page("notifications: list (executor)", "executor", "/console/notifications/"),
        Page("notifications: list (supervisor)", "supervisor", "/console/notifications/"),
        Page("notifications: counter, changed", "executor", "/console/notifications/counter?shown=-1"),
        Page(
            "notifications: counter, unchanged",
            "executor",
            "/console/notifications/counter?shown={unread}",
            status=204,
        ),
        # Dashboard
        Page("dashboard: 30 days by day", "akim", "/console/dashboard/"),
        Page("dashboard: 365 days by week", "akim", f"/console/dashboard/?{YEAR}&step=week"),
        Page(
            "dashboard: one organisation, 90 days",
            "akim",
            f"/console/dashboard/?{QUARTER}&organisation=heat-network",
        ),
        Page(
            "dashboard: body (HTMX), group housing", "akim", "/console/dashboard/?category=housing", htmx=True
        ),
        Page("dashboard: appeals behind 'received'", "akim", "/console/dashboard/appeals/?figure=received"),
        Page(
            "dashboard: appeals behind 'overdue now'",
            "akim",
            "/console/dashboard/appeals/?figure=overdue_now",
        ),
        Page("dashboard: map points, 30 days", "akim", "/console/dashboard/map.json"),
        Page("dashboard: map points, 365 days", "akim", f"/console/dashboard/map.json?{YEAR}"),
        Page("dashboard: figures as CSV", "akim", "/console/dashboard/export.csv"),
        Page("dashboard: figures as XLSX", "akim", "/console/dashboard/export.xlsx"),
        Page(
            "dashboard: 'received' as CSV (30 days)", "akim", "/console/dashboard/appeals.csv?figure=received"
        ),
        Page(
            "dashboard: 'received' as XLSX (30 days)",
            "akim",
            "/console/dashboard/appeals.xlsx?figure=received",
        ),
    ]


def session_key(tenant: Akimat, role: str, organisation: str = "") -> str:
    """A signed-in person of the demo akimat with one role (the console's way of calling)."""
    return signed_in(tenant.schema_name, role, organisation=organisation)


def in_process(key: str, page: Page, **headers: str) -> tuple[int, int, float]:
    """(status, SQL queries, CPU ms) of the page in this process: the queries of its second request
    (the first warms per-process caches), and the median CPU time of 20 more. The CPU time is this
    process's own work on the request (Django, the templates, reading the rows), without what
    PostgreSQL spends: on a machine shared with other jobs it moves far less than the clock does."""
    client = Client(HTTP_HOST=HOST, **headers)
    client.cookies["sessionid"] = key
    client.cookies["django_language"] = "ru"
    client.get(page.path)
    with CaptureQueriesContext(connection) as captured:
        answer = client.get(page.path)
    queries = len(captured)  # now: a later reconnection clears the connection's log
    cpu = []
    for _ in range(20):
        started = time.process_time()
        client.get(page.path)
        cpu.append((time.process_time() - started) * 1000)
    return answer.status_code, queries, statistics.median(cpu)


def timed(
    port: int, cookie: str, method: str, path: str, expected: int, body: bytes | None = None, **headers: str
) -> float:
    connection_ = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    started = time.perf_counter()
    connection_.request(method, path, body=body, headers={"Host": HOST, "Cookie": cookie, **headers})
    response = connection_.getresponse()
    response.read()
    elapsed = (time.perf_counter() - started) * 1000
    connection_.close()
    if response.status != expected:
        raise RuntimeError(f"{path}: HTTP {response.status}")
    return elapsed


GRAPHQL = (
    "{ akimatKpis { received slaCompliance overdueNow dueSoon byStatus { status count } } "
    "akimatKpiTimeSeries { kpis { received answered } } "
    "akimatKpiBreakdown(by: ORGANISATION) { key kpis { received overdueNow } } }"
)
LINE = "{:46} {:>8} {:>8} {:>9} {:>8} {:>8}"


def line(name: str, server: list[float], trip: list[float], queries: object, cpu: float | None) -> str:
    return LINE.format(
        name[:46],
        f"{percentile(server, 0.5):.1f}",
        f"{percentile(server, 0.99):.1f}",
        f"{percentile(trip, 0.99):.1f}",
        str(queries),
        "-" if cpu is None else f"{cpu:.1f}",
    )


def main() -> None:
    # Said once per process in production; here every in-process client would repeat it.
    logging.getLogger("accounts.middleware").setLevel(logging.ERROR)
    warnings.filterwarnings("ignore", message="No directory at")
    tenant = Akimat.objects.get(slug=SLUG)
    print(seed_tenant(tenant))
    fixture = prepare(tenant)
    with tenant_context(tenant):
        print(f"{SLUG}: {Appeal.objects.count()} appeals, {Violation.objects.count()} violations")
    keys = {
        role: session_key(tenant, role, fixture.executor_organisation if role == "executor" else "")
        for role in ("operator", "executor", "lawyer", "supervisor", "akim")
    }
    executor = principal(Role.EXECUTOR, name="bench-executor", organisation=fixture.executor_organisation)
    chosen = [p for p in pages(fixture) if not ONLY or any(word in p.name for word in ONLY)]
    port = int(os.environ.get("IKOMEK_WEB_PORT", "8002"))
    log = Path(tempfile.mkdtemp(prefix="bench-pages-")) / "access.log"
    print(
        f"{ROUNDS} sequential requests a page; server = gunicorn's time, trip = the client's round trip; ms"
    )
    print(LINE.format("page", "p50", "p99", "trip p99", "queries", "cpu p50"))
    over = []
    with WebServer(port, access_log=log):
        times = ServerTimes(log)
        times.skip_to_end()
        for page in chosen:
            headers = {"HX-Request": "true"} if page.htmx else {}
            extra = {"HTTP_HX_REQUEST": "true"} if page.htmx else {}
            if "{unread}" in page.path:  # the executor's counter as their screen shows it now
                with tenant_context(tenant):
                    path = page.path.replace("{unread}", str(unread_count(executor)))
                page = Page(page.name, page.role, path, page.htmx, page.status)
            path = page.path
            status, queries, cpu = in_process(keys[page.role], page, **extra)
            if status != page.status:
                raise RuntimeError(f"{page.name}: {page.path} answered {status} in process")
            cookie = f"sessionid={keys[page.role]}; django_language=ru"
            for _ in range(WARM):  # every worker's caches and compiled templates, the statement plans
                timed(port, cookie, "GET", path, page.status, **headers)
            times.take(WARM)
            trip = [timed(port, cookie, "GET", path, page.status, **headers) for _ in range(ROUNDS)]
            server = times.take(ROUNDS)
            print(line(page.name, server, trip, queries, cpu), flush=True)
            if percentile(server, 0.99) >= 100:
                over.append(page.name)
        if not ONLY or any(word in "graphql" for word in ONLY):
            # The CSRF check needs a token for a session's POST: the same fields an integrator asks
            # with a bearer token, here through the akim's session.
            graphql = json.dumps({"query": GRAPHQL}).encode()
            headers = {"Content-Type": "application/json", "Referer": f"http://{HOST}/", **CSRF_HEADERS}
            cookie = with_csrf(f"sessionid={keys['akim']}; django_language=ru")
            for _ in range(WARM):
                timed(port, cookie, "POST", "/graphql/", 200, graphql, **headers)
            times.take(WARM)
            trip = [timed(port, cookie, "POST", "/graphql/", 200, graphql, **headers) for _ in range(ROUNDS)]
            print(line("graphql: akimatKpis + series + breakdown", times.take(ROUNDS), trip, "-", None))
    load = os.getloadavg()
    print(
        f"load average after the run: {load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f} on {os.cpu_count()} cores"
    )
    print("p99 at 100 ms or more: " + (", ".join(over) if over else "none"))


if __name__ == "__main__":
    main()
