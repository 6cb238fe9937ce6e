"""Open311 GeoReport v2 on each akimat's host: `/open311/discovery.json` and `/open311/v2/...`,
each in `.json` or `.xml`."""

from django.urls import re_path

from open311 import views

FMT = r"\.(?P<fmt>json|xml)$"
app_name = "open311"
urlpatterns = [
    re_path(r"^open311/discovery" + FMT, views.discovery, name="discovery"),
    re_path(r"^open311/v2/services" + FMT, views.service_list, name="services"),
    re_path(r"^open311/v2/services/(?P<code>[^/]{1,80})" + FMT, views.service_definition, name="service"),
    re_path(r"^open311/v2/requests" + FMT, views.request_list, name="requests"),
    re_path(r"^open311/v2/requests/(?P<number>[^/]{1,40})" + FMT, views.request_by_id, name="request"),
]
