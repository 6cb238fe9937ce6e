"""Appeals figures: appeals created per second through GraphQL, list-query latency on a tenant that
holds 1,000,000 appeals (generated with SQL), and the tenant-resolved /healthz rate of the same run.

Prints measurements; asserts nothing. BENCH_APPEALS_ROWS changes the size of the big tenant.
"""

from __future__ import annotations

import http.client
import json
import os
import shutil
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

from _common import CSRF_HEADERS, CSRF_TOKEN, WebServer, load, percentile, setup_django, summary, with_csrf

# Measured as production runs: no DEBUG (no query log, no GraphQL debug middleware).
os.environ["DJANGO_DEBUG"] = "false"
setup_django()

from _operators import signed_in  # noqa: E402
from django.db import connection  # noqa: E402
from django_tenants.utils import tenant_context  # noqa: E402

from tenants.models import Akimat  # noqa: E402
from tenants.onboarding import onboard_tenant  # noqa: E402
from tenants.region_data import tenant_spec  # noqa: E402
from tenants.specs import TenantSpec  # noqa: E402

ROWS = int(os.environ.get("BENCH_APPEALS_ROWS", "1000000"))
SLUG = "bench-appeals"
HOST = f"{SLUG}.localhost"
SECONDS = float(os.environ.get("BENCH_SECONDS", "10"))

CREATE = (
    "mutation($input: CreateAppealInput!) { createAppeal(input: $input) "
    "{ created appeal { number status deadline } repeatCandidates { number } errors { code } } }"
)
LIST_QUERIES = {
    "first page, newest first (50)": (
        "{ appeals(first: 50) { edges { node { number status receivedAt } } } }"
    ),
    "page with category, organisation, deadline (50)": (
        "{ appeals(first: 50) { edges { node { number status deadline isOverdue category { code nameRu } "
        "organisation { code } } } } }"
    ),
    "filter status + category group (50)": (
        '{ appeals(first: 50, filter: {status: [IN_PROGRESS, ASSIGNED], category: "housing"}) '
        "{ edges { node { number } } } }"
    ),
    "filter overdue (50)": "{ appeals(first: 50, filter: {overdue: true}) { edges { node { number } } } }",
    "filter bounding box (50)": (
        "{ appeals(first: 50, filter: {bbox: {west: 69.14, south: 54.86, east: 69.16, north: 54.88}}) "
        "{ edges { node { number } } } }"
    ),
    "filter period, one week (50)": None,  # built at run time
    "order by deadline (50)": "{ appeals(first: 50, orderBy: DEADLINE_ASC) { edges { node { number } } } }",
    "appeal by number, with history": None,
    "totalCount of a filtered list": (
        "{ appeals(first: 1, filter: {status: [IN_PROGRESS]}) { totalCount } }"
    ),
}


def bench_tenant() -> Akimat:
    """A tenant on Petropavlovsk's real boundary, onboarded once and kept between runs."""
    city = tenant_spec("petropavlovsk")
    spec = TenantSpec(
        slug=SLUG,
        kato="598800000",
        kind="district",
        name_kk="Бенч",
        name_ru="Бенч",
        name_en="Bench",
        boundary=city.boundary,
    )
    return onboard_tenant(spec).tenant


GENERATE = """
WITH cats AS (SELECT array_agg(id ORDER BY id) AS ids FROM appeals_category WHERE NOT is_emergency),
     org AS (SELECT id FROM appeals_organisation WHERE code = 'housing-department')
INSERT INTO appeals_appeal (
    number, status, status_changed_at, channel, client_key, applicant_name, applicant_phone, applicant_iin,
    address, location, object_key, description, category_id, priority, organisation_id, received_at,
    registered_at, assigned_at, resolved_at, closed_at, deadline, overdue_at, resolution, cancel_reason,
    repeat_count, reopen_count)
SELECT nextval('appeals_appeal_number_seq'),
       s.status, g.received + interval '2 hours', 'landline', NULL, 'Бенч Бенчев',
       '+7705' || lpad((g.n %% 9999999)::text, 7, '0'), '',
       'Петропавловск, ул. Пушкина, ' || (g.n %% 120 + 1),
       ST_SetSRID(ST_MakePoint(69.06 + random() * 0.2, 54.83 + random() * 0.08), 4326),
       'building:b' || (g.n %% 5000), 'Холодные батареи',
       cats.ids[1 + (g.n %% array_length(cats.ids, 1))], 'normal',
       CASE WHEN s.status = 'received' THEN NULL ELSE org.id END,
       g.received, g.received + interval '10 minutes', g.received + interval '30 minutes',
       CASE WHEN s.status IN ('closed', 'done') THEN g.received + random() * interval '40 hours' END,
       CASE WHEN s.status = 'closed' THEN g.received + interval '48 hours' END,
       g.received + interval '24 hours',
       CASE WHEN s.status IN ('in_progress', 'assigned') AND g.received < now() - interval '24 hours'
            THEN g.received + interval '24 hours 3 minutes' END,
       '', CASE WHEN s.status = 'cancelled' THEN 'duplicate' ELSE '' END, 0, 0
FROM (SELECT n, now() - random() * interval '365 days' AS received FROM generate_series(1, %s) AS n) g
CROSS JOIN cats CROSS JOIN org
CROSS JOIN LATERAL (
    SELECT CASE WHEN g.n %% 100 < 84 THEN 'closed' WHEN g.n %% 100 < 88 THEN 'cancelled'
                WHEN g.n %% 100 < 92 THEN 'in_progress' WHEN g.n %% 100 < 95 THEN 'assigned'
                WHEN g.n %% 100 < 98 THEN 'done' ELSE 'received' END AS status
) s
"""


def fill(tenant: Akimat) -> tuple[int, float]:
    with tenant_context(tenant), connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM appeals_appeal")
        have = cursor.fetchone()[0]
        if have >= ROWS:
            return have, 0.0
        started = time.perf_counter()
        cursor.execute(GENERATE, [ROWS - have])
        cursor.execute("ANALYZE appeals_appeal")
        return ROWS, time.perf_counter() - started


def session_cookie(tenant: Akimat) -> str:
    """A signed-in operator's session in the bench tenant (the web console's way of calling)."""
    return with_csrf(f"sessionid={signed_in(tenant.schema_name, 'operator', username='bench-operator')}")


def post(port: int, cookie: str, query: str, variables: dict | None = None) -> tuple[float, dict]:
    connection_ = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    body = json.dumps({"query": query, "variables": variables or {}})
    started = time.perf_counter()
    connection_.request(
        "POST",
        "/graphql/",
        body=body,
        headers={"Host": HOST, "Content-Type": "application/json", "Cookie": cookie, **CSRF_HEADERS},
    )
    response = connection_.getresponse()
    data = json.loads(response.read())
    elapsed = (time.perf_counter() - started) * 1000
    connection_.close()
    if "errors" in data:
        raise RuntimeError(f"GraphQL errors: {data['errors']}")
    return elapsed, data


WRK_SCRIPT = """
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Host"] = "%(host)s"
wrk.headers["Cookie"] = "%(cookie)s"
wrk.headers["X-CSRFToken"] = "%(csrf)s"
local counter = 0
local thread_id = 0
local ids = 0
function setup(thread)
  ids = ids + 1
  thread:set("tid", ids)
end
function request()
  counter = counter + 1
  local key = "%(run)s-" .. tid .. "-" .. counter
  -- Spread over the city and the housing categories, as real intake is (not all at one point).
  local categories = {"heating", "cold-water", "hot-water", "sewerage", "electricity", "lifts", "yards"}
  local category = categories[math.random(#categories)]
  local lon = 69.07 + math.random() * 0.18
  local lat = 54.84 + math.random() * 0.06
  local body = '{"query": %(query)s, "variables": {"input": {"channel": "LANDLINE", '
    .. '"description": "Нет воды", "applicantPhone": "+77051234567", "category": "' .. category .. '", '
    .. '"clientKey": "' .. key .. '", '
    .. '"location": {"longitude": ' .. lon .. ', "latitude": ' .. lat .. '}}}}'
  return wrk.format(nil, "/graphql/", nil, body)
end
"""


def intake_rate(port: int, cookie: str, tenant: Akimat) -> dict[str, float]:
    """Appeals created per second through GraphQL (8 connections), counted in the database."""
    wrk = shutil.which("wrk")
    with tenant_context(tenant), connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM appeals_appeal")
        before = cursor.fetchone()[0]
    started = time.perf_counter()
    if wrk:
        run = str(int(time.time()))
        script = WRK_SCRIPT % {
            "host": HOST,
            "cookie": cookie,
            "csrf": CSRF_TOKEN,
            "run": run,
            "query": json.dumps(CREATE),
        }
        with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as handle:
            handle.write(script)
        subprocess.run(
            [wrk, "-t2", "-c8", f"-d{int(SECONDS)}s", "-s", handle.name, f"http://127.0.0.1:{port}/graphql/"],
            capture_output=True,
            text=True,
            check=True,
        )
        Path(handle.name).unlink()
    else:
        deadline = time.monotonic() + SECONDS
        counter = 0
        while time.monotonic() < deadline:
            counter += 1
            post(port, cookie, CREATE, {"input": _intake_input(f"py-{time.time()}-{counter}")})
    elapsed = time.perf_counter() - started
    with tenant_context(tenant), connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM appeals_appeal")
        created = cursor.fetchone()[0] - before
    return {"created": created, "rate": created / elapsed, "tool": 0.0 if wrk else 1.0}


def _intake_input(key: str) -> dict:
    return {
        "channel": "LANDLINE",
        "description": "Нет воды",
        "applicantPhone": "+77051234567",
        "category": "cold-water",
        "clientKey": key,
        "location": {"longitude": 69.145, "latitude": 54.872},
    }


def list_latencies(port: int, cookie: str, tenant: Akimat, rounds: int = 30) -> dict[str, list[float]]:
    import datetime

    week_ago = (datetime.datetime.now(datetime.UTC) - datetime.timedelta(days=37)).isoformat()
    week_end = (datetime.datetime.now(datetime.UTC) - datetime.timedelta(days=30)).isoformat()
    queries = dict(LIST_QUERIES)
    queries["filter period, one week (50)"] = (
        f'{{ appeals(first: 50, filter: {{receivedFrom: "{week_ago}", receivedTo: "{week_end}"}}) '
        "{ edges { node { number } } } }"
    )
    with tenant_context(tenant):
        from appeals.models import Appeal

        number = Appeal.objects.filter(client_key__isnull=False).values_list("number", flat=True).first() or 1
    queries["appeal by number, with history"] = (
        f"{{ appeal(number: {number}) {{ number status events {{ kind toStatus actorName at }} }} }}"
    )
    # Deep page: follow cursors 20 pages down, then time the next page.
    _, data = post(port, cookie, "{ appeals(first: 100) { pageInfo { endCursor } } }")
    cursor = data["data"]["appeals"]["pageInfo"]["endCursor"]
    for _ in range(19):
        _, data = post(
            port,
            cookie,
            "query($a: String) { appeals(first: 100, after: $a) { pageInfo { endCursor } } }",
            {"a": cursor},
        )
        cursor = data["data"]["appeals"]["pageInfo"]["endCursor"]
    results: dict[str, list[float]] = {}
    for name, query in queries.items():
        post(port, cookie, query)  # warm
        results[name] = [post(port, cookie, query)[0] for _ in range(rounds)]
    deep = "query($a: String) { appeals(first: 50, after: $a) { edges { node { number } } } }"
    results["page 21 via cursor (50)"] = [post(port, cookie, deep, {"a": cursor})[0] for _ in range(rounds)]
    return results


def main() -> None:
    tenant = bench_tenant()
    rows, seconds = fill(tenant)
    print("== appeals (2-core machine, durable commits) ==")
    print(
        f"big tenant {SLUG}: {rows:,} appeals"
        + (f" (generated with SQL in {seconds:.0f} s)" if seconds else "")
    )
    cookie = session_cookie(tenant)
    port = int(os.environ.get("IKOMEK_WEB_PORT", "8002"))
    connection.close()
    with WebServer(port) as server:
        load(port, HOST, "/healthz", seconds=3)  # warm-up: every worker learns the host
        healthz = load(port, HOST, "/healthz", seconds=SECONDS)
        intake = intake_rate(port, cookie, tenant)
        latencies = list_latencies(port, cookie, tenant)
        tool = "wrk" if not intake["tool"] else "python client"
        print(
            f"createAppeal through GraphQL       {intake['rate']:8.0f} appeals/s "
            f"({intake['created']:,} created, 8 connections, {server.workers} sync workers, {tool})"
        )
        print(f"/healthz on {HOST:<24}{healthz['rps']:8.0f} req/s (same run)")
        print("list queries, one client, latency per request:")
        for name, values in latencies.items():
            print(
                f"  {name:<48} median {statistics.median(values):6.1f} ms  "
                f"p90 {percentile(values, 0.9):6.1f} ms"
            )
        print(f"  (all list queries: {summary([v for vs in latencies.values() for v in vs])})")


if __name__ == "__main__":
    main()
