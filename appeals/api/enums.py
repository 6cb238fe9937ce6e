"""GraphQL enums mirroring the domain's choices (values are the stored strings)."""

from __future__ import annotations

import graphene

from appeals.models import (
    CancelReason,
    Channel,
    EmergencyStatus,
    Language,
    Priority,
    RegionalEscalationState,
    ViolationStatus,
)
from appeals.states import Status


def _enum(name: str, choices: type, description: str) -> type[graphene.Enum]:
    """An enum whose values carry the domain's Kazakh / Russian labels as descriptions."""
    labels = dict(choices.choices)
    attrs: dict[str, object] = {member.name: member.value for member in choices}
    attrs["Meta"] = type("Meta", (), {"description": description})
    attrs["description"] = property(lambda self: labels.get(self.value))
    return type(name, (graphene.Enum,), attrs)


AppealStatus = _enum("AppealStatus", Status, "Lifecycle status of an appeal")
AppealChannel = _enum("AppealChannel", Channel, "How the appeal reached the 109 line")
AppealPriority = _enum("AppealPriority", Priority, "Priority")
ApplicantLanguage = _enum("ApplicantLanguage", Language, "The language the applicant speaks to the 109 line")
AppealCancelReason = _enum("AppealCancelReason", CancelReason, "Why an appeal was cancelled")
ViolationState = _enum("ViolationState", ViolationStatus, "State of a violation in the lawyer's register")
RegionalEscalationStateEnum = _enum(
    "RegionalEscalationState", RegionalEscalationState, "Where an escalation to the region stands"
)
EmergencyStatusEnum = _enum("EmergencyStatus", EmergencyStatus, "Where 112 is with a forwarded appeal")


def value_of(member: object) -> str:
    """Enum inputs may arrive as the member or as its value, depending on graphene's path."""
    return getattr(member, "value", member)
