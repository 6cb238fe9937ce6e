from django.urls import path

from consoles.settings import (
    calendar,
    categories,
    change_log,
    city_map,
    exchange,
    organisations,
    overview,
    routing,
)

urlpatterns = [
    path("settings/", overview.overview, name="settings"),
    path("settings/categories/", categories.categories, name="settings_categories"),
    path("settings/categories/new", categories.new_category, name="settings_new_category"),
    path("settings/categories/<slug:code>/", categories.edit_category, name="settings_category"),
    path("settings/organisations/", organisations.organisations, name="settings_organisations"),
    path("settings/organisations/new", organisations.new_organisation, name="settings_new_organisation"),
    path(
        "settings/organisations/<slug:code>/", organisations.edit_organisation, name="settings_organisation"
    ),
    path("settings/organisations/<slug:code>/people", organisations.new_person, name="settings_new_person"),
    path("settings/people/<int:person_id>/", organisations.edit_person, name="settings_person"),
    path("settings/routing/", routing.routing, name="settings_routing"),
    path("settings/routing/new", routing.new_rule, name="settings_new_rule"),
    path("settings/routing/<int:rule_id>/", routing.edit_rule, name="settings_rule"),
    path("settings/routing/<int:rule_id>/delete", routing.remove_rule, name="settings_delete_rule"),
    path("settings/calendar/", calendar.calendar, name="settings_calendar"),
    path("settings/calendar/load", calendar.load_moves, name="settings_load_moves"),
    path(
        "settings/calendar/<int:exception_id>/delete",
        calendar.remove_exception,
        name="settings_delete_exception",
    ),
    path("settings/exchange/", exchange.exchange, name="settings_exchange"),
    path("settings/exchange/rotate", exchange.rotate, name="settings_rotate_exchange"),
    path("settings/exchange/<int:credential_id>/revoke", exchange.revoke, name="settings_revoke_exchange"),
    path("settings/changes/", change_log.changes, name="settings_changes"),
    path("settings/city-map/", city_map.city_map, name="settings_city_map"),
]
