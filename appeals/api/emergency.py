"""GraphQL of emergencies at the 109 line: an appeal's 112 status (staff, and the citizen's tracking
with status and dates only) and the 112 watchdog's alarms for the akimat's supervisor."""

from __future__ import annotations

import graphene

from accounts.permissions import Operation
from appeals.api.enums import EmergencyStatusEnum
from appeals.api.errors import bad_input, require_read
from appeals.api.fields import choice, time_field
from appeals.models import EmergencyAlarm, EmergencyForward, EmergencyStatus
from tenants.sandbox import current_is_sandbox

ALARMS_MAX = 100


class TrackedEmergencyType(graphene.ObjectType):
    class Meta:
        name = "TrackedEmergency"
        description = "What a citizen sees of 112's work on an appeal: status and dates, nothing else."

    status = graphene.Field(EmergencyStatusEnum, required=True, resolver=choice("status"))
    status_label = graphene.String(required=True, resolver=lambda f, info: EmergencyStatus(f.status).label)
    forwarded_at = time_field("forwarded_at", required=True)
    received_at = time_field("received_at")
    acknowledged_at = time_field("acknowledged_at")
    dispatched_at = time_field("dispatched_at")
    on_scene_at = time_field("on_scene_at")
    finished_at = time_field("finished_at")


class AppealEmergencyType(TrackedEmergencyType):
    class Meta:
        name = "AppealEmergency"
        description = "The appeal at 112: services asked for, 112's status with its dates and notes."

    services = graphene.List(graphene.NonNull(graphene.String), required=True, description="101/102/103/104")
    incident_id = graphene.String(required=True, description="EIDO $id, known once 112 answered")
    forward_note = graphene.String(required=True, description="the operator's note with the last forward")
    dispatcher_note = graphene.String(required=True, description="the note of 112's last status")
    rejection_note = graphene.String(required=True, description="why 112 sent it back (not an emergency)")
    unit = graphene.String(required=True, description="unit or crew 112 dispatched")
    forwards = graphene.Int(required=True, description="how many times the 109 line forwarded it")
    status_at = time_field("status_at", required=True)
    sandbox = graphene.Boolean(
        required=True,
        resolver=lambda f, info: current_is_sandbox(),
        description=(
            "true in the sandbox akimat: the forward was recorded and its 112 document built and "
            "checked, but nothing was sent to 112 (it would have been in production)"
        ),
    )


class EmergencyAlarmType(graphene.ObjectType):
    class Meta:
        name = "EmergencyAlarm"
        description = (
            "An alarm about one of this akimat's forwarded appeals: 112 did not acknowledge it in time "
            "(raised by the regional 112 watchdog) or did not receive it (raised by the akimat)."
        )

    id = graphene.Int(required=True, resolver=lambda a, info: a.pk, description="the akimat's alarm id")
    regional_id = graphene.Int(
        resolver=lambda a, info: a.alarm_id,
        description="the regional 112 watchdog's alarm id; null for not_received",
    )
    appeal_number = graphene.Int(required=True, resolver=lambda a, info: a.appeal.number)
    kind = graphene.String(
        required=True,
        description=(
            "not_acknowledged: 112 did not take it in time; not_received: 112 never reported receiving it"
        ),
    )
    text = graphene.String(required=True)
    raised_at = time_field("raised_at", required=True)
    resolved_at = time_field("resolved_at")
    emergency = graphene.Field(AppealEmergencyType, resolver=lambda a, info: emergency_of(a.appeal))


def emergency_of(appeal: object) -> EmergencyForward | None:
    """The appeal's 112 record, or None when it was never forwarded (a reverse one-to-one)."""
    return getattr(appeal, "emergency", None)


class EmergencyQuery(graphene.ObjectType):
    emergency_alarms = graphene.List(
        graphene.NonNull(EmergencyAlarmType),
        required=True,
        include_resolved=graphene.Boolean(default_value=False),
        limit=graphene.Int(default_value=50),
        description="Supervisor: the 112 watchdog's alarms about this akimat's appeals, newest first",
    )

    @staticmethod
    def resolve_emergency_alarms(
        root: None, info: graphene.ResolveInfo, include_resolved: bool = False, limit: int = 50
    ) -> list[EmergencyAlarm]:
        require_read(info, Operation.EMERGENCY_ALARMS_VIEW)
        if not 1 <= limit <= ALARMS_MAX:
            raise bad_input(
                "limit", "invalid_limit", f"limit: 1-{ALARMS_MAX} аралығында / от 1 до {ALARMS_MAX}"
            )
        alarms = EmergencyAlarm.objects.select_related("appeal__emergency").order_by("-raised_at", "-id")
        if not include_resolved:
            alarms = alarms.filter(resolved_at__isnull=True)
        return list(alarms[:limit])
