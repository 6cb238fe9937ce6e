"""Appeals' HTTP endpoints on each akimat's host (GraphQL is assembled in ikomek.schema)."""

from django.urls import path

from appeals.web import views

app_name = "appeals"
urlpatterns = [
    path("telephony/incoming-call", views.incoming_call, name="incoming-call"),
    path("appeals/<int:number>/attachments", views.upload_attachment, name="upload-attachment"),
    path("appeals/attachments/<uuid:token>", views.download_attachment, name="download-attachment"),
]
