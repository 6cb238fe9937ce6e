from regional.models.escalations import (
    EntryKind,
    Escalation,
    EscalationCause,
    EscalationEntry,
    EscalationState,
)
from regional.models.rankings import PlaceRanking
from regional.models.read_model import ALL, AppealFact, CategoryLabel, DailyTally, StatusCount

__all__ = [
    "ALL",
    "AppealFact",
    "CategoryLabel",
    "DailyTally",
    "EntryKind",
    "Escalation",
    "EscalationCause",
    "EscalationEntry",
    "EscalationState",
    "PlaceRanking",
    "StatusCount",
]
