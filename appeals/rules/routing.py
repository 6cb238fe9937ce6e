"""Which organisation answers an appeal: the category's rule whose area covers the point, else the
category's default, else the parent category's (so sub-categories inherit their group's routing)."""

from __future__ import annotations

from django.contrib.gis.geos import Point

from appeals.models import Category, Organisation, RoutingRule


def route(category: Category, location: Point | None) -> Organisation | None:
    current: Category | None = category
    seen: set[int] = set()
    while current is not None and current.pk not in seen:
        seen.add(current.pk)
        rules = RoutingRule.objects.filter(category=current, organisation__is_active=True).select_related(
            "organisation"
        )
        if location is not None:
            # The smallest covering area is the most specific rule.
            covering = rules.filter(area__covers=location).order_by("id")
            matched = sorted(covering, key=lambda rule: rule.area.area)
            if matched:
                return matched[0].organisation
        default = rules.filter(area__isnull=True).first()
        if default is not None:
            return default.organisation
        current = current.parent
    return None
