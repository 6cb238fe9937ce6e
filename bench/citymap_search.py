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

from django.db import connection  # noqa: E402
from django_tenants.utils import tenant_context  # noqa: E402

from appeals.models import Organisation  # noqa: E402
from citymap.models import MapObject, Street  # noqa: E402
from citymap.search.addresses import search_addresses  # noqa: E402
from citymap.search.nearest import nearest_objects  # noqa: E402
from citymap.search.normalise import street_key, street_search_text  # noqa: E402
from tenants.models import Akimat  # noqa: E402
from tenants.onboarding import onboard_tenant  # noqa: E402
from tenants.region_data import tenant_spec  # noqa: E402
from tenants.specs import TenantSpec  # noqa: E402

BUILDINGS = int(os.environ.get("BENCH_MAP_BUILDINGS", "50000"))
HOUSES_PER_STREET = 100
SLUG = "bench-map"
HOST = f"{SLUG}.localhost"
RUNS = int(os.environ.get("BENCH_MAP_RUNS", "2000"))

# (Russian, Kazakh) names; each also gets lanes and passages ("2-й переулок Абая") so that many
# streets share most of their trigrams, as in a real city.
NAMES = [
    ("Абая", "Абай"), ("Жамбыла", "Жамбыл"), ("Жумабаева", "Жұмабаев"), ("Букетова", "Бөкетов"),
    ("Ауэзова", "Әуезов"), ("Сатпаева", "Сәтбаев"), ("Уалиханова", "Уәлиханов"), ("Мусрепова", "Мүсірепов"),
    ("Сутюшева", "Сүтішев"), ("Алтынсарина", "Алтынсарин"), ("Абылай хана", "Абылай хан"),
    ("Батыр Баяна", "Батыр Баян"), ("Токсан би", "Тоқсан би"), ("Кунаева", "Қонаев"),
    ("Сейфуллина", "Сейфуллин"), ("Майлина", "Майлин"), ("Байтурсынова", "Байтұрсынов"),
    ("Кошукова", "Кошуков"), ("Пушкина", "Пушкин"), ("Гоголя", "Гоголь"), ("Лермонтова", "Лермонтов"),
    ("Чехова", "Чехов"), ("Горького", "Горький"), ("Толстого", "Толстой"), ("Маяковского", "Маяковский"),
    ("Чкалова", "Чкалов"), ("Гагарина", "Гагарин"), ("Королёва", "Королев"), ("Мира", "Мир"),
    ("Победы", "Жеңіс"), ("Парковая", "Парк"), ("Юбилейная", "Мерейтой"), ("Школьная", "Мектеп"),
    ("Садовая", "Бақша"), ("Степная", "Дала"), ("Целинная", "Тың"), ("Молодёжная", "Жастар"),
    ("Интернациональная", "Интернационал"), ("Конституции Казахстана", "Қазақстан Конституциясы"),
    ("Казахстанской правды", "Қазақстан правдасы"), ("Шухова", "Шухов"), ("Хименко", "Хименко"),
    ("Семашко", "Семашко"), ("Янко", "Янко"), ("Позолотина", "Позолотин"), ("Ахременко", "Ахременко"),
    ("Брусиловского", "Брусиловский"), ("Воровского", "Воровский"), ("Жабаева", "Жабаев"),
    ("Сулейменова", "Сүлейменов"),
]  # fmt: skip
KINDS = [("ул. {ru}", "{kk} көшесі"), ("пер. {ru}", "{kk} тұйық көшесі"), ("проезд {ru}", "{kk} өткелі"),
         ("2-й пер. {ru}", "{kk} 2-тұйық көшесі"), ("3-й пер. {ru}", "{kk} 3-тұйық көшесі"),
         ("тупик {ru}", "{kk} тұйығы"), ("пр. {ru}", "{kk} даңғылы"),
         ("4-й пер. {ru}", "{kk} 4-тұйық көшесі"), ("5-й пер. {ru}", "{kk} 5-тұйық көшесі"),
         ("6-й пер. {ru}", "{kk} 6-тұйық көшесі")]  # fmt: skip

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


def bench_tenant() -> Akimat:
    """A tenant on Petropavlovsk's real boundary, onboarded once and kept between runs."""
    city = tenant_spec("petropavlovsk")
    spec = TenantSpec(
        slug=SLUG,
        kato="598700000",
        kind="district",
        name_kk="Бенч карта",
        name_ru="Бенч карта",
        name_en="Bench map",
        boundary=city.boundary,
    )
    return onboard_tenant(spec).tenant


GENERATE = """
INSERT INTO citymap_mapobject (kind, external_id, name_kk, name_ru, street_id, house, house_number,
    address_kk, address_ru, geometry, point, apartments, floors, year_built, organisation_id, search_text,
    properties, imported_at, updated_at)
SELECT 'building', 'b-' || s.id || '-' || h.house, '', '', s.id, h.house, h.n,
       s.name_kk || ', ' || h.house, s.name_ru || ', ' || h.house, p.g, p.g, 60, 5, 1980, %(organisation)s,
       '', '{}'::jsonb, now(), now()
  FROM citymap_street s
 CROSS JOIN generate_series(1, %(houses)s) AS g(n)
 CROSS JOIN LATERAL (SELECT g.n AS n, g.n::text || CASE WHEN g.n %% 7 = 0 THEN 'а' WHEN g.n %% 11 = 0 THEN 'б'
                                                   ELSE '' END AS house) h
 CROSS JOIN LATERAL (
       SELECT ST_SetSRID(ST_MakePoint(69.09 + (hashtext(s.id || '-' || g.n) & 65535) / 65535.0 * 0.16,
                                      54.84 + (hashtext(g.n || '+' || s.id) & 65535) / 65535.0 * 0.07),
                         4326) AS g) p
ON CONFLICT (kind, external_id) DO NOTHING
"""  # fmt: skip


def fill(tenant: Akimat) -> tuple[int, float]:
    with tenant_context(tenant):
        have = MapObject.objects.filter(kind="building").count()
        if have >= BUILDINGS:
            return have, 0.0
        started = time.perf_counter()
        organisation = Organisation.objects.get(code="housing-department")
        wanted = BUILDINGS // HOUSES_PER_STREET
        streets = []
        for index in range(wanted):
            ru, kk = NAMES[index % len(NAMES)]
            ru_form, kk_form = KINDS[(index // len(NAMES)) % len(KINDS)]
            name_ru, name_kk = ru_form.format(ru=ru), kk_form.format(kk=kk)
            streets.append(Street(key=street_key(name_ru), name_ru=name_ru, name_kk=name_kk,
                                  search_text=street_search_text(name_ru, name_kk)))  # fmt: skip
        Street.objects.bulk_create(streets, ignore_conflicts=True)
        with connection.cursor() as cursor:
            cursor.execute(GENERATE, {"organisation": organisation.pk, "houses": HOUSES_PER_STREET})
            cursor.execute("ANALYZE citymap_street")
            cursor.execute("ANALYZE citymap_mapobject")
        return MapObject.objects.filter(kind="building").count(), time.perf_counter() - started


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
    count, seconds = fill(tenant)
    rng = random.Random(14)
    print("== city map: address search (2-core machine) ==")
    print(f"akimat {SLUG}: {count:,} buildings" + (f" (generated in {seconds:.0f} s)" if seconds else ""))
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
