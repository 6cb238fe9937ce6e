"""One language per screen: the console's language, and the domain's bilingual labels split.

Console wording comes from gettext catalogues (locale/kk, locale/ru). The domain's own labels
(statuses, channels, categories' names) are stored in both languages already, as fields
(`name_kk`/`name_ru`) or as one "kk / ru" label; these helpers pick the half of the screen's
language.
"""

from __future__ import annotations

from django.conf import settings
from django.utils import translation


def language() -> str:
    """The screen's language: kk or ru."""
    current = (translation.get_language() or "").split("-")[0]
    return current if current in settings.CONSOLE_LANGUAGES else "ru"


def pick(bilingual: str) -> str:
    """The screen's half of a "kk / ru" label (the whole text when it has no such halves)."""
    halves = str(bilingual).split(" / ")
    if len(halves) != 2:
        return str(bilingual)
    return halves[0] if language() == "kk" else halves[1]


# Letters Kazakh writes and Russian does not: a typed text's Kazakh half has one of them.
KAZAKH_LETTERS = frozenset("әғқңөұүһіӘҒҚҢӨҰҮҺІ")


def pick_typed(text: str) -> str:
    """The screen's half of a text someone typed in both languages, "kk / ru" or "ru / kk" (an
    outage's cause): the half with Kazakh's own letters is the Kazakh one. Any other text whole, as
    typed: "Порыв трубы / замена задвижки" is one Russian text, never two halves."""
    halves = str(text).split(" / ")
    if len(halves) != 2 or _kazakh(halves[0]) == _kazakh(halves[1]):
        return str(text)
    kazakh, russian = halves if _kazakh(halves[0]) else reversed(halves)
    return kazakh if language() == "kk" else russian


def _kazakh(text: str) -> bool:
    return any(letter in KAZAKH_LETTERS for letter in text)


def local(obj: object, field: str = "name") -> str:
    """`obj.<field>_kk` or `obj.<field>_ru` (keys of a dict: a message's payload), whichever the
    screen speaks (the other if empty)."""
    first, second = ("kk", "ru") if language() == "kk" else ("ru", "kk")
    if isinstance(obj, dict):
        return obj.get(f"{field}_{first}", "") or obj.get(f"{field}_{second}", "")
    return getattr(obj, f"{field}_{first}", "") or getattr(obj, f"{field}_{second}", "")
