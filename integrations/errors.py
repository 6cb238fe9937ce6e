"""Refusals of webhook management: a field, a stable code, and a message through gettext (English
msgids, Kazakh and Russian catalogues), said in the caller's language as the rest of the API
(apierrors.language)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

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
