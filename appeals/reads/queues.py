"""Read models the consoles work from: the call-back queue and the violation register."""

from __future__ import annotations

import datetime
from collections.abc import Sequence

from django.conf import settings
from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from appeals.models import Appeal, AppealEvent, CallbackAttempt, EventKind, Violation
from appeals.states import AWAITING_CALLBACK

# A person's violations within this period count towards a repeat offence.
REPEAT_OFFENCE_WINDOW = datetime.timedelta(days=365)


def callback_queue() -> QuerySet[Appeal]:
    """Appeals the service has answered and whose applicant waits for the operator's call, oldest
    answer first, with the number of unanswered attempts on the applicant so far."""
    attempts = (
        CallbackAttempt.objects.filter(appeal=OuterRef("pk"), contact=OuterRef("pk"))
        .order_by()
        .values("appeal")
        .annotate(n=Count("id"))
        .values("n")
    )
    return (
        Appeal.objects.filter(status__in=AWAITING_CALLBACK)
        .annotate(applicant_attempts=Coalesce(Subquery(attempts, output_field=IntegerField()), Value(0)))
        .order_by("status_changed_at", "id")
    )


def callback_contacts(appeal: Appeal) -> list[Appeal]:
    """Who is to be called: the applicant, then the applicants of the repeats linked to it."""
    return [appeal, *appeal.repeats.order_by("received_at", "id")]


def answered_at(appeal: Appeal) -> datetime.datetime | None:
    """When the service gave the answer the appeal shows: `resolved_at` while it stands; after a
    reopen (which clears it, the answer's text kept) the last move into an answered status, so the
    operator still sees when the answer the citizen rejected was given."""
    if appeal.resolved_at is not None:
        return appeal.resolved_at
    if not appeal.resolution:
        return None  # never answered: no query
    answers = AppealEvent.objects.filter(
        appeal=appeal, kind=EventKind.TRANSITION, to_status__in=AWAITING_CALLBACK
    )
    return answers.order_by("-at", "-id").values_list("at", flat=True).first()


def uncalled(repeats: Sequence[Appeal], attempts: Sequence[CallbackAttempt]) -> list[Appeal]:
    """The linked repeats whose applicants are still to be called: no call reached them and fewer
    than `APPEALS_CALLBACK_MAX_ATTEMPTS` were made (as the applicant's own call-back counts). The
    appeal may still be closed: the pages warn with the list, they do not hold it back."""
    tried: dict[int, int] = {}
    reached: set[int] = set()
    for attempt in attempts:
        tried[attempt.contact_id] = tried.get(attempt.contact_id, 0) + 1
        if attempt.reached:
            reached.add(attempt.contact_id)
    limit = settings.APPEALS_CALLBACK_MAX_ATTEMPTS
    return [r for r in repeats if r.pk not in reached and tried.get(r.pk, 0) < limit]


def uncalled_repeats(appeal: Appeal) -> list[Appeal]:
    """`uncalled` for an appeal whose repeats and calls are not read yet (no query when it has no
    repeats, else two)."""
    if not appeal.repeat_count:
        return []
    repeats = list(appeal.repeats.order_by("received_at", "id"))
    return uncalled(repeats, list(CallbackAttempt.objects.filter(appeal=appeal, contact__in=repeats)))


def callback_attempts(appeal: Appeal) -> list[CallbackAttempt]:
    """Every call made about this appeal, to its applicant or a repeat's, first call first."""
    return list(CallbackAttempt.objects.filter(appeal=appeal).select_related("contact").order_by("at", "id"))


def with_person_history(violations: QuerySet[Violation], now: datetime.datetime | None = None) -> QuerySet:
    """Annotate `person_violations`: how many violations the same person has had in the last year
    (this one included). Above 1 is a repeat offence, which the lawyer's register shows."""
    since = (now or timezone.now()) - REPEAT_OFFENCE_WINDOW
    history = (
        Violation.objects.filter(person=OuterRef("person"), detected_at__gte=since)
        .order_by()
        .values("person")
        .annotate(n=Count("id"))
        .values("n")
    )
    return violations.annotate(
        person_violations=Coalesce(Subquery(history, output_field=IntegerField()), Value(0))
    )
