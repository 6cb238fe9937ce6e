"""Importing a city's objects from GeoJSON or CSV: one service (citymap.imports.service) for the
management command `import_city_objects` and the settings page's upload."""
