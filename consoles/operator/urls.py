from django.urls import path

from consoles.operator import callbacks, map_panel, views, workspace

urlpatterns = [
    path("queues/", views.queues, name="queues"),
    path("intake/", views.intake, name="intake"),
    path("intake/categories", workspace.categories, name="intake-categories"),
    path("intake/repeats", workspace.repeats, name="intake-repeats"),
    path("intake/addresses", map_panel.addresses, name="intake-addresses"),
    path("intake/place", map_panel.place, name="intake-place"),
    path("intake/outages/<int:outage_id>/link", map_panel.link_to_outage, name="intake-link-outage"),
    path("calls/", workspace.calls, name="calls"),
    path("akimat.geojson", workspace.boundary, name="boundary"),
    path("callbacks/<int:number>/", callbacks.callback_page, name="callback"),
    path("appeals/<int:number>/", views.appeal_page, name="appeal"),
    path("appeals/<int:number>/repeat", views.decide_repeat, name="repeat"),
    path("appeals/<int:number>/<slug:transition>", views.take_step, name="step"),
]
