"""One language per screen: the console's language, and the domain's bilingual labels split.

Console wording comes from gettext catalogues (locale/kk, locale/ru). The domain's own labels
(statuses, channels, categories' names) are stored in both languages already, as fields
(`name_kk`/`name_ru`) or as one "kk / ru" label; these helpers pick the half of the screen's
language.
"""

from __future__ import annotations

from django.conf import settings
from django.utils import translation

from appeals.rules.text import typed_half


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


def pick_typed(text: str) -> str:
    """The screen's half of a text someone typed in both languages, "kk / ru" or "ru / kk" (an
    outage's cause; `appeals.rules.text.typed_half`). Any other text whole, as typed."""
    return typed_half(text, language())


def local(obj: object, field: str = "name") -> str:
    """`obj.<field>_kk` or `obj.<field>_ru` (keys of a dict: a message's payload), whichever the
    screen speaks (the other if empty)."""
    first, second = ("kk", "ru") if language() == "kk" else ("ru", "kk")
    if isinstance(obj, dict):
        return obj.get(f"{field}_{first}", "") or obj.get(f"{field}_{second}", "")
    return getattr(obj, f"{field}_{first}", "") or getattr(obj, f"{field}_{second}", "")
