"""Text that may be stored: what every public entry point checks before input goes further.

PostgreSQL refuses two things in `text`: the NUL character, and a lone UTF-16 surrogate (JSON's
"\\ud800" decodes to one, and it has no UTF-8 form). Either would reach the database and come back
as the driver's own error; they are refused at the door instead, with a typed problem.
"""

from __future__ import annotations

import re

from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from appeals.errors import Problem

INVALID_CHARACTERS = "invalid_characters"
TOO_LONG = "too_long"
_REFUSED = re.compile("[\x00\ud800-\udfff]")


def storable(text: str) -> bool:
    """False when PostgreSQL would refuse the text (NUL, lone surrogate)."""
    return _REFUSED.search(text) is None


def invalid_characters(field: str | None) -> Problem:
    return Problem(
        field,
        INVALID_CHARACTERS,
        _("The text holds a character that is not allowed"),
    )


def text_problem(field: str | None, text: str, max_length: int | None = None) -> Problem | None:
    """The problem with one text input (refused characters, then length), or None."""
    if not storable(text):
        return invalid_characters(field)
    if max_length is not None and len(text) > max_length:
        return too_long(field, max_length)
    return None


def too_long(field: str | None, limit: int) -> Problem:
    """Text longer than its field takes is refused, never cut: what was sent is what is stored."""
    return Problem(field, TOO_LONG, format_lazy(_("At most {limit} characters."), limit=limit))


def ascii_digits(text: str) -> bool:
    """Only 0-9: `str.isdigit` also accepts "²" and other scripts' digits, which `int()` may refuse."""
    return text.isascii() and text.isdigit()


# Letters Kazakh writes and Russian does not: a typed text's Kazakh half has one of them.
KAZAKH_LETTERS = frozenset("әғқңөұүһіӘҒҚҢӨҰҮҺІ")


def has_kazakh_letters(text: str) -> bool:
    return any(letter in KAZAKH_LETTERS for letter in text)


def typed_half(text: str, language: str) -> str:
    """A text someone typed in both languages, "kk / ru" or "ru / kk" (an outage's cause), in one of
    them: the half with Kazakh's own letters is the Kazakh one. Any other text whole, as typed:
    "Порыв трубы / замена задвижки" is one Russian text, never two halves."""
    halves = str(text).split(" / ")
    if len(halves) != 2 or has_kazakh_letters(halves[0]) == has_kazakh_letters(halves[1]):
        return str(text)
    kazakh, russian = halves if has_kazakh_letters(halves[0]) else reversed(halves)
    return kazakh if language == "kk" else russian
