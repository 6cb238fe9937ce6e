"""Checking each row of an import: geometry (readable, valid, of the kind's type, inside the
akimat), required fields, numbers in range, the organisation and person known, references to
other objects resolvable. Every problem of a row is reported; nothing is written here."""

from __future__ import annotations

import datetime
import json
import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import shapely
from django.db.models import Q
from shapely import wkt as shapely_wkt
from shapely.errors import ShapelyError
from shapely.geometry import Point, shape
from shapely.geometry.base import BaseGeometry
from shapely.prepared import prep
from shapely.validation import explain_validity

from appeals.models import Organisation, ResponsiblePerson
from appeals.rules.text import ascii_digits, storable
from citymap.errors import Problem, say
from citymap.imports.reading import RawRow
from citymap.imports.reasons import REASONS
from citymap.models import NETWORK_KINDS, MapObject, ObjectKind
from citymap.search.normalise import normalise_house

POINT = ("Point",)
AREA = ("Polygon", "MultiPolygon")
LINE = ("LineString", "MultiLineString")
GEOMETRY_TYPES: dict[str, tuple[str, ...]] = {
    ObjectKind.BUILDING: POINT + AREA,
    ObjectKind.YARD: AREA,
    ObjectKind.WELL: POINT,
    ObjectKind.MANHOLE: POINT,
    ObjectKind.SUBSTATION: POINT + AREA,
    ObjectKind.BOILER_HOUSE: POINT + AREA,
    ObjectKind.PIPE: LINE,
    ObjectKind.CABLE: LINE,
    ObjectKind.STREET_LIGHT: POINT,
    ObjectKind.ROAD: LINE,
}
TEXT_LIMITS = {
    "kind": 20,
    "external_id": 100,
    "name_kk": 250,
    "name_ru": 250,
    "street_kk": 200,
    "street_ru": 200,
    "house": 20,
    "organisation": 60,
    "management_company": 60,
    "person": 200,
}
KNOWN_FIELDS = frozenset(TEXT_LIMITS) | {"apartments", "floors", "year_built", "serves"}


def number_limits() -> dict[str, tuple[int, int]]:
    return {"apartments": (0, 5000), "floors": (1, 100), "year_built": (1800, datetime.date.today().year + 5)}


@dataclass
class CheckedRow:
    number: int
    kind: str
    external_id: str
    geometry: BaseGeometry
    name_kk: str = ""
    name_ru: str = ""
    street_kk: str = ""
    street_ru: str = ""
    house: str = ""
    apartments: int | None = None
    floors: int | None = None
    year_built: int | None = None
    organisation_id: int = 0
    person_id: int | None = None
    management_company_id: int | None = None
    # None: the row says nothing of what it serves (its links stay); a list (maybe empty): replace them.
    serves: list[tuple[str, str]] | None = None
    properties: dict[str, Any] = field(default_factory=dict)

    @property
    def key(self) -> tuple[str, str]:
        return (self.kind, self.external_id)


@dataclass
class RejectedRow:
    number: int
    kind: str
    external_id: str
    problems: list[Problem]


def reason(field_name: str | None, code: str, **params: Any) -> Problem:
    return Problem(field_name, code, say(REASONS[code], **params))


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, int | float):
        return str(int(value)) if isinstance(value, float) and value.is_integer() else str(value)
    return str(value).strip() if isinstance(value, str) else ""


class Catalogue:
    """The akimat's organisations and people, read once per import (two queries)."""

    def __init__(self, codes: Iterable[str], names: Iterable[str]) -> None:
        wanted = {code for code in codes if code}
        self.organisations = {
            o.code: o.pk
            for o in Organisation.objects.filter(code__in=wanted, is_active=True).only("id", "code")
        }
        self.people: dict[tuple[int, str], int] = {}
        wanted_names = {name for name in names if name}
        if wanted_names and self.organisations:
            people = ResponsiblePerson.objects.filter(
                organisation_id__in=self.organisations.values(), full_name__in=wanted_names, is_active=True
            ).values_list("organisation_id", "full_name", "id")
            self.people = {(org, name): pk for org, name, pk in people}


def _geometry(raw: RawRow) -> tuple[BaseGeometry | None, Problem | None]:
    if raw.geometry is None:
        return None, reason("geometry", "required", field="geometry")
    source, value = raw.geometry
    try:
        if source == "geojson":
            geometry = shape(value)
        elif source == "wkt":
            geometry = shapely_wkt.loads(value)
        else:
            lon_text, lat_text = value
            lon, lat = float(lon_text), float(lat_text)
            if not (math.isfinite(lon) and math.isfinite(lat)):
                raise ValueError("not finite")
            geometry = Point(lon, lat)
    except (
        ValueError,
        TypeError,
        AttributeError,
        KeyError,
        IndexError,
        ShapelyError,
    ) as error:
        if source == "lonlat":
            return None, reason("geometry", "invalid_coordinates")
        return None, reason("geometry", "invalid_geometry", detail=str(error)[:200] or type(error).__name__)
    if geometry.is_empty:
        return None, reason("geometry", "invalid_geometry", detail="empty")
    geometry = shapely.force_2d(geometry)
    west, south, east, north = geometry.bounds
    if not (-180 <= west <= east <= 180 and -90 <= south <= north <= 90):
        return None, reason("geometry", "invalid_coordinates")
    if not geometry.is_valid:
        return None, reason("geometry", "geometry_not_valid", detail=explain_validity(geometry))
    return geometry, None


def _storable_json(value: Any) -> bool:
    """What PostgreSQL's jsonb takes: no NUL (even escaped), no lone surrogate, no NaN or infinity."""
    try:
        text = json.dumps(value, ensure_ascii=False, allow_nan=False)
    except (ValueError, TypeError):
        return False
    return "\\u0000" not in text and storable(text)


def _int(values: dict[str, Any], name: str, problems: list[Problem]) -> int | None:
    raw = values.get(name)
    text = _text(raw)
    if not text:
        return None
    if not ascii_digits(text.lstrip("-")):
        problems.append(reason(name, "not_a_number", field=name))
        return None
    number = int(text)
    low, high = number_limits()[name]
    if not low <= number <= high:
        problems.append(reason(name, "out_of_range", field=name, low=low, high=high))
        return None
    return number


def parse_reference(text: str) -> tuple[str, str]:
    """ "boiler_house:K-2" names an object of that kind; a bare id names a building."""
    kind, sep, external_id = text.partition(":")
    if sep and kind in ObjectKind.values:
        return kind, external_id.strip()
    return ObjectKind.BUILDING.value, text.strip()


def _references(value: Any) -> list[tuple[str, str]]:
    if isinstance(value, list):
        items = [_text(item) for item in value]
    else:
        items = _text(value).replace(",", ";").split(";")
    return [parse_reference(item) for item in items if item.strip()]


class RowChecker:
    """Checks rows against the akimat's boundary and catalogue."""

    def __init__(self, boundary: BaseGeometry, catalogue: Catalogue) -> None:
        self.inside = prep(boundary)
        self.catalogue = catalogue

    def check(self, raw: RawRow) -> CheckedRow | RejectedRow:
        values = raw.values
        kind, external_id = _text(values.get("kind")).lower(), _text(values.get("external_id"))
        if raw.problem is not None:
            return RejectedRow(raw.number, kind, external_id, [raw.problem])
        problems: list[Problem] = []
        texts = {}
        for name, limit in TEXT_LIMITS.items():
            text = _text(values.get(name))
            if not storable(text):
                problems.append(reason(name, "invalid_characters", field=name))
                text = ""
            elif len(text) > limit:
                problems.append(reason(name, "too_long", field=name, limit=limit))
                text = ""
            texts[name] = text
        for name in ("kind", "external_id", "organisation"):
            if not texts[name] and not any(p.field == name for p in problems):
                problems.append(reason(name, "required", field=name))
        if kind and kind not in ObjectKind.values:
            problems.append(reason("kind", "unknown_kind", value=kind, kinds=", ".join(ObjectKind.values)))
        geometry, problem = _geometry(raw)
        if problem:
            problems.append(problem)
        elif kind in GEOMETRY_TYPES:
            expected = GEOMETRY_TYPES[kind]
            if geometry.geom_type not in expected:
                problems.append(
                    reason(
                        "geometry",
                        "wrong_geometry_type",
                        kind=kind,
                        geometry=geometry.geom_type,
                        expected=", ".join(expected),
                    )
                )
            elif not self.inside.covers(geometry):
                problems.append(reason("geometry", "outside_boundary"))
        row = CheckedRow(raw.number, kind, external_id, geometry)
        row.name_kk = texts["name_kk"] or texts["name_ru"]
        row.name_ru = texts["name_ru"] or texts["name_kk"]
        if kind == ObjectKind.BUILDING:
            for name in ("street_kk", "street_ru", "house"):
                if not texts[name] and not any(p.field == name for p in problems):
                    problems.append(reason(name, "required", field=name))
            row.street_kk, row.street_ru = texts["street_kk"], texts["street_ru"]
            row.house = normalise_house(texts["house"]) or texts["house"].lower()
            row.apartments = _int(values, "apartments", problems)
            row.floors = _int(values, "floors", problems)
            row.year_built = _int(values, "year_built", problems)
        elif (
            kind in ObjectKind.values and not row.name_ru and not any(p.field == "name_ru" for p in problems)
        ):
            problems.append(reason("name_ru", "required", field="name_ru"))
        self._organisations(row, texts, problems)
        if "serves" in values:
            if kind and kind not in NETWORK_KINDS and _references(values["serves"]):
                problems.append(reason("serves", "cannot_serve", kind=kind))
            row.serves = _references(values["serves"])
            if (kind, external_id) in row.serves:
                problems.append(reason("serves", "serves_itself"))
        row.properties = {
            key: value for key, value in values.items() if key not in KNOWN_FIELDS and value not in ("", None)
        }
        for key, value in row.properties.items():
            if not storable(key):
                problems.append(reason("properties", "invalid_characters", field="properties"))
            elif not _storable_json(value):
                problems.append(reason(key[:60], "invalid_characters", field=key[:60]))
        if problems:
            return RejectedRow(raw.number, kind, external_id, problems)
        return row

    def _organisations(self, row: CheckedRow, texts: dict[str, str], problems: list[Problem]) -> None:
        code = texts["organisation"]
        if code:
            row.organisation_id = self.catalogue.organisations.get(code, 0)
            if not row.organisation_id:
                problems.append(
                    reason("organisation", "unknown_organisation", value=code, field="organisation")
                )
        company = texts["management_company"]
        if company:
            row.management_company_id = self.catalogue.organisations.get(company)
            if row.management_company_id is None:
                problems.append(
                    reason(
                        "management_company",
                        "unknown_organisation",
                        value=company,
                        field="management_company",
                    )
                )
        person = texts["person"]
        if person and row.organisation_id:
            row.person_id = self.catalogue.people.get((row.organisation_id, person))
            if row.person_id is None:
                problems.append(reason("person", "unknown_person", value=person, organisation=code))


def unresolved_references(rows: list[CheckedRow]) -> dict[int, list[Problem]]:
    """Rows whose `serves` names an object neither in the file nor on the map (one query)."""
    in_file = {row.key for row in rows}
    wanted = {ref for row in rows for ref in (row.serves or []) if ref not in in_file}
    known: set[tuple[str, str]] = set()
    if wanted:
        by_kind: dict[str, set[str]] = {}
        for kind, external_id in wanted:
            by_kind.setdefault(kind, set()).add(external_id)
        matching = Q()
        for kind, ids in by_kind.items():
            matching |= Q(kind=kind, external_id__in=sorted(ids))
        known = set(MapObject.objects.filter(matching).values_list("kind", "external_id"))
    problems: dict[int, list[Problem]] = {}
    for row in rows:
        for kind, external_id in row.serves or []:
            if (kind, external_id) not in in_file and (kind, external_id) not in known:
                problems.setdefault(row.number, []).append(
                    reason("serves", "unknown_reference", value=f"{kind}:{external_id}")
                )
    return problems
