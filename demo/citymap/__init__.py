"""The demo map for `make run` (`manage.py seed_demo`): Petropavlovsk's buildings on real street
names where the demo appeals put them, its network (data/petropavlovsk-network.geojson), the demo
appeals linked to their buildings, works on a few objects, an emergency outage with calls on it and
a planned one; smaller sets for Kyzylzhar (data/kyzylzhar.csv) and Esil (data/esil.geojson).
Everything goes through the real import service and actions. Idempotent: an akimat with map
objects is skipped."""

from __future__ import annotations

import datetime
import json
import time
from collections.abc import Iterator
from pathlib import Path

import shapely
from django.db import transaction
from django.utils import timezone
from django_tenants.utils import tenant_context

from demo.citymap.buildings import building_features

DATA = Path(__file__).resolve().parent / "data"
CITY = "petropavlovsk"
DISTRICT_FILES = {"kyzylzhar": "kyzylzhar.csv", "esil": "esil.geojson"}


def _import(content: bytes, filename: str) -> str:
    from appeals.events import SYSTEM
    from citymap.imports.service import import_city_objects

    report = import_city_objects(SYSTEM, content, filename=filename)
    if not report.imported:
        problems = (
            [report.file_problem] if report.file_problem else [p for r in report.rejected for p in r.problems]
        )
        raise RuntimeError(f"{filename}: " + "; ".join(f"{p.field}: {p.text}" for p in problems[:5]))
    return f"{report.created + report.updated} objects"


def _city(tenant: object) -> list[str]:
    done = []
    boundary = shapely.from_wkb(bytes(tenant.boundary.wkb))
    features = list(building_features(boundary))
    buildings = json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False).encode()
    done.append(_import(buildings, "petropavlovsk-buildings.geojson"))
    done.append(
        _import((DATA / "petropavlovsk-network.geojson").read_bytes(), "petropavlovsk-network.geojson")
    )
    from citymap.links.actions import link_appeals_by_object_key

    done.append(f"{link_appeals_by_object_key()} appeals linked to their buildings")
    _works()
    done.append(_outages())
    return done


def _works() -> None:
    from citymap.models import MapObject, ObjectWork

    today = timezone.localdate()
    plans = [
        ("pipe", "T-1", "Жылу трассасын ауыстыру", "Замена участка теплотрассы", "planned", 30),
        ("boiler_house", "K-2", "Қазандықты маусымға дайындау", "Подготовка котельной к сезону", "done", -90),
        ("building", "konstitucii-12", "Шатырды жөндеу", "Ремонт кровли", "planned", 14),
        ("building", "abaya-5", "Кіреберістерді жөндеу", "Ремонт подъездов", "done", -40),
        ("substation", "TP-102", "Трансформаторды ауыстыру", "Замена трансформатора", "in_progress", -3),
    ]  # fmt: skip
    for kind, external_id, title_kk, title_ru, status, start in plans:
        map_object = MapObject.objects.filter(kind=kind, external_id=external_id).first()
        if map_object is None:
            continue
        begins = today + datetime.timedelta(days=start)
        ObjectWork.objects.create(
            map_object=map_object,
            title_kk=title_kk,
            title_ru=title_ru,
            status=status,
            planned_start=begins,
            planned_end=begins + datetime.timedelta(days=10),
            done_on=begins + datetime.timedelta(days=9) if status == "done" else None,
            organisation=map_object.organisation,
        )


CALLERS = [("+77051234501", "Айгүл Сейітова", "kk"), ("+77771234502", "Ольга Петренко", "ru"),
           ("+77011234503", "Нұрлан Әбілов", "kk")]  # fmt: skip


def _outages() -> str:
    from appeals.events import SYSTEM
    from citymap.models import MapObject
    from citymap.outages.actions import CallInput, OutageInput, declare_outage, end_outage, link_call

    now = timezone.now()
    boiler = MapObject.objects.get(kind="boiler_house", external_id="K-1")
    emergency = declare_outage(
        SYSTEM,
        OutageInput(
            kind="heating",
            nature="emergency",
            cause=(
                "Т-1 жылу трассасының ЖК-1-1 камерасы маңында жарылуы / Порыв теплотрассы Т-1 у камеры ТК-1-1"
            ),
            starts_at=now - datetime.timedelta(hours=3),
            expected_end_at=now + datetime.timedelta(hours=9),
            source_object_id=boiler.pk,
        ),
    )
    homes = list(
        MapObject.objects.filter(outage_links__outage=emergency).order_by("external_id")[: len(CALLERS)]
    )
    for (phone, name, language), home in zip(CALLERS, homes, strict=False):
        link_call(
            SYSTEM,
            emergency.pk,
            call=CallInput(phone=phone, name=name, language=language, building_id=home.pk),
        )
    substation = MapObject.objects.get(kind="substation", external_id="TP-102")
    tomorrow = timezone.localtime(now).replace(
        hour=10, minute=0, second=0, microsecond=0
    ) + datetime.timedelta(days=1)
    declare_outage(
        SYSTEM,
        OutageInput(
            kind="power",
            nature="planned",
            cause="ҚС-102 трансформаторын ауыстыру / Замена трансформатора на ТП-102",
            starts_at=tomorrow,
            expected_end_at=tomorrow + datetime.timedelta(hours=6),
            source_object_id=substation.pk,
        ),
    )
    old = declare_outage(
        SYSTEM,
        OutageInput(
            kind="hot_water",
            nature="emergency",
            cause="№3 қазандықтағы апат / Авария на котельной №3",
            starts_at=now - datetime.timedelta(days=12),
            expected_end_at=now - datetime.timedelta(days=11),
            source_object_id=MapObject.objects.get(kind="boiler_house", external_id="K-3").pk,
        ),
    )
    end_outage(SYSTEM, old.pk, comment="Котельная запущена / Қазандық іске қосылды")
    return f"3 outages ({len(homes)} calls on the emergency one)"


def seed_tenant(tenant: object) -> str:
    from citymap.hotspots.publish import publish_ranking
    from citymap.models import MapObject

    started = time.perf_counter()
    with tenant_context(tenant):
        if MapObject.objects.exists():
            publish_ranking()  # the region's console shows the places at once, not after beat's first run
            return f"{tenant.slug}: the map is already there"
        with transaction.atomic():
            if tenant.slug == CITY:
                done = _city(tenant)
            else:
                name = DISTRICT_FILES[tenant.slug]
                done = [_import((DATA / name).read_bytes(), name)]
        publish_ranking()
    return f"{tenant.slug}: map " + ", ".join(done) + f" ({time.perf_counter() - started:.1f} s)"


def seed() -> Iterator[str]:
    """The demo seeder registered in demo.seeders (after the appeals: it names their organisations)."""
    from tenants.models import Akimat

    for tenant in Akimat.objects.filter(slug__in=[CITY, *DISTRICT_FILES], is_active=True).order_by("kato"):
        yield seed_tenant(tenant)
