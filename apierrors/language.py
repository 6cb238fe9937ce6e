"""The language an API caller reads its error messages in.

An integrator asks with `Accept-Language` (kk, ru or en). Without one the message keeps both
Kazakh and Russian ("kk / ru"), as the API always answered. Messages are either lazy gettext
texts (English msgids, kk/ru catalogues: any of the three) or older "kk / ru" strings, of which
the asked half is given; English asked of one of those gets the code's meaning from the registry
(apierrors.codes) in English, the older message after it in brackets for its particulars.
"""

from __future__ import annotations

from django.http import HttpRequest
from django.utils import translation
from django.utils.functional import Promise

from apierrors.codes import ALL as CODE_MEANINGS

API_LANGUAGES = ("kk", "ru", "en")
_CACHE = "_api_language"


def _parsed(header: str) -> list[tuple[float, str]]:
    ranges = []
    for index, part in enumerate(header.split(",")[:20]):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        name, _, value = params.strip().partition("=")
        if name.strip() == "q":
            try:
                quality = float(value)
            except ValueError:
                quality = 0.0
        # Equal weights keep the caller's order (negative index: the earlier sorts first).
        ranges.append((quality, -index, tag.strip().split("-")[0].lower()))
    return [(q, tag) for q, _, tag in sorted(ranges, reverse=True) if q > 0]


def requested_language(request: HttpRequest | None) -> str | None:
    """kk, ru or en when the caller's Accept-Language names one of them; None otherwise."""
    if request is None:
        return None
    cached = getattr(request, _CACHE, False)
    if cached is not False:
        return cached
    header = request.META.get("HTTP_ACCEPT_LANGUAGE", "")
    language = next((tag for _, tag in _parsed(header) if tag in API_LANGUAGES), None)
    setattr(request, _CACHE, language)
    return language


def both_languages(message: str | Promise) -> str:
    """ "Kazakh / Russian" (once when they agree)."""
    if not isinstance(message, Promise):
        return str(message)
    with translation.override("kk"):
        kk = str(message)
    with translation.override("ru"):
        ru = str(message)
    return kk if kk == ru else f"{kk} / {ru}"


def _cyrillic(text: str) -> bool:
    return any("\u0400" <= char <= "\u04ff" for char in text)


def in_language(message: str | Promise, language: str | None, code: str | None = None) -> str:
    """The message as the caller asked for it (see the module's note); `code` is the error's."""
    if isinstance(message, Promise):
        if language is None:
            return both_languages(message)
        with translation.override(language):
            return str(message)
    text = str(message)
    if language == "en" and _cyrillic(text) and code in CODE_MEANINGS:
        # The meaning in English; the older message after it keeps its particulars (numbers, codes).
        return f"{CODE_MEANINGS[code]} ({text})"
    halves = text.split(" / ")
    if language in ("kk", "ru") and len(halves) == 2:
        return halves[0] if language == "kk" else halves[1]
    return text
