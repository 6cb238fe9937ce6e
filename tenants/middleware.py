"""Routes each request to its akimat's schema by host name."""

from __future__ import annotations

from django.core.exceptions import DisallowedHost
from django.db import connection
from django.http import HttpRequest, HttpResponse, HttpResponseNotFound
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django_tenants.middleware.main import TenantMainMiddleware

from apierrors.envelope import error_response
from apierrors.language import both_languages
from apierrors.paths import is_api_request
from tenants import host_map

UNKNOWN_HOST = _("There is no 109 service at this address. Check the akimat's address.")
INACTIVE = _("The 109 service of this akimat is switched off.")


def _not_here(request: HttpRequest, code: str, message: Promise) -> HttpResponse:
    """404: for an API request in the API's error envelope, for a browser a plain page of text in
    Kazakh and Russian (the person's language is not known before the akimat is)."""
    if is_api_request(request):
        return error_response(request, 404, code, message)
    return HttpResponseNotFound(both_languages(message), content_type="text/plain; charset=utf-8")


class CachedTenantMiddleware(TenantMainMiddleware):
    """django-tenants' middleware with the host map in memory and no needless `SET search_path`.

    An unknown host is a 404, never the regional site; a deactivated akimat is a 404 that says so.
    """

    def process_request(self, request: HttpRequest) -> HttpResponse | None:
        try:
            hostname = self.hostname_from_request(request)
        except DisallowedHost:
            return _not_here(request, "unknown_host", UNKNOWN_HOST)

        # The registry lives in public, which is on every search_path: no switch needed to read it.
        tenant = host_map.lookup(hostname)
        if tenant is None:
            return _not_here(request, "unknown_host", UNKNOWN_HOST)
        if not tenant.is_active:
            return _not_here(request, "akimat_inactive", INACTIVE)

        tenant.domain_url = hostname
        request.tenant = tenant
        if connection.schema_name != tenant.schema_name:
            connection.set_tenant(tenant)
        else:
            # Same schema as the last request on this connection: keep its search_path.
            connection.tenant = tenant
        self.setup_url_routing(request)
        return None
