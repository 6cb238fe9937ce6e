"""The pages' Content-Security-Policy (django-csp, decision 104), never worked out for the API.

django-csp builds the header for every response before it looks at its excluded paths: about
30 µs an answer, which intake's hot path (issue 13) does not pay for a header JSON never uses."""

from __future__ import annotations

from csp.middleware import CSPMiddleware
from django.http import HttpRequest, HttpResponseBase

from apierrors.paths import API_PATH_PREFIXES


class PagePolicyMiddleware(CSPMiddleware):
    def process_response(self, request: HttpRequest, response: HttpResponseBase) -> HttpResponseBase:
        if request.path_info.startswith(API_PATH_PREFIXES):
            return response
        return super().process_response(request, response)
