"""Domain errors with a field, a machine-readable code and a human message (kk / ru).

Actions raise them; the GraphQL layer turns them into typed user errors, views into 4xx answers.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise


@dataclass(frozen=True)
class Problem:
    field: str | None
    code: str
    # "kk / ru" text, or a lazy gettext text rendered in the caller's language (apierrors.language).
    message: str | Promise
    # The other appeal a refusal is about (the first appeal of a reused client key), when there is one.
    appeal_number: int | None = None


class AppealError(Exception):
    def __init__(self, *problems: Problem) -> None:
        self.problems = list(problems)
        super().__init__("; ".join(f"{p.field or '-'}: {p.code}: {p.message}" for p in problems))

    @classmethod
    def of(cls, field: str | None, code: str, message: str) -> AppealError:
        return cls(Problem(field, code, message))


def not_found(what: str, key: object, field: str | None = None) -> AppealError:
    """`what` in "kk / ru" halves: each half of the message names the thing in its own language, so a
    screen's half is one language ("Ұйым x табылмады / Организация x не найдена" reads whole in each)."""
    shown = str(key)[:40]
    kazakh, _, russian = what.partition(" / ")
    return AppealError.of(
        field, "not_found", f"{kazakh} {shown} табылмады / {russian or kazakh} {shown}: не найдено"
    )
