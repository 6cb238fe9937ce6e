"""The consoles on an akimat's host: `/` and `/console/...`; each area adds its own urls module."""

from django.urls import include, path

from accounts.language import switch_language
from consoles import home
from consoles.open_data import views as open_data
from consoles.portal import views as portal
from consoles.public_figures.views import figures_csv, figures_page
from consoles.public_outages.views import outages_page
from consoles.tracking.views import track_page

app_name = "consoles"
urlpatterns = [
    path("", home.home, name="home"),
    path("console/language", switch_language, name="language"),
    path("appeal/", portal.submit_page, name="submit"),  # the citizens' portal, anonymous
    path("appeal/akimat.geojson", portal.boundary, name="portal-boundary"),
    path("track/", track_page, name="track"),  # the citizens' page, anonymous
    path("outages/", outages_page, name="outages"),  # the public outages, anonymous
    path("figures/", figures_page, name="figures"),  # the public figures and queue, anonymous
    path("figures/figures.csv", figures_csv, name="figures-csv"),
    path("open-data/", open_data.open_data_page, name="open-data"),  # the open datasets, anonymous
    path("open-data/<slug:name>.<slug:extension>", open_data.download, name="open-data-file"),
    path("console/", include("consoles.operator.urls")),
    path("console/", include("consoles.lawyer.urls")),
    path("console/", include("consoles.settings.urls")),
    path("console/executor/", include("consoles.executor.urls")),
    path("console/notifications/", include("consoles.notifications.urls")),
    path("console/dashboard/", include("consoles.dashboard.urls")),
]
