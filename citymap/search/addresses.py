"""Ranked address search, Kazakh and Russian, typo-tolerant.

The typed text is read as a street and a house (citymap.search.normalise). Streets are few (hundreds
to a few thousand): each one's trigram word similarity to the typed street is computed and the best
few are kept; their buildings come by the (street, house number) index, the typed house first, then
the nearest numbers. Objects with a name (a boiler house, a substation) are found by the trigram
index on their names. One statement; the ranking:

    score = street similarity x 2   for the same house ("12а" = "12 А")
                              x 1.5 for the same number with another letter ("12" for "12а")
                              x 1   for the street's other houses, nearest numbers first
    or name similarity x 0.95 for a named object

so "Абая 12а" puts Абая 12а first, then Абая 12, 12б, then 11 and 13; the bonus scales with the
street's similarity, so a house number never lifts a street that is barely alike.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import connection

from citymap.search.normalise import fold, read_address

# Below this word similarity a street is not what was typed. A misspelt word of five letters keeps
# about half its trigrams ("жамбл" for "жамбыла" 0.67, "абяа" for "абая" 0.4).
MIN_STREET_SIMILARITY = 0.35
STREETS_CONSIDERED = 5
# "пер. Гоголя 5" prefers the lane to "ул. Гоголя" (and a typed "ул." the street to the lane).
TYPE_BONUS = 0.05
# A name as good as an address ranks after it ("Абая": the street's houses before "Двор дома Абая 1").
NAME_WEIGHT = 0.95
MAX_RESULTS = 50

SEARCH = """
WITH streets AS (
    SELECT s.id,
           word_similarity(%(street)s, s.search_text)
             + CASE WHEN split_part(s.key, ' ', 1) = %(street_type)s THEN %(type_bonus)s ELSE 0 END
             AS similarity
      FROM citymap_street s
     WHERE %(street)s <> '' AND word_similarity(%(street)s, s.search_text) >= %(min_similarity)s
     ORDER BY similarity DESC, s.id
     LIMIT %(streets)s
), by_address AS (
    SELECT o.id,
           st.similarity
             * CASE WHEN %(house)s = '' THEN 1.0
                    WHEN o.house = %(house)s THEN 2.0
                    WHEN o.house_number = %(house_number)s THEN 1.5
                    ELSE 1.0 END AS score,
           abs(coalesce(o.house_number, 0) - coalesce(%(house_number)s, 0)) AS distance
      FROM streets st
      JOIN citymap_mapobject o ON o.street_id = st.id
     ORDER BY score DESC, distance, o.house_number, o.house, o.id
     LIMIT %(limit)s
), by_name AS (
    SELECT o.id, word_similarity(%(whole)s, o.search_text) * %(name_weight)s AS score, 0 AS distance
      FROM citymap_mapobject o
     WHERE o.search_text <> '' AND %(whole)s <%% o.search_text
     ORDER BY score DESC, o.id
     LIMIT %(limit)s
), found AS (
    SELECT id, max(score) AS score, min(distance) AS distance
      FROM (SELECT * FROM by_address UNION ALL SELECT * FROM by_name) r
     GROUP BY id
)
SELECT o.id, o.kind, o.external_id, o.name_kk, o.name_ru, o.address_kk, o.address_ru, o.house,
       ST_X(o.point), ST_Y(o.point), f.score
  FROM found f JOIN citymap_mapobject o ON o.id = f.id
 ORDER BY f.score DESC, f.distance, o.house_number, o.id
 LIMIT %(limit)s
"""


@dataclass(frozen=True)
class Match:
    id: int
    kind: str
    external_id: str
    name_kk: str
    name_ru: str
    address_kk: str
    address_ru: str
    house: str
    longitude: float
    latitude: float
    score: float

    @property
    def label_kk(self) -> str:
        return self.address_kk or self.name_kk

    @property
    def label_ru(self) -> str:
        return self.address_ru or self.name_ru


def place_names() -> frozenset[str]:
    """The akimat's own names ("Петропавловск", "Петропавл"): typed in an address, they say nothing."""
    tenant = getattr(connection, "tenant", None)
    names = (getattr(tenant, "name_kk", ""), getattr(tenant, "name_ru", ""))
    return frozenset(word for name in names for word in fold(name).split())


def search_addresses(text: str, *, limit: int = 10) -> list[Match]:
    """The best matches for what was typed, best first (at most `limit`, up to 50); one query."""
    limit = max(1, min(limit, MAX_RESULTS))
    address = read_address(text, place_names=place_names())
    whole = " ".join(filter(None, (address.street, address.house)))
    if not whole:
        return []
    with connection.cursor() as cursor:
        cursor.execute(
            SEARCH,
            {
                "street": address.street,
                "street_type": address.street_type,
                "type_bonus": TYPE_BONUS,
                "house": address.house,
                "house_number": address.house_number,
                "whole": whole,
                "min_similarity": MIN_STREET_SIMILARITY,
                "streets": STREETS_CONSIDERED,
                "name_weight": NAME_WEIGHT,
                "limit": limit,
            },
        )
        return [Match(*row) for row in cursor.fetchall()]
