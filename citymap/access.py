"""Who may do what on the map: the platform's permission matrix (accounts.permissions), nothing of
the map's own. Reading the map and searching it is open (no personal data); an object's card and
the outages at an address are the akimat's staff's (appeal.view); declaring, linking and ending
outages is the desk's (appeal.route); imports edit the akimat's catalogue (catalogue.manage);
hotspots are reports (reports.view). The platform's own automatic work (appeals' system principal)
is allowed everything."""

from __future__ import annotations

from accounts.permissions import Operation, can, refusal
from accounts.principal import Principal
from appeals.events import is_system
from citymap.errors import CityMapError


def allowed(actor: Principal, operation: Operation) -> bool:
    return is_system(actor) or can(actor, operation)


def authorise(actor: Principal, operation: Operation) -> None:
    if not allowed(actor, operation):
        raise CityMapError.of(None, "forbidden", refusal(actor, operation))
