"""Settings: the change log. Every edit made on these pages, who made it and when, with each
changed field before and after, in the screen's language."""

from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.permissions import Operation
from appeals.models import (
    CalendarExceptionKind,
    CatalogueChange,
    ChangeSubject,
    OrganisationKind,
    Priority,
    SlaCalendar,
)
from consoles.access import console_page
from consoles.text import pick

PAGE = 50
FIELD_LABELS = {
    "parent": gettext_lazy("Group"),
    "name_kk": gettext_lazy("Name in Kazakh"),
    "name_ru": gettext_lazy("Name in Russian"),
    "keywords": gettext_lazy("Words callers use"),
    "sla_hours": gettext_lazy("SLA, hours"),
    "sla_calendar": gettext_lazy("Counted on"),
    "warn_before_hours": gettext_lazy("Warn before the deadline, hours"),
    "default_priority": gettext_lazy("Priority"),
    "is_emergency": gettext_lazy("Emergency: forwarded to 112"),
    "services_112": gettext_lazy("112 services"),
    "repeat_radius_m": gettext_lazy("Repeats within, metres"),
    "repeat_window_hours": gettext_lazy("Repeats within, hours"),
    "is_housing_utilities": gettext_lazy("Housing and utilities"),
    "is_active": gettext_lazy("In use"),
    "kind": gettext_lazy("Kind"),
    "phone": gettext_lazy("Phone"),
    "email": gettext_lazy("E-mail"),
    "address": gettext_lazy("Address"),
    "full_name": gettext_lazy("Full name"),
    "position": gettext_lazy("Position"),
    "is_head": gettext_lazy("Head of the organisation"),
    "category": gettext_lazy("Category"),
    "organisation": gettext_lazy("Organisation"),
    "area_name": gettext_lazy("Area name"),
    "area": gettext_lazy("Area"),
    "date": gettext_lazy("Date"),
    "note": gettext_lazy("Note"),
    "label": gettext_lazy("Label"),
    "secret": gettext_lazy("Secret"),
}
CHOICES = {
    "sla_calendar": dict(SlaCalendar.choices),
    "default_priority": dict(Priority.choices),
    ("organisation", "kind"): dict(OrganisationKind.choices),
    ("calendar_exception", "kind"): dict(CalendarExceptionKind.choices),
}


def _points(area: dict) -> int:
    coordinates = area.get("coordinates") or []
    return sum(len(ring) - 1 for polygon in coordinates for ring in polygon[:1])


def shown(subject: str, field: str, value: object) -> str:
    """A logged value as a person reads it."""
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if field == "area" and isinstance(value, dict):
        n = _points(value)
        return _("area, corners: %(n)s") % {"n": n}
    labels = CHOICES.get(field) or CHOICES.get((subject, field))
    if labels and value in labels:
        return pick(labels[value])
    if isinstance(value, list):
        return ", ".join(str(item) for item in value)
    if field == "note":
        return pick(str(value))
    return str(value)


@dataclass(frozen=True)
class ShownChange:
    change: CatalogueChange
    fields: list[tuple[str, str, str]]  # label, before, after


def present(change: CatalogueChange) -> ShownChange:
    names = list(dict.fromkeys([*change.before, *change.after]))
    fields = [
        (
            str(FIELD_LABELS.get(name, name)),
            shown(change.subject, name, change.before.get(name)) if change.before else "—",
            shown(change.subject, name, change.after.get(name)) if change.after else "—",
        )
        for name in names
    ]
    return ShownChange(change, fields)


def _page_number(request: HttpRequest) -> int:
    try:
        return max(1, min(int(request.GET.get("page", "1")), 10_000))
    except ValueError:
        return 1


@console_page(Operation.CATALOGUE_MANAGE)
def changes(request: HttpRequest) -> HttpResponse:
    subject = request.GET.get("subject", "")
    subject = subject if subject in ChangeSubject.values else ""
    page = _page_number(request)
    rows = CatalogueChange.objects.order_by("-at", "-id")
    if subject:
        rows = rows.filter(subject=subject)
    start = (page - 1) * PAGE
    found = list(rows[start : start + PAGE + 1])
    context = {
        "rows": [present(change) for change in found[:PAGE]],
        "page": page,
        "has_next": len(found) > PAGE,
        "subject": subject,
        "subjects": ChangeSubject.choices,
        "section": "changes",
    }
    return render(request, "consoles/settings/changes.html", context)
