"""Which requests are an API's (answered with the JSON envelope) and which a browser's (a page)."""

from __future__ import annotations

from django.http import HttpRequest

# The integrator API and the HTTP endpoints beside it (graphql/README.md).
API_PATH_PREFIXES = ("/graphql/", "/appeals/", "/telephony/", "/auth/me", "/open311/")


def is_api_request(request: HttpRequest) -> bool:
    """An API path, a request with credentials in Authorization, or one that asks for JSON only."""
    if request.path.startswith(API_PATH_PREFIXES) or request.META.get("HTTP_AUTHORIZATION"):
        return True
    accept = request.META.get("HTTP_ACCEPT", "")
    return "application/json" in accept and "text/html" not in accept
