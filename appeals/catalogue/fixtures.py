"""Reading the catalogue fixtures (editable CSV/JSON files), with a clear message for each mistake."""

from __future__ import annotations

import csv
import datetime
import json
from dataclasses import dataclass, field
from pathlib import Path

import jsonschema

from appeals.models import CalendarExceptionKind, OrganisationKind, Priority, Service112, SlaCalendar

DATA_DIR = Path(__file__).resolve().parent / "data"
YES_NO = {"yes": True, "no": False, "": False}


class FixtureError(ValueError):
    pass


@dataclass(frozen=True)
class CategoryRow:
    code: str
    parent: str
    name_kk: str
    name_ru: str
    housing_utilities: bool
    sla_calendar: str
    sla_hours: int
    warn_before_hours: int
    priority: str
    emergency: bool
    services_112: list[str]
    repeat_radius_m: int
    repeat_window_hours: int
    route_to: str
    sort_order: int
    keywords: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class OrganisationRow:
    code: str
    kind: str
    name_kk: str
    name_ru: str
    phone: str = ""
    email: str = ""
    address: str = ""
    people: list[dict] = field(default_factory=list)


def _choice(value: str, allowed: list[str], where: str, column: str) -> str:
    if value not in allowed:
        raise FixtureError(f"{where}: {column}={value!r}, expected one of {', '.join(allowed)}")
    return value


def _int(value: str, where: str, column: str) -> int:
    try:
        number = int(value)
    except ValueError:
        raise FixtureError(f"{where}: {column}={value!r} is not a whole number") from None
    if number < 0:
        raise FixtureError(f"{where}: {column}={value!r} must not be negative")
    return number


def read_categories(path: Path | None = None) -> list[CategoryRow]:
    path = path or DATA_DIR / "categories.csv"
    rows: list[CategoryRow] = []
    codes: set[str] = set()
    with path.open(encoding="utf-8", newline="") as handle:
        for line, raw in enumerate(csv.DictReader(handle), start=2):
            where = f"{path.name}:{line}"
            code = raw["code"].strip()
            if not code or code in codes:
                raise FixtureError(f"{where}: code {code!r} is empty or repeated")
            parent = raw["parent"].strip()
            if parent and parent not in codes:
                raise FixtureError(f"{where}: parent {parent!r} must be listed above {code!r}")
            services = [s for s in raw["services_112"].split(";") if s]
            for service in services:
                _choice(service, Service112.values, where, "services_112")
            emergency = YES_NO[_choice(raw["emergency"].strip(), list(YES_NO), where, "emergency")]
            if emergency and not services:
                raise FixtureError(f"{where}: an emergency category needs its 112 service (101/102/103/104)")
            sla_hours = _int(raw["sla_hours"], where, "sla_hours")
            if sla_hours == 0:
                raise FixtureError(f"{where}: sla_hours must be positive")
            rows.append(
                CategoryRow(
                    code=code,
                    parent=parent,
                    name_kk=raw["name_kk"].strip(),
                    name_ru=raw["name_ru"].strip(),
                    housing_utilities=YES_NO[
                        _choice(raw["housing_utilities"].strip(), list(YES_NO), where, "housing_utilities")
                    ],
                    sla_calendar=_choice(
                        raw["sla_calendar"].strip(), SlaCalendar.values, where, "sla_calendar"
                    ),
                    sla_hours=sla_hours,
                    warn_before_hours=_int(raw["warn_before_hours"], where, "warn_before_hours"),
                    priority=_choice(raw["priority"].strip(), Priority.values, where, "priority"),
                    emergency=emergency,
                    services_112=services,
                    repeat_radius_m=_int(raw["repeat_radius_m"], where, "repeat_radius_m"),
                    repeat_window_hours=_int(raw["repeat_window_hours"], where, "repeat_window_hours"),
                    route_to=raw["route_to"].strip(),
                    sort_order=len(rows) * 10,
                    keywords=[w.strip() for w in (raw.get("keywords") or "").split(";") if w.strip()],
                )
            )
            codes.add(code)
    return rows


def read_calendar_exceptions(path: Path | None = None) -> list[tuple[str, str, str]]:
    path = path or DATA_DIR / "calendar_exceptions.csv"
    rows = []
    with path.open(encoding="utf-8", newline="") as handle:
        for line, raw in enumerate(csv.DictReader(handle), start=2):
            where = f"{path.name}:{line}"
            try:
                day = datetime.date.fromisoformat(raw["date"].strip())
            except ValueError:
                raise FixtureError(f"{where}: date {raw['date']!r} is not YYYY-MM-DD") from None
            kind = _choice(raw["kind"].strip(), CalendarExceptionKind.values, where, "kind")
            rows.append((day.isoformat(), kind, raw.get("note", "").strip()))
    return rows


@dataclass(frozen=True)
class DayMove:
    """A day the calendar moves: by the law (a holiday on a day off) or by a Government decree."""

    date: datetime.date
    kind: str
    basis: str  # "law" or "decree"
    source: str  # where it was read: a URL, or "labour-code-rule" when derived by the rule
    note: str  # "kk / ru"


DAY_MOVE_BASES = ["law", "decree"]


def read_day_moves(path: Path | None = None) -> list[DayMove]:
    """`data/day_moves.csv`: the moved days shipped for the settings page's loader."""
    path = path or DATA_DIR / "day_moves.csv"
    rows: list[DayMove] = []
    seen: set[datetime.date] = set()
    with path.open(encoding="utf-8", newline="") as handle:
        for line, raw in enumerate(csv.DictReader(handle), start=2):
            where = f"{path.name}:{line}"
            try:
                day = datetime.date.fromisoformat(raw["date"].strip())
            except ValueError:
                raise FixtureError(f"{where}: date {raw['date']!r} is not YYYY-MM-DD") from None
            if day in seen:
                raise FixtureError(f"{where}: date {day} is listed twice")
            seen.add(day)
            note = raw["note"].strip()
            if len(note) > 200 or " / " not in note:
                raise FixtureError(f"{where}: note must be 'kk / ru' within 200 characters")
            rows.append(
                DayMove(
                    date=day,
                    kind=_choice(raw["kind"].strip(), CalendarExceptionKind.values, where, "kind"),
                    basis=_choice(raw["basis"].strip(), DAY_MOVE_BASES, where, "basis"),
                    source=raw["source"].strip(),
                    note=note,
                )
            )
    return rows


PERSON_SCHEMA = {
    "type": "object",
    "required": ["full_name"],
    "properties": {
        "full_name": {"type": "string", "minLength": 3},
        "position": {"type": "string"},
        "phone": {"type": "string"},
        "email": {"type": "string"},
        "is_head": {"type": "boolean"},
    },
    "additionalProperties": False,
}
ORGANISATION_SCHEMA = {
    "type": "object",
    "required": ["code", "kind", "name_kk", "name_ru"],
    "properties": {
        "code": {"type": "string", "pattern": "^[a-z0-9-]+$"},
        "kind": {"enum": OrganisationKind.values},
        "name_kk": {"type": "string", "minLength": 2},
        "name_ru": {"type": "string", "minLength": 2},
        "phone": {"type": "string"},
        "email": {"type": "string"},
        "address": {"type": "string"},
        "people": {"type": "array", "items": PERSON_SCHEMA},
    },
    "additionalProperties": False,
}
ORGANISATIONS_FILE_SCHEMA = {
    "type": "object",
    "required": ["organisations"],
    "properties": {"organisations": {"type": "array", "items": ORGANISATION_SCHEMA}},
}


def read_organisations(path: Path | None = None) -> list[OrganisationRow]:
    path = path or DATA_DIR / "organisations.json"
    document = json.loads(path.read_text(encoding="utf-8"))
    try:
        jsonschema.validate(document, ORGANISATIONS_FILE_SCHEMA)
    except jsonschema.ValidationError as error:
        where = "/".join(str(p) for p in error.absolute_path)
        raise FixtureError(f"{path.name}: {where}: {error.message}") from None
    return [OrganisationRow(**item) for item in document["organisations"]]
