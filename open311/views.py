"""Open311 GeoReport v2 over HTTP on each akimat's host (`/open311/v2/...`, decision 101).

GET is open to anyone (rate-limited per address as the API is); POST needs an API client's
Keycloak token, as GraphQL does. Refusals are Open311's list of errors, each entry also the API's
error object (`code` is the API's stable code, `description` Open311's text, the same as
`message`), in the caller's language (Accept-Language: kk, ru, en).
"""

from __future__ import annotations

from django.core.exceptions import SuspiciousOperation
from django.http import HttpRequest, HttpResponse
from django.http.multipartparser import MultiPartParserError
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from accounts.middleware import acts_by_token
from accounts.permissions import Operation, can, refusal
from apierrors.envelope import error_object
from apierrors.language import requested_language
from appeals.errors import AppealError, Problem
from open311 import services as catalogue
from open311.formats import answer, answer_record
from open311.intake import NO_SUCH_SERVICE, report
from open311.requests import RequestQuery, find_request, find_requests

NO_TOKEN = _(
    "Filing a request needs an API client's token: Authorization: Bearer <token> from Keycloak "
    "(graphql/README.md). Open311's api_key is not used."
)
NO_SUCH_REQUEST = _("{value}: no such public request here.")
NO_SUCH_JURISDICTION = _("{value}: this host serves the jurisdiction {here}.")
NOT_A_FORM = _("The body is not a form (application/x-www-form-urlencoded or multipart/form-data).")
SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
CHANGESET = "2026-12-07T00:00:00+05:00"


def errors(request: HttpRequest, fmt: str, status: int, problems: list[Problem]) -> HttpResponse:
    language = requested_language(request)
    records = []
    for problem in problems:
        entry = error_object(problem.code, problem.message, problem.field, language)
        records.append({"code": entry["code"], "description": entry["message"]} | entry)
    return answer(fmt, "errors", "error", records, status=status)


def _jurisdiction(request: HttpRequest, fmt: str) -> HttpResponse | None:
    """Open311's `jurisdiction_id` is optional; when sent, it must be this akimat's slug."""
    asked = request.GET.get("jurisdiction_id") or request.POST.get("jurisdiction_id") or ""
    here = request.tenant.slug
    if asked and asked != here:
        message = format_lazy(NO_SUCH_JURISDICTION, value=repr(asked[:60]), here=here)
        return errors(request, fmt, 404, [Problem("jurisdiction_id", "not_found", message)])
    return None


@require_GET
def discovery(request: HttpRequest, fmt: str) -> HttpResponse:
    base = request.build_absolute_uri("/open311/v2/")
    record = {
        "changeset": CHANGESET,
        "contact": "109",
        "key_service": request.build_absolute_uri("/graphql/"),
        "endpoints": [
            {
                "specification": SPECIFICATION,
                "url": base,
                "changeset": CHANGESET,
                "type": "production",
                "formats": ["application/json", "text/xml"],
            }
        ],
    }
    return answer_record(fmt, "discovery", record)


@require_GET
def service_list(request: HttpRequest, fmt: str) -> HttpResponse:
    return _jurisdiction(request, fmt) or answer(
        fmt, "services", "service", catalogue.services(requested_language(request))
    )


@require_GET
def service_definition(request: HttpRequest, code: str, fmt: str) -> HttpResponse:
    refused = _jurisdiction(request, fmt)
    if refused is not None:
        return refused
    if catalogue.public_category(code) is None:
        message = format_lazy(NO_SUCH_SERVICE, value=repr(code[:60]))
        return errors(request, fmt, 404, [Problem("service_code", "not_found", message)])
    return answer(fmt, "service_definition", "service", [{"service_code": code, "attributes": []}])


@csrf_exempt  # POST takes a bearer token only, never a session (`_file`)
@require_http_methods(["GET", "POST"])
def request_list(request: HttpRequest, fmt: str) -> HttpResponse:
    try:
        request.POST  # noqa: B018 - parsed here to answer a body that cannot be parsed in our own words
    except (MultiPartParserError, SuspiciousOperation):
        return errors(request, fmt, 400, [Problem(None, "invalid_request", NOT_A_FORM)])
    refused = _jurisdiction(request, fmt)
    if refused is not None:
        return refused
    if request.method == "POST":
        return _file(request, fmt)
    query = RequestQuery(**{name: request.GET.get(name, "") for name in RequestQuery.FILTERS})
    try:
        rows = find_requests(query, requested_language(request))
    except AppealError as error:
        return errors(request, fmt, 400, error.problems)
    return answer(fmt, "service_requests", "request", rows)


def _file(request: HttpRequest, fmt: str) -> HttpResponse:
    principal = request.principal
    # A bearer token only: a console's session is an ambient credential another site's page could
    # post with, and this endpoint takes no CSRF.
    if not principal.is_authenticated or not acts_by_token(request):
        return errors(request, fmt, 401, [Problem(None, "unauthenticated", NO_TOKEN)])
    if not can(principal, Operation.APPEAL_CREATE):
        message = refusal(principal, Operation.APPEAL_CREATE)
        return errors(request, fmt, 403, [Problem(None, "forbidden", message)])
    key = request.headers.get("Idempotency-Key", "")
    try:
        result = report(principal, request.POST, key)
    except AppealError as error:
        status = 403 if any(p.code == "forbidden" for p in error.problems) else 400
        return errors(request, fmt, status, error.problems)
    record = {"service_request_id": str(result.appeal.number), "service_notice": "", "account_id": None}
    return answer(fmt, "service_requests", "request", [record], status=201 if result.created else 200)


@require_GET
def request_by_id(request: HttpRequest, number: str, fmt: str) -> HttpResponse:
    refused = _jurisdiction(request, fmt)
    if refused is not None:
        return refused
    found = find_request(number, requested_language(request))
    if found is None:
        message = format_lazy(NO_SUCH_REQUEST, value=repr(number[:30]))
        return errors(request, fmt, 404, [Problem("service_request_id", "not_found", message)])
    return answer(fmt, "service_requests", "request", [found])
