"""Every change to an appeal goes through these functions (GraphQL, views, tasks, tests alike)."""

from appeals.actions.callbacks import CallbackResult, record_callback
from appeals.actions.intake import AppealInput, IntakeResult, create_appeal
from appeals.actions.lifecycle import (
    assign_appeal,
    cancel_appeal,
    close_appeal,
    mark_done,
    mark_not_done,
    register_appeal,
    reject_appeal,
    reopen_appeal,
    start_work,
)
from appeals.actions.regional_escalation import escalate_to_region, record_regional_decision
from appeals.actions.telephony import record_incoming_call
from appeals.attachments.actions import CarriedFile
from appeals.emergency.actions import (
    AlarmUpdate,
    EmergencyUpdate,
    apply_112_status,
    forward_to_112,
    record_112_alarm,
)
from appeals.repeats.actions import keep_separate, link_as_repeat
from appeals.transfers.actions import (
    TransferredAppeal,
    receive_transfer,
    record_transfer_progress,
    transfer_appeal,
)
from appeals.violations.actions import close_violation, propose_sanction, record_explanation

__all__ = [
    "AlarmUpdate",
    "AppealInput",
    "CallbackResult",
    "CarriedFile",
    "EmergencyUpdate",
    "IntakeResult",
    "TransferredAppeal",
    "apply_112_status",
    "assign_appeal",
    "cancel_appeal",
    "close_appeal",
    "close_violation",
    "create_appeal",
    "escalate_to_region",
    "forward_to_112",
    "keep_separate",
    "link_as_repeat",
    "mark_done",
    "mark_not_done",
    "propose_sanction",
    "receive_transfer",
    "record_112_alarm",
    "record_callback",
    "record_explanation",
    "record_incoming_call",
    "record_regional_decision",
    "record_transfer_progress",
    "register_appeal",
    "reject_appeal",
    "reopen_appeal",
    "start_work",
    "transfer_appeal",
]
