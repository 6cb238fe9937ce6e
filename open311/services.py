"""Open311 services: the akimat's active categories, named in the caller's language.

Emergencies are not services here: Open311 clients are civic tools, and a fire or an ambulance is a
call to 112, not a report to file (the list says so in each emergency's absence, the guide in words).
"""

from __future__ import annotations

from collections.abc import Mapping

from appeals.catalogue.cache import active_category, category_groups
from appeals.models import Category


def name_in(obj: object, language: str | None, field: str = "name") -> str:
    """`<field>_kk` for Kazakh, `<field>_ru` otherwise (Russian is the region's other language,
    and what an English caller reads best of the two); of a model or of a row's keys
    (`category__name`)."""
    first, second = ("kk", "ru") if language == "kk" else ("ru", "kk")
    if isinstance(obj, Mapping):
        return obj.get(f"{field}_{first}") or obj.get(f"{field}_{second}") or ""
    return getattr(obj, f"{field}_{first}", "") or getattr(obj, f"{field}_{second}", "")


def service(category: Category, group: Category | None, language: str | None) -> dict[str, object]:
    return {
        "service_code": category.code,
        "service_name": name_in(category, language),
        "description": name_in(category, language),
        "metadata": False,
        "type": "realtime",
        "keywords": ",".join([*category.code.split("-"), *category.keywords]),
        "group": name_in(group or category, language),
    }


def services(language: str | None) -> list[dict[str, object]]:
    found = []
    for top, children in category_groups():
        for category in [top, *children]:
            if not category.is_emergency:
                found.append(service(category, top, language))
    return found


def public_category(code: str) -> Category | None:
    """An active category Open311 may file against (never an emergency's)."""
    category = active_category(code)
    return category if category is not None and not category.is_emergency else None
