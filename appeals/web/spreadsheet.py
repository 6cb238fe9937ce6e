"""Cells of a CSV that a spreadsheet opens (every export starts with a BOM so that Excel opens it
at once): a text that starts like a formula (`=`, `+`, `-`, `@`, a tab or a carriage return) is
kept as text by a leading apostrophe (OWASP's "CSV injection"), since citizens and integrators
write the names, addresses and descriptions in them. Numbers and phone numbers (`+7 705 ...`,
`-3`) stay as they are: a spreadsheet reads them as numbers at worst, never as a call."""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from typing import Any

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"[+-]?\d[\d\s().-]*")


def safe_cell(value: object) -> object:
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
