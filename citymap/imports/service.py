"""The import of a city's objects: read, check every row, then write all of it or nothing.

`import_city_objects(actor, content, filename=...)` is what the management command and the settings
page's upload call. A file with any rejected row writes nothing and reports every rejected row with
its reasons; a clean file is upserted by (kind, external id) in one transaction: a re-import updates
the objects it names and never duplicates them. Streets are made from the buildings' addresses;
`serves` replaces the network links of the objects that carry the column.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import shapely
from django.contrib.gis.geos import GEOSGeometry, Point
from django.db import connection, transaction
from django.utils import timezone

from accounts.permissions import Operation
from accounts.principal import Principal
from citymap.access import authorise
from citymap.errors import Problem
from citymap.imports.checking import (
    Catalogue,
    CheckedRow,
    RejectedRow,
    RowChecker,
    reason,
    unresolved_references,
)
from citymap.imports.reading import format_of, read_rows
from citymap.models import MapObject, ObjectKind, ServiceLink, Street
from citymap.search.normalise import Address, name_search_text, street_key, street_search_text

BATCH = 2000
UPDATED_FIELDS = [
    "name_kk",
    "name_ru",
    "street",
    "house",
    "house_number",
    "address_kk",
    "address_ru",
    "geometry",
    "point",
    "apartments",
    "floors",
    "year_built",
    "management_company",
    "organisation",
    "person",
    "search_text",
    "properties",
    "updated_at",
]


@dataclass
class ImportReport:
    file_format: str
    rows: int = 0
    created: int = 0
    updated: int = 0
    links: int = 0
    # The file as a whole could not be read (then `rejected` is empty and nothing was written).
    file_problem: Problem | None = None
    rejected: list[RejectedRow] = field(default_factory=list)

    @property
    def imported(self) -> bool:
        return self.file_problem is None and not self.rejected


def import_city_objects(
    actor: Principal, content: bytes, *, filename: str = "", file_format: str = ""
) -> ImportReport:
    """Import one file into the current akimat's map (see the module's docstring)."""
    authorise(actor, Operation.CATALOGUE_MANAGE)
    chosen = format_of(filename, file_format)
    report = ImportReport(file_format=chosen)
    raw_rows, problem = read_rows(content, chosen)
    if problem is not None:
        report.file_problem = problem
        return report
    report.rows = len(raw_rows)
    catalogue = Catalogue(
        codes=[
            str(r.values.get(k) or "").strip()
            for r in raw_rows
            for k in ("organisation", "management_company")
        ],
        names=[str(r.values.get("person") or "").strip() for r in raw_rows],
    )
    checker = RowChecker(_boundary(), catalogue)
    checked: list[CheckedRow] = []
    first_seen: dict[tuple[str, str], int] = {}
    for raw in raw_rows:
        result = checker.check(raw)
        if isinstance(result, RejectedRow):
            report.rejected.append(result)
            continue
        if result.key in first_seen:
            report.rejected.append(_duplicate(result, first_seen[result.key]))
            continue
        first_seen[result.key] = result.number
        checked.append(result)
    for number, problems in unresolved_references(checked).items():
        row = next(r for r in checked if r.number == number)
        report.rejected.append(RejectedRow(number, row.kind, row.external_id, problems))
    if report.rejected:
        report.rejected.sort(key=lambda rejected: rejected.number)
        return report
    with transaction.atomic():
        report.created, report.updated = _write_objects(checked)
        report.links = _write_links(checked)
    return report


def _duplicate(row: CheckedRow, first: int) -> RejectedRow:
    return RejectedRow(
        row.number,
        row.kind,
        row.external_id,
        [
            reason(
                "external_id",
                "duplicate_in_file",
                kind=row.kind,
                external_id=row.external_id,
                first=first,
                row=row.number,
            )
        ],
    )


def _boundary() -> shapely.geometry.base.BaseGeometry:
    return shapely.from_wkb(bytes(connection.tenant.boundary.wkb))


def _streets(rows: Iterable[CheckedRow]) -> dict[str, Street]:
    """The streets the buildings name, made or renamed (the latest spelling in the file wins)."""
    wanted: dict[str, Street] = {}
    for row in rows:
        if row.kind == ObjectKind.BUILDING:
            key = street_key(row.street_ru)
            wanted[key] = Street(
                key=key,
                name_kk=row.street_kk,
                name_ru=row.street_ru,
                search_text=street_search_text(row.street_ru, row.street_kk),
            )
    if not wanted:
        return {}
    Street.objects.bulk_create(
        list(wanted.values()),
        update_conflicts=True,
        unique_fields=["key"],
        update_fields=["name_kk", "name_ru", "search_text"],
    )
    return {street.key: street for street in Street.objects.filter(key__in=list(wanted))}


def _address(street: str, house: str) -> str:
    return f"{street}, {house}" if house else street


def _write_objects(rows: list[CheckedRow]) -> tuple[int, int]:
    existing = _existing_keys(rows)
    streets = _streets(rows)
    now = timezone.now()
    objects = []
    for row in rows:
        geometry = GEOSGeometry(memoryview(shapely.to_wkb(row.geometry)), srid=4326)
        street = streets.get(street_key(row.street_ru)) if row.kind == ObjectKind.BUILDING else None
        obj = MapObject(
            kind=row.kind,
            external_id=row.external_id,
            name_kk=row.name_kk,
            name_ru=row.name_ru,
            street=street,
            house=row.house,
            house_number=Address("", row.house).house_number,
            address_kk=_address(row.street_kk, row.house) if street else "",
            address_ru=_address(row.street_ru, row.house) if street else "",
            geometry=geometry,
            point=_pin(row.geometry),
            apartments=row.apartments,
            floors=row.floors,
            year_built=row.year_built,
            management_company_id=row.management_company_id,
            organisation_id=row.organisation_id,
            person_id=row.person_id,
            search_text=name_search_text(row.name_ru, row.name_kk) if row.name_ru else "",
            properties=row.properties,
            updated_at=now,
        )
        objects.append(obj)
    for start in range(0, len(objects), BATCH):
        MapObject.objects.bulk_create(
            objects[start : start + BATCH],
            update_conflicts=True,
            unique_fields=["kind", "external_id"],
            update_fields=UPDATED_FIELDS,
        )
    _measure([row.key for row in rows])
    updated = sum(1 for row in rows if row.key in existing)
    return len(rows) - updated, updated


def _pin(geometry: shapely.geometry.base.BaseGeometry) -> Point:
    """Where the object's pin goes: a point as it is, a polygon's inner point, a line's middle."""
    if geometry.geom_type == "Point":
        pin = geometry
    elif geometry.geom_type in ("LineString", "MultiLineString"):
        pin = shapely.line_interpolate_point(shapely.line_merge(geometry), 0.5, normalized=True)
        if pin.is_empty:
            pin = geometry.representative_point()
    else:
        pin = geometry.representative_point()
    return Point(pin.x, pin.y, srid=4326)


def _existing_keys(rows: list[CheckedRow]) -> set[tuple[str, str]]:
    kinds = {row.kind for row in rows}
    ids = {row.external_id for row in rows}
    return set(
        MapObject.objects.filter(kind__in=kinds, external_id__in=ids).values_list("kind", "external_id")
    )


def _measure(keys: list[tuple[str, str]]) -> None:
    """Areas and lengths on the sphere (metres), by PostGIS's geography."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            UPDATE citymap_mapobject o
               SET area_m2 = CASE WHEN GeometryType(o.geometry) IN ('POLYGON', 'MULTIPOLYGON')
                                  THEN ST_Area(o.geometry::geography) END,
                   length_m = CASE WHEN GeometryType(o.geometry) IN ('LINESTRING', 'MULTILINESTRING')
                                   THEN ST_Length(o.geometry::geography) END
              FROM unnest(%s::text[], %s::text[]) AS k(kind, external_id)
             WHERE o.kind = k.kind AND o.external_id = k.external_id
            """,
            [[k for k, _ in keys], [e for _, e in keys]],
        )


def _write_links(rows: list[CheckedRow]) -> int:
    """The network: every object that carries `serves` gets exactly the links it names."""
    suppliers = [row for row in rows if row.serves is not None]
    if not suppliers:
        return 0
    wanted = {row.key for row in suppliers} | {ref for row in suppliers for ref in row.serves}
    ids = _ids_of(wanted)
    ServiceLink.objects.filter(supplier_id__in=[ids[row.key] for row in suppliers]).delete()
    links = {(ids[row.key], ids[ref]) for row in suppliers for ref in row.serves if ids[row.key] != ids[ref]}
    ServiceLink.objects.bulk_create(
        [ServiceLink(supplier_id=supplier, consumer_id=consumer) for supplier, consumer in sorted(links)],
        batch_size=BATCH,
    )
    return len(links)


def _ids_of(keys: set[tuple[str, str]]) -> dict[tuple[str, str], int]:
    kinds = {kind for kind, _ in keys}
    ids = {external_id for _, external_id in keys}
    found = MapObject.objects.filter(kind__in=kinds, external_id__in=ids).values_list(
        "kind", "external_id", "id"
    )
    return {(kind, external_id): pk for kind, external_id, pk in found if (kind, external_id) in keys}
