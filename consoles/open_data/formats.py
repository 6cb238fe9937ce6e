"""The open datasets' files, written as their rows are read (decision 111): CSV (UTF-8 with a BOM
so Excel opens it as such, a header row, cells safe from formulas), JSON (a document with what the
file is and its rows) and GeoJSON (RFC 7946: a FeatureCollection, a point or null per row). Rows
are gathered a few hundred at a time into one piece of the answer, so a month of thousands is a
few dozen writes, and never whole in memory."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping

from appeals.web.spreadsheet import csv_stream

PIECE = 500  # rows per piece of the answer


def _cell(value: object) -> object:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return value


def csv_pieces(columns: tuple[str, ...], rows: Iterable[Mapping[str, object]]) -> Iterator[bytes]:
    return csv_stream(columns, ([_cell(row[name]) for name in columns] for row in rows), PIECE)


def _dumps(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _listed(head: Mapping[str, object], key: str, items: Iterable[object]) -> Iterator[bytes]:
    """`{...head, key: [items]}`, the list written as it comes."""
    opening = _dumps(dict(head))[:-1] + ("," if head else "") + _dumps(key) + ":["
    parts = [opening]
    for count, item in enumerate(items):
        parts.append(("," if count else "") + _dumps(item))
        if len(parts) >= PIECE:
            yield "".join(parts).encode()
            parts = []
    parts.append("]}\n")
    yield "".join(parts).encode()


def json_pieces(
    head: Mapping[str, object], key: str, rows: Iterable[Mapping[str, object]]
) -> Iterator[bytes]:
    return _listed(head, key, rows)


def _feature(row: Mapping[str, object]) -> dict[str, object]:
    longitude, latitude = row.get("longitude"), row.get("latitude")
    point = (
        None
        if longitude is None or latitude is None
        else {"type": "Point", "coordinates": [longitude, latitude]}
    )
    properties = {name: value for name, value in row.items() if name not in ("longitude", "latitude")}
    return {"type": "Feature", "id": row["number"], "geometry": point, "properties": properties}


def geojson_pieces(head: Mapping[str, object], rows: Iterable[Mapping[str, object]]) -> Iterator[bytes]:
    return _listed({"type": "FeatureCollection", **head}, "features", (_feature(row) for row in rows))


def json_document(document: Mapping[str, object]) -> bytes:
    """A small document whole (the catalogue: a few hundred rows)."""
    return (_dumps(dict(document)) + "\n").encode()
