"""The operator's decision on a proposed repeat: link the new appeal to the original, or keep it."""

from __future__ import annotations

from django.db import transaction

from accounts.permissions import Operation
from accounts.principal import Principal
from appeals.actions.lifecycle import cancel_locked
from appeals.errors import AppealError
from appeals.events import record_event
from appeals.models import Appeal, CancelReason, EventKind
from appeals.states import TERMINAL_STATUSES
from appeals.transitions import authorise, locked_appeal


def link_as_repeat(actor: Principal, number: int, *, original_number: int, comment: str = "") -> Appeal:
    """Cancel `number` as a duplicate of the original: its repeat count grows and the new applicant
    joins the original's call-back list. Returns the original."""
    authorise(actor, Operation.APPEAL_ROUTE)
    if number == original_number:
        raise AppealError.of(
            "originalNumber",
            "same_appeal",
            "Өтініш өзінің қайталамасы емес / Обращение не повтор самого себя",
        )
    with transaction.atomic():
        # Lock every row involved in number order (the original's own original too, when it is a
        # repeat) so two operators linking crosswise cannot deadlock.
        root = (
            Appeal.objects.filter(number=original_number, parent__isnull=False)
            .values_list("parent__number", flat=True)
            .first()
        )
        locked = {n: locked_appeal(n) for n in sorted({number, original_number, root} - {None})}
        appeal, original = locked[number], locked[original_number]
        if original.parent_id is not None:
            by_pk = {a.pk: a for a in locked.values()}
            # Became a repeat between the look and the lock (rare): its original is locked now.
            original = by_pk.get(original.parent_id) or locked_appeal(
                Appeal.objects.values_list("number", flat=True).get(pk=original.parent_id)
            )
        if original.status in TERMINAL_STATUSES:
            raise AppealError.of(
                "originalNumber",
                "original_closed",
                f"№{original.number} жабық: жаңа өтінішті бөлек қалдырыңыз"
                f" / №{original.number} закрыто: новое обращение оставьте отдельным",
            )
        if appeal.repeat_count:
            raise AppealError.of(
                "number",
                "has_repeats",
                f"№{appeal.number}: өзінің қайталамалары бар / у обращения есть свои повторы",
            )
        appeal.parent = original
        cancel_locked(
            actor,
            appeal,
            CancelReason.DUPLICATE,
            comment,
            data={"original": original.number},
        )
        # cancel_locked saved only its own fields; the link is saved here.
        appeal.save(update_fields=["parent"])
        original.repeat_count += 1
        original.save(update_fields=["repeat_count"])
        record_event(
            appeal,
            EventKind.REPEAT_LINKED,
            actor,
            operation=Operation.APPEAL_ROUTE,
            comment=comment,
            data={"original": original.number},
        )
        record_event(
            original,
            EventKind.REPEAT_ADDED,
            actor,
            operation=Operation.APPEAL_ROUTE,
            comment=comment,
            data={"repeat": appeal.number, "repeat_count": original.repeat_count},
        )
    return original


def keep_separate(actor: Principal, number: int, *, proposed: list[int], comment: str = "") -> Appeal:
    """The operator looked at the proposed repeats and kept the appeal on its own (recorded)."""
    authorise(actor, Operation.APPEAL_ROUTE)
    proposed = sorted(set(proposed))
    known = set(Appeal.objects.filter(number__in=proposed).values_list("number", flat=True))
    if not proposed or known != set(proposed):
        missing = ", ".join(str(n) for n in proposed if n not in known) or "—"
        raise AppealError.of(
            "proposed",
            "not_found",
            f"Ұсынылған өтініштер табылмады / Предложенные обращения не найдены: {missing}",
        )
    with transaction.atomic():
        appeal = locked_appeal(number)
        record_event(
            appeal,
            EventKind.KEPT_SEPARATE,
            actor,
            operation=Operation.APPEAL_ROUTE,
            comment=comment,
            data={"proposed": proposed},
        )
    return appeal
