"""Editing the akimat's working calendar: extra days off and working Saturdays (the exceptions
that beat Kazakhstan's public holidays, appeals/rules/calendar.py), and loading the moved days
shipped in `data/day_moves.csv` for a year."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction

from accounts.principal import Principal
from appeals.catalogue.changes import record_change, require_manager, snapshot
from appeals.catalogue.checks import Problems
from appeals.catalogue.fixtures import DayMove, read_day_moves
from appeals.errors import not_found
from appeals.models import CalendarException, CalendarExceptionKind, ChangeAction, ChangeSubject

FIELDS = ("date", "kind", "note")
# The years whose moved days are shipped (docs/consoles.md#settings says where they come from).
DAY_MOVE_YEARS = (2026, 2027)
EARLIEST, LATEST = datetime.date(2000, 1, 1), datetime.date(2100, 12, 31)


@dataclass(frozen=True)
class ExceptionInput:
    date: str  # 2026-03-09 (the date picker) or 09.03.2026 (typed)
    kind: str
    note: str = ""


def _day(typed: str) -> datetime.date | None:
    """The date picker sends 2026-03-09; a person typing writes 09.03.2026, as the pages show it."""
    for form in ("%Y-%m-%d", "%d.%m.%Y"):
        try:
            return datetime.datetime.strptime(typed, form).date()
        except ValueError:
            continue
    return None


def _checked(data: ExceptionInput) -> dict[str, object]:
    problems = Problems()
    typed = (data.date or "").strip()
    day = _day(typed)
    if not typed:
        problems.add("date", "required", "Толтыру міндетті / Обязательное поле")
    elif day is None:
        problems.add("date", "invalid_date", "Күнді КК.АА.ЖЖЖЖ түрінде жазыңыз / Введите дату как ДД.ММ.ГГГГ")
    if day is not None and not EARLIEST <= day <= LATEST:
        problems.add("date", "out_of_range", "2000–2100 жылдар / Годы 2000–2100")
    kind = problems.choice("kind", data.kind, CalendarExceptionKind.values)
    if day is not None and kind == CalendarExceptionKind.WORKING_DAY and day.weekday() < 5:
        problems.add(
            "date",
            "not_a_weekend",
            "Жұмыс күні ретінде тек демалыс күнін белгілеуге болады / "
            "Рабочим можно сделать только субботу или воскресенье",
        )
    note = problems.text("note", data.note, max_length=200, required=False)
    if day is not None and not problems.found and CalendarException.objects.filter(date=day).exists():
        problems.add("date", "taken", "Бұл күн тізімде бар / Эта дата уже есть в списке")
    problems.raise_any()
    return {"date": day, "kind": kind, "note": note}


def add_exception(actor: Principal, data: ExceptionInput) -> CalendarException:
    require_manager(actor)
    values = _checked(data)
    with transaction.atomic():
        exception = CalendarException.objects.create(**values)
        record_change(
            actor,
            ChangeSubject.CALENDAR_EXCEPTION,
            ChangeAction.CREATED,
            exception.date.isoformat(),
            exception.pk,
            {},
            snapshot(exception, FIELDS),
        )
    return exception


def delete_exception(actor: Principal, exception_id: int) -> None:
    require_manager(actor)
    with transaction.atomic():
        exception = CalendarException.objects.select_for_update().filter(pk=exception_id).first()
        if exception is None:
            raise not_found("Күнтізбе ерекшелігі / Исключение календаря", exception_id, "exception")
        before, key = snapshot(exception, FIELDS), exception.date.isoformat()
        exception.delete()
        record_change(
            actor, ChangeSubject.CALENDAR_EXCEPTION, ChangeAction.DELETED, key, exception_id, before, {}
        )


@dataclass
class LoadResult:
    added: list[datetime.date] = field(default_factory=list)
    already: list[datetime.date] = field(default_factory=list)
    # Dates the akimat already marked the other way: its own entry stands, the person decides.
    conflicts: list[datetime.date] = field(default_factory=list)


def _provenance(move: DayMove) -> str:
    """Where a loaded day comes from, "kk / ru", for the change log."""
    if move.basis == "decree":
        return f"Үкімет қаулысы: {move.source} / Постановление Правительства: {move.source}"
    if move.source.startswith("https://"):
        return f"Заң, дереккөзі: {move.source} / Закон, источник: {move.source}"
    return "Заң, Еңбек кодексінің ережесімен / Закон, по правилу Трудового кодекса"


def load_day_moves(actor: Principal, year: int, path: Path | None = None) -> LoadResult:
    """Add the year's shipped moved days that are missing; never overwrites the akimat's own."""
    require_manager(actor)
    if year not in DAY_MOVE_YEARS and path is None:
        problems = Problems()
        problems.add("year", "invalid_choice", "Тізімнен таңдаңыз / Выберите из списка")
        problems.raise_any()
    result = LoadResult()
    moves = [move for move in read_day_moves(path) if move.date.year == year]
    with transaction.atomic():
        existing = dict(
            CalendarException.objects.select_for_update()
            .filter(date__in=[move.date for move in moves])
            .values_list("date", "kind")
        )
        for move in moves:
            kind = existing.get(move.date)
            if kind == move.kind:
                result.already.append(move.date)
                continue
            if kind is not None:
                result.conflicts.append(move.date)
                continue
            exception = CalendarException.objects.create(date=move.date, kind=move.kind, note=move.note)
            record_change(
                actor,
                ChangeSubject.CALENDAR_EXCEPTION,
                ChangeAction.CREATED,
                move.date.isoformat(),
                exception.pk,
                {},
                snapshot(exception, FIELDS),
                note=_provenance(move),
            )
            result.added.append(move.date)
    return result
