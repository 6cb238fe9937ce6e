"""The map's GraphQL entry points, assembled into the akimat's schema by ikomek.schema."""

from citymap.api.mutations import CityMapMutation
from citymap.api.queries import CityMapQuery

__all__ = ["CityMapMutation", "CityMapQuery"]
