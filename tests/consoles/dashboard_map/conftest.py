"""The city map's fixtures for the dashboard's objects list."""

from tests.citymap.conftest import city, organisations  # noqa: F401 (fixtures)
