"""An appeal's transfer chain between akimats as its page shows it: where it came from, this akimat,
where it went and, when that akimat passed it on, where it is handled now; each with the appeal's
number and status there and since when. Built from the appeal's own fields and its history (already
read for the page) and the akimats' names in one query; nothing at all for an appeal that never
crossed a boundary."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from appeals.models import Appeal, AppealEvent, EventKind
from appeals.states import Status
from tenants.models import Akimat


@dataclass(frozen=True)
class Link:
    role: str  # "from": it came from there, "here", "to": it was transferred there, "on": passed on to
    slug: str
    akimat: Akimat | None  # None: an akimat the registry no longer knows
    number: int | None  # the appeal's number there (None: that akimat has not answered yet)
    status: str  # its status there, a Status ("" when not known yet)
    at: datetime.datetime | None  # since when


def _last_at(events: Sequence[AppealEvent], test: Callable[[AppealEvent], bool]) -> datetime.datetime | None:
    found = [event.at for event in events if test(event)]
    return found[-1] if found else None


def transfer_chain(appeal: Appeal, events: Sequence[AppealEvent], here: Akimat) -> list[Link]:
    """The chain, oldest first; [] when the appeal never came from or went to another akimat."""
    if not appeal.transferred_from and not appeal.transferred_to:
        return []
    links: list[Link] = []
    if appeal.transferred_from:
        arrived = _last_at(events, lambda e: e.kind == EventKind.TRANSFER_RECEIVED) or appeal.received_at
        links.append(
            Link("from", appeal.transferred_from, None, appeal.origin_number, Status.TRANSFERRED, arrived)
        )
    since = _last_at(events, lambda e: e.to_status == appeal.status) or appeal.received_at
    links.append(Link("here", here.slug, here, appeal.number, appeal.status, since))
    if appeal.transferred_to:
        passed_on = bool(appeal.handled_by)
        links.append(
            Link(
                "to",
                appeal.transferred_to,
                None,
                appeal.transferred_to_number,
                Status.TRANSFERRED if passed_on else (appeal.transferred_to_status or ""),
                appeal.transferred_to_status_at,
            )
        )
        if passed_on:
            links.append(
                Link(
                    "on",
                    appeal.handled_by,
                    None,
                    appeal.handled_by_number,
                    appeal.transferred_to_status or "",
                    appeal.transferred_to_status_at,
                )
            )
    names = {
        akimat.slug: akimat
        for akimat in Akimat.objects.filter(
            slug__in={link.slug for link in links if link.akimat is None}
        ).only("slug", "name_kk", "name_ru")
    }
    return [link if link.akimat is not None else replace(link, akimat=names.get(link.slug)) for link in links]


def proposed_akimat(appeal: Appeal) -> Akimat | None:
    """The akimat the appeal's address lies in while a transfer there is proposed and not made (one
    query, and only then); None otherwise or when the registry no longer knows its slug."""
    if not appeal.transfer_proposal or appeal.transferred_to:
        return None
    return Akimat.objects.filter(slug=appeal.transfer_proposal).only("slug", "name_kk", "name_ru").first()
