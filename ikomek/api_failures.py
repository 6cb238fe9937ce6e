"""What Django answers by itself (a CSRF failure, a body too large or unparsable, a 403/404/500 page)
answered for API requests in the API's one envelope (apierrors.envelope), in the caller's
language and naming nothing internal; browsers get Django's views with our pages
(`ikomek/templates/404.html`, `400.html`, `403.html`, `403_csrf.html`, `500.html`: one language,
the screen's), and a signed-in person's console address its console's own 404 or 403 in the
console's frame (`consoles.error_pages`). Wired as the URLconfs' handlers and settings.CSRF_FAILURE_VIEW."""

from __future__ import annotations

import sys

from django.core.exceptions import RequestDataTooBig
from django.db.utils import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.template import loader
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django.views import csrf, defaults

from apierrors.envelope import error_response
from apierrors.paths import is_api_request
from consoles import error_pages

CSRF_FAILED = _(
    "A request with a session cookie must carry the CSRF token of our pages (header X-CSRFToken); "
    "an API client authenticates with Authorization: Bearer <access token> instead."
)
TOO_LARGE = _("The request body is too large.")
UNREADABLE = _("The request body cannot be read.")
FORBIDDEN = _("You may not do this.")
NOT_FOUND = _("There is nothing at this address.")
INTERNAL_ERROR = _("Internal server error. It has been recorded; please try again later.")
DATABASE_UNAVAILABLE = _(
    "The database cannot be reached for a moment. Nothing was done: send the request again in a few "
    "seconds (with the same clientKey)."
)
RETRY_AFTER_SECONDS = "5"
# What the GraphQL endpoint says of a request it cannot run, before any GraphQL is read.
NO_QUERY = _("The request carries no GraphQL query (send it as the field query).")
QUERY_NOT_TEXT = _("The GraphQL query must be text.")
QUERY_TOO_LONG = _("The GraphQL query is too long: at most {limit} characters.")
ONLY_POST = _("A mutation is sent with POST, not GET.")
NOT_UTF8 = _("The request body is not UTF-8.")
FORM_UNREADABLE = _("The form body cannot be read.")
TOO_DEEP = _("The JSON body is nested too deeply.")


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    if is_api_request(request):
        return error_response(request, 403, "csrf_failed", CSRF_FAILED)
    return csrf.csrf_failure(request, reason)


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    """Django's 400 for what it refuses to parse: a body over DATA_UPLOAD_MAX_MEMORY_SIZE is 413."""
    too_large = isinstance(exception, RequestDataTooBig)
    if is_api_request(request):
        if too_large:
            return error_response(request, 413, "too_large", TOO_LARGE)
        return error_response(request, 400, "invalid_request", UNREADABLE)
    return defaults.bad_request(request, exception)


def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    if is_api_request(request):
        return error_response(request, 403, "forbidden", FORBIDDEN)
    return error_pages.refused(request) or defaults.permission_denied(request, exception)


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    if is_api_request(request):
        return error_response(request, 404, "not_found", NOT_FOUND)
    return error_pages.not_found(request) or defaults.page_not_found(request, exception)


def database_down(error: BaseException | None) -> bool:
    """An outage of the database (refused, dropped, restarting), not a bug: the caller may retry."""
    return isinstance(error, OperationalError | InterfaceError)


def server_error(request: HttpRequest) -> HttpResponse:
    """Called while the exception is being handled (Django's handler500), so sys.exc_info() has it.
    It may have come before any middleware chose the language (the tenant's lookup is first): the
    page's language is then the request's own (its cookie or Accept-Language)."""
    unavailable = database_down(sys.exc_info()[1])
    if is_api_request(request):
        if unavailable:
            headers = {"Retry-After": RETRY_AFTER_SECONDS}
            return error_response(request, 503, "database_unavailable", DATABASE_UNAVAILABLE, headers=headers)
        return error_response(request, 500, "internal_error", INTERNAL_ERROR)
    chosen = hasattr(request, "LANGUAGE_CODE")  # the middleware ran: its (or the person's) language
    language = translation.get_language() if chosen else translation.get_language_from_request(request)
    with translation.override(language):
        if not unavailable:
            return defaults.server_error(request)
        page = HttpResponse(loader.render_to_string("503.html"), status=503)
        page["Retry-After"] = RETRY_AFTER_SECONDS
        return page
