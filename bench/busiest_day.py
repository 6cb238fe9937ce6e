"""The region's busiest day, replayed open-loop: a winter storm's stream of `createAppeal` (register:
true) over the 14 akimats, sent at scheduled times whatever the server does, with latency measured
from the scheduled time (no coordinated omission).

The stream: akimats weighted by population, a storm's category mix with a few emergencies (they go
on to 112), 1% malformed records (bad phone, bad IIN checksum, a point outside the region, unknown
category, empty and huge descriptions), 0.5% re-sends of an earlier record with the same clientKey.

Prints per minute: sent, accepted, refused, errors, p50 and p99 from the scheduled send, the relay's
lag (age of the oldest undelivered message), how busy the machine's cores were, the web's CPU per
accepted appeal, p99 of how late the driver itself began each send (its own lag on the shared
cores, inside the latencies) and the connections the kernel dropped for a full accept queue
(machine-wide); then checks stored = accepted, that re-sends got the first number, how long the
regional read model took to catch up after the stream, and how long emergencies took to reach the
112 inbox. Prints measurements; asserts nothing.

BENCH_BUSIEST_MINUTES: the per-minute rates (default the storm, averaging 460/s, peaking at 1,100/s);
BENCH_BUSIEST_MINUTE_SECONDS: seconds per "minute" (60; shorter for a quick look);
BENCH_BUSIEST_SCALE: multiplies every rate;
BENCH_BUSIEST_PROXY=nginx: through nginx from infra/nginx in front of gunicorn, as in production
  (IKOMEK_API_INFLIGHT: its bound of API calls in the app's hands, 10 as infra/nginx/render);
BENCH_BUSIEST_URGENT_NICE: the 112 lane's worker's nice (-10 as root, as `make run` starts it);
BENCH_BUSIEST_RELAY_NICE: the default lane's worker's nice (RELAY_WORKER_NICE of `make run`).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import random
import resource
import statistics
import threading
import time
import uuid
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field

from _common import (
    ROOT,
    CeleryWorker,
    WebServer,
    cpu_by_process,
    cpu_used,
    listen_overflows,
    load,
    percentile,
    setup_django,
)

os.environ["DJANGO_DEBUG"] = "false"
setup_django()

from _operators import OperatorTokens  # noqa: E402
from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django_tenants.utils import schema_context, tenant_context  # noqa: E402
from shapely import wkt as shapely_wkt  # noqa: E402
from shapely.geometry import Point  # noqa: E402

from tenants.models import Akimat  # noqa: E402
from tenants.region_data import tenant_specs  # noqa: E402
from testkit.nginx import nginx_before  # noqa: E402

STORM = [240, 300, 380, 460, 560, 700, 1100, 460, 240, 160]  # appeals/s per minute: 4,600/10 = 460 average
MINUTES = [float(r) for r in os.environ.get("BENCH_BUSIEST_MINUTES", ",".join(map(str, STORM))).split(",")]
MINUTE_SECONDS = float(os.environ.get("BENCH_BUSIEST_MINUTE_SECONDS", "60"))
SCALE = float(os.environ.get("BENCH_BUSIEST_SCALE", "1"))
TIMEOUT = 30.0
MALFORMED_SHARE = 0.01
RESEND_SHARE = 0.005
LOG_DIR = ROOT / ".local" / "bench" / "log"
PROXY = os.environ.get("BENCH_BUSIEST_PROXY", "")  # "nginx": the stream goes through nginx
URGENT_NICE = int(os.environ.get("BENCH_BUSIEST_URGENT_NICE", "-10" if os.geteuid() == 0 else "0"))
RELAY_NICE = int(os.environ.get("BENCH_BUSIEST_RELAY_NICE", "0"))

# Rounded population (2023 estimates): a city of 220,000 calls far more often than a district of 12,000.
POPULATION = {
    "petropavlovsk": 220_000, "aiyrtau": 32_000, "akzhar": 15_000, "magzhan-zhumabaev": 31_000,
    "esil": 15_000, "zhambyl": 17_000, "kyzylzhar": 34_000, "mamlyut": 15_000, "shal-akyn": 12_000,
    "akkayin": 18_000, "taiynsha": 34_000, "timiryazev": 10_000, "ualikhanov": 14_000,
    "gabit-musrepov": 36_000,
}  # fmt: skip
# A winter storm: no heat, no power, snow; a few gas leaks, fires and injuries that go on to 112.
STORM_MIX = {
    "heating": 28, "electricity": 20, "snow": 16, "roads": 7, "cold-water": 6, "hot-water": 6,
    "street-lighting": 4, "roofs-entrances": 4, "lifts": 3, "sewerage": 2, "gas": 2,
    "gas-leak": 0.8, "fire": 0.3, "medical": 0.6, "other": 0.3,
}  # fmt: skip
EMERGENCY = {"gas-leak", "fire", "medical"}
DESCRIPTIONS = {
    "heating": "Батареи холодные уже сутки, в квартире 14 градусов",
    "electricity": "Нет света во всём доме после урагана",
    "snow": "Двор не чищен, машины не могут выехать",
    "gas-leak": "Сильный запах газа в подъезде",
    "fire": "Горит сарай во дворе, дым идёт к дому",
    "medical": "Пожилой соседке плохо, упала на льду",
}
CREATE = (
    "mutation($input: CreateAppealInput!) { createAppeal(input: $input) "
    "{ created appeal { number } errors { code field } } }"
)


@dataclass
class Planned:
    at: float  # seconds from the stream's start
    slug: str
    body: bytes
    kind: str  # valid | emergency | malformed:<what> | resend
    client_key: str


@dataclass
class Outcome:
    planned: Planned
    latency_ms: float
    result: str  # accepted | refused | error
    number: int | None = None
    detail: str = ""
    late_ms: float = 0.0  # how late the driver itself began to send (its own lag, not the server's)


@dataclass
class Minute:
    outcomes: list[Outcome] = field(default_factory=list)
    lag_s: float = 0.0


def iin_with_checksum(rng: random.Random, valid: bool) -> str:
    """A 12-digit IIN: a birth date, then digits, then the control digit (deliberately wrong when not
    `valid`); appeals.rules.applicants checks it."""
    while True:
        birth = f"{rng.randint(40, 99):02d}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}"
        digits = [int(d) for d in birth + f"{rng.randint(3, 4)}{rng.randint(0, 9999):04d}"]
        control = sum(d * w for d, w in zip(digits, range(1, 12), strict=True)) % 11
        if control == 10:
            control = (
                sum(d * w for d, w in zip(digits, [3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2], strict=True)) % 11
            )
        if control == 10:
            continue
        if not valid:
            control = (control + 1) % 10
        return "".join(map(str, digits)) + str(control)


class Stream:
    """The storm's records, made from a seeded generator so two runs send the same stream."""

    def __init__(self, akimats: list[Akimat], run: str, seed: int = 109) -> None:
        self.rng = random.Random(seed)
        self.run = run
        self.slugs = [a.slug for a in akimats]
        self.weights = [POPULATION.get(slug, 10_000) for slug in self.slugs]
        self.points = {a.slug: self._points_in(a) for a in akimats}
        self.categories = list(STORM_MIX)
        self.category_weights = list(STORM_MIX.values())
        self.sent: list[Planned] = []
        self.counter = 0

    def _points_in(self, akimat: Akimat, count: int = 400) -> list[tuple[float, float]]:
        shape = shapely_wkt.loads(akimat.boundary.wkt)
        west, south, east, north = shape.bounds
        if akimat.slug != "petropavlovsk":  # districts: most calls come from around their centre
            cx, cy = shape.representative_point().coords[0]
            west, east, south, north = cx - 0.3, cx + 0.3, cy - 0.15, cy + 0.15
        points: list[tuple[float, float]] = []
        while len(points) < count:
            x, y = self.rng.uniform(west, east), self.rng.uniform(south, north)
            if shape.contains(Point(x, y)):
                points.append((round(x, 6), round(y, 6)))
        return points

    def record(self, at: float) -> Planned:
        self.counter += 1
        if self.sent and self.rng.random() < RESEND_SHARE:
            first = self.rng.choice(self.sent[-2000:])
            if first.kind in ("valid", "emergency"):
                return Planned(at, first.slug, first.body, "resend", first.client_key)
        slug = self.rng.choices(self.slugs, self.weights)[0]
        category = self.rng.choices(self.categories, self.category_weights)[0]
        lon, lat = self.rng.choice(self.points[slug])
        key = f"bd-{self.run}-{self.counter}"
        data = {
            "channel": "LANDLINE",
            "description": DESCRIPTIONS.get(category, "Прошу принять меры, проблема повторяется"),
            "applicantPhone": f"+7705{self.rng.randint(0, 9_999_999):07d}",
            "applicantName": "Житель",
            "applicantIin": iin_with_checksum(self.rng, valid=True) if self.rng.random() < 0.3 else "",
            "applicantLanguage": self.rng.choice(["KK", "RU"]),
            "address": "ул. Абая, 12",
            "category": category,
            "location": {"longitude": lon, "latitude": lat},
            "clientKey": key,
            "register": True,
        }
        kind = "emergency" if category in EMERGENCY else "valid"
        if self.rng.random() < MALFORMED_SHARE:
            what = self.rng.choice(["phone", "iin", "outside", "category", "empty", "huge"])
            kind = f"malformed:{what}"
            if what == "phone":
                data["applicantPhone"] = "12-34"
            elif what == "iin":
                data["applicantIin"] = iin_with_checksum(self.rng, valid=False)
            elif what == "outside":
                data["location"] = {"longitude": 76.95, "latitude": 43.25}  # Almaty, far outside the region
            elif what == "category":
                data["category"] = "no-such-category"
            elif what == "empty":
                data["description"] = ""
            else:
                data["description"] = "Очень длинно. " * 2000
        body = json.dumps({"query": CREATE, "variables": {"input": data}}, ensure_ascii=False).encode()
        planned = Planned(at, slug, body, kind, key)
        if not kind.startswith("malformed"):
            self.sent.append(planned)
        return planned

    def schedule(self) -> list[list[Planned]]:
        """Poisson arrivals at each minute's rate."""
        minutes: list[list[Planned]] = []
        for index, rate in enumerate(MINUTES):
            rate *= SCALE
            start, end = index * MINUTE_SECONDS, (index + 1) * MINUTE_SECONDS
            at = start + self.rng.expovariate(rate)
            planned: list[Planned] = []
            while at < end:
                planned.append(self.record(at))
                at += self.rng.expovariate(rate)
            minutes.append(planned)
        return minutes


def request_bytes(planned: Planned, credentials: str) -> bytes:
    host = f"{planned.slug}.localhost"
    # As the 109 line's telephony marks a call it routes to 112: nginx never sheds it (decision 86).
    marked = "X-Ikomek-Emergency: 1\r\n" if planned.kind == "emergency" else ""
    head = (
        f"POST /graphql/ HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(planned.body)}\r\n{credentials}{marked}Connection: close\r\n\r\n"
    )
    return head.encode() + planned.body


def judge(planned: Planned, status: int, body: bytes) -> tuple[str, int | None, str]:
    if status == 429:
        return "shed", None, "overloaded"  # answered at once: try again with the same clientKey
    if status >= 500:
        return "error", None, f"HTTP {status}"
    try:
        data = json.loads(body)
    except ValueError:
        return "error", None, f"HTTP {status}, not JSON"
    result = (data.get("data") or {}).get("createAppeal") or {}
    if result.get("appeal") and not result.get("errors"):
        return "accepted", int(result["appeal"]["number"]), ""
    codes = [e.get("code", "") for e in result.get("errors") or []] or [
        str((e.get("extensions") or {}).get("code", e.get("message", "")))[:60]
        for e in data.get("errors") or []
    ]
    return "refused", None, ",".join(codes) or f"HTTP {status}"


async def send_one(port: int, planned: Planned, payload: bytes, due: float) -> Outcome:
    late = (time.monotonic() - due) * 1000
    try:
        async with asyncio.timeout(TIMEOUT):
            reader, writer = await asyncio.open_connection("127.0.0.1", port)
            writer.write(payload)
            await writer.drain()
            raw = await reader.read()
            writer.close()
    except (TimeoutError, OSError) as error:
        # The errno tells the driver's own limits (ports, descriptors) from the server's refusals.
        code = f" errno {error.errno}" if getattr(error, "errno", None) else ""
        waited = (time.monotonic() - due) * 1000
        return Outcome(planned, waited, "error", detail=type(error).__name__ + code, late_ms=late)
    latency = (time.monotonic() - due) * 1000
    head, _, body = raw.partition(b"\r\n\r\n")
    try:
        status = int(head.split(b" ", 2)[1])
    except (IndexError, ValueError):
        return Outcome(planned, latency, "error", detail="no HTTP response", late_ms=late)
    if b"chunked" in head.lower():
        body = b"".join(body.split(b"\r\n")[1::2])
    result, number, detail = judge(planned, status, body)
    return Outcome(planned, latency, result, number, detail, late_ms=late)


async def drive(port: int, minutes: list[list[Planned]], credentials: dict[str, str]) -> list[Minute]:
    loop = asyncio.get_running_loop()
    results = [Minute() for _ in minutes]
    pending: set[asyncio.Task] = set()
    start = loop.time() + 1.0

    # asyncio's clock is time.monotonic(): the scheduled time and the measurement share it.
    async def fire(index: int, planned: Planned, payload: bytes) -> None:
        results[index].outcomes.append(await send_one(port, planned, payload, start + planned.at))

    for index, planned_minute in enumerate(minutes):
        for planned in planned_minute:
            payload = request_bytes(planned, credentials[planned.slug])
            delay = start + planned.at - loop.time()
            if delay > 0:
                await asyncio.sleep(delay)
            task = loop.create_task(fire(index, planned, payload))
            pending.add(task)
            task.add_done_callback(pending.discard)
    while pending:
        await asyncio.sleep(0.1)
    return results


# when, relay lag, pending, CPU by pid, the kernel's listen queue overflows so far
Sample = tuple[float, float, int, dict[int, tuple[str, float]], int]


class LagSampler(threading.Thread):
    """Once a second: the age of the oldest message the relay has not delivered (seconds), and the
    CPU time each part of the platform has used so far (a minute's share is read from them)."""

    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.samples: list[Sample] = []
        self.stopping = threading.Event()
        # The kernel's count before the stream: the first minute's drops are counted from it.
        self.overflows_at_start = listen_overflows()

    def run(self) -> None:
        import psycopg

        db = settings.DATABASES["default"]
        with psycopg.connect(
            host=db["HOST"], port=db["PORT"], dbname=db["NAME"], user=db["USER"], password=db["PASSWORD"],
            autocommit=True,
        ) as conn:  # fmt: skip
            while not self.stopping.wait(1.0):
                row = conn.execute(
                    # By the partial indexes of what is due and what is out (a scan of every
                    # message each second cost PostgreSQL 48 ms a time on a grown bench database).
                    "SELECT coalesce(extract(epoch FROM now() - min(created_at)), 0), count(*) FROM ("
                    "SELECT created_at FROM public.federation_message "
                    "WHERE state IN ('pending', 'retrying') UNION ALL SELECT created_at "
                    "FROM public.federation_message WHERE state = 'delivering') AS m"
                ).fetchone()
                try:
                    cpu, overflows = cpu_by_process(), listen_overflows()
                except OSError:  # the driver out of descriptors at the peak: this second goes unsampled
                    continue
                self.samples.append((time.monotonic(), float(row[0]), int(row[1]), cpu, overflows))


def stored_numbers(akimats: list[Akimat], run: str) -> dict[str, dict[str, int]]:
    """client key → number of what the run stored, per akimat."""
    stored: dict[str, dict[str, int]] = {}
    for akimat in akimats:
        with tenant_context(akimat), connection.cursor() as cursor:
            cursor.execute(
                "SELECT client_key, number FROM appeals_appeal WHERE client_key LIKE %s", [f"bd-{run}-%"]
            )
            stored[akimat.slug] = dict(cursor.fetchall())
    return stored


def read_model_caught_up(numbers: dict[str, set[int]]) -> bool:
    """Every accepted appeal has its fact in the region, and no message waits to be delivered."""
    from federation.messaging.models import Message, MessageState
    from regional.models import AppealFact

    with schema_context("public"):
        if Message.objects.exclude(state__in=[MessageState.DELIVERED, MessageState.DEAD]).exists():
            return False
        return all(
            AppealFact.objects.filter(schema=schema, number__in=wanted).count() == len(wanted)
            for schema, wanted in numbers.items()
        )


def emergency_latencies(accepted: list[Outcome], schemas: dict[str, str]) -> list[tuple[int, float]]:
    """(minute of the stream, ms from the appeal's commit (its received_at) to the incident in the
    112 inbox)."""
    from federation.emergency_112.models import Incident

    minute_of = {
        (schemas[o.planned.slug], str(o.number)): int(o.planned.at // MINUTE_SECONDS)
        for o in accepted
        if o.planned.kind == "emergency"
    }
    wanted = list(minute_of)
    received: dict[tuple[str, str], float] = {}
    for schema in {s for s, _ in wanted}:
        numbers = [n for s, n in wanted if s == schema]
        with schema_context(schema), connection.cursor() as cursor:
            cursor.execute(
                "SELECT number::text, received_at FROM appeals_appeal WHERE number = ANY(%s)",
                [[int(n) for n in numbers]],
            )
            received.update({(schema, n): at.timestamp() for n, at in cursor.fetchall()})
    with schema_context("public"):
        rows = Incident.objects.filter(appeal_number__in=[n for _, n in wanted]).values_list(
            "source_schema", "appeal_number", "received_at"
        )
        return [
            (minute_of[(schema, number)], (at.timestamp() - received[(schema, number)]) * 1000)
            for schema, number, at in rows
            if (schema, number) in received
        ]


@contextlib.contextmanager
def proxy_before(port: int) -> Iterator[int]:
    """The port the stream is sent to: gunicorn's own, or nginx's from infra/nginx in front of it
    (BENCH_BUSIEST_PROXY=nginx), as production runs it: nginx holds the callers' connections and
    reads their bodies, gunicorn gets whole requests."""
    if PROXY != "nginx":
        yield port
        return
    directory = LOG_DIR / "nginx"
    directory.mkdir(parents=True, exist_ok=True)
    with nginx_before(
        f"127.0.0.1:{port}",
        directory,
        base_domain=settings.BASE_DOMAIN,
        connections=8192,
        workers="auto",
        api_inflight=int(os.environ.get("IKOMEK_API_INFLIGHT", "10")),  # infra/nginx/render's default
    ) as front:
        yield front


def main() -> None:
    _soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    slugs = [spec.slug for spec in tenant_specs()]
    akimats = list(Akimat.objects.filter(is_active=True, slug__in=slugs).order_by("kato"))
    schemas = {a.slug: a.schema_name for a in akimats}
    run = uuid.uuid4().hex[:8]
    stream = Stream(akimats, run)
    minutes = stream.schedule()
    total = sum(len(m) for m in minutes)
    operators = OperatorTokens(akimats)
    connection.close()
    LOG_DIR.mkdir(parents=True, exist_ok=True)
    port = int(os.environ.get("IKOMEK_WEB_PORT", "8002"))
    print(f"== busiest day: {total:,} records over {len(minutes)} x {MINUTE_SECONDS:.0f} s, "
          f"{len(akimats)} akimats, open-loop, operators with "
          f"{'Keycloak tokens' if operators.bearer else 'sessions (no Keycloak)'}"
          f"{', through nginx' if PROXY == 'nginx' else ''} ==")  # fmt: skip
    with (
        contextlib.ExitStack() as stack,
        WebServer(port) as server,
        CeleryWorker(
            LOG_DIR / "busiest-worker.log",
            "busiest",
            concurrency=2,
            loglevel="WARNING",
            queues="celery",
            nice=RELAY_NICE,
        ),
        CeleryWorker(
            LOG_DIR / "busiest-cad.log", "busiest-cad", concurrency=1, loglevel="WARNING", queues="cad"
        ),
        CeleryWorker(
            LOG_DIR / "busiest-urgent.log",
            "busiest-urgent",
            concurrency=1,
            loglevel="WARNING",
            queues="urgent",
            nice=URGENT_NICE,
        ),
    ):
        load(port, "petropavlovsk.localhost", "/healthz", seconds=2)  # warm-up: every worker learns the host
        healthz = load(port, "petropavlovsk.localhost", "/healthz", seconds=5)
        front = stack.enter_context(proxy_before(port))
        sampler = LagSampler()
        sampler.start()
        operators.start()
        started = time.monotonic()
        results = asyncio.run(drive(front, minutes, operators.headers))
        ended = time.monotonic()
        operators.stopping.set()
        report(results, sampler, started)
        outcomes = [o for m in results for o in m.outcomes]
        accepted = [o for o in outcomes if o.result == "accepted"]
        by_schema: dict[str, set[int]] = defaultdict(set)
        for outcome in accepted:
            by_schema[schemas[outcome.planned.slug]].add(outcome.number or 0)
        caught_up = None
        while time.monotonic() - ended < 120:
            if read_model_caught_up(by_schema):
                caught_up = time.monotonic() - ended
                break
            time.sleep(0.5)
        sampler.stopping.set()
        check(outcomes, stored_numbers(akimats, run))
        if caught_up is None:
            print("regional read model NOT caught up 120 s after the stream ended")
        else:
            print(f"regional read model caught up {caught_up:.1f} s after the stream ended")
        emergencies = emergency_latencies(accepted, schemas)
        if emergencies:
            every = [ms for _, ms in emergencies]
            p50, p99 = statistics.median(every), percentile(every, 0.99)
            print(f"emergencies to the 112 inbox: n={len(every)} p50 {p50:.0f} ms p99 {p99:.0f} ms")
            per_minute = []
            for index in range(len(minutes)):
                these = [ms for minute, ms in emergencies if minute == index]
                if these:
                    per_minute.append(f"{index + 1}: n={len(these)} p99 {percentile(these, 0.99):.0f}")
            print("  by minute of the stream: " + ", ".join(per_minute))
        # The sampler's CPU readings a second apart (an ended process's CPU is not taken back).
        stream = [sample for sample in sampler.samples if started <= sample[0] <= ended]
        capacity = (stream[-1][0] - stream[0][0]) * (os.cpu_count() or 1) if len(stream) > 1 else 1.0
        shares = {part: seconds / capacity for part, seconds in cpu_used([s[3] for s in stream]).items()}
        used = sorted(((share, part) for part, share in shares.items() if share >= 0.005), reverse=True)
        print("the machine's CPU during the stream: " + ", ".join(f"{p} {s * 100:.0f}%" for s, p in used))
        print(f"/healthz on petropavlovsk.localhost {healthz['rps']:.0f} req/s (same run, "
              f"{server.workers} sync workers)")  # fmt: skip


def report(results: list[Minute], sampler: LagSampler, started: float) -> None:
    print(f"{'min':>3} {'rate':>5} {'sent':>6} {'accepted':>8} {'refused':>7} {'shed':>6} {'errors':>6} "
          f"{'p50 ms':>7} {'p99 ms':>7} {'acc. p99':>8} {'relay lag s':>11} {'pending':>7} "
          f"{'busy %':>6} {'web ms':>6} {'late p99':>8} {'SYN drops':>9}")  # fmt: skip
    overflows = sampler.overflows_at_start
    for index, minute in enumerate(results):
        window = (started + index * MINUTE_SECONDS, started + (index + 1) * MINUTE_SECONDS)
        inside = [s for s in sampler.samples if window[0] <= s[0] < window[1]]
        lag = max((s[1] for s in inside), default=0.0)
        pending = max((s[2] for s in inside), default=0)
        # Callers turned away by a full accept queue (nginx's, gunicorn's) in the minute: whole seconds
        # of TCP retries inside their latency.
        dropped = (inside[-1][4] - overflows) if inside else 0
        overflows = inside[-1][4] if inside else overflows
        busy, web_ms = _minute_cpu(inside, sum(1 for o in minute.outcomes if o.result == "accepted"))
        counts = Counter(o.result for o in minute.outcomes)
        latencies = [o.latency_ms for o in minute.outcomes] or [0.0]
        accepted = [o.latency_ms for o in minute.outcomes if o.result == "accepted"] or [0.0]
        rate, sent = MINUTES[index] * SCALE, len(minute.outcomes)
        p50, p99, accepted_p99 = (
            statistics.median(latencies),
            percentile(latencies, 0.99),
            percentile(accepted, 0.99),
        )
        print(
            f"{index + 1:>3} {rate:>5.0f} {sent:>6} {counts['accepted']:>8} {counts['refused']:>7} "
            f"{counts['shed']:>6} {counts['error']:>6} {p50:>7.0f} {p99:>7.0f} {accepted_p99:>8.0f} "
            f"{lag:>11.1f} {pending:>7} {busy:>6.0f} {web_ms:>6.1f} "
            f"{percentile([o.late_ms for o in minute.outcomes] or [0.0], 0.99):>8.0f} {dropped:>9}"
        )


def _minute_cpu(samples: list[Sample], accepted: int) -> tuple[float, float]:
    """(the machine's CPU busy in the minute, % of all cores by the platform's processes; the web
    workers' CPU per accepted appeal, ms): how the cost of an appeal moves as the stream goes on."""
    if len(samples) < 2:
        return 0.0, 0.0
    first, last = samples[0][0], samples[-1][0]
    used = cpu_used([sample[3] for sample in samples])
    busy = sum(used.values()) / ((last - first) * (os.cpu_count() or 1)) * 100
    # The accepted of the whole minute against the web's CPU of the sampled part of it.
    web_ms = used.get("web", 0.0) * 1000 / max(1, accepted) * (MINUTE_SECONDS / max(1e-9, last - first))
    return busy, web_ms


def check(outcomes: list[Outcome], stored: dict[str, dict[str, int]]) -> None:
    """Every accepted record stored once; malformed refused; re-sends given the first number."""
    accepted = [o for o in outcomes if o.result == "accepted"]
    keys = {(o.planned.slug, o.planned.client_key): o.number for o in accepted}
    stored_count = sum(len(per) for per in stored.values())
    missing = [k for k in keys if stored.get(k[0], {}).get(k[1]) != keys[k]]
    malformed_accepted = [o for o in accepted if o.planned.kind.startswith("malformed")]
    valid_refused = [
        o for o in outcomes if o.result == "refused" and not o.planned.kind.startswith("malformed")
    ]
    resends = [o for o in accepted if o.planned.kind == "resend"]
    shed = [o for o in outcomes if o.result == "shed"]
    stored_keys = {k for per in stored.values() for k in per}  # once: a storm sheds 200,000 and more
    shed_stored = [o for o in shed if o.planned.client_key in stored_keys]
    errors = Counter(o.detail for o in outcomes if o.result == "error")
    verdict = (
        "stored = accepted"
        if stored_count == len(keys) and not missing
        else f"MISMATCH, {len(missing)} missing"
    )
    print(f"accepted {len(accepted):,} (distinct keys {len(keys):,}), stored {stored_count:,}: {verdict}")
    same = all(keys[(o.planned.slug, o.planned.client_key)] == o.number for o in resends)
    print(f"re-sends answered: {len(resends)}, all with the first number: {same}")
    malformed_refused = sum(
        1 for o in outcomes if o.planned.kind.startswith("malformed") and o.result == "refused"
    )
    why = f" ({Counter(o.detail for o in valid_refused).most_common(3)})" if valid_refused else ""
    print(
        f"malformed refused: {malformed_refused}, malformed accepted: {len(malformed_accepted)}, "
        f"valid refused: {len(valid_refused)}{why}"
    )
    print(
        f"shed (429, Retry-After): {len(shed):,}, emergencies among them: "
        f"{sum(1 for o in shed if o.planned.kind == 'emergency')}, stored anyway: {len(shed_stored)} "
        "(a re-send of a record answered before)"
    )
    if errors:
        print(f"errors: {dict(errors.most_common(5))}")


if __name__ == "__main__":
    main()
