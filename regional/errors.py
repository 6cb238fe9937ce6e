"""Refusals of the regional actions: field, machine-readable code and a message in Kazakh and Russian."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    field: str | None
    code: str
    message: str


class RegionalError(Exception):
    def __init__(self, *problems: Problem) -> None:
        self.problems = list(problems)
        super().__init__("; ".join(f"{p.field or '-'}: {p.code}: {p.message}" for p in problems))

    @classmethod
    def of(cls, field: str | None, code: str, message: str) -> RegionalError:
        return cls(Problem(field, code, message))
