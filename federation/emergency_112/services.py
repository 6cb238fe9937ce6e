"""The emergency services a 109 line can forward to, and how each is labelled in EIDO.

One place decides the 112 service code: 101 fire, 102 police, 103 ambulance (EMS), 104 gas.
The first three use the `urn:emergency:service:responder` labels that EIDO's `agencyType` takes
(`fire`, `police`, `ems`); 104 (gas emergency service) has no label of its own, so it is a local
sub-label under `fire`, the registry's extension form (`fire.x-kz-gas`, see docs/emergency-112.md).
What incident type each service announces is `incident_types.py`.
"""

from __future__ import annotations

from enum import StrEnum


class Service(StrEnum):
    FIRE = "101"
    POLICE = "102"
    AMBULANCE = "103"
    GAS = "104"


# A sub-service of a registered label, as the registry grows (`fire.forest`, `police.federal`);
# `x-kz-` marks it Kazakhstan's own. A CAD that knows only `fire` still sees a fire-side responder.
LOCAL_GAS_LABEL = "fire.x-kz-gas"

AGENCY_TYPE: dict[Service, str] = {
    Service.FIRE: "fire",
    Service.POLICE: "police",
    Service.AMBULANCE: "ems",
    Service.GAS: LOCAL_GAS_LABEL,
}
SERVICE_BY_AGENCY_TYPE = {label: service for service, label in AGENCY_TYPE.items()}

NAMES: dict[Service, tuple[str, str]] = {  # (kk, ru)
    Service.FIRE: ("Өрт сөндіру қызметі", "Пожарная служба"),
    Service.POLICE: ("Полиция", "Полиция"),
    Service.AMBULANCE: ("Жедел медициналық жәрдем", "Скорая медицинская помощь"),
    Service.GAS: ("Газ қызметі", "Газовая служба"),
}


def parse_services(codes: list[str] | tuple[str, ...]) -> list[Service]:
    """The requested services in a stable order; unknown or repeated codes are refused."""
    if not codes:
        raise ValueError("at least one service (101, 102, 103, 104) is required")
    seen: list[Service] = []
    for code in codes:
        try:
            service = Service(str(code))
        except ValueError:
            raise ValueError(f"unknown service {code!r}: expected 101, 102, 103 or 104") from None
        if service in seen:
            raise ValueError(f"service {code} is listed twice")
        seen.append(service)
    return sorted(seen)
