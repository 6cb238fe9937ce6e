"""The call-back: the operator calls the applicant once the service has answered.

The appeal moves when its own applicant is reached (citizen informed), or after
`APPEALS_CALLBACK_MAX_ATTEMPTS` unanswered calls (informed as unreachable). A citizen who is not
satisfied reopens it: the applicant at once, a linked repeat's applicant once the applicant was
informed.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from accounts.permissions import Operation
from accounts.principal import Principal
from appeals.actions.lifecycle import reopen_locked
from appeals.errors import AppealError
from appeals.events import record_event
from appeals.models import Appeal, CallbackAttempt, EventKind
from appeals.states import AWAITING_CALLBACK, Status
from appeals.transitions import apply_transition, authorise, locked_appeal


@dataclass
class CallbackResult:
    appeal: Appeal
    attempt: CallbackAttempt
    informed: bool
    reopened: bool


def _contact(appeal: Appeal, contact_number: int | None) -> Appeal:
    if contact_number is None or contact_number == appeal.number:
        return appeal
    contact = Appeal.objects.filter(number=contact_number, parent=appeal).first()
    if contact is None:
        raise AppealError.of(
            "contactNumber",
            "not_a_contact",
            f"№{contact_number} бұл өтініштің қайталамасы емес / не повтор обращения №{appeal.number}",
        )
    return contact


def record_callback(
    actor: Principal,
    number: int,
    *,
    reached: bool,
    satisfied: bool | None = None,
    comment: str = "",
    contact_number: int | None = None,
) -> CallbackResult:
    authorise(actor, Operation.APPEAL_CALLBACK)
    if reached and satisfied is None:
        raise AppealError.of("satisfied", "required", "Азамат қанағаттанды ма? / Доволен ли заявитель?")
    if not reached and satisfied is not None:
        raise AppealError.of(
            "satisfied", "invalid", "Жауап бермеген азаматтың бағасы жоқ / Недозвон без оценки"
        )
    with transaction.atomic():
        appeal = locked_appeal(number)
        contact = _contact(appeal, contact_number)
        own = contact.pk == appeal.pk
        allowed = AWAITING_CALLBACK if own else AWAITING_CALLBACK | {Status.CITIZEN_INFORMED, Status.CLOSED}
        if appeal.status not in allowed:
            raise AppealError.of(
                "status",
                "invalid_transition",
                f"№{appeal.number}: кері қоңырау күтілмейді / обратный звонок не ожидается ({appeal.status})",
            )
        attempt = CallbackAttempt.objects.create(
            appeal=appeal,
            contact=contact,
            operator_subject=actor.subject,
            operator_name=actor.display_name or actor.username,
            reached=reached,
            satisfied=satisfied,
            comment=comment,
        )
        record_event(
            appeal,
            EventKind.CALLBACK_ATTEMPT,
            actor,
            operation=Operation.APPEAL_CALLBACK,
            comment=comment,
            data={"contact": contact.number, "reached": reached, "satisfied": satisfied},
        )
        informed = reopened = False
        if own:
            attempts = CallbackAttempt.objects.filter(appeal=appeal, contact=appeal).count()
            if reached or attempts >= settings.APPEALS_CALLBACK_MAX_ATTEMPTS:
                appeal.informed_at = timezone.now()
                appeal.callback_reached = reached
                appeal.callback_satisfied = satisfied
                apply_transition(
                    actor,
                    appeal,
                    "inform_citizen",
                    changed=["informed_at", "callback_reached", "callback_satisfied"],
                    comment=comment,
                    data={"reached": reached, "satisfied": satisfied, "attempts": attempts},
                )
                informed = True
        if reached and satisfied is False and appeal.status in (Status.CITIZEN_INFORMED, Status.CLOSED):
            reopen_locked(actor, appeal, comment or "Азамат қанағаттанбады / Заявитель не удовлетворён")
            reopened = True
    return CallbackResult(appeal=appeal, attempt=attempt, informed=informed, reopened=reopened)
