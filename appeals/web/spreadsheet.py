"""Cells of a CSV that a spreadsheet opens (every export starts with a BOM so that Excel opens it
at once): a text that starts like a formula (`=`, `+`, `-`, `@`, a tab or a carriage return) is
kept as text by a leading apostrophe (OWASP's "CSV injection"), since citizens and integrators
write the names, addresses and descriptions in them. Numbers and phone numbers (`+7 705 ...`,
`-3`) stay as they are: a spreadsheet reads them as numbers at worst, never as a call. A yes or
no is `true` or `false` in every file, as in JSON."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Iterator
from typing import Any

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"[+-]?\d[\d\s().-]*")


def safe_cell(value: object) -> object:
    if isinstance(value, bool):  # as JSON and the open data write it, not Python's "True"
        return "true" if value else "false"
    if not isinstance(value, str) or not value.startswith(_FORMULA_START) or _NUMBER.fullmatch(value):
        return value
    return "'" + value


def safe_row(row: Iterable[object]) -> list[object]:
    return [safe_cell(value) for value in row]


class SafeWriter:
    """csv.writer whose every cell passes through `safe_cell`."""

    def __init__(self, out: Any) -> None:
        self._writer = csv.writer(out)

    def writerow(self, row: Iterable[object]) -> object:
        return self._writer.writerow(safe_row(row))

    def writerows(self, rows: Iterable[Iterable[object]]) -> None:
        for row in rows:
            self.writerow(row)


def csv_stream(
    header: Iterable[object], rows: Iterable[Iterable[object]], piece: int = 500
) -> Iterator[bytes]:
    """A CSV streamed as its rows come: the BOM and the header first, then `piece` rows per chunk
    (a month of thousands is a few dozen writes), every cell safe."""
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = SafeWriter(buffer)
    writer.writerow(header)
    for count, row in enumerate(rows, 1):
        writer.writerow(row)
        if count % piece == 0:
            yield buffer.getvalue().encode()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue().encode()
