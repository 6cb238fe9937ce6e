"""URLs of an akimat's host (<slug>.<base domain>)."""

from django.contrib import admin
from django.urls import include, path

from accounts.views import admin_login
from ikomek.graphql_view import tenant_graphql_view
from ikomek.schema_views import tenant_sdl
from observability.health import healthz, readyz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("readyz", readyz, name="readyz"),
    path("graphql/schema.graphql", tenant_sdl, name="graphql-sdl"),
    path("graphql/", tenant_graphql_view, name="graphql"),
    path("auth/", include("accounts.urls")),
    path("admin/login/", admin_login),  # the admin signs in through Keycloak like the console
    path("admin/", admin.site.urls),
    path("", include("appeals.web.urls")),
    path("", include("citymap.urls")),
    path("", include("open311.urls")),
    path("", include("consoles.urls")),
]

# An API request gets the API's error envelope, a browser Django's page (ikomek.api_failures).
handler400 = "ikomek.api_failures.bad_request"
handler403 = "ikomek.api_failures.permission_denied"
handler404 = "ikomek.api_failures.page_not_found"
handler500 = "ikomek.api_failures.server_error"
