"""The regional API's entry points, assembled into the regional schema by ikomek.schema."""

from regional.api.mutations import RegionalEscalationMutation
from regional.api.queries import RegionalReadModelQuery

__all__ = ["RegionalEscalationMutation", "RegionalReadModelQuery"]
