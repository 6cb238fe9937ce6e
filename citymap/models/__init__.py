from citymap.models.links import AppealObject, LinkSource
from citymap.models.objects import NETWORK_KINDS, MapObject, ObjectKind, ServiceLink, Street
from citymap.models.outages import Outage, OutageBuilding, OutageKind, OutageLink, OutageNature
from citymap.models.works import ObjectWork, WorkStatus

__all__ = [
    "NETWORK_KINDS",
    "AppealObject",
    "LinkSource",
    "MapObject",
    "ObjectKind",
    "ObjectWork",
    "Outage",
    "OutageBuilding",
    "OutageKind",
    "OutageLink",
    "OutageNature",
    "ServiceLink",
    "Street",
    "WorkStatus",
]
