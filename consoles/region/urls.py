from django.urls import path

from consoles.region import rules, views

urlpatterns = [
    path("region/", views.console, name="region"),
    path("region/escalations/<int:pk>/<slug:decision>/", views.decide, name="region-decide"),
    path("region/escalation-rules/", rules.rules_page, name="region-rules"),
    path("region/escalation-rules/new/", rules.new_rule, name="region-rule-new"),
    path("region/escalation-rules/<int:pk>/", rules.edit_rule, name="region-rule"),
    path("region/escalation-rules/<int:pk>/switch/", rules.switch, name="region-rule-switch"),
    path("region/escalation-rules/<int:pk>/delete/", rules.delete, name="region-rule-delete"),
]
