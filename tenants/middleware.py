"""Routes each request to its akimat's schema by host name."""

from __future__ import annotations

from django.core.exceptions import DisallowedHost
from django.db import connection
from django.http import HttpRequest, HttpResponse, HttpResponseNotFound
from django_tenants.middleware.main import TenantMainMiddleware

from tenants import host_map


class CachedTenantMiddleware(TenantMainMiddleware):
    """django-tenants' middleware with the host map in memory and no needless `SET search_path`.

    An unknown host is a 404, never the regional site; a deactivated akimat is a 404 that says so.
    """

    def process_request(self, request: HttpRequest) -> HttpResponse | None:
        try:
            hostname = self.hostname_from_request(request)
        except DisallowedHost:
            return HttpResponseNotFound("Unknown host.", content_type="text/plain; charset=utf-8")

        # The registry lives in public, which is on every search_path: no switch needed to read it.
        tenant = host_map.lookup(hostname)
        if tenant is None:
            return HttpResponseNotFound(
                f"Бұл мекенжай бойынша қызмет жоқ. / Сервис по адресу {hostname} не найден.",
                content_type="text/plain; charset=utf-8",
            )
        if not tenant.is_active:
            return HttpResponseNotFound(
                f"{tenant.name_kk}: 109 қызметі өшірілген. / {tenant.name_ru}: служба 109 отключена.",
                content_type="text/plain; charset=utf-8",
            )

        tenant.domain_url = hostname
        request.tenant = tenant
        if connection.schema_name != tenant.schema_name:
            connection.set_tenant(tenant)
        else:
            # Same schema as the last request on this connection: keep its search_path.
            connection.tenant = tenant
        self.setup_url_routing(request)
        return None
