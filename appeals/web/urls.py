"""Appeals' HTTP endpoints on each akimat's host (GraphQL is assembled in ikomek.schema)."""

from django.urls import path, re_path

from appeals.web import export, views

app_name = "appeals"
urlpatterns = [
    path("telephony/incoming-call", views.incoming_call, name="incoming-call"),
    re_path(r"^appeals/export\.(?P<extension>ndjson|csv)$", export.export_appeals, name="export-appeals"),
    path("appeals/<int:number>/attachments", views.upload_attachment, name="upload-attachment"),
    path("appeals/attachments/<uuid:token>", views.download_attachment, name="download-attachment"),
]
