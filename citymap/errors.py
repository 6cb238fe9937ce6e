"""The map's refusals: a field, a machine-readable code and a message through gettext (English
msgids, Kazakh and Russian catalogues), rendered in the language active where it is shown: the
screen's, the command's, or both for the API (`in_both_languages`), as appeals' messages are."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils import translation
from django.utils.functional import Promise
from django.utils.text import format_lazy


@dataclass(frozen=True)
class Problem:
    field: str | None
    code: str
    message: str | Promise

    @property
    def text(self) -> str:
        """The message in the active language."""
        return str(self.message)


class CityMapError(Exception):
    def __init__(self, *problems: Problem) -> None:
        self.problems = list(problems)
        super().__init__("; ".join(f"{p.field or '-'}: {p.code}" for p in problems))

    @classmethod
    def of(cls, field: str | None, code: str, message: str | Promise) -> CityMapError:
        return cls(Problem(field, code, message))


def say(message: Promise, **params: Any) -> Promise:
    """A lazy message with its parameters (`{name}` placeholders), translated when shown."""
    return format_lazy(message, **params) if params else message


def in_both_languages(message: str | Promise) -> str:
    """ "Kazakh / Russian", as every message of the API reads (the same text once if they agree)."""
    with translation.override("kk"):
        kk = str(message)
    with translation.override("ru"):
        ru = str(message)
    return kk if kk == ru else f"{kk} / {ru}"
