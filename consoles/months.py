"""Which month a visitor may ask for (decision 111), of the open data's files and of the public
figures pages (an akimat's and the region's): `?month=YYYY-MM`, by default the current month in
Almaty, from the month the akimat's (or the region's) data starts to the current one. Anything else
is refused with the reason, in the screen's language."""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext

from appeals.kpi_definitions import ALMATY
from appeals.reads.open_data import first_received
from regional.open_data import first_day

if TYPE_CHECKING:
    from tenants.models import Akimat

OFFERED = 12  # months listed on the page
_MONTH = re.compile(r"(\d{4})-(\d{2})")


@dataclass(frozen=True, order=True)
class Month:
    first: datetime.date  # its first day

    @classmethod
    def of(cls, day: datetime.date) -> Month:
        return cls(day.replace(day=1))

    @property
    def after(self) -> datetime.date:
        """The first day of the next month."""
        return (self.first.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)

    @property
    def last(self) -> datetime.date:
        return self.after - datetime.timedelta(days=1)

    @property
    def previous(self) -> Month:
        return Month.of(self.first - datetime.timedelta(days=1))

    @property
    def label(self) -> str:
        """As the address and the files write it: 2026-11."""
        return f"{self.first:%Y-%m}"

    @property
    def name(self) -> str:
        """As a person reads it, in the screen's language: "Ноябрь 2026", "Қараша 2026"."""
        return date_format(self.first, "F Y")


def today() -> datetime.date:
    return timezone.now().astimezone(ALMATY).date()


def current() -> Month:
    return Month.of(today())


def earliest(*moments: datetime.datetime | datetime.date | None) -> Month:
    """The first month with data: the earliest of the moments given (the akimat's onboarding, its
    first appeal), the current month when none is known."""
    days = [m.astimezone(ALMATY).date() if isinstance(m, datetime.datetime) else m for m in moments if m]
    return Month.of(min(days)) if days else current()


def akimat_first(tenant: Akimat) -> Month:
    """The akimat's first month: its onboarding or its first appeal, whichever came first (history
    loaded from a former system counts)."""
    return earliest(tenant.created_at, first_received())


def region_first(akimats: list[Akimat]) -> Month:
    """The region's first month: the first day its read model counted an appeal on, or its akimats'
    earliest onboarding, whichever came first."""
    return earliest(first_day(), *(akimat.created_at for akimat in akimats))


def offered(first: Month) -> list[Month]:
    """The months the page offers, newest first: the last `OFFERED`, none before `first`."""
    months = [current()]
    while len(months) < OFFERED and months[-1].previous >= first:
        months.append(months[-1].previous)
    return months


def asked(text: str | None, first: Month) -> tuple[Month, str | None]:
    """The month asked for (the current one when not given), or the current one and the reason
    the ask is refused."""
    now = current()
    if text is None or text == "":
        return now, None
    found = _MONTH.fullmatch(text) if text.isascii() else None
    if found is None or not 1 <= int(found.group(2)) <= 12 or int(found.group(1)) < 1:
        example = now.label
        return now, gettext("A month is written as YYYY-MM, for example %(example)s.") % {"example": example}
    month = Month(datetime.date(int(found.group(1)), int(found.group(2)), 1))
    if month > now:
        return now, gettext("%(month)s has not come yet: the latest month is %(latest)s.") % {
            "month": month.label,
            "latest": now.label,
        }
    if month < first:
        return now, gettext("There is no data before %(first)s: the appeals start in that month.") % {
            "first": first.label
        }
    return month, None
