"""Regional read model figures: delay from an akimat's commit to the regional read model (a real Celery
worker, 2 processes), and regional KPI query latency through GraphQL with the 14 demo akimats and then
with 200 generated akimats holding 1,000,000 appeals, side by side.

The 200 akimats exist only as registry rows with their read-model facts bulk-inserted with SQL (the
region never reads an akimat's schema, so schemas would change nothing here); their tallies are then
built by the documented rebuild path (regional.rebuild.rebuild_tallies). Everything generated is removed
at the end. Prints measurements; asserts nothing.
"""

from __future__ import annotations

import datetime
import http.client
import json
import os
import statistics
import time

from _common import CSRF_HEADERS, ROOT, CeleryWorker, WebServer, percentile, setup_django, with_csrf

os.environ["DJANGO_DEBUG"] = "false"
setup_django()

from _operators import signed_in  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django_tenants.utils import tenant_context  # noqa: E402

from appeals.actions import AppealInput  # noqa: E402
from appeals.actions.intake import record_intake  # noqa: E402
from appeals.events import SYSTEM  # noqa: E402
from regional.models import AppealFact  # noqa: E402
from regional.rebuild import rebuild_tallies  # noqa: E402
from tenants.models import Akimat  # noqa: E402
from tenants.region_data import tenant_specs  # noqa: E402

GENERATED = int(os.environ.get("BENCH_REGIONAL_AKIMATS", "200"))
APPEALS = int(os.environ.get("BENCH_REGIONAL_APPEALS", "1000000"))
CHANGES = int(os.environ.get("BENCH_REGIONAL_CHANGES", "300"))
ROUNDS = int(os.environ.get("BENCH_REGIONAL_ROUNDS", "30"))
PREFIX = "bench_r_"
LOG_DIR = ROOT / ".local" / "bench" / "log"

QUERIES = {
    "regionalKpis (30 days)": "{ regionalKpis { received answered slaCompliance medianHoursToClose p90HoursToClose overdueNow openNow repeatShare escalatedNow byStatus { status count } } }",  # noqa: E501
    "regionalKpis, one category group": '{ regionalKpis(category: "housing") { received slaCompliance medianHoursToClose overdueNow } }',  # noqa: E501
    "districtComparison (30 days)": "{ districtComparison { akimat { slug nameRu } kpis { received slaCompliance medianHoursToClose overdueNow repeatShare } } }",  # noqa: E501
    "categoryBreakdown, region (30 days)": "{ categoryBreakdown { category { code nameRu } kpis { received slaCompliance overdueNow } } }",  # noqa: E501
    "kpiTimeSeries, 365 days by day": "query($p: PeriodInput) { kpiTimeSeries(period: $p) { periodStart kpis { received slaCompliance medianHoursToClose } } }",  # noqa: E501
    "kpiTimeSeries, 12 months by month": "query($p: PeriodInput) { kpiTimeSeries(period: $p, granularity: MONTH) { periodStart kpis { received slaCompliance } } }",  # noqa: E501
    "overdueAppeals, first page of 50": "{ overdueAppeals(first: 50) { edges { node { number akimat { slug } category { nameRu } hoursOverdue } } } }",  # noqa: E501
}


def demo_akimats() -> list[Akimat]:
    """The region's 14 akimats (not the other benches' tenants, e.g. appeals' million-appeal one)."""
    slugs = [spec.slug for spec in tenant_specs()]
    return list(Akimat.objects.filter(is_active=True, slug__in=slugs).order_by("kato"))


def commit_to_read_model(akimats: list[Akimat], changes: int = CHANGES) -> list[float]:
    """New appeals, one per transaction, 20 ms apart across the akimats: ms from the commit to the fact
    row the region wrote (its clock_timestamp()), with the worker delivering as in production."""
    committed: dict[tuple[str, int], float] = {}
    operator = SYSTEM  # the demo's operators are people; the system may create too (no role check)
    for index in range(changes):
        akimat = akimats[index % len(akimats)]
        with tenant_context(akimat):
            point = akimat.boundary.point_on_surface
            appeal = record_intake(
                operator,
                AppealInput(
                    channel="web",
                    description="bench",
                    applicant_phone="+77051234567",
                    longitude=point.x,
                    latitude=point.y,
                    category_code="heating",
                ),
            ).appeal
        committed[(akimat.schema_name, appeal.number)] = time.time()
        time.sleep(0.02)
    connection.set_schema_to_public()
    deadline = time.monotonic() + 300
    while True:
        rows = {
            (f.schema, f.number): f.updated_at
            for f in AppealFact.objects.filter(
                schema__in={s for s, _ in committed}, number__in={n for _, n in committed}
            ).only("schema", "number", "updated_at")
        }
        if all(key in rows for key in committed):
            break
        if time.monotonic() > deadline:
            raise RuntimeError("the read model did not receive every appeal in time")
        time.sleep(0.2)
    return [(rows[key].timestamp() - at) * 1000 for key, at in committed.items()]


def regional_cookie() -> str:
    return with_csrf(f"sessionid={signed_in('public', 'regional_viewer', username='bench-regional-viewer')}")


def post(port: int, cookie: str, query: str, variables: dict | None = None) -> float:
    client = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    body = json.dumps({"query": query, "variables": variables or {}})
    started = time.perf_counter()
    client.request(
        "POST",
        "/graphql/",
        body=body,
        headers={"Host": "localhost", "Content-Type": "application/json", "Cookie": cookie, **CSRF_HEADERS},
    )
    data = json.loads(client.getresponse().read())
    elapsed = (time.perf_counter() - started) * 1000
    client.close()
    if "errors" in data:
        raise RuntimeError(f"GraphQL errors: {data['errors']}")
    return elapsed


def kpi_latencies(port: int, cookie: str) -> dict[str, list[float]]:
    year = {"p": {"start": (datetime.date.today() - datetime.timedelta(days=364)).isoformat()}}
    results = {}
    for name, query in QUERIES.items():
        variables = year if "$p" in query else None
        post(port, cookie, query, variables)  # warm
        results[name] = [post(port, cookie, query, variables) for _ in range(ROUNDS)]
    return results


GENERATE_FACTS = """
INSERT INTO regional_appealfact (schema, number, version, category, status, priority, channel, received_at,
    resolved_at, closed_at, deadline, overdue_at, escalated_at, is_repeat, repeat_count, reopen_count,
    transferred_to, transferred_from, origin_number, regional_escalation, updated_at)
SELECT %(prefix)s || lpad((1 + (g.n %% %(akimats)s))::text, 3, '0'), g.n, 1,
       cats.codes[1 + (g.n %% array_length(cats.codes, 1))], s.status, 'normal', 'landline', g.received,
       CASE WHEN s.status IN ('closed', 'done', 'citizen_informed') THEN g.received + g.took END,
       CASE WHEN s.status = 'closed' THEN g.received + g.took + interval '6 hours' END,
       g.received + interval '24 hours',
       CASE WHEN s.status IN ('assigned', 'in_progress') AND g.received < now() - interval '24 hours'
            THEN g.received + interval '24 hours 5 minutes' END,
       NULL, g.n %% 4 = 0, 0, 0, NULL, NULL, NULL, NULL, now()
  FROM (SELECT n, now() - random() * interval '365 days' AS received,
               random() * random() * interval '96 hours' AS took
          FROM generate_series(1, %(appeals)s) AS n) AS g
 CROSS JOIN (SELECT array_agg(code ORDER BY code) AS codes FROM regional_categorylabel
              WHERE parent <> '' OR code IN ('transport', 'other')) AS cats
 CROSS JOIN LATERAL (
    SELECT CASE WHEN g.n %% 100 < 80 THEN 'closed' WHEN g.n %% 100 < 84 THEN 'cancelled'
                WHEN g.n %% 100 < 90 THEN 'in_progress' WHEN g.n %% 100 < 94 THEN 'assigned'
                WHEN g.n %% 100 < 97 THEN 'citizen_informed' ELSE 'received' END AS status) AS s
"""


def generate() -> float:
    """GENERATED registry rows and APPEALS facts (SQL), then their tallies by the rebuild path."""
    started = time.perf_counter()
    from django.contrib.gis.geos import MultiPolygon, Polygon

    rows = []
    for index in range(1, GENERATED + 1):
        x = 30 + index * 0.01  # tiny squares far from the region: no intake proposal lands there
        square = Polygon(((x, 30), (x + 0.01, 30), (x + 0.01, 30.01), (x, 30.01), (x, 30)), srid=4326)
        rows.append(
            Akimat(
                schema_name=f"{PREFIX}{index:03d}",
                slug=f"bench-r-{index:03d}",
                kato=f"57{index:04d}000",
                kind="district",
                name_kk=f"Бенч ауданы {index}",
                name_ru=f"Бенч-район {index}",
                name_en=f"Bench {index}",
                boundary=MultiPolygon(square, srid=4326),
            )
        )
    Akimat.objects.bulk_create(rows)
    with connection.cursor() as cursor:
        cursor.execute(GENERATE_FACTS, {"prefix": PREFIX, "akimats": GENERATED, "appeals": APPEALS})
    rebuild_tallies()
    with connection.cursor() as cursor:
        cursor.execute(
            "ANALYZE regional_appealfact; ANALYZE regional_dailytally; ANALYZE regional_statuscount"
        )
    return time.perf_counter() - started


def remove_generated() -> None:
    connection.set_schema_to_public()
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM regional_appealfact WHERE schema LIKE %s", [PREFIX + "%"])
        deleted = cursor.rowcount
        cursor.execute("DELETE FROM tenants_akimat WHERE schema_name LIKE %s", [PREFIX + "%"])
    if deleted:
        rebuild_tallies()


def size() -> tuple[int, int, int]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT (SELECT count(*) FROM regional_appealfact), (SELECT count(*) FROM regional_dailytally), "
            "(SELECT count(*) FROM tenants_akimat WHERE schema_name <> 'public')"
        )
        return cursor.fetchone()


def main() -> None:
    LOG_DIR.mkdir(parents=True, exist_ok=True)
    remove_generated()  # what an interrupted run left
    print("== regional read model (2-core machine, durable commits) ==")
    started = time.perf_counter()
    call_command("seed_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115 (idempotent; quick when seeded)
    seeded = time.perf_counter() - started
    started = time.perf_counter()
    slugs = [akimat.slug for akimat in demo_akimats()]
    call_command("rebuild_read_model", *slugs, stdout=open(os.devnull, "w"))  # noqa: SIM115
    print(
        f"demo data (seed_demo {seeded:.0f} s); rebuild_read_model of {size()[0]:,} appeals through the "
        f"outbox, delivered in-process: {time.perf_counter() - started:.1f} s"
    )
    akimats = demo_akimats()
    with CeleryWorker(LOG_DIR / "regional-worker.log", "bench-regional"):
        commit_to_read_model(akimats[:2], changes=20)  # warm-up: the worker processes open their connections
        delays = commit_to_read_model(akimats)
    print(
        f"akimat commit -> regional read model ({CHANGES} new appeals, one per commit, 20 ms apart, "
        f"{len(akimats)} akimats, 2 worker processes): p50 {percentile(delays, 0.5):.1f} ms  "
        f"p99 {percentile(delays, 0.99):.1f} ms  max {max(delays):.1f} ms"
    )
    cookie = regional_cookie()
    port = int(os.environ.get("IKOMEK_WEB_PORT", "8002"))
    facts, tallies, registry = size()
    connection.close()
    with WebServer(port):
        small = kpi_latencies(port, cookie)
    try:
        seconds = generate()
        big_facts, big_tallies, big_registry = size()
        connection.close()
        with WebServer(port):
            big = kpi_latencies(port, cookie)
    finally:
        remove_generated()
    print(f"generated {GENERATED} akimats, {APPEALS:,} facts with SQL, tallies rebuilt: {seconds:.0f} s")
    print("regional KPI queries through GraphQL (gunicorn, one client, whole HTTP request), median / p90:")
    left, right = f"{registry} akimats, {facts:,} appeals", f"{big_registry} akimats, {big_facts:,} appeals"
    print(f"  {'':<38} {left:>30}   {right:>34}")
    left, right = f"({tallies:,} daily tally rows)", f"({big_tallies:,} daily tally rows)"
    print(f"  {'':<38} {left:>30}   {right:>34}")
    for name in QUERIES:
        a, b = small[name], big[name]
        print(
            f"  {name:<38} {statistics.median(a):8.1f} / {percentile(a, 0.9):6.1f} ms"
            f"{'':>12}{statistics.median(b):8.1f} / {percentile(b, 0.9):6.1f} ms"
        )


if __name__ == "__main__":
    main()
