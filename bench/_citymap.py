"""What the city map's benches share: the bench akimat on Petropavlovsk's boundary (onboarded once,
kept between runs) and its 50,000 generated buildings (BENCH_MAP_BUILDINGS)."""

from __future__ import annotations

import os
import time

from django.db import connection
from django_tenants.utils import tenant_context

from appeals.models import Organisation
from citymap.models import MapObject, Street
from citymap.search.normalise import street_key, street_search_text
from tenants.models import Akimat
from tenants.onboarding import onboard_tenant
from tenants.region_data import tenant_spec
from tenants.specs import TenantSpec

BUILDINGS = int(os.environ.get("BENCH_MAP_BUILDINGS", "50000"))
HOUSES_PER_STREET = 100
SLUG = "bench-map"
HOST = f"{SLUG}.localhost"

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


def fill_buildings(tenant: Akimat) -> tuple[int, float]:
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
