"""In-process cache invalidation when catalogues are edited (admin, fixtures)."""

from __future__ import annotations

from django.db import connection
from django.db.models.signals import post_delete, post_save

from appeals.catalogue.cache import forget_categories
from appeals.models import CalendarException, Category
from appeals.rules.calendar import forget_tenant_calendar


def _calendar_changed(**_kwargs: object) -> None:
    forget_tenant_calendar(connection.schema_name)


def _categories_changed(**_kwargs: object) -> None:
    forget_categories(connection.schema_name)


def connect() -> None:
    post_save.connect(_categories_changed, sender=Category, dispatch_uid="appeals-category-save")
    post_delete.connect(_categories_changed, sender=Category, dispatch_uid="appeals-category-delete")
    post_save.connect(_calendar_changed, sender=CalendarException, dispatch_uid="appeals-calendar-save")
    post_delete.connect(_calendar_changed, sender=CalendarException, dispatch_uid="appeals-calendar-delete")
