"""Finding a category from the words a caller uses: "нет света", "жарық жоқ", "батареи холодные".

Every word typed is looked for in the category's code, both names and its keywords (the akimat's
everyday words for the problem), whatever the screen's language. A word matches a word that starts
with its stem, so Russian and Kazakh endings ("света", "батареи", "жарығы") find "свет", "батарея",
"жарық"; Kazakh's own letters match their nearest Russian-keyboard letters, as operators often type
Kazakh without them. The categories matching the most words are offered: every word when some
category has them all, else as many as any has, so a caller's whole phrase still finds something.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from appeals.models import Category

# Kazakh's letters as typed on a Russian layout, and ё typed without its dots.
_PLAIN = str.maketrans("әғқңөұүһіё", "агкноуухие")
_WORD = re.compile(r"[^\W_]+")
_SHORT = 3  # a word this short is looked for at a word's start only, and never cut
# Words that say nothing of the problem: "нет света" and "жарық жоқ" are about the light.
_NOTHING_SAID = frozenset(
    "не нет жок на во по из за от до же ли бы уже что как это мы мен бен пен да де та те жане".split()  # noqa: SIM905
)


def folded(text: str) -> str:
    return text.casefold().translate(_PLAIN)


def words_of(text: str) -> list[str]:
    """The words typed that can name a problem (no single letters, prepositions or "no")."""
    return [w for w in _WORD.findall(folded(text)) if len(w) > 1 and w not in _NOTHING_SAID]


def stem(word: str) -> str:
    """The word without a short ending: declension and Kazakh's suffixes change the last letters."""
    if len(word) <= _SHORT:
        return word
    if len(word) == _SHORT + 1:
        return word[:_SHORT]
    return word[: max(_SHORT + 1, len(word) - 2)]


_FOLDED = "_search_folded"


def _searchable(category: Category) -> tuple[str, list[str]]:
    """The category's words folded, once per loaded row: the catalogue's cache keeps its rows for
    every keystroke until the catalogue changes, and then loads new ones."""
    known = category.__dict__.get(_FOLDED)
    if known is None:
        text = folded(" ".join([category.code, category.name_kk, category.name_ru, *category.keywords]))
        known = category.__dict__[_FOLDED] = (text, _WORD.findall(text))
    return known


def _match(word: str, text: str, tokens: list[str]) -> int:
    """3 when the word is one of the category's, 2 when it is there as typed (a word's start, or a
    longer word inside one: "снабжение" in "электроснабжение"), 1 when only its stem is, else 0."""
    if word in tokens:
        return 3
    if any(token.startswith(word) for token in tokens) or (len(word) > _SHORT and word in text):
        return 2
    if len(word) > _SHORT and any(token.startswith(stem(word)) for token in tokens):
        return 1
    return 0


def search(categories: Iterable[Category], text: str, limit: int = 12) -> list[Category]:
    typed = words_of(text)
    scored = []
    for category in categories:
        haystack, tokens = _searchable(category)
        matches = [_match(word, haystack, tokens) for word in typed]
        found = sum(1 for m in matches if m)
        if found or not typed:
            scored.append((found, sum(matches), category))
    if not scored:
        return []
    best = max(found for found, _, _ in scored)
    # The most words found first; among them, whole words before beginnings before stems, then the
    # catalogue's order (the akimat puts the common problems first).
    ranked = sorted(
        (entry for entry in scored if entry[0] == best),
        key=lambda entry: (-entry[1], entry[2].parent_id is None, entry[2].sort_order, entry[2].code),
    )
    return [category for _, _, category in ranked[:limit]]
