"""Console pages: the server time of each dashboard page (and its GraphQL twin) on Petropavlovsk's
demo data (about 6,000 appeals over 150 days), p50 and p99 over sequential requests of one signed-in
akim through gunicorn on loopback. The issue asks p99 under 100 ms for every page.

Prints measurements; asserts nothing. BENCH_PAGE_ROUNDS changes the requests per page (200).
"""

from __future__ import annotations

import datetime
import http.client
import json
import os
import time

from _common import WebServer, percentile, setup_django

# Measured as production runs: no DEBUG (no query log, no GraphQL debug middleware).
os.environ["DJANGO_DEBUG"] = "false"
setup_django()

from django.conf import settings  # noqa: E402
from django.contrib.auth.models import Group, User  # noqa: E402
from django.contrib.sessions.backends.db import SessionStore  # noqa: E402
from django.utils import timezone  # noqa: E402
from django_tenants.utils import tenant_context  # noqa: E402

from appeals.models import Appeal  # noqa: E402
from demo.appeals import seed_tenant  # noqa: E402
from tenants.models import Akimat  # noqa: E402

SLUG = "petropavlovsk"
HOST = f"{SLUG}.localhost"
ROUNDS = int(os.environ.get("BENCH_PAGE_ROUNDS", "200"))
TODAY = timezone.localdate()
YEAR = f"start={TODAY - datetime.timedelta(days=364)}&end={TODAY}"
QUARTER = f"start={TODAY - datetime.timedelta(days=89)}&end={TODAY}"

PAGES = {
    "dashboard, 30 days by day": "/console/dashboard/",
    "dashboard, 365 days by week": f"/console/dashboard/?{YEAR}&step=week",
    "dashboard, one organisation, 90 days": f"/console/dashboard/?{QUARTER}&organisation=heat-network",
    "dashboard body (HTMX), category group housing": "/console/dashboard/?category=housing",
    "appeals behind 'received', page 1 of 50": "/console/dashboard/appeals/?figure=received",
    "appeals behind 'overdue now'": "/console/dashboard/appeals/?figure=overdue_now",
    "map points, 30 days": "/console/dashboard/map.json",
    "map points, 365 days": f"/console/dashboard/map.json?{YEAR}",
    "figures as CSV": "/console/dashboard/export.csv",
    "figures as XLSX": "/console/dashboard/export.xlsx",
    "list 'received' as CSV (30 days)": "/console/dashboard/appeals.csv?figure=received",
    "list 'received' as XLSX (30 days)": "/console/dashboard/appeals.xlsx?figure=received",
}
GRAPHQL = (
    "{ akimatKpis { received slaCompliance overdueNow dueSoon byStatus { status count } } "
    "akimatKpiTimeSeries { kpis { received answered } } "
    "akimatKpiBreakdown(by: ORGANISATION) { key kpis { received overdueNow } } }"
)


def session_cookie(tenant: Akimat) -> str:
    """A signed-in akim of the demo akimat (the console's way of calling)."""
    with tenant_context(tenant):
        user, _ = User.objects.get_or_create(username="bench-akim", defaults={"first_name": "Bench"})
        user.groups.add(Group.objects.get_or_create(name="akim")[0])
        session = SessionStore()
        session["_auth_user_id"] = str(user.pk)
        session["_auth_user_backend"] = settings.AUTHENTICATION_BACKENDS[0]
        session["_auth_user_hash"] = user.get_session_auth_hash()
        session.create()
        return f"sessionid={session.session_key}; django_language=ru"


def timed(port: int, cookie: str, method: str, path: str, body: bytes | None = None, **headers: str) -> float:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    started = time.perf_counter()
    connection.request(method, path, body=body, headers={"Host": HOST, "Cookie": cookie, **headers})
    response = connection.getresponse()
    response.read()
    elapsed = (time.perf_counter() - started) * 1000
    connection.close()
    if response.status != 200:
        raise RuntimeError(f"{path}: HTTP {response.status}")
    return elapsed


def main() -> None:
    tenant = Akimat.objects.get(slug=SLUG)
    print(seed_tenant(tenant))
    with tenant_context(tenant):
        print(f"{SLUG}: {Appeal.objects.count()} appeals")
    cookie = session_cookie(tenant)
    port = int(os.environ.get("IKOMEK_WEB_PORT", "8002"))
    graphql = json.dumps({"query": GRAPHQL}).encode()
    with WebServer(port):
        for name, path in PAGES.items():
            extra = {"HX-Request": "true"} if "HTMX" in name else {}
            for _ in range(5):  # warm: the process's caches, the statement plans
                timed(port, cookie, "GET", path, **extra)
            times = [timed(port, cookie, "GET", path, **extra) for _ in range(ROUNDS)]
            print(f"{name:48} p50 {percentile(times, 0.5):6.1f} ms   p99 {percentile(times, 0.99):6.1f} ms")
        # The CSRF check needs a token for a session's POST: GraphQL is measured the way an
        # integrator calls it would need a bearer token; here the same fields through a session.
        csrf = "b" * 32
        headers = {"Content-Type": "application/json", "X-CSRFToken": csrf, "Referer": f"http://{HOST}/"}
        cookie_csrf = f"{cookie}; csrftoken={csrf}"
        for _ in range(5):
            timed(port, cookie_csrf, "POST", "/graphql/", graphql, **headers)
        times = [timed(port, cookie_csrf, "POST", "/graphql/", graphql, **headers) for _ in range(ROUNDS)]
        name = "GraphQL akimatKpis + series + breakdown"
        print(f"{name:48} p50 {percentile(times, 0.5):6.1f} ms   p99 {percentile(times, 0.99):6.1f} ms")


if __name__ == "__main__":
    main()
