"""Settings: the working calendar's exceptions (extra days off, working Saturdays) and loading
the moved days shipped for 2026 and 2027."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts.permissions import Operation
from appeals.catalogue.calendar import DAY_MOVE_YEARS, add_exception, delete_exception, load_day_moves
from appeals.catalogue.fixtures import read_day_moves
from appeals.errors import AppealError
from appeals.models import CalendarException
from consoles.access import console_page
from consoles.settings.editing import attempt
from consoles.settings.forms import ExceptionForm


def _page(request: HttpRequest, form: ExceptionForm, status: int = 200) -> HttpResponse:
    exceptions = list(CalendarException.objects.order_by("date"))
    loaded = {e.date for e in exceptions}
    shipped = read_day_moves()
    years = [
        {
            "year": year,
            "shipped": sum(1 for m in shipped if m.date.year == year),
            "missing": sum(1 for m in shipped if m.date.year == year and m.date not in loaded),
        }
        for year in DAY_MOVE_YEARS
    ]
    context = {"form": form, "exceptions": exceptions, "years": years, "section": "calendar"}
    return render(request, "consoles/settings/calendar.html", context, status=status)


@require_http_methods(["GET", "POST"])
@console_page(Operation.CATALOGUE_MANAGE)
def calendar(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        return _page(request, ExceptionForm(initial={"kind": "day_off"}))
    form = ExceptionForm(request.POST)
    if attempt(form, lambda: add_exception(request.principal, form.exception_input())) is None:
        return _page(request, form, status=400)
    messages.success(request, _("Saved."))
    return redirect("consoles:settings_calendar")


@require_POST
@console_page(Operation.CATALOGUE_MANAGE)
def remove_exception(request: HttpRequest, exception_id: int) -> HttpResponse:
    try:
        delete_exception(request.principal, exception_id)
    except AppealError:
        raise Http404 from None
    messages.success(request, _("Deleted."))
    return redirect("consoles:settings_calendar")


@require_POST
@console_page(Operation.CATALOGUE_MANAGE)
def load_moves(request: HttpRequest) -> HttpResponse:
    try:
        year = int(request.POST.get("year", ""))
    except ValueError:
        year = 0
    if year not in DAY_MOVE_YEARS:
        raise Http404
    result = load_day_moves(request.principal, year)
    messages.success(
        request,
        _("%(year)s: moved days added: %(added)s, already there: %(already)s.")
        % {"year": year, "added": len(result.added), "already": len(result.already)},
    )
    if result.conflicts:
        dates = ", ".join(day.strftime("%d.%m.%Y") for day in result.conflicts)
        messages.warning(
            request, _("Kept as you set them (the shipped list says otherwise): %(dates)s") % {"dates": dates}
        )
    return redirect("consoles:settings_calendar")
