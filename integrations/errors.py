"""Refusals of webhook management: a field, a stable code, and a message through gettext (English
msgids, Kazakh and Russian catalogues), given to the API in both languages as the rest of it is."""

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


class WebhookError(Exception):
    def __init__(self, field: str | None, code: str, message: str | Promise, **params: Any) -> None:
        self.problem = Problem(field, code, format_lazy(message, **params) if params else message)
        super().__init__(f"{field or '-'}: {code}")


def in_both_languages(message: str | Promise) -> str:
    """ "Kazakh / Russian", as every message of the API reads."""
    with translation.override("kk"):
        kk = str(message)
    with translation.override("ru"):
        ru = str(message)
    return kk if kk == ru else f"{kk} / {ru}"
