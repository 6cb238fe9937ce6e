"""Editing the akimat's categories: names in both languages, the words callers use for the problem
(intake's search), the SLA policy (hours, calendar, warning lead), priority, the emergency flag with
its 112 services and the repeat rule.

Categories are never deleted (appeals keep pointing at them): one is switched off instead.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.db import transaction

from accounts.principal import Principal
from appeals.catalogue.changes import record_change, require_manager, snapshot
from appeals.catalogue.checks import Problems
from appeals.errors import not_found
from appeals.models import Category, ChangeAction, ChangeSubject, Priority, Service112, SlaCalendar

MAX_SLA_HOURS = 24 * 365
MAX_KEYWORDS = 50
MAX_KEYWORD_LENGTH = 60
FIELDS = (
    "name_kk",
    "name_ru",
    "keywords",
    "sla_calendar",
    "sla_hours",
    "warn_before_hours",
    "default_priority",
    "is_emergency",
    "services_112",
    "repeat_radius_m",
    "repeat_window_hours",
    "is_housing_utilities",
    "is_active",
)


@dataclass(frozen=True)
class CategoryInput:
    name_kk: str
    name_ru: str
    sla_hours: object
    sla_calendar: str = SlaCalendar.WORKING_DAYS
    warn_before_hours: object = 4
    default_priority: str = Priority.NORMAL
    is_emergency: bool = False
    services_112: list[str] = field(default_factory=list)
    repeat_radius_m: object = 150
    repeat_window_hours: object = 72
    is_housing_utilities: bool = False
    is_active: bool = True
    parent: str = ""  # the parent category's code; empty for a top-level group
    keywords: str | list[str] = ""  # a list, or text separated by commas, semicolons or new lines


def _state(category: Category) -> dict[str, object]:
    return {"parent": category.parent.code if category.parent else "", **snapshot(category, FIELDS)}


def _checked(
    data: CategoryInput, editing: Category | None, problems: Problems | None = None
) -> dict[str, object]:
    """The category's values; AppealError naming every mistake, with those already in `problems`."""
    problems = problems or Problems()
    values: dict[str, object] = {
        "name_kk": problems.text("name_kk", data.name_kk, max_length=200),
        "name_ru": problems.text("name_ru", data.name_ru, max_length=200),
        "keywords": _keywords(problems, data.keywords),
        "sla_calendar": problems.choice("sla_calendar", data.sla_calendar, SlaCalendar.values),
        "sla_hours": problems.whole("sla_hours", data.sla_hours, low=1, high=MAX_SLA_HOURS),
        "warn_before_hours": problems.whole(
            "warn_before_hours", data.warn_before_hours, low=0, high=MAX_SLA_HOURS
        ),
        "default_priority": problems.choice("default_priority", data.default_priority, Priority.values),
        "is_emergency": bool(data.is_emergency),
        "services_112": sorted(set(data.services_112)),
        "repeat_radius_m": problems.whole("repeat_radius_m", data.repeat_radius_m, low=0, high=10_000),
        "repeat_window_hours": problems.whole(
            "repeat_window_hours", data.repeat_window_hours, low=0, high=24 * 90
        ),
        "is_housing_utilities": bool(data.is_housing_utilities),
        "is_active": bool(data.is_active),
    }
    if values["warn_before_hours"] >= values["sla_hours"] > 0:
        problems.add(
            "warn_before_hours",
            "warning_after_deadline",
            "Ескерту мерзімнен қысқа болуы керек / Предупреждение должно быть меньше срока",
        )
    for service in values["services_112"]:
        problems.choice("services_112", service, Service112.values)
    if values["is_emergency"] and not values["services_112"]:
        problems.add(
            "services_112",
            "service_required",
            "Шұғыл санатқа 112 қызметі керек / Для экстренной категории укажите службу 112",
        )
    values["parent"] = _parent(problems, data.parent.strip(), editing)
    problems.raise_any()
    return values


def _keywords(problems: Problems, given: str | list[str]) -> list[str]:
    """The words in the order typed, each once (whatever its case), spaces collapsed."""
    words: list[str] = []
    seen: set[str] = set()
    for part in given if isinstance(given, list) else re.split(r"[,;\n]", given or ""):
        word = " ".join(part.split())
        if word and word.casefold() not in seen:
            seen.add(word.casefold())
            words.append(word)
    too_long = [word for word in words if len(word) > MAX_KEYWORD_LENGTH]
    if too_long:
        problems.add(
            "keywords",
            "too_long",
            f"«{too_long[0][:20]}…»: {MAX_KEYWORD_LENGTH} таңбадан аспауы керек / "
            f"«{too_long[0][:20]}…»: не длиннее {MAX_KEYWORD_LENGTH} символов",
        )
    if len(words) > MAX_KEYWORDS:
        problems.add(
            "keywords",
            "too_many",
            f"{MAX_KEYWORDS} сөзден аспауы керек / Не больше {MAX_KEYWORDS} слов",
        )
    return words


def _parent(problems: Problems, code: str, editing: Category | None) -> Category | None:
    if not code:
        return None
    parent = Category.objects.filter(code=code).first()
    if parent is None:
        problems.add("parent", "not_found", f"«{code}» санаты жоқ / Категории «{code}» нет")
        return None
    # A category may not sit under itself, however deep.
    ancestor, seen = parent, set()
    while ancestor is not None and editing is not None and ancestor.pk not in seen:
        if ancestor.pk == editing.pk:
            problems.add("parent", "cycle", "Санат өзіне бағынбайды / Категория не может входить в себя")
            return None
        seen.add(ancestor.pk)
        ancestor = ancestor.parent
    return parent


def create_category(actor: Principal, code: str, data: CategoryInput) -> Category:
    require_manager(actor)
    problems = Problems()
    code = problems.code("code", code)
    if not problems.found and Category.objects.filter(code=code).exists():
        problems.add("code", "taken", f"«{code}» коды бос емес / Код «{code}» уже занят")
    values = _checked(data, None, problems)  # the code's mistakes said with the others, at once
    with transaction.atomic():
        last = Category.objects.order_by("-sort_order").values_list("sort_order", flat=True).first() or 0
        category = Category.objects.create(code=code, sort_order=last + 10, **values)
        record_change(
            actor,
            ChangeSubject.CATEGORY,
            ChangeAction.CREATED,
            code,
            category.pk,
            {},
            _state(category),
        )
    return category


def update_category(actor: Principal, code: str, data: CategoryInput) -> Category:
    require_manager(actor)
    with transaction.atomic():
        category = Category.objects.select_for_update().filter(code=code).first()
        if category is None:
            raise not_found("Санат / Категория", code, "code")
        values = _checked(data, category)
        before = _state(category)
        for name, value in values.items():
            setattr(category, name, value)
        category.save()
        record_change(
            actor,
            ChangeSubject.CATEGORY,
            ChangeAction.UPDATED,
            code,
            category.pk,
            before,
            _state(category),
        )
    return category
