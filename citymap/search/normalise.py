"""How an address is read, the same way when it is stored and when it is typed.

- Kazakh letters fold onto their Russian look-alikes (ә→а, ғ→г, қ→к, ң→н, ө→о, ұ/ү→у, һ→х, і→и),
  and ё, э, й onto е, е, и: an operator on a Russian keyboard finds "Жұмабаев" as "Жумабаев".
- Lower case; punctuation is a space; soft and hard signs go (a common slip either way).
- Latin letters that look Cyrillic (a, e, o, p, c, x, ...) become Cyrillic inside a Cyrillic word.
- Street-type words (ул., улица, көшесі, проспект, даңғылы, пр., пер., мкр ...) and place words
  (г., город, қала) go.
- The house number is read apart: "12а", "12 А", "12-а", "д. 12 А", "дом 12а", "үй 12а" are all
  "12а"; "12/1" and "12 корпус 2" ("12к2") keep their second part; an apartment ("кв. 5") goes.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass

FOLD = str.maketrans(
    {
        "ә": "а",
        "ғ": "г",
        "қ": "к",
        "ң": "н",
        "ө": "о",
        "ұ": "у",
        "ү": "у",
        "һ": "х",
        "і": "и",
        "ё": "е",
        "э": "е",
        "й": "и",
        "ь": None,
        "ъ": None,
    }
)
LATIN_LOOKALIKES = str.maketrans(
    {"a": "а", "b": "в", "c": "с", "e": "е", "h": "н", "k": "к", "m": "м", "o": "о", "p": "р", "t": "т",
     "x": "х", "y": "у"}
)  # fmt: skip
CYRILLIC = re.compile(r"[а-я]")
LATIN = re.compile(r"[a-z]")

# Street-type words, folded (see FOLD: "көшесі" is "кошеси", "даңғылы" "дангылы"), and the one
# type each stands for: "ул. Абая" and "улица Абая" are one street, "пер. Абая" another.
STREET_TYPES = {
    "ул": "ул", "улица": "ул", "кош": "ул", "коше": "ул", "кошеси": "ул",
    "пр": "пр", "прт": "пр", "проспект": "пр", "дангылы": "пр", "данг": "пр",
    "пер": "пер", "переулок": "пер", "туиык": "пер", "тыкыр": "пер", "тыкырыгы": "пер",
    "тупик": "туп", "туп": "туп", "туиыгы": "туп",
    "бульвар": "бул", "бул": "бул", "бр": "бул",
    "шоссе": "ш", "тракт": "тр",
    "пл": "пл", "площадь": "пл", "аланы": "пл", "алан": "пл",
    "мкр": "мкр", "микрорайон": "мкр", "шагын": "мкр", "шагынаудан": "мкр", "аудан": "мкр", "ауданы": "мкр",
    "проезд": "прд", "прд": "прд", "откел": "прд", "откели": "прд",
    "квартал": "квл", "квл": "квл", "набережная": "наб", "наб": "наб", "жолы": "ш",
}  # fmt: skip
STREET_WORDS = frozenset(STREET_TYPES)
PLACE_WORDS = frozenset({"г", "город", "гор", "кала", "каласы", "с", "село", "ауыл", "пос", "поселок"})
HOUSE_MARKERS = frozenset({"д", "дом", "уи", "номер"})  # "№" is punctuation: a space
APARTMENT_MARKERS = frozenset({"кв", "квартира", "патер", "офис", "оф"})
BUILDING_MARKERS = frozenset({"к", "корп", "корпус", "стр", "строение"})

HOUSE = re.compile(r"^(\d{1,5})([а-я]?)(?:/(\d{1,4})([а-я]?))?$")
LETTER = re.compile(r"^[а-я]$")
DIGITS = re.compile(r"^\d{1,4}$")


def fold(text: str) -> str:
    """Lower case, Kazakh letters folded, punctuation as spaces, Latin look-alikes in Cyrillic words."""
    lowered = (text or "").lower().translate(FOLD)
    # Abbreviations written with a hyphen are one word: "пр-т", "б-р", "пр-д", "кв-л".
    lowered = re.sub(r"(?<!\w)(пр|б|кв)-(т|р|д|л)(?!\w)", r"\1\2", lowered)
    # Keep letters, digits and the slash of "12/1"; anything else separates words.
    spaced = re.sub(r"[^\w/]+|_", " ", lowered)
    spaced = re.sub(r"\s*/\s*", "/", spaced)
    words = []
    for word in spaced.split():
        if LATIN.search(word) and (CYRILLIC.search(word) or any(c.isdigit() for c in word)):
            word = word.translate(LATIN_LOOKALIKES)
        words.append(word)
    return " ".join(words)


def _split_letter_digits(words: list[str]) -> list[str]:
    """ "12а" stays; "12-а" became "12 а" in fold; "д12" and "№12" become "д 12"."""
    out: list[str] = []
    for word in words:
        marker = re.match(r"^(д|дом|уи)(\d.*)$", word)
        if marker:
            out.extend([marker.group(1), marker.group(2)])
        else:
            out.append(word)
    return out


def _house_from(words: list[str]) -> str:
    """The house as stored: digits, an optional letter, an optional "/n" or "кN" part."""
    if not words:
        return ""
    if any(a[-1:].isdigit() and b[:1].isdigit() for a, b in itertools.pairwise(words)):
        return ""  # "12 14" (from "12-14") is two numbers, not house 1214
    joined = "".join(words)
    match = HOUSE.match(joined)
    if match:
        number, letter, second, second_letter = match.groups()
        return f"{int(number)}{letter}" + (f"/{int(second)}{second_letter}" if second else "")
    # "12 корпус 2", "12 к 2", "12к2"
    building = re.match(r"^(\d{1,5})([а-я]?)(?:к|корп|корпус|стр|строение)(\d{1,4})$", joined)
    if building:
        number, letter, part = building.groups()
        return f"{int(number)}{letter}к{int(part)}"
    return ""


@dataclass(frozen=True)
class Address:
    """A typed or stored address read apart: the street's words, the house, and the street's type
    when one was typed ("пер", "пр": it tells "пер. Абая" from "ул. Абая")."""

    street: str
    house: str
    street_type: str = ""

    @property
    def house_number(self) -> int | None:
        match = re.match(r"^\d+", self.house)
        return int(match.group()) if match else None


def normalise_house(text: str) -> str:
    """A house number alone ("12 А", "12-а", "д. 12а", "12/1") as stored ("12а", "12/1"); "" if none."""
    words = [w for w in _split_letter_digits(fold(text).split()) if w not in HOUSE_MARKERS]
    return _house_from(words)


def street_type(text: str) -> str:
    """The first street-type word's type ("ул", "пр", "пер", ...), "" when none is written."""
    return next((STREET_TYPES[word] for word in fold(text).split() if word in STREET_TYPES), "")


def street_words(text: str, *, place_names: frozenset[str] = frozenset()) -> str:
    """A street's name folded, without street-type and place words (and the akimat's own name)."""
    drop = STREET_WORDS | PLACE_WORDS | place_names
    return " ".join(word for word in fold(text).split() if word not in drop)


def _house_at(words: list[str], start: int) -> int:
    """How many words from `start` make the longest house number (0: none there)."""
    if start >= len(words) or not words[start][:1].isdigit():
        return 0
    for size in range(min(4, len(words) - start), 0, -1):
        if _house_from(words[start : start + size]):
            return size
    return 0


def read_address(text: str, *, place_names: frozenset[str] = frozenset()) -> Address:
    """ "Абая 12а", "ул. Абая, д. 12 А", "Абай көшесі, 12а үй" all read as ("абая"/"абаи", "12а")."""
    words = _split_letter_digits(fold(text).split())
    # An apartment and what follows it is not part of the house.
    for index, word in enumerate(words):
        if word in APARTMENT_MARKERS and index > 0:
            words = words[:index]
            break
    house: list[str] = []
    marker = next((i for i, w in enumerate(words) if w in HOUSE_MARKERS and _house_at(words, i + 1)), None)
    if marker is not None:
        size = _house_at(words, marker + 1)
        house = words[marker + 1 : marker + 1 + size]
        words = words[:marker] + words[marker + 1 + size :]
    else:
        # "33 үй" (Kazakh puts the word after the number): the marker says nothing more.
        words = [w for w in words if w not in HOUSE_MARKERS]
        # Trailing, after the street's words: a number the street begins with ("8 марта") is not
        # a house. The longest ending that reads as one wins ("12 к 2" over "2").
        for size in range(min(4, len(words) - 1), 0, -1):
            start = len(words) - size
            if _house_at(words, start) == size:
                house, words = words[start:], words[:start]
                break
    drop = STREET_WORDS | PLACE_WORDS | place_names | HOUSE_MARKERS
    street = " ".join(w for w in words if w not in drop)
    kind = next((STREET_TYPES[w] for w in words if w in STREET_TYPES), "")
    return Address(street=street, house=_house_from(house), street_type=kind)


def _distinct(*parts: str) -> str:
    seen: list[str] = []
    for part in parts:
        if part and part not in seen:
            seen.append(part)
    return " ".join(seen)


def street_key(name_ru: str) -> str:
    """One street however a file spells its type ("ул. Абая" and "улица Абая" are "ул абая"; a name
    without a type is a street), another for another type ("пер абая")."""
    return f"{street_type(name_ru) or 'ул'} {street_words(name_ru) or fold(name_ru)}"


def street_search_text(name_ru: str, name_kk: str) -> str:
    """Both languages' names, folded, without their types, for the trigram search ("абая абаи")."""
    return _distinct(street_words(name_ru) or fold(name_ru), street_words(name_kk) or fold(name_kk))


def name_search_text(name_ru: str, name_kk: str) -> str:
    """An object's names, folded, for the search by name ("котельная 2 казандык 2")."""
    return _distinct(fold(name_ru), fold(name_kk))
