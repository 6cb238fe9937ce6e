"""Demo emergencies for `make run`: a few appeals per demo akimat that reached 112 the real way
(intake of an emergency category or the operator's "forward to 112" → outbox → the regional
register) and that the demo dispatcher took to different stages with the register's own actions,
so the 112 inbox, the appeals' 112 status and the watchdog have something to show.

The messages are delivered here, in this process, by the federation's own delivery (what the relay
does); CAD documents are left to the worker. Idempotent: an akimat with demo emergencies is skipped.
The months of simulated appeals (demo.appeals) hold no emergencies: those all go through here.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass

from django.db import transaction
from django_tenants.utils import schema_context, tenant_context

from accounts.principal import Principal
from accounts.roles import Role
from appeals import actions
from appeals.actions import AppealInput
from appeals.models import Appeal
from demo.appeals import CITY, district_plan
from demo.appeals.places import Places
from federation.emergency_112 import actions as register
from federation.emergency_112.models import Incident
from federation.messaging.delivery import deliver_in_order
from federation.messaging.models import DeliveredVia, Message, MessageState

KEY = "demo112"


@dataclass(frozen=True)
class Scene:
    category: str  # an emergency category, or "" for the operator's choice of `services`
    description: str
    caller: str
    phone: str
    stage: str  # how far 112 has got: new, acknowledged, dispatched, on_scene, closed, rejected
    services: tuple[str, ...] = ()
    unit: str = ""
    note: str = ""


SCENES: dict[str, list[Scene]] = {
    CITY: [
        Scene("gas-leak", "Сильный запах газа в подъезде, 3 этаж", "Гульнар Сейткали", "+77017345512", "new"),
        Scene(
            "",
            "ДТП на перекрёстке, машина дымится, водитель не может выйти",
            "Ерлан Мукашев",
            "+77054418820",
            "dispatched",
            services=("101", "103"),
            unit="ПЧ-2 (АЦ-40), бригада СМП № 7",
        ),
        Scene(
            "medical",
            "Пожилому соседу плохо, не отвечает на вопросы",
            "Оксана Ким",
            "+77772031145",
            "on_scene",
            unit="бригада СМП № 3",
        ),
        Scene(
            "fire",
            "Горит мусорный контейнер во дворе",
            "Данияр Оспанов",
            "+77086610923",
            "closed",
            unit="ПЧ-1 (АЦ-40)",
            note="Возгорание ликвидировано, пострадавших нет",
        ),
        Scene(
            "public-order",
            "Шумная компания во дворе после полуночи",
            "Наталья Волкова",
            "+77015527733",
            "rejected",
            note="Не экстренный случай: участковому через 109",
        ),
    ],
    "kyzylzhar": [
        Scene(
            "gas-leak",
            "Запах газа у газораспределительного шкафа",
            "Асхат Нургалиев",
            "+77052249901",
            "acknowledged",
        ),
    ],
    "esil": [
        Scene(
            "fire",
            "Дым из окна частного дома, хозяев нет",
            "Светлана Петренко",
            "+77713348806",
            "dispatched",
            unit="ПЧ-14 (АЦ-40)",
        ),
    ],
}
STEPS = {
    "new": (),
    "acknowledged": ("acknowledge",),
    "dispatched": ("acknowledge", "dispatch"),
    "on_scene": ("acknowledge", "dispatch", "on_scene"),
    "closed": ("acknowledge", "dispatch", "on_scene", "close"),
    "rejected": ("reject",),
}
DISPATCHER = Principal(
    subject="local:dispatcher-112",
    issuer="local",
    username="dispatcher-112",
    display_name="Айгерим Тлеубаева (112)",
    kind="user",
    roles=frozenset({Role.DISPATCHER_112}),
)


def operator(slug: str) -> Principal:
    return Principal(
        subject=f"local:operator.{slug}",
        issuer="local",
        username=f"operator.{slug}",
        display_name="Оператор 109",
        kind="user",
        roles=frozenset({Role.OPERATOR}),
        tenant=slug,
    )


def seed() -> Iterator[str]:
    """The demo seeder (demo.seeders)."""
    from tenants.models import Akimat

    for akimat in Akimat.objects.filter(slug__in=SCENES, is_active=True).order_by("kato"):
        yield seed_akimat(akimat)


def seed_akimat(akimat: object) -> str:
    slug = akimat.slug
    with tenant_context(akimat):
        if Appeal.objects.filter(client_key__startswith=f"{KEY}:").exists():
            return f"{slug}: demo emergencies already there"
        places = _places(akimat)
        numbers = [_report(slug, index, scene, places) for index, scene in enumerate(SCENES[slug])]
    _deliver()
    with schema_context("public"):
        for scene, number in zip(SCENES[slug], numbers, strict=True):
            incident = Incident.objects.get(source_schema=akimat.schema_name, appeal_number=str(number))
            for step in STEPS[scene.stage]:
                _step(step, incident.pk, scene)
                _deliver()
    return f"{slug}: emergencies forwarded to 112: {len(numbers)}"


def _places(akimat: object) -> Places:
    rng = random.Random(f"ikomek-demo-112-{akimat.slug}")
    boundary = bytes(akimat.boundary.wkb)
    if akimat.slug == CITY:
        return Places.petropavlovsk(boundary, rng)
    centre, _count = district_plan().get(akimat.slug, ("", 0))
    return Places.district(boundary, rng, centre or akimat.name_ru)


def _report(slug: str, index: int, scene: Scene, places: Places) -> int:
    place = places.pick()
    with transaction.atomic():
        result = actions.create_appeal(
            operator(slug),
            AppealInput(
                channel="landline",
                description=scene.description,
                applicant_phone=scene.phone,
                applicant_name=scene.caller,
                language="ru",
                address=place.address,
                longitude=place.lon,
                latitude=place.lat,
                category_code=scene.category or "other",
                client_key=f"{KEY}:{slug}:{index}",
                register=not scene.category,
            ),
        )
        number = result.appeal.number
        if not scene.category:
            actions.forward_to_112(
                operator(slug), number, services=list(scene.services), note=scene.description
            )
    return number


def _step(step: str, incident_id: int, scene: Scene) -> None:
    if step == "acknowledge":
        register.acknowledge_incident(DISPATCHER, incident_id)
    elif step == "dispatch":
        register.dispatch_incident(DISPATCHER, incident_id, unit=scene.unit)
    elif step == "on_scene":
        register.mark_on_scene(DISPATCHER, incident_id)
    elif step == "close":
        register.close_incident(DISPATCHER, incident_id, note=scene.note)
    elif step == "reject":
        register.reject_incident(DISPATCHER, incident_id, note=scene.note)


def _deliver() -> None:
    """Deliver the pending 112 messages both ways (documents to the register, statuses back)."""
    with schema_context("public"):
        for _ in range(20):
            pending = list(
                Message.objects.filter(state=MessageState.PENDING, kind__startswith="emergency_112.")
                .exclude(kind="emergency_112.cad")
                .order_by("created_at")
                .values_list("id", flat=True)
            )
            if not pending:
                return
            for message_id in pending:
                deliver_in_order(message_id, via=DeliveredVia.DIRECT)
