"""Intake's category search, over the shipped catalogue: a caller's everyday words and their word
forms find the category, in Kazakh typed with or without its own letters, and a whole phrase still
finds the best match. No database: the search is a plain function over categories."""

from __future__ import annotations

import pytest

from appeals.catalogue.fixtures import read_categories
from appeals.catalogue.search import search, stem
from appeals.models import Category


@pytest.fixture(scope="module")
def catalogue() -> list[Category]:
    rows = read_categories()
    ids = {row.code: number for number, row in enumerate(rows, start=1)}
    return [
        Category(
            pk=ids[row.code],
            code=row.code,
            parent_id=ids.get(row.parent),
            name_kk=row.name_kk,
            name_ru=row.name_ru,
            keywords=row.keywords,
            sort_order=row.sort_order,
        )
        for row in rows
    ]


def codes(catalogue: list[Category], text: str) -> list[str]:
    return [category.code for category in search(catalogue, text)]


@pytest.mark.parametrize(
    ("typed", "first"),
    [
        ("свет", "electricity"),
        ("нет света", "electricity"),  # a word form of the keyword
        ("жарық жоқ", "electricity"),
        ("жарык жок", "electricity"),  # Kazakh on a Russian layout
        ("жарықты өшірді", "electricity"),  # a Kazakh suffix
        ("көше жарығы", "street-lighting"),
        ("батареи холодные", "heating"),
        ("протекает крыша в подъезде", "roofs-entrances"),
        ("пахнет газом", "gas-leak"),
        ("газ иісі", "gas-leak"),
        ("не горит фонарь во дворе", "street-lighting"),  # 3 of 5 words; "двор" alone is yards
        ("hot-water", "hot-water"),  # the code
        ("дым из подвала", "fire"),  # "дым" is the fire's own word, "подвал" only starts a word
        ("ЁЛКА", None),
    ],
)
def test_a_callers_words_find_the_category(catalogue, typed, first):
    found = codes(catalogue, typed)
    assert (found[0] if found else None) == first, found


def test_every_word_found_beats_some_words_found(catalogue):
    # "вода" alone: both waters, the pipelines; with "горячая" only the hot water has both.
    assert {"hot-water", "cold-water"} <= set(codes(catalogue, "вода"))
    assert codes(catalogue, "горячей воды") == ["hot-water"]


def test_a_word_being_typed_finds_what_starts_with_it(catalogue):
    assert codes(catalogue, "вод")[:2] == ["hot-water", "cold-water"]  # as the operator types "вода"
    assert codes(catalogue, "отоп") == ["heating"]
    # Kazakh's "water" is a whole word of the waters: before the heating's "cold" that starts with it.
    assert codes(catalogue, "су")[:2] == ["hot-water", "cold-water"] and "heating" in codes(catalogue, "су")


def test_a_longer_word_is_still_found_inside_a_name(catalogue):
    assert {"electricity", "gas", "hot-water", "cold-water", "heating"} - {"heating"} <= set(
        codes(catalogue, "снабжение")
    )


def test_nothing_typed_offers_the_catalogue_up_to_the_limit(catalogue):
    assert len(search(catalogue, "")) == 12
    assert len(search(catalogue, " в ", limit=50)) == len(catalogue)  # a lone letter says nothing


def test_a_stem_cuts_an_ending_but_keeps_the_root():
    typed = ("су", "воды", "света", "горит", "батареи")
    assert [stem(w) for w in typed] == ["су", "вод", "свет", "гори", "батар"]


def test_a_loaded_row_is_folded_once_and_a_reloaded_one_has_its_new_words():
    row = Category(pk=1, code="snow", name_kk="Қар", name_ru="Снег", keywords=["сугроб"])
    assert search([row], "сугробы") == [row]
    folded_once = row.__dict__["_search_folded"]
    assert search([row], "снег") == [row] and row.__dict__["_search_folded"] is folded_once
    # The catalogue's cache loads new rows when the akimat edits its words (decision 61).
    reloaded = Category(pk=1, code="snow", name_kk="Қар", name_ru="Снег", keywords=["гололёд"])
    assert search([reloaded], "гололед") == [reloaded] and search([reloaded], "сугроб") == []
