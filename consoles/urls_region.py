"""The consoles on the regional host (public schema): the region's console `/region/`, the 112
dispatchers' inbox `/112/` and the language switch. The 112 JSON feed and the CAD callbacks stay
with the register (federation.emergency_112.urls)."""

from django.urls import include, path

from accounts.language import switch_language
from consoles.open_data.region import region_download, region_open_data_page
from consoles.public_figures.region import region_figures_page

app_name = "consoles"
urlpatterns = [
    path("console/language", switch_language, name="language"),
    path("figures/", region_figures_page, name="region-figures"),  # public, anonymous
    path("open-data/", region_open_data_page, name="region-open-data"),  # public, anonymous
    path("open-data/<slug:name>.<slug:extension>", region_download, name="region-open-data-file"),
    path("", include("consoles.region.urls")),
    path("", include("consoles.dispatch112.urls")),
]
