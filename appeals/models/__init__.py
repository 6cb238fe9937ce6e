from appeals.models.appeal import Appeal, Attachment, CancelReason, Channel, Language
from appeals.models.callbacks import CallbackAttempt
from appeals.models.catalogue import (
    CalendarException,
    CalendarExceptionKind,
    Category,
    Organisation,
    OrganisationKind,
    Priority,
    ResponsiblePerson,
    RoutingRule,
    Service112,
    SlaCalendar,
)
from appeals.models.change_marks import AppealChangeMark
from appeals.models.changes import CatalogueChange, ChangeAction, ChangeSubject
from appeals.models.cross_tenant import RegionalEscalationState
from appeals.models.emergency import (
    OPEN_EMERGENCY_STATUSES,
    EmergencyAlarm,
    EmergencyAlarmKind,
    EmergencyForward,
    EmergencyStatus,
)
from appeals.models.events import AppealEvent, EventKind
from appeals.models.notifications import Notification, NotificationKind, NotificationRead
from appeals.models.portal import KeptPhoto
from appeals.models.telephony import ExchangeCredential, IncomingCall
from appeals.models.violations import Violation, ViolationEvent, ViolationStatus

__all__ = [
    "OPEN_EMERGENCY_STATUSES",
    "Appeal",
    "AppealChangeMark",
    "AppealEvent",
    "Attachment",
    "CalendarException",
    "CalendarExceptionKind",
    "CallbackAttempt",
    "CancelReason",
    "CatalogueChange",
    "Category",
    "ChangeAction",
    "ChangeSubject",
    "Channel",
    "EmergencyAlarm",
    "EmergencyAlarmKind",
    "EmergencyForward",
    "EmergencyStatus",
    "EventKind",
    "ExchangeCredential",
    "IncomingCall",
    "KeptPhoto",
    "Language",
    "Notification",
    "NotificationKind",
    "NotificationRead",
    "Organisation",
    "OrganisationKind",
    "Priority",
    "RegionalEscalationState",
    "ResponsiblePerson",
    "RoutingRule",
    "Service112",
    "SlaCalendar",
    "Violation",
    "ViolationEvent",
    "ViolationStatus",
]
