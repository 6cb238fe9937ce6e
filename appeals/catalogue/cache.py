"""Active categories by code, kept in process memory per tenant schema (intake reads one per call).

An edit in this process clears the entry at once (signals); other processes see it within a minute.
"""

from __future__ import annotations

from appeals.catalogue.schema_cache import SchemaCache
from appeals.catalogue.search import search
from appeals.models import Category

TTL_SECONDS = 60.0

_categories: SchemaCache[dict[str, Category]] = SchemaCache(
    lambda: {category.code: category for category in Category.objects.filter(is_active=True)}, TTL_SECONDS
)


def active_category(code: str) -> Category | None:
    return _categories.get().get(code)


def forget_categories(schema: str | None = None) -> None:
    _categories.forget(schema)


def search_categories(text: str, limit: int = 12) -> list[Category]:
    """Active categories for the words typed (appeals.catalogue.search)."""
    return search(_categories.get().values(), text, limit)


def category_groups() -> list[tuple[Category, list[Category]]]:
    """Active top-level categories, each with its active children, in the catalogue's order (for a
    form's picker). A child whose parent is not active stands as a group of its own."""
    active = sorted(_categories.get().values(), key=lambda c: (c.sort_order, c.code))
    ids = {c.pk for c in active}
    tops = [c for c in active if c.parent_id not in ids]
    return [(top, [c for c in active if c.parent_id == top.pk]) for top in tops]
