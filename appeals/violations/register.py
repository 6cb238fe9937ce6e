"""Opening and settling violations: an appeal answered after its deadline (or still unanswered past
it) is a violation of the organisation and of the person responsible for it."""

from __future__ import annotations

import datetime
from decimal import Decimal

from appeals.events import SYSTEM
from appeals.models import Appeal, ResponsiblePerson, Violation, ViolationEvent, ViolationStatus
from appeals.rules.sla import hours_between


def responsible_person(appeal: Appeal) -> ResponsiblePerson | None:
    """The assignee, else the head of the organisation."""
    if appeal.assignee_id is not None:
        return appeal.assignee
    return ResponsiblePerson.objects.filter(organisation_id=appeal.organisation_id, is_head=True).first()


def open_violation(appeal: Appeal, now: datetime.datetime) -> tuple[Violation | None, bool]:
    """(violation, created); none when no organisation had the appeal (the 109 line itself was late)."""
    if appeal.organisation_id is None or appeal.deadline is None:
        return None, False
    violation, created = Violation.objects.get_or_create(
        appeal=appeal,
        deadline=appeal.deadline,
        defaults={
            "organisation_id": appeal.organisation_id,
            "person": responsible_person(appeal),
            "hours_overdue": Decimal(str(max(hours_between(appeal.deadline, now), 0))),
        },
    )
    if created:
        ViolationEvent.objects.create(
            violation=violation,
            to_status=ViolationStatus.OPEN,
            actor_subject=SYSTEM.subject,
            actor_name=SYSTEM.display_name,
            actor_role="system",
            comment=opened_comment(appeal.number),
        )
    return violation, created


def opened_comment(number: int) -> str:
    """The opening entry of a violation's history, both languages: each screen shows its half."""
    return f"№{number}: мерзімі өтті / срок нарушен"


def settle_on_resolution(appeal: Appeal, resolved_at: datetime.datetime) -> Violation | None:
    """Called when the service answers: a late answer opens (or fixes the hours of) the violation."""
    if appeal.deadline is None or resolved_at <= appeal.deadline:
        return None
    violation, _ = open_violation(appeal, resolved_at)
    if violation is not None and violation.status != ViolationStatus.CLOSED:
        violation.hours_overdue = Decimal(str(hours_between(appeal.deadline, resolved_at)))
        violation.save(update_fields=["hours_overdue"])
    return violation
