from django.urls import path

from consoles.dashboard import map_objects, views

urlpatterns = [
    path("", views.overview, name="dashboard"),
    path("appeals/", views.appeals, name="dashboard_appeals"),
    path("map.json", views.map_points, name="dashboard_map"),
    path("objects", map_objects.top_objects, name="dashboard_objects"),
]
for extension in ("csv", "xlsx"):
    urlpatterns += [
        path(
            f"export.{extension}",
            views.export_figures,
            {"extension": extension},
            name=f"dashboard_{extension}",
        ),
        path(
            f"appeals.{extension}",
            views.export_appeals,
            {"extension": extension},
            name=f"dashboard_appeals_{extension}",
        ),
    ]
