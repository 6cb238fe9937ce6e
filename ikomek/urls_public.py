"""URLs of the regional host (the base domain, public schema)."""

from django.contrib import admin
from django.urls import include, path

from accounts.views import admin_login
from ikomek.graphql_view import regional_graphql_view
from ikomek.schema_views import regional_sdl
from ikomek.views import region_home
from observability.health import healthz, readyz

urlpatterns = [
    path("", region_home, name="home"),
    path("healthz", healthz, name="healthz"),
    path("readyz", readyz, name="readyz"),
    path("graphql/schema.graphql", regional_sdl, name="graphql-sdl"),
    path("graphql/", regional_graphql_view, name="graphql"),
    path("auth/", include("accounts.urls")),
    path("admin/login/", admin_login),  # the admin signs in through Keycloak like the console
    path("admin/", admin.site.urls),
    path("", include("consoles.urls_region")),  # /region/, /112/, the language switch
    path("", include("federation.emergency_112.urls")),  # the 112 feed and the CAD callbacks
]

# An API request gets the API's error envelope, a browser Django's page (ikomek.api_failures).
handler400 = "ikomek.api_failures.bad_request"
handler403 = "ikomek.api_failures.permission_denied"
handler404 = "ikomek.api_failures.page_not_found"
handler500 = "ikomek.api_failures.server_error"
