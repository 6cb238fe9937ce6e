"""The lawyer's register as the console reads it: violations by state, each with the appeal, the
organisation, the person and that person's count over the last year (`with_person_history`),
one query per page; a person's year; one violation with its history."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from appeals.models import ResponsiblePerson, Violation, ViolationEvent, ViolationStatus
from appeals.reads.queues import REPEAT_OFFENCE_WINDOW, with_person_history

PAGE = 50


def _rows() -> QuerySet[Violation]:
    return Violation.objects.select_related("appeal", "appeal__category", "organisation", "person").defer(
        "appeal__description", "appeal__location", "appeal__resolution"
    )


REGISTER_COLUMNS = (
    "detected_at",
    "deadline",
    "hours_overdue",
    "status",
    "appeal__number",
    "organisation__code",
    "organisation__name_kk",
    "organisation__name_ru",
    "person__full_name",
)


def register(
    status: str = "",
    organisation: str = "",
    person_id: int | None = None,
    now: datetime.datetime | None = None,
) -> QuerySet[Violation]:
    """Newest first; `status` "" means every state, `organisation` is a code."""
    # What a row of the register shows, no more: a page of fifty builds some 200 model instances,
    # and the appeal's and the catalogues' other columns cost more to load than the query itself.
    rows = Violation.objects.select_related("appeal", "organisation", "person").only(*REGISTER_COLUMNS)
    if status:
        rows = rows.filter(status=status)
    if organisation:
        rows = rows.filter(organisation__code=organisation)
    if person_id is not None:
        rows = rows.filter(person_id=person_id)
    return with_person_history(rows, now).order_by("-detected_at", "-id")


def state_counts() -> dict[str, int]:
    """How many violations each state holds, and "" for all of them (one query)."""
    totals = Violation.objects.aggregate(
        all=Count("id"), **{state: Count("id", filter=Q(status=state)) for state in ViolationStatus.values}
    )
    return {("" if name == "all" else name): value for name, value in totals.items()}


@dataclass(frozen=True)
class PersonYear:
    person: ResponsiblePerson
    since: datetime.datetime
    violations: list[Violation]

    @property
    def count(self) -> int:
        return len(self.violations)

    @property
    def is_repeat_offence(self) -> bool:
        return self.count > 1

    @property
    def hours_overdue(self) -> float:
        return float(sum(v.hours_overdue for v in self.violations))


def person_year(person_id: int, now: datetime.datetime | None = None) -> PersonYear | None:
    """A person's violations of the last 365 days, newest first (the `personViolations` count)."""
    person = ResponsiblePerson.objects.select_related("organisation").filter(pk=person_id).first()
    if person is None:
        return None
    since = (now or timezone.now()) - REPEAT_OFFENCE_WINDOW
    rows = _rows().filter(person=person, detected_at__gte=since).order_by("-detected_at", "-id")
    return PersonYear(person, since, list(rows))


def violation(violation_id: int, now: datetime.datetime | None = None) -> Violation | None:
    """One violation with its events and the person's count over the year."""
    return (
        with_person_history(_rows().filter(pk=violation_id), now)
        .prefetch_related(Prefetch("events", queryset=ViolationEvent.objects.order_by("at", "id")))
        .first()
    )
