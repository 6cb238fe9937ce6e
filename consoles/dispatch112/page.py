"""What the inbox shows, in the screen's language: the alarm bar (open alarms counted by kind), the
newest incidents nobody has accepted yet, one page of open incidents by priority and age, the
recently finished ones; each row with the steps it allows now and its alarms. A fixed number of
queries whatever the rows (federation/emergency_112/inbox.py reads each list on its index).

`version` is "<change marker>.<digest of each part shown>": the page's poll sends it back. While
the marker stands still the poll costs that one query and gets nothing (204); when it moved, the
rows are read again: a screen whose rows did not change (another akimat's incident moved) still
gets 204 with the new marker, and one where some parts changed (a new incident: the strip of new
ones and the count) gets those parts only, not the 50 rows of the open list again."""

from __future__ import annotations

import datetime
import hashlib
import math
from dataclasses import dataclass
from urllib.parse import urlencode

from django.utils import timezone
from django.utils.translation import gettext

from consoles.dispatch112.steps import STEPS, Step
from consoles.text import local, pick
from federation.emergency_112 import inbox as register
from federation.emergency_112 import states
from federation.emergency_112.forwarding import NO_ADDRESS, NO_NAME
from federation.emergency_112.models import AlarmKind, AlarmRecipient, Incident, IncidentState
from federation.emergency_112.services import NAMES, Service
from federation.emergency_112.watchdog import ack_timeout
from tenants.models import Akimat, AkimatKind


@dataclass(frozen=True)
class Alarm:
    kind: str
    label: str
    detail: str


@dataclass(frozen=True)
class AlarmCount:
    kind: str
    label: str
    count: int
    query: str  # the inbox filtered to incidents with this alarm


@dataclass(frozen=True)
class Choice:
    value: str
    label: str


@dataclass(frozen=True)
class Shown:
    """The filters as the URL carries them: service, akimat's slug, alarm kind, page."""

    service: str = ""
    akimat: str = ""
    alarm: str = ""
    page: int = 1

    def query(self, **changes: object) -> str:
        """The URL's query string with some values changed (empty ones and page 1 left out)."""
        values = {"service": self.service, "akimat": self.akimat, "alarm": self.alarm, "page": self.page}
        values.update(changes)
        if values["page"] == 1:
            values["page"] = ""
        return urlencode({key: value for key, value in values.items() if value})

    @property
    def filtered(self) -> bool:
        return bool(self.service or self.akimat or self.alarm)


class BadFilter(ValueError):
    """A filter value the inbox does not know, with the message for the screen."""


@dataclass(frozen=True)
class Row:
    id: int
    appeal_number: str
    akimat: str
    received_at: datetime.datetime
    priority: int
    services: tuple[str, ...]
    category: str
    notes: str
    address: str
    map_object: str
    latitude: float | None
    longitude: float | None
    accuracy_m: float | None
    caller_name: str
    caller_phone: str
    callback_number: str
    state: str
    state_label: str
    unit: str
    rejection_note: str
    alarms: tuple[Alarm, ...]
    steps: tuple[Step, ...]
    waiting_since: datetime.datetime | None = None
    # When it is past the time 112 has to accept it and the watchdog has not said so (yet, or at
    # all while beat is away): the page says so itself, the script on the second (late_at).
    late_at: datetime.datetime | None = None
    late: bool = False

    @property
    def is_new(self) -> bool:
        return self.state == IncidentState.RECEIVED

    @property
    def finished(self) -> bool:
        return not self.steps


@dataclass(frozen=True)
class Inbox:
    newest: list[Row]  # not accepted yet, newest first
    rows: list[Row]  # this page of open incidents
    finished: list[Row]
    open_count: int
    pages: int
    alarms: list[AlarmCount]
    shown: Shown
    services: list[Choice]
    akimats: list[Choice]
    version: str
    late_label: str = ""

    @property
    def page_links(self) -> list[tuple[int, str]]:
        return [(number, self.shown.query(page=number)) for number in range(1, self.pages + 1)]

    @property
    def first_shown(self) -> int:
        return min((self.shown.page - 1) * register.PAGE + 1, self.open_count)

    @property
    def last_shown(self) -> int:
        return min(self.shown.page * register.PAGE, self.open_count)


def _alarm_label(kind: str) -> str:
    if kind == AlarmKind.NOT_ACKNOWLEDGED:
        return gettext("Not acknowledged in time")
    if kind == AlarmKind.CAD_UNDELIVERABLE:
        return gettext("The CAD did not get the document")
    return kind


def _alarm_count_label(kind: str, seconds: int) -> str:
    if kind == AlarmKind.NOT_ACKNOWLEDGED:
        return gettext("Not acknowledged by 112 within %(seconds)s s") % {"seconds": seconds}
    return _alarm_label(kind)


def _unsaid(text: str, placeholder: str) -> str:
    """The forward's "not said" placeholder ("kk / ru", as 112's CAD gets it) in the screen's half;
    what a caller said, as said."""
    return pick(placeholder) if text == placeholder else text


def _alarms(incident: Incident) -> tuple[Alarm, ...]:
    """The 112 side's open alarms of the incident (the 109 supervisor's copies are theirs)."""
    alarms = []
    for alarm in incident.open_alarms or []:
        if alarm["recipient"] != AlarmRecipient.DUTY_OFFICER_112:
            continue
        # The watchdog writes "kk / ru" for people; the CAD's alarm carries the transport's error.
        message = alarm["message"]
        detail = pick(message) if alarm["kind"] == AlarmKind.NOT_ACKNOWLEDGED else message
        alarms.append(Alarm(alarm["kind"], _alarm_label(alarm["kind"]), detail))
    return tuple(alarms)


def _service(code: str) -> str:
    try:
        kk, ru = NAMES[Service(code)]
    except ValueError:
        return code
    return f"{code} {pick(f'{kk} / {ru}')}"


def _row(incident: Incident, now: datetime.datetime, timeout: datetime.timedelta) -> Row:
    allowed = set(states.allowed_from(incident.state))
    location = incident.location
    alarms = _alarms(incident)
    waiting_since = incident.awaiting_ack_since if incident.state == IncidentState.RECEIVED else None
    said = any(alarm.kind == AlarmKind.NOT_ACKNOWLEDGED for alarm in alarms)
    late_at = waiting_since + timeout if waiting_since is not None and not said else None
    return Row(
        id=incident.id,
        appeal_number=incident.appeal_number,
        akimat=local(incident.source_akimat),
        received_at=incident.received_at,
        priority=incident.priority,
        services=tuple(_service(code) for code in incident.services),
        category=local(incident, "category"),
        notes=incident.notes,
        address=_unsaid(incident.address_text, NO_ADDRESS),
        map_object=incident.map_object_name,
        latitude=location.y if location else None,
        longitude=location.x if location else None,
        accuracy_m=incident.accuracy_m,
        caller_name=_unsaid(incident.caller_name, NO_NAME),
        caller_phone=incident.caller_phone,
        callback_number=incident.callback_number,
        state=incident.state,
        state_label=pick(IncidentState(incident.state).label),
        unit=incident.unit,
        rejection_note=incident.rejection_note,
        alarms=alarms,
        steps=tuple(step for step in STEPS if step.target in allowed),
        waiting_since=waiting_since,
        late_at=late_at,
        late=late_at is not None and now >= late_at,
    )


def akimats() -> list[Akimat]:
    return list(Akimat.objects.in_region().exclude(kind=AkimatKind.REGION).order_by("kato"))


def parse(query: dict[str, str], known: list[Akimat]) -> tuple[Shown, register.Filters]:
    """The URL's filters, or BadFilter saying which values are unknown, every one (in the screen's
    language)."""
    service, slug, alarm = (query.get(name, "").strip() for name in ("service", "akimat", "alarm"))
    page = query.get("page", "1").strip() or "1"
    unknown = []
    if not page.isdigit() or int(page) < 1:
        unknown.append(gettext("There is no page %(page)s.") % {"page": page})
    akimat = next((one for one in known if one.slug == slug), None)
    if slug and akimat is None:
        unknown.append(gettext("There is no akimat %(akimat)s.") % {"akimat": slug})
    for only_service, only_alarm, said in (
        (service, "", gettext("There is no service %(service)s.") % {"service": service}),
        ("", alarm, gettext("There is no alarm kind %(alarm)s.") % {"alarm": alarm}),
    ):
        try:
            register.parse_filters(only_service, None, only_alarm)
        except register.FilterError:
            unknown.append(said)
    if unknown:
        raise BadFilter(" ".join(unknown))
    filters = register.parse_filters(service, akimat.pk if akimat else None, alarm)
    return Shown(service, slug, alarm, int(page)), filters


# The inbox's parts in the version's order; "frame" (the filters, the akimats) is the page itself:
# when it moved, the whole inbox is sent again.
PARTS = ("frame", "alarms", "newest", "open_title", "open_list", "pages", "finished")


def _digest(content: object) -> str:
    return hashlib.sha256(repr(content).encode()).hexdigest()[:8]


def changed_parts(seen: str, version: str) -> frozenset[str] | None:
    """The parts whose digest differs between the version seen and this one; None when the page
    itself changed (or `seen` is not a version of these parts): the whole inbox then."""
    before, after = seen.partition(".")[2].split("-"), version.partition(".")[2].split("-")
    if len(before) != len(PARTS) or before[0] != after[0]:
        return None
    return frozenset(name for name, old, new in zip(PARTS, before, after, strict=True) if old != new)


def _marker(marker: str, now: datetime.datetime) -> str:
    # The minute too: the finished list loses incidents as they pass 12 h without any write.
    return f"{marker}-{int(now.timestamp() // 60)}"


def unchanged(seen: str, now: datetime.datetime) -> tuple[bool, str]:
    """(nothing moved since the version seen, the change marker now): one query."""
    marker = _marker(register.change_marker(), now)
    return seen.partition(".")[0] == marker, marker


def inbox(
    shown: Shown,
    filters: register.Filters,
    known: list[Akimat],
    *,
    now: datetime.datetime | None = None,
    marker: str = "",
) -> Inbox:
    """The whole inbox for these filters (`marker` when the caller has just read it)."""
    now = now or timezone.now()
    marker = marker or _marker(register.change_marker(), now)
    open_count = register.open_count(filters)
    timeout = ack_timeout()
    newest = [_row(incident, now, timeout) for incident in register.newest_awaiting(filters)]
    rows = [_row(incident, now, timeout) for incident in register.open_page(filters, shown.page)]
    finished = [_row(incident, now, timeout) for incident in register.recently_finished(filters, now)]
    seconds = int(timeout.total_seconds())
    alarms = [
        AlarmCount(kind, _alarm_count_label(kind, seconds), count, shown.query(alarm=kind, page=1))
        for kind, count in register.alarm_counts().items()
    ]
    services = [Choice(code.value, _service(code.value)) for code in Service]
    places = [Choice(one.slug, local(one)) for one in known]
    pages = max(1, math.ceil(open_count / register.PAGE))
    # Everything on the screen, in the screen's language, part by part: a new state, row or alarm
    # is a new version, and the poll sends only the parts whose digest moved.
    # The filters and the page are the frame's: when they move, every part is sent anyway.
    shown_parts = {
        "frame": (shown, places),
        "alarms": alarms,
        "newest": newest,
        "open_title": open_count,
        "open_list": rows,
        "pages": pages,
        "finished": finished,
    }
    digests = "-".join(_digest(shown_parts[name]) for name in PARTS)
    version = f"{marker}.{digests}"
    late_label = gettext("Not accepted for over %(seconds)s s") % {"seconds": seconds}
    return Inbox(
        newest, rows, finished, open_count, pages, alarms, shown, services, places, version, late_label
    )
