"""The transitions of an appeal, one function each; every one locks the appeal, checks the state
machine and the actor's permission, and writes its event in the same transaction."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from accounts.permissions import Operation
from accounts.principal import Principal
from appeals.emergency.actions import forward_if_emergency
from appeals.errors import AppealError, not_found
from appeals.events import one_change
from appeals.jobs.notify import notify_assigned
from appeals.models import Appeal, CancelReason, Category, Organisation, Priority, ResponsiblePerson
from appeals.rules.routing import route, route_by_object
from appeals.rules.sla import deadline_for
from appeals.states import Status
from appeals.transitions import apply_transition, authorise, locked_appeal, require_text
from appeals.violations.register import settle_on_resolution


def register_locked(
    actor: Principal,
    appeal: Appeal,
    *,
    category_code: str = "",
    priority: str = "",
    comment: str = "",
    stored: bool = False,
) -> None:
    """`stored`: intake wrote the row registered already (`registered_at` set); only the event is left."""
    changed = ["registered_at"]
    if category_code and (appeal.category is None or appeal.category.code != category_code):
        category = Category.objects.filter(code=category_code, is_active=True).first()
        if category is None:
            raise not_found("Санат / Категория", category_code, "category")
        appeal.category = category
        appeal.deadline = deadline_for(category, appeal.received_at)
        changed += ["category", "deadline"]
    if appeal.category is None:
        raise AppealError.of(
            "category", "required", "Тіркеу үшін санат қажет / Для регистрации нужна категория"
        )
    if priority:
        if priority not in Priority.values:
            raise AppealError.of("priority", "invalid", f"{priority!r}: белгісіз / неизвестный приоритет")
        appeal.priority = priority
        changed.append("priority")
    if not stored:
        appeal.registered_at = timezone.now()
    apply_transition(actor, appeal, "register", changed=changed, comment=comment, stored=stored)
    # Classified as an emergency: on to 112 at once (automatically only once per appeal).
    forward_if_emergency(actor, appeal)


def register_appeal(
    actor: Principal,
    number: int,
    *,
    category_code: str = "",
    priority: str = "",
    comment: str = "",
    assign: bool = False,
) -> Appeal:
    """Operator checked the appeal and classified it; `assign` sends it on to the routed organisation."""
    with transaction.atomic(), one_change():
        appeal = locked_appeal(number)
        register_locked(actor, appeal, category_code=category_code, priority=priority, comment=comment)
        if assign and appeal.status == Status.REGISTERED:  # not when it went on to 112
            assign_locked(actor, appeal)
    return appeal


def is_same_assignment(
    appeal: Appeal, organisation: Organisation, assignee: ResponsiblePerson | None
) -> bool:
    """The appeal is already with this organisation and person and being worked: assigning it
    again would only repeat the history's line and the organisation's e-mail."""
    return (
        appeal.status in (Status.ASSIGNED, Status.IN_PROGRESS)
        and appeal.organisation_id == organisation.pk
        and appeal.assignee_id == (assignee.pk if assignee is not None else None)
    )


def assign_locked(
    actor: Principal,
    appeal: Appeal,
    *,
    organisation_code: str = "",
    assignee_id: int | None = None,
    comment: str = "",
) -> None:
    routed_person: ResponsiblePerson | None = None
    if organisation_code:
        organisation = Organisation.objects.filter(code=organisation_code, is_active=True).first()
        if organisation is None:
            raise not_found("Ұйым / Организация", organisation_code, "organisation")
    elif appeal.organisation_id is not None:
        organisation = appeal.organisation  # reopened or reassigned to a person: same service
    else:
        # The object's own service first (the city map's houses, wells, lights), then the rules.
        by_object = route_by_object(appeal)
        if by_object is not None:
            organisation = by_object.organisation
            if assignee_id is None and by_object.person is not None:
                assignee_id = by_object.person.pk
                routed_person = by_object.person
        else:
            organisation = route(appeal.category, appeal.location) if appeal.category else None
        if organisation is None:
            raise AppealError.of(
                "organisation",
                "no_route",
                "Санат үшін жауапты ұйым анықталмаған / Для категории не задана ответственная организация",
            )
    assignee = routed_person
    if assignee is None and assignee_id is not None:
        assignee = ResponsiblePerson.objects.filter(
            pk=assignee_id, organisation=organisation, is_active=True
        ).first()
        if assignee is None:
            raise AppealError.of(
                "assignee",
                "not_in_organisation",
                f"{assignee_id}: бұл ұйымның қызметкері емес / не сотрудник организации {organisation.code}",
            )
    if is_same_assignment(appeal, organisation, assignee):
        raise AppealError.of(
            "organisation",
            "already_assigned",
            "Өтініш осы ұйымға осылай тапсырылған / Обращение уже передано этой организации так же",
        )
    previous = appeal.organisation.code if appeal.organisation_id else None
    appeal.organisation = organisation
    appeal.assignee = assignee
    appeal.assigned_at = timezone.now()
    apply_transition(
        actor,
        appeal,
        "assign",
        changed=["organisation", "assignee", "assigned_at"],
        comment=comment,
        data={"organisation": organisation.code, "assignee": assignee_id, "previous_organisation": previous},
    )
    notify_assigned(appeal)


def assign_appeal(
    actor: Principal,
    number: int,
    *,
    organisation_code: str = "",
    assignee_id: int | None = None,
    comment: str = "",
) -> Appeal:
    """Send the appeal to an organisation (the routed one unless named) and optionally a person."""
    with transaction.atomic():
        appeal = locked_appeal(number)
        assign_locked(
            actor, appeal, organisation_code=organisation_code, assignee_id=assignee_id, comment=comment
        )
    return appeal


def start_work(actor: Principal, number: int, *, comment: str = "") -> Appeal:
    with transaction.atomic():
        appeal = locked_appeal(number)
        apply_transition(actor, appeal, "start_work", comment=comment)
    return appeal


def _resolve(actor: Principal, number: int, name: str, resolution: str) -> Appeal:
    with transaction.atomic():
        appeal = locked_appeal(number)
        now = timezone.now()
        appeal.resolved_at = now
        appeal.resolution = resolution
        apply_transition(actor, appeal, name, changed=["resolved_at", "resolution"], comment=resolution)
        settle_on_resolution(appeal, now)
    return appeal


def mark_done(actor: Principal, number: int, *, resolution: str) -> Appeal:
    """The responsible service reports the work done, saying what was done: the operator tells the
    citizen on the call-back, and the tracking page shows it (decision 110)."""
    return _resolve(
        actor, number, "mark_done", require_text(resolution, "resolution", "Не істелді / Что сделано")
    )


def mark_not_done(actor: Principal, number: int, *, reason: str) -> Appeal:
    """The responsible service reports it could not do the work (the reason is required)."""
    return _resolve(actor, number, "mark_not_done", require_text(reason, "reason", "Себебі / Причина"))


def reject_appeal(actor: Principal, number: int, *, reason: str) -> Appeal:
    """Not for this service or not justified (the reason is required)."""
    return _resolve(actor, number, "reject", require_text(reason, "reason", "Себебі / Причина"))


def close_appeal(actor: Principal, number: int, *, comment: str = "") -> Appeal:
    with transaction.atomic():
        appeal = locked_appeal(number)
        appeal.closed_at = timezone.now()
        apply_transition(actor, appeal, "close", changed=["closed_at"], comment=comment)
    return appeal


def reopen_locked(actor: Principal, appeal: Appeal, reason: str) -> None:
    """The SLA clock starts again from now; earlier violations stay in the register."""
    now = timezone.now()
    appeal.reopen_count += 1
    appeal.resolved_at = None
    appeal.closed_at = None
    appeal.warned_at = appeal.overdue_at = appeal.escalated_at = None
    if appeal.category is not None:
        appeal.deadline = deadline_for(appeal.category, now)
    apply_transition(
        actor,
        appeal,
        "reopen",
        changed=[
            "reopen_count",
            "resolved_at",
            "closed_at",
            "warned_at",
            "overdue_at",
            "escalated_at",
            "deadline",
        ],
        comment=reason,
    )


def reopen_appeal(actor: Principal, number: int, *, reason: str) -> Appeal:
    text = require_text(reason, "reason", "Себебі / Причина")
    with transaction.atomic():
        appeal = locked_appeal(number)
        reopen_locked(actor, appeal, text)
    return appeal


def cancel_locked(
    actor: Principal, appeal: Appeal, reason: str, comment: str, data: dict | None = None
) -> None:
    require_text(reason, "reason", "Себебі / Причина")  # a reason is chosen, never a default
    if reason not in CancelReason.values:
        raise AppealError.of(
            "reason", "invalid", f"{reason!r}: тек 'duplicate' немесе 'spam' / только 'duplicate' или 'spam'"
        )
    appeal.cancel_reason = reason
    apply_transition(actor, appeal, "cancel", changed=["cancel_reason"], comment=comment, data=data)


def cancel_appeal(actor: Principal, number: int, *, reason: str, comment: str = "") -> Appeal:
    """Cancel as a duplicate or spam (to keep a duplicate's citizen informed, link it as a repeat)."""
    authorise(actor, Operation.APPEAL_CANCEL)
    with transaction.atomic():
        appeal = locked_appeal(number)
        cancel_locked(actor, appeal, reason, comment)
    return appeal
