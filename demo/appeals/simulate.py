"""A plausible history for demo appeals, simulated in memory in received order: intake, routing,
work, answers in time or late, call-backs, reopenings, repeats and violations, all stopped at
"now". The same rules as the real actions (deadlines from appeals.rules.sla, routing by area)."""

from __future__ import annotations

import csv
import datetime
import random
from collections import defaultdict, deque
from dataclasses import dataclass, field
from pathlib import Path

from shapely import wkb
from shapely.geometry import Point
from shapely.prepared import prep

from appeals.models import Category, Organisation, ResponsiblePerson, RoutingRule
from appeals.rules.sla import deadline_for
from appeals.states import Status
from demo.appeals.places import Place, Places

DATA = Path(__file__).resolve().parent / "data"
HOUR = datetime.timedelta(hours=1)
MINUTE = datetime.timedelta(minutes=1)

# Share of appeals per category (housing and utilities about 80%); seasons change some of them.
WEIGHTS = {
    "heating": 15,
    "hot-water": 8,
    "cold-water": 9,
    "sewerage": 7,
    "electricity": 6,
    "gas": 3,
    "lifts": 4,
    "roofs-entrances": 5,
    "yards": 6,
    "roads": 5,
    "street-lighting": 4,
    "waste": 5,
    "snow": 4,
    "transport": 5,
    "landscaping": 4,
    "stray-animals": 4,
    "social": 3,
    "other": 3,
}  # no emergency category: demo emergencies reach 112 the real way (demo/emergencies.py)
CHANNELS = {"landline": 35, "mobile": 35, "web": 10, "mobile_app": 12, "walk_in": 5, "api": 3}
HOURS_OF_DAY = [1, 1, 1, 1, 1, 2, 4, 7, 10, 11, 10, 9, 8, 8, 9, 9, 9, 9, 8, 7, 6, 4, 3, 2]
BUILDING_CATEGORIES = {
    "heating",
    "hot-water",
    "cold-water",
    "sewerage",
    "electricity",
    "gas",
    "lifts",
    "roofs-entrances",
    "yards",
    "gas-leak",
}
FIRST_NAMES = (
    "Айгерим",
    "Алия",
    "Асель",
    "Гульнар",
    "Дана",
    "Жанар",
    "Камила",
    "Мадина",
    "Сауле",
    "Динара",
    "Елена",
    "Ольга",
    "Наталья",
    "Татьяна",
    "Ирина",
    "Ержан",
    "Нурлан",
    "Асхат",
    "Бауыржан",
    "Данияр",
    "Марат",
    "Серик",
    "Тимур",
    "Арман",
    "Ерлан",
    "Сергей",
    "Андрей",
    "Виктор",
    "Олег",
    "Дмитрий",
)
LAST_NAMES = (
    "Ахметов",
    "Садыков",
    "Касымов",
    "Жумабаев",
    "Нургалиев",
    "Искаков",
    "Тулеубаев",
    "Абенов",
    "Сейтказин",
    "Омаров",
    "Бекмуханов",
    "Иванов",
    "Петров",
    "Ковальчук",
    "Шевченко",
    "Ким",
    "Пак",
    "Литвиненко",
    "Мельник",
    "Бондаренко",
    "Сидоренко",
    "Клименко",
)
OPERATORS = [
    ("local:demo-operator-1", "Динара Ахметова"),
    ("local:demo-operator-2", "Ирина Белова"),
    ("local:demo-operator-3", "Асель Омарова"),
    ("local:demo-operator-4", "Марина Глазова"),
]
LAWYER = ("local:demo-lawyer", "Айгуль Бекова")
SYSTEM = ("system:appeals", "Жүйе / Система")


@dataclass
class Event:
    at: datetime.datetime
    kind: str
    actor: tuple[str, str, str]  # subject, name, role
    from_status: str = ""
    to_status: str = ""
    transition: str = ""
    comment: str = ""
    data: dict = field(default_factory=dict)


@dataclass
class Callback:
    at: datetime.datetime
    contact: int  # index of the appeal whose applicant was called
    operator: tuple[str, str]
    reached: bool
    satisfied: bool | None


@dataclass
class DemoViolation:
    organisation_id: int
    person_id: int | None
    deadline: datetime.datetime
    detected_at: datetime.datetime
    hours_overdue: float
    status: str
    explanation: str = ""
    sanction: str = ""
    closing_note: str = ""
    events: list[Event] = field(default_factory=list)


@dataclass
class DemoAppeal:
    index: int
    fields: dict
    events: list[Event] = field(default_factory=list)
    callbacks: list[Callback] = field(default_factory=list)
    violations: list[DemoViolation] = field(default_factory=list)
    parent: int | None = None
    repeat_count: int = 0
    closes_at: datetime.datetime | None = None  # when it stops being open (for repeat matching)
    place: Place | None = None
    children: list[int] = field(default_factory=list)


class Router:
    """The routing rules held in memory (the seeder routes thousands of appeals)."""

    def __init__(self) -> None:
        self.rules: dict[int, list[tuple[object, int]]] = defaultdict(list)
        self.default: dict[int, int] = {}
        for rule in RoutingRule.objects.select_related("organisation"):
            if rule.area is None:
                self.default[rule.category_id] = rule.organisation_id
            else:
                area = prep(wkb.loads(bytes(rule.area.wkb)))
                self.rules[rule.category_id].append((area, rule.organisation_id))
        self.parent = dict(Category.objects.values_list("id", "parent_id"))
        self.people: dict[int, list[tuple[int, bool, str]]] = defaultdict(list)
        for person in ResponsiblePerson.objects.filter(is_active=True):
            self.people[person.organisation_id].append((person.pk, person.is_head, person.full_name))
        self.names = dict(Organisation.objects.values_list("id", "name_ru"))

    def route(self, category_id: int, lon: float, lat: float) -> int | None:
        current: int | None = category_id
        while current is not None:
            for area, organisation in self.rules.get(current, []):
                if area.contains(Point(lon, lat)):
                    return organisation
            if current in self.default:
                return self.default[current]
            current = self.parent.get(current)
        return None

    def default_for(self, category_id: int) -> int | None:
        """The organisation of the category's (or its nearest parent's) rule without an area."""
        current: int | None = category_id
        while current is not None:
            if current in self.default:
                return self.default[current]
            current = self.parent.get(current)
        return None

    def head(self, organisation_id: int) -> int | None:
        return next((pk for pk, is_head, _ in self.people.get(organisation_id, []) if is_head), None)


def descriptions() -> dict[str, list[str]]:
    texts: dict[str, list[str]] = defaultdict(list)
    with (DATA / "descriptions.csv").open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            texts[row["category"]].append(row["text"])
    return texts


def season_factor(code: str, day: datetime.date) -> float:
    heating_season = day.month >= 10 or day.month <= 4
    if code == "heating":
        return 1.6 if heating_season else 0.15
    if code == "snow":
        return 1.8 if day.month in (11, 12, 1, 2, 3) else 0.0
    if code == "hot-water":
        return 1.6 if day.month in (6, 7, 8) else 0.8  # summer maintenance shutdowns
    if code in ("landscaping", "stray-animals", "roads"):
        return 1.3 if 5 <= day.month <= 9 else 0.6
    return 1.0


class Simulator:
    def __init__(
        self,
        slug: str,
        places: Places,
        rng: random.Random,
        now: datetime.datetime,
        days: int,
        repeat_share: float = 0.3,
    ) -> None:
        self.slug = slug
        self.places = places
        self.rng = rng
        self.now = now
        self.days = days
        self.repeat_share = repeat_share
        self.router = Router()
        self.categories = {c.code: c for c in Category.objects.all()}
        self.texts = descriptions()
        self.phone_pool = [self._new_phone() for _ in range(400)]
        self.appeals: list[DemoAppeal] = []
        self.open_by_category: dict[str, deque[int]] = defaultdict(deque)

    # ------------------------------------------------------------------ applicants
    def _new_phone(self) -> str:
        if self.rng.random() < 0.25:
            return f"+77152{self.rng.randint(200000, 599999)}"  # Petropavlovsk landline
        prefix = self.rng.choice(["700", "701", "702", "705", "707", "708", "747", "771", "775", "777"])
        return f"+7{prefix}{self.rng.randint(1000000, 9999999)}"

    def _iin(self) -> str:
        from appeals.rules.applicants import iin_control_digit

        while True:
            born = datetime.date(1950, 1, 1) + datetime.timedelta(days=self.rng.randint(0, 365 * 55))
            century = "3" if born.year < 2000 else "5"
            if self.rng.random() < 0.5:
                century = str(int(century) + 1)
            first = f"{born:%y%m%d}{century}{self.rng.randint(0, 9999):04d}"
            digit = iin_control_digit(first)
            if digit is not None:
                return first + str(digit)

    # ------------------------------------------------------------------ generation
    def run(self, count: int, fresh_category: str | None = None, fresh: int = 3) -> list[DemoAppeal]:
        """`count` appeals; `fresh` of them (received 6-12 hours ago, in `fresh_category`, routed to
        that category's default organisation) are still being worked on, so the demo executor of
        that organisation finds open work whatever "now" is."""
        start = self.now - datetime.timedelta(days=self.days)
        held = fresh_category if fresh_category in self.categories else None
        fresh = min(fresh, count) if held else 0
        moments = [(self._moment(start), False) for _ in range(count - fresh)]
        moments += [
            (self.now - datetime.timedelta(hours=self.rng.uniform(6, 12)), True) for _ in range(fresh)
        ]
        for moment, hold in sorted(moments):
            self._one(moment, self.categories[held] if hold and held else None)
        return self.appeals

    def _moment(self, start: datetime.datetime) -> datetime.datetime:
        day = start + datetime.timedelta(days=self.rng.randint(0, self.days - 1))
        hour = self.rng.choices(range(24), weights=HOURS_OF_DAY)[0]
        moment = day.replace(hour=hour, minute=self.rng.randint(0, 59), second=self.rng.randint(0, 59))
        return min(moment, self.now - 5 * MINUTE)

    def _category(self, day: datetime.date) -> Category:
        codes = [code for code in WEIGHTS if code in self.categories]
        weights = [WEIGHTS[code] * season_factor(code, day) for code in codes]
        return self.categories[self.rng.choices(codes, weights=weights)[0]]

    def _operator(self) -> tuple[str, str, str]:
        subject, name = self.rng.choice(OPERATORS)
        return subject, name, "operator"

    def _executor(self, organisation_id: int) -> tuple[str, str, str]:
        people = self.router.people.get(organisation_id) or [(0, True, self.router.names[organisation_id])]
        pk, _, name = self.rng.choice(people)
        return f"local:demo-executor-{pk}", name, "executor"

    def _repeat_of(self, category: Category, received: datetime.datetime) -> DemoAppeal | None:
        if category.repeat_window_hours == 0 or self.rng.random() > self.repeat_share:
            return None
        window = datetime.timedelta(hours=category.repeat_window_hours)
        recent = self.open_by_category[category.code]
        while recent and self.appeals[recent[0]].fields["received_at"] < received - window:
            recent.popleft()
        candidates = [
            self.appeals[i]
            for i in recent
            if self.appeals[i].closes_at is None or self.appeals[i].closes_at > received + 10 * MINUTE
        ]
        return self.rng.choice(candidates) if candidates else None

    def _one(self, received: datetime.datetime, held: Category | None = None) -> None:
        category = held or self._category(received.date())
        index = len(self.appeals)
        original = None if held else self._repeat_of(category, received)
        if original is not None:
            lon, lat = self.places.near(original.place)
            place = Place(original.fields["address"], original.fields["object_key"], lon, lat)
        elif held:
            place = self._place_routed_to(category, self.router.default_for(category.pk))
        else:
            place = self.places.pick()
        phone = self.rng.choice(self.phone_pool) if self.rng.random() < 0.3 else self._new_phone()
        channel = self.rng.choices(list(CHANNELS), weights=list(CHANNELS.values()))[0]
        apartment = f", кв. {self.rng.randint(1, 120)}" if category.code in BUILDING_CATEGORIES else ""
        fields = {
            "status": Status.RECEIVED.value,
            "status_changed_at": received,
            "channel": channel,
            "client_key": f"demo:{self.slug}:{index}",
            "applicant_name": f"{self.rng.choice(FIRST_NAMES)} {self.rng.choice(LAST_NAMES)}",
            "applicant_phone": phone,
            "applicant_iin": self._iin() if self.rng.random() < 0.3 else "",
            "address": place.address + (apartment if original is None else ""),
            "lon": place.lon,
            "lat": place.lat,
            "object_key": place.object_key if category.code in BUILDING_CATEGORIES else "",
            "description": self.rng.choice(self.texts.get(category.code) or ["Обращение"]),
            "category_id": category.pk,
            "priority": category.default_priority,
            "organisation_id": None,
            "assignee_id": None,
            "received_at": received,
            "deadline": deadline_for(category, received),
            "resolution": "",
            "cancel_reason": "",
            "reopen_count": 0,
        }
        appeal = DemoAppeal(index=index, fields=fields, place=place)
        self.appeals.append(appeal)
        operator = self._operator()
        appeal.events.append(
            Event(received, "created", operator, to_status="received", data={"channel": channel})
        )
        if original is not None:
            self._link(appeal, original, operator)
            return
        self._lifecycle(appeal, category, operator, held=held is not None)
        self.open_by_category[category.code].append(index)

    def _place_routed_to(self, category: Category, organisation: int | None) -> Place:
        """A place whose appeal of this category goes to `organisation` (area rules may send
        some places elsewhere); the last one tried when none does."""
        place = self.places.pick()
        for _ in range(50):
            if self.router.route(category.pk, place.lon, place.lat) == organisation:
                break
            place = self.places.pick()
        return place

    # ------------------------------------------------------------------ lifecycle
    def _move(
        self, appeal: DemoAppeal, at: datetime.datetime, name: str, target: str, actor: tuple, **extra: object
    ) -> bool:
        """Apply a transition unless it lies in the future; False means the story stops here."""
        if at >= self.now:
            return False
        source = appeal.fields["status"]
        appeal.events.append(
            Event(at, "transition", actor, from_status=source, to_status=target, transition=name, **extra)
        )
        appeal.fields["status"] = target
        appeal.fields["status_changed_at"] = at
        return True

    def _link(self, appeal: DemoAppeal, original: DemoAppeal, operator: tuple) -> None:
        at = appeal.fields["received_at"] + self.rng.randint(2, 15) * MINUTE
        if at >= self.now:
            return
        appeal.parent = original.index
        original.children.append(appeal.index)
        appeal.fields["cancel_reason"] = "duplicate"
        self._move(appeal, at, "cancel", "cancelled", operator, data={"original": original.index})
        appeal.events.append(Event(at, "repeat_linked", operator, data={"original": original.index}))
        original.repeat_count += 1
        original.events.append(
            Event(
                at,
                "repeat_added",
                operator,
                data={"repeat": appeal.index, "repeat_count": original.repeat_count},
            )
        )
        appeal.closes_at = at

    def _lifecycle(self, appeal: DemoAppeal, category: Category, operator: tuple, held: bool = False) -> None:
        f = appeal.fields
        t = (
            f["received_at"]
            + self.rng.randint(2, 40 if f["channel"] in ("landline", "mobile") else 240) * MINUTE
        )
        if not self._move(appeal, t, "register", "registered", operator):
            return self._sla_marks(appeal, category, f["received_at"], None)
        f["registered_at"] = t
        cycle_start = f["received_at"]
        for cycle in (1, 2):
            t += self.rng.randint(5, 90) * MINUTE
            organisation = self.router.route(category.pk, f["lon"], f["lat"])
            if organisation is None or not self._move(
                appeal, t, "assign", "assigned", operator, data={"organisation": organisation}
            ):
                return self._sla_marks(appeal, category, cycle_start, None)
            f["organisation_id"] = organisation
            people = [pk for pk, is_head, _ in self.router.people.get(organisation, []) if not is_head]
            f["assignee_id"] = self.rng.choice(people) if people and self.rng.random() < 0.6 else None
            f["assigned_at"] = t
            executor = self._executor(organisation)
            span = f["deadline"] - cycle_start
            late = self.rng.random() < (0.14 if cycle == 1 else 0.08)
            if late and self.rng.random() < 0.25:
                # Stuck: weeks past the deadline (these stay open and overdue near "now").
                resolve = f["deadline"] + datetime.timedelta(hours=self.rng.uniform(72, 900))
            elif late:
                resolve = f["deadline"] + datetime.timedelta(hours=min(self.rng.expovariate(1 / 14), 240))
            else:
                resolve = cycle_start + span * self.rng.uniform(0.2, 0.95)
            resolve = max(resolve, t + 20 * MINUTE)
            start = t + (resolve - t) * self.rng.uniform(0.05, 0.5)
            outcome = self.rng.choices(["done", "not_done", "reject"], weights=[82, 10, 8])[0]
            if held:
                # Work not finished yet: assigned, or in progress when the executor has started.
                self._move(appeal, start, "start_work", "in_progress", executor)
                return self._sla_marks(appeal, category, cycle_start, None)
            if outcome != "reject" and not self._move(appeal, start, "start_work", "in_progress", executor):
                return self._sla_marks(appeal, category, cycle_start, None)
            target = {"done": "done", "not_done": "not_done", "reject": "rejected"}[outcome]
            name = {"done": "mark_done", "not_done": "mark_not_done", "reject": "reject"}[outcome]
            resolution = {
                "done": "Работы выполнены",
                "not_done": "Требуется капитальный ремонт, включено в план",
                "reject": "Не относится к компетенции, заявителю разъяснено",
            }[outcome]
            actor = operator if outcome == "reject" else executor
            if not self._move(appeal, resolve, name, target, actor, comment=resolution):
                return self._sla_marks(appeal, category, cycle_start, None)
            f["resolved_at"], f["resolution"] = resolve, resolution
            self._sla_marks(appeal, category, cycle_start, resolve)
            satisfied = self._callback(appeal, resolve, allow_unsatisfied=cycle == 1)
            if satisfied is None or satisfied:
                return None
            # Not satisfied: reopened, the SLA clock starts again.
            t = f["informed_at"]
            self._move(appeal, t, "reopen", "reopened", self._operator(), comment="Заявитель не удовлетворён")
            f["reopen_count"] = 1
            f["resolved_at"] = f["informed_at"] = None
            f["callback_reached"] = f["callback_satisfied"] = None
            for stamp in ("warned_at", "overdue_at", "escalated_at"):
                f[stamp] = None
            cycle_start = t
            f["deadline"] = deadline_for(category, t)
        return None

    def _sla_marks(
        self,
        appeal: DemoAppeal,
        category: Category,
        cycle_start: datetime.datetime,
        resolved: datetime.datetime | None,
    ) -> None:
        """What the monitor would have stamped: the warning, the overdue mark, the violation."""
        f = appeal.fields
        deadline = f["deadline"]
        answered = resolved or self.now
        warn_at = (
            deadline - datetime.timedelta(hours=category.warn_before_hours) + self.rng.randint(0, 5) * MINUTE
        )
        if cycle_start < warn_at < min(answered, deadline) and category.warn_before_hours:
            f["warned_at"] = warn_at
            appeal.events.append(
                Event(warn_at, "sla_warning", (*SYSTEM, "system"), data={"deadline": deadline.isoformat()})
            )
        overdue_at = deadline + self.rng.randint(1, 5) * MINUTE
        if overdue_at >= answered:
            return
        f["overdue_at"] = f["escalated_at"] = overdue_at
        appeal.events.append(
            Event(overdue_at, "overdue", (*SYSTEM, "system"), data={"deadline": deadline.isoformat()})
        )
        appeal.events.append(
            Event(overdue_at, "escalated", (*SYSTEM, "system"), data={"to_role": "supervisor"})
        )
        organisation = f.get("organisation_id")
        if organisation is None:
            return
        person = f.get("assignee_id") or self.router.head(organisation)
        violation = DemoViolation(
            organisation_id=organisation,
            person_id=person,
            deadline=deadline,
            detected_at=overdue_at,
            hours_overdue=round((answered - deadline).total_seconds() / 3600, 2),
            status="open",
        )
        violation.events.append(
            # Its comment names the appeal's number, known when written (demo.appeals.writer).
            Event(overdue_at, "", (*SYSTEM, "system"), to_status="open")
        )
        self._violation_progress(violation)
        appeal.violations.append(violation)

    def _violation_progress(self, violation: DemoViolation) -> None:
        age = (self.now - violation.detected_at).days
        lawyer = (*LAWYER, "lawyer")
        steps = []
        if age > 20:
            steps = self.rng.choices(
                [
                    [],
                    ["explanation_received"],
                    ["explanation_received", "sanction_proposed"],
                    ["explanation_received", "sanction_proposed", "closed"],
                    ["explanation_received", "closed"],
                ],
                weights=[10, 15, 20, 35, 20],
            )[0]
        elif age > 5:
            steps = self.rng.choice([[], ["explanation_received"]])
        at = violation.detected_at
        texts = {
            "explanation_received": ("explanation", "Задержка из-за отсутствия материалов"),
            "sanction_proposed": ("sanction", "Предлагается замечание"),
            "closed": ("closing_note", "Рассмотрено, меры приняты"),
        }
        for target in steps:
            at += datetime.timedelta(days=self.rng.randint(1, 5))
            if at >= self.now:
                break
            attr, text = texts[target]
            setattr(violation, attr, text)
            violation.events.append(
                Event(at, "", lawyer, from_status=violation.status, to_status=target, comment=text)
            )
            violation.status = target

    def _callback(
        self, appeal: DemoAppeal, resolved: datetime.datetime, allow_unsatisfied: bool
    ) -> bool | None:
        """The operator's call; returns satisfied (True/False), or None when the story stops."""
        f = appeal.fields
        at = resolved + datetime.timedelta(hours=self.rng.uniform(0.5, 26))
        operator = self._operator()
        unreachable = self.rng.random() < 0.08
        for attempt in range(3 if unreachable else 1):
            if at >= self.now:
                return None
            reached = not unreachable
            satisfied = None if not reached else (self.rng.random() > 0.12 if allow_unsatisfied else True)
            appeal.callbacks.append(Callback(at, appeal.index, operator[:2], reached, satisfied))
            appeal.events.append(
                Event(at, "callback_attempt", operator, data={"reached": reached, "satisfied": satisfied})
            )
            if attempt < 2 and unreachable:
                at += datetime.timedelta(hours=self.rng.uniform(2, 6))
        self._move(
            appeal, at, "inform_citizen", "citizen_informed", operator, data={"reached": not unreachable}
        )
        f["informed_at"] = at
        f["callback_reached"] = not unreachable
        f["callback_satisfied"] = satisfied
        for child in appeal.children:
            if self.rng.random() < 0.8 and at + 10 * MINUTE < self.now:
                appeal.callbacks.append(Callback(at + 10 * MINUTE, child, operator[:2], True, True))
        if satisfied is False:
            return False
        close = at + datetime.timedelta(hours=self.rng.uniform(0.05, 6))
        if self._move(appeal, close, "close", "closed", operator):
            f["closed_at"] = close
            appeal.closes_at = close
        return True
