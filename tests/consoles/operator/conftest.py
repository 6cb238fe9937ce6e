"""The city map's fixtures (its organisations, the small city imported) for the intake's map panel."""

from tests.citymap.conftest import city, organisations  # noqa: F401 (fixtures)
