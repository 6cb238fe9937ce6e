"""Reading a file into rows: GeoJSON features or CSV lines (geometry as WKT, or lon and lat).

Only the shape of the file is checked here; what each row says is checked in `checking`.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from typing import Any

from citymap.errors import Problem, say
from citymap.imports.reasons import REASONS

MAX_ROWS = 200_000
GEOJSON = "geojson"
CSV = "csv"
# The columns every CSV has (besides its geometry); the others are optional.
REQUIRED_COLUMNS = ("kind", "external_id", "organisation")


@dataclass
class RawRow:
    number: int  # as people count: a CSV's line (the header is line 1), a GeoJSON's feature from 1
    values: dict[str, Any]
    geometry: tuple[str, Any] | None  # ("geojson", dict) | ("wkt", str) | ("lonlat", (lon, lat))
    problem: Problem | None = None  # the row could not be read at all


def format_of(filename: str, explicit: str = "") -> str:
    if explicit:
        return explicit.lower()
    name = filename.lower()
    if name.endswith((".geojson", ".json")):
        return GEOJSON
    if name.endswith(".csv"):
        return CSV
    return ""


def _file_problem(code: str, **params: Any) -> Problem:
    return Problem(None, code, say(REASONS[code], **params))


def read_rows(content: bytes, file_format: str) -> tuple[list[RawRow], Problem | None]:
    if not content or not content.strip():
        return [], _file_problem("empty_file")
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        return [], _file_problem("not_utf8")
    if file_format == GEOJSON:
        return _geojson_rows(text)
    if file_format == CSV:
        return _csv_rows(text)
    return [], _file_problem("unknown_format")


def _geojson_rows(text: str) -> tuple[list[RawRow], Problem | None]:
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        return [], _file_problem("invalid_json", detail=f"{error.msg} ({error.lineno}:{error.colno})")
    except RecursionError:
        return [], _file_problem("invalid_json", detail="nested too deeply")
    features = document.get("features") if isinstance(document, dict) else None
    if (
        not isinstance(document, dict)
        or document.get("type") != "FeatureCollection"
        or not isinstance(features, list)
    ):
        return [], _file_problem("not_feature_collection")
    if len(features) > MAX_ROWS:
        return [], _file_problem("too_many_rows", limit=MAX_ROWS)
    rows = []
    for number, feature in enumerate(features, 1):
        properties = feature.get("properties") if isinstance(feature, dict) else None
        if (
            not isinstance(feature, dict)
            or feature.get("type") != "Feature"
            or not isinstance(properties, dict)
        ):
            rows.append(RawRow(number, {}, None, Problem(None, "not_a_feature", REASONS["not_a_feature"])))
            continue
        geometry = feature.get("geometry")
        values = {str(key).strip().lower(): value for key, value in properties.items()}
        rows.append(RawRow(number, values, ("geojson", geometry) if geometry is not None else None))
    return rows, None


def _csv_rows(text: str) -> tuple[list[RawRow], Problem | None]:
    first_line = text.split("\n", 1)[0]
    # Spreadsheets in Kazakh and Russian locales write ";" between columns.
    delimiter = max((";", ",", "\t"), key=first_line.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = [column.strip().lower() for column in next(reader)]
    except (StopIteration, csv.Error):
        return [], _file_problem("empty_file")
    missing = [column for column in REQUIRED_COLUMNS if column not in header]
    if missing:
        return [], _file_problem("missing_columns", columns=", ".join(missing))
    if "wkt" not in header and not {"lon", "lat"} <= set(header):
        return [], _file_problem("no_geometry_columns")
    rows = []
    try:
        for line in reader:
            if not any(cell.strip() for cell in line):
                continue  # blank lines between rows are not rows
            if len(rows) >= MAX_ROWS:
                return [], _file_problem("too_many_rows", limit=MAX_ROWS)
            values = {column: cell.strip() for column, cell in zip(header, line, strict=False) if column}
            number = reader.line_num
            geometry: tuple[str, Any] | None = None
            if values.get("wkt"):
                geometry = ("wkt", values.pop("wkt"))
            elif values.get("lon") or values.get("lat"):
                geometry = ("lonlat", (values.pop("lon", ""), values.pop("lat", "")))
            values.pop("wkt", None), values.pop("lon", None), values.pop("lat", None)
            rows.append(RawRow(number, values, geometry))
    except csv.Error as error:
        return [], _file_problem("invalid_csv", line=reader.line_num, detail=str(error))
    return rows, None
