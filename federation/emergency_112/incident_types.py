"""Which EIDO common incident type an emergency is announced as.

EIDO-IncidentType-Common holds the APCO ANS 2.103.2 common incident type codes; each agency keeps
a mapping of its own types to them (NENA-STA-021.1b, incidentTypeCommonRegistryText). Ours: the
109 emergency category first; an operator's forward from any other category by its first
service. The table is written out in docs/emergency-112.md; change both together.
"""

from __future__ import annotations

from typing import Final

from federation.emergency_112.services import Service

# APCO code: what it means in the registry.
FIRE_UNKNOWN: Final = "FUNK"  # Fire Unknown: 109 does not know what is burning
GAS_LEAK: Final = "GASLEAK"  # natural gas, liquid fuel or propane leaks
DISORDERLY: Final = "DISORD"  # Disorderly
SICK_PERSON: Final = "SICK"  # Sick Person Non-Specific, General Illness
UNKNOWN_TROUBLE: Final = "TROUBLE"  # Unknown Type Trouble

BY_CATEGORY: Final[dict[str, str]] = {
    "emergency": UNKNOWN_TROUBLE,
    "fire": FIRE_UNKNOWN,
    "gas-leak": GAS_LEAK,
    "public-order": DISORDERLY,
    "medical": SICK_PERSON,
}
BY_SERVICE: Final[dict[Service, str]] = {
    Service.FIRE: FIRE_UNKNOWN,
    Service.POLICE: UNKNOWN_TROUBLE,
    Service.AMBULANCE: SICK_PERSON,
    Service.GAS: GAS_LEAK,
}
ALL_CODES: Final = frozenset(BY_CATEGORY.values()) | frozenset(BY_SERVICE.values())


def incident_type(category_code: str, services: list[Service]) -> str:
    """The APCO code for a category (its 109 code) and the services asked for (sorted, not empty)."""
    return BY_CATEGORY.get(category_code) or BY_SERVICE[services[0]]
