"""The city map's fixtures for the public outages page."""

from tests.citymap.conftest import city, organisations  # noqa: F401 (fixtures)
