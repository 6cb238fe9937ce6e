"""Which organisation answers an appeal. First the appeal's map object, when an installed app knows
it (the city map registers a router: `appeals` imports nothing of it); then the category's rule
whose area covers the point, else the category's default, else the parent category's (so
sub-categories inherit their group's routing)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.contrib.gis.geos import Point

from appeals.models import Category, Organisation, ResponsiblePerson, RoutingRule

if TYPE_CHECKING:
    from appeals.models import Appeal


@dataclass(frozen=True)
class ObjectRoute:
    """Who answers for the object the appeal is about: its organisation and, when named, its person."""

    organisation: Organisation
    person: ResponsiblePerson | None = None


ObjectRouter = Callable[["Appeal"], ObjectRoute | None]
_object_routers: list[ObjectRouter] = []


def register_object_router(router: ObjectRouter) -> None:
    """`router(appeal)` answers for an appeal about an object it knows, None otherwise (asked in the
    assignment's transaction, before the category and area rules)."""
    if router not in _object_routers:
        _object_routers.append(router)


def unregister_object_router(router: ObjectRouter) -> None:
    if router in _object_routers:
        _object_routers.remove(router)


def route_by_object(appeal: Appeal) -> ObjectRoute | None:
    for router in _object_routers:
        found = router(appeal)
        if found is not None and found.organisation.is_active:
            person = found.person
            if person is not None and (
                not person.is_active or person.organisation_id != found.organisation.pk
            ):
                person = None  # a person who left, or of another service: the organisation still answers
            return ObjectRoute(found.organisation, person)
    return None


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
