"""Active categories by code, kept in process memory per tenant schema (intake reads one per call).

An edit in this process clears the entry at once (signals); other processes see it within a minute.
"""

from __future__ import annotations

from appeals.catalogue.schema_cache import SchemaCache
from appeals.models import Category

TTL_SECONDS = 60.0

_categories: SchemaCache[dict[str, Category]] = SchemaCache(
    lambda: {category.code: category for category in Category.objects.filter(is_active=True)}, TTL_SECONDS
)


def active_category(code: str) -> Category | None:
    return _categories.get().get(code)


def forget_categories(schema: str | None = None) -> None:
    _categories.forget(schema)
