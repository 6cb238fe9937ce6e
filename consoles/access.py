"""Who may open a console page: signed in through Keycloak on this akimat's host, with a role the
permission matrix allows the page's operation."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from accounts.permissions import Operation, can
from accounts.principal import Principal

View = Callable[..., HttpResponse]


def console_page(operation: Operation) -> Callable[[View], View]:
    def wrap(view: View) -> View:
        @wraps(view)
        def guarded(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
            principal: Principal = request.principal
            if not principal.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not can(principal, operation):
                return render(request, "consoles/refused.html", {"operation": operation}, status=403)
            return view(request, *args, **kwargs)

        guarded.console_operation = operation  # type: ignore[attr-defined]
        return guarded

    return wrap


@dataclass(frozen=True)
class NavItem:
    url: str
    label: str
    operation: Operation


NAV = (
    NavItem("/console/queues/", _("Queues"), Operation.APPEAL_ROUTE),
    NavItem("/console/intake/", _("New appeal"), Operation.APPEAL_CREATE),
    NavItem("/console/executor/", _("My assignments"), Operation.APPEAL_EXECUTE),
    NavItem("/console/dashboard/", _("Dashboard"), Operation.REPORTS_VIEW),
    NavItem("/console/violations/", _("Violations"), Operation.VIOLATION_VIEW),
    NavItem("/console/settings/", _("Settings"), Operation.CATALOGUE_MANAGE),
)


def navigation(principal: Principal) -> list[NavItem]:
    return [item for item in NAV if can(principal, item.operation)]


def home_url(principal: Principal) -> str | None:
    """Where a person lands: the first page their roles open (operators: the queues)."""
    items = navigation(principal)
    return items[0].url if items else None
