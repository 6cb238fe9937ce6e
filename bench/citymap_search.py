"""City map: address search and reverse lookup on an akimat holding 50,000 buildings (generated:
500 streets of real and made-up names with much in common, 100 houses each, letters on some).

Prints p50 and p99 of `search_addresses` (Kazakh and Russian, typos, house-number forms, named
objects) and of `nearest_objects` in the process, and of `addressSearch` through GraphQL over a
real web server (one client). Asserts nothing. BENCH_MAP_BUILDINGS changes the size.
"""

from __future__ import annotations

import http.client
import json
import os
import random
import statistics
import time

from _common import CSRF_HEADERS, WebServer, percentile, setup_django, with_csrf

os.environ["DJANGO_DEBUG"] = "false"
setup_django()

from _citymap import HOST, bench_tenant, fill_buildings  # noqa: E402
from django.db import connection  # noqa: E402
from django_tenants.utils import tenant_context  # noqa: E402

from citymap.search.addresses import search_addresses  # noqa: E402
from citymap.search.nearest import nearest_objects  # noqa: E402

RUNS = int(os.environ.get("BENCH_MAP_RUNS", "2000"))

QUERIES = [
    "Абая 12а", "ул. Абая, д. 12 А", "Абай көшесі 12а", "Жумабаева 57", "Жұмабаев көшесі, 57 үй",
    "Жумабаев 57", "Конституции Казахстана 33", "Қазақстан Конституциясы 33", "Канституции Казахстана 33",
    "Жамбл 14", "Жамбыл 14", "Ауэзова 7", "Әуезов 7", "Сатпаева 81б", "Сәтбаев көшесі 81 Б",
    "пер. Гоголя 5", "2-й пер. Гоголя 5", "Гоголь 5", "Мусрепова 1", "Мүсірепов 1", "Сейфулина 40",
    "Кунаева 99", "Қонаев 99", "Абылай хана 3/1", "Батыр Баяна 23", "Алтынсарина", "Маяковского д. 8 а",
    "Токсан би 15", "Тоқсан би 15", "Байтурсынова 61", "проезд Чкалова 2", "Гагарина, дом 100",
    "Королева 10", "Сутюшева 44а", "Сүтішев 44", "Мира 200", "Победы 1", "Жеңіс 1", "Юбилейная 30",
    "Мерейтой 30", "Абая", "Школьная 12", "Мектеп көшесі 12", "Зеленоградская 5",
]  # fmt: skip


def timed(call: object, runs: int) -> list[float]:
    values = []
    for index in range(runs):
        started = time.perf_counter()
        call(index)
        values.append((time.perf_counter() - started) * 1000)
    return values


def graphql(port: int, text: str) -> float:
    body = json.dumps({"query": "query($t: String!) { addressSearch(text: $t) { id labelRu score } }",
                       "variables": {"t": text}})  # fmt: skip
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    started = time.perf_counter()
    conn.request("POST", "/graphql/", body=body, headers={"Host": HOST, "Content-Type": "application/json",
                 "Cookie": with_csrf(""), **CSRF_HEADERS})  # fmt: skip
    answer = json.loads(conn.getresponse().read())
    elapsed = (time.perf_counter() - started) * 1000
    conn.close()
    if "errors" in answer:
        raise RuntimeError(answer["errors"])
    return elapsed


def line(name: str, values: list[float]) -> str:
    return (f"  {name:<44} p50 {statistics.median(values):6.1f} ms  p99 {percentile(values, 0.99):6.1f} ms  "
            f"max {max(values):6.1f} ms  (n={len(values)})")  # fmt: skip


def main() -> None:
    tenant = bench_tenant()
    count, seconds = fill_buildings(tenant)
    rng = random.Random(14)
    print("== city map: address search (2-core machine) ==")
    print(
        f"akimat {tenant.slug}: {count:,} buildings" + (f" (generated in {seconds:.0f} s)" if seconds else "")
    )
    with tenant_context(tenant):
        for text in QUERIES:  # warm the caches and the plans once
            search_addresses(text)
        found = sum(1 for text in QUERIES if search_addresses(text))
        search = timed(lambda i: search_addresses(QUERIES[i % len(QUERIES)]), RUNS)
        pins = [(69.09 + rng.random() * 0.16, 54.84 + rng.random() * 0.07) for _ in range(RUNS)]
        nearest = timed(lambda i: nearest_objects(*pins[i], kinds=["building"]), RUNS)
        anything = timed(lambda i: nearest_objects(*pins[i]), RUNS)
    print(
        f"{len(QUERIES)} queries (kk, ru, typos, house forms), {found} with results, "
        f"each run {RUNS // len(QUERIES)}x"
    )
    print(line("search_addresses (in the process)", search))
    print(line("nearest_objects: buildings by a pin", nearest))
    print(line("nearest_objects: any kind by a pin", anything))
    port = int(os.environ.get("IKOMEK_WEB_PORT", "8002"))
    connection.close()
    with WebServer(port):
        for text in QUERIES:
            graphql(port, text)
        over_http = [graphql(port, QUERIES[i % len(QUERIES)]) for i in range(min(RUNS, 1000))]
    print(line("addressSearch through GraphQL (one client)", over_http))


if __name__ == "__main__":
    main()
