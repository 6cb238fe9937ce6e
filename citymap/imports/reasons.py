"""Why a row (or the whole file) is refused: a stable code and its message, in Kazakh or Russian
through gettext."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

REASONS = {
    # The file as a whole.
    "empty_file": _("The file is empty."),
    "not_utf8": _("The file is not UTF-8 text."),
    "unknown_format": _("Unknown file format: send GeoJSON (.geojson, .json) or CSV (.csv)."),
    "invalid_json": _("The file is not valid JSON: {detail}"),
    "not_feature_collection": _("A GeoJSON file must be a FeatureCollection with a list of features."),
    "invalid_csv": _("The CSV cannot be read at line {line}: {detail}"),
    "missing_columns": _("The CSV header lacks the columns {columns}."),
    "no_geometry_columns": _("The CSV needs a geometry: a column wkt, or the columns lon and lat."),
    "too_many_rows": _("The file has more than {limit} rows; split it."),
    # One row.
    "not_a_feature": _("The row is not a GeoJSON Feature with properties."),
    "required": _("{field} is required."),
    "too_long": _("{field} is longer than {limit} characters."),
    "invalid_characters": _("{field} holds characters that cannot be stored."),
    "unknown_kind": _("Unknown kind {value}: one of {kinds}."),
    "duplicate_in_file": _("{kind} {external_id} appears twice in the file (rows {first} and {row})."),
    "invalid_geometry": _("The geometry cannot be read: {detail}"),
    "geometry_not_valid": _("The geometry is not valid: {detail}"),
    "wrong_geometry_type": _("A {kind} cannot be a {geometry}: expected {expected}."),
    "outside_boundary": _("The object lies outside the akimat's territory."),
    "invalid_coordinates": _("Longitude and latitude must be numbers within -180..180 and -90..90."),
    "not_a_number": _("{field} must be a whole number."),
    "out_of_range": _("{field} must be between {low} and {high}."),
    "unknown_organisation": _("Unknown organisation {value} in {field}: add it on the settings page first."),
    "unknown_person": _("{value} is not a person of the organisation {organisation}."),
    "cannot_serve": _(
        "A {kind} serves nothing: only wells, manholes, substations, boiler houses, pipes and cables do."
    ),
    "unknown_reference": _("serves names {value}, which is neither in the file nor on the map."),
    "serves_itself": _("An object cannot serve itself."),
}
