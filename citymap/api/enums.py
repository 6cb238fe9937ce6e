"""GraphQL enums of the map (values are the stored strings, descriptions the Kazakh / Russian labels)."""

from __future__ import annotations

import graphene

from citymap.models import ObjectKind, OutageKind, OutageNature, WorkStatus


def _enum(name: str, choices: type, description: str) -> type[graphene.Enum]:
    labels = dict(choices.choices)
    attrs: dict[str, object] = {member.name: member.value for member in choices}
    attrs["Meta"] = type("Meta", (), {"description": description})
    attrs["description"] = property(lambda self: labels.get(self.value))
    return type(name, (graphene.Enum,), attrs)


MapObjectKind = _enum("MapObjectKind", ObjectKind, "What a map object is")
OutageKindEnum = _enum("OutageKind", OutageKind, "What an outage cuts off")
OutageNatureEnum = _enum("OutageNature", OutageNature, "Planned or emergency")
WorkStatusEnum = _enum("WorkStatus", WorkStatus, "Where a work on a map object stands")


def value_of(member: object) -> str:
    return getattr(member, "value", member)
