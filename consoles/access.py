"""Who may open a console page: signed in through Keycloak on this akimat's host, with a role the
permission matrix allows the page's operation."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from accounts.permissions import Operation, can, refusal
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
                context = {"operation": operation, "back": back_to(request)}
                return render(request, "consoles/refused.html", context, status=403)
            return view(request, *args, **kwargs)

        guarded.console_operation = operation  # type: ignore[attr-defined]
        return guarded

    return wrap


def wants_json(request: HttpRequest) -> bool:
    return "application/json" in request.headers.get("Accept", "")


def console_action(operation: Operation) -> Callable[[View], View]:
    """`console_page` for an endpoint that scripts also call for JSON (Accept: application/json):
    they get their refusal as JSON (401 or 403 with the operation's code), people the page."""

    def wrap(view: View) -> View:
        page = console_page(operation)(view)

        @wraps(view)
        def guarded(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
            principal: Principal = request.principal
            if wants_json(request) and not can(principal, operation):
                status = 403 if principal.is_authenticated else 401
                error = {"code": "forbidden", "message": refusal(principal, operation)}
                return JsonResponse({"error": error}, status=status)
            return page(request, *args, **kwargs)

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


# The regional host's pages (public schema): the region's console and the 112 dispatchers' inbox.
REGION_NAV = (
    NavItem("/region/", _("Region"), Operation.REGIONAL_VIEW),
    NavItem("/region/escalation-rules/", _("Escalation rules"), Operation.REGIONAL_RULES_MANAGE),
    NavItem("/112/", _("112 incidents"), Operation.EMERGENCY_HANDLE),
)


def navigation(principal: Principal, *, regional: bool = False) -> list[NavItem]:
    return [item for item in (REGION_NAV if regional else NAV) if can(principal, item.operation)]


# Where an akimat's people land, by what their roles let them do first: operators the queues,
# executors their assignments, lawyers the violations they work (before the dashboard they may also
# read), the akim and analysts the dashboard.
LANDING = (
    ("/console/queues/", Operation.APPEAL_ROUTE),
    ("/console/executor/", Operation.APPEAL_EXECUTE),
    ("/console/violations/", Operation.VIOLATION_MANAGE),
    ("/console/dashboard/", Operation.REPORTS_VIEW),
    ("/console/violations/", Operation.VIOLATION_VIEW),
    ("/console/settings/", Operation.CATALOGUE_MANAGE),
)


def home_url(principal: Principal, *, regional: bool = False) -> str | None:
    """Where a person lands (on the regional host the region's staff the region's console, 112
    dispatchers their inbox); None when no page is theirs."""
    if regional:
        items = navigation(principal, regional=True)
        return items[0].url if items else None
    return next((url for url, operation in LANDING if can(principal, operation)), None)


@dataclass(frozen=True)
class Back:
    """Where a refusal or a "not found" leads back to: the person's first console page, named as
    their navigation names it (an operator's queues, an executor's assignments)."""

    url: str
    label: str | Promise | None  # None: the home page


def regional_host(request: HttpRequest) -> bool:
    tenant = getattr(request, "tenant", None)
    return tenant is None or tenant.schema_name == settings.PUBLIC_SCHEMA_NAME


def back_to(request: HttpRequest) -> Back:
    regional = regional_host(request)
    landing = home_url(request.principal, regional=regional)
    for item in navigation(request.principal, regional=regional):
        if item.url == landing:
            return Back(item.url, item.label)
    return Back("/", None)
