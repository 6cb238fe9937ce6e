"""Declaring an outage, linking calls to it, ending it.

A call about an outage is an appeal like any other, so its citizen is called back the appeals'
way: the first call linked carries the outage's one work order (registered in the outage's
category and assigned to its organisation and person); every later call is linked to it as a
repeat (`appeals.actions.link_as_repeat`: cancelled as a duplicate, no new work order, its
applicant added to the first call's call-back list). Ending the outage reports that work order done
(the platform's system principal makes the service's steps): the first call lands in the call-back
queue with every linked caller to call. A lead that has already been answered while the outage went
on is not reused: the next call becomes a new lead.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import formats, timezone, translation

from accounts.permissions import Operation
from accounts.principal import Principal
from appeals import actions as appeal_actions
from appeals.actions import AppealInput
from appeals.events import SYSTEM
from appeals.models import Appeal, Category, Organisation, ResponsiblePerson
from appeals.rules.calendar import ALMATY
from appeals.rules.moments import in_utc
from appeals.rules.text import typed_half
from appeals.states import ACTIVE_STATUSES, Status
from citymap.access import authorise
from citymap.errors import CityMapError, Problem, in_both_languages, say
from citymap.models import (
    NETWORK_KINDS,
    AppealObject,
    LinkSource,
    MapObject,
    ObjectKind,
    Outage,
    OutageBuilding,
    OutageKind,
    OutageLink,
    OutageNature,
)
from citymap.network import downstream_buildings
from citymap.outages import messages as m

CAUSE_LIMIT = 2000
# The appeals' category each kind's calls are registered in (the shipped catalogue's codes).
CATEGORY_OF_KIND = {
    OutageKind.HEATING: "heating",
    OutageKind.HOT_WATER: "hot-water",
    OutageKind.COLD_WATER: "cold-water",
    OutageKind.POWER: "electricity",
    OutageKind.GAS: "gas",
}


@dataclass
class OutageInput:
    kind: str
    nature: str
    cause: str
    starts_at: datetime.datetime
    expected_end_at: datetime.datetime
    source_object_id: int | None = None
    building_ids: list[int] = field(default_factory=list)
    organisation_code: str = ""
    person_id: int | None = None
    category_code: str = ""


@dataclass
class CallInput:
    """A call taken about the outage, when no appeal was made for it yet."""

    phone: str
    channel: str = "landline"
    name: str = ""
    language: str = ""
    description: str = ""
    building_id: int | None = None  # where the caller lives: the appeal's address and point


@dataclass
class LinkedCall:
    outage: Outage
    appeal: Appeal
    lead: Appeal
    as_lead: bool


@dataclass
class EndedOutage:
    outage: Outage
    # The outage's work orders reported done: each waits in the call-back queue with its callers.
    answered: list[Appeal]
    callers: int


def _organisation(
    data: OutageInput, source: MapObject | None, problems: list[Problem]
) -> Organisation | None:
    if data.organisation_code:
        found = Organisation.objects.filter(code=data.organisation_code, is_active=True).first()
        if found is None:
            problems.append(
                Problem(
                    "organisation", "not_found", say(m.UNKNOWN_ORGANISATION, value=data.organisation_code)
                )
            )
        return found
    if source is not None:
        return source.organisation
    problems.append(Problem("organisation", "required", m.ORGANISATION_REQUIRED))
    return None


def _moment(value: datetime.datetime, field: str, problems: list[Problem]) -> datetime.datetime | None:
    """A time of the outage, in Almaty when it names no zone; refused beyond a year back or two ahead
    (checked on the year first: arithmetic at the calendar's edge overflows)."""
    year = timezone.now().year
    if not year - 1 <= value.year <= year + 2:
        problems.append(Problem(field, "out_of_range", m.TIME_OUT_OF_RANGE))
        return None
    # In UTC: an ISO offset may be up to ±23:59, PostgreSQL stores up to ±15:59.
    return in_utc(value)


def declare_outage(actor: Principal, data: OutageInput) -> Outage:
    """A planned or emergency outage over the buildings picked and those the network object serves."""
    authorise(actor, Operation.APPEAL_ROUTE)
    problems: list[Problem] = []
    if data.kind not in OutageKind.values:
        problems.append(Problem("kind", "invalid", say(m.UNKNOWN_KIND, value=data.kind)))
    if data.nature not in OutageNature.values:
        problems.append(Problem("nature", "invalid", say(m.UNKNOWN_NATURE, value=data.nature)))
    cause = (data.cause or "").strip()
    if not cause:
        problems.append(Problem("cause", "required", m.CAUSE_REQUIRED))
    elif len(cause) > CAUSE_LIMIT:
        problems.append(Problem("cause", "too_long", say(m.CAUSE_TOO_LONG, limit=CAUSE_LIMIT)))
    starts_at = _moment(data.starts_at, "startsAt", problems)
    expected_end_at = _moment(data.expected_end_at, "expectedEndAt", problems)
    if starts_at and expected_end_at and expected_end_at <= starts_at:
        problems.append(Problem("expectedEndAt", "invalid", m.END_BEFORE_START))
    source = None
    if data.source_object_id is not None:
        source = MapObject.objects.select_related("organisation").filter(pk=data.source_object_id).first()
        if source is None:
            problems.append(Problem("sourceObjectId", "not_found", m.NO_OBJECT))
        elif source.kind not in NETWORK_KINDS:
            problems.append(
                Problem("sourceObjectId", "not_network", say(m.NOT_A_NETWORK_OBJECT, kind=source.kind))
            )
    picked = sorted(set(data.building_ids))
    if picked:
        found = set(
            MapObject.objects.filter(pk__in=picked, kind=ObjectKind.BUILDING).values_list("id", flat=True)
        )
        if missing := [pk for pk in picked if pk not in found]:
            problems.append(
                Problem(
                    "buildingIds", "not_buildings", say(m.NOT_BUILDINGS, ids=", ".join(map(str, missing)))
                )
            )
    organisation = _organisation(data, source, problems)
    person = None
    if data.person_id is not None and organisation is not None:
        person = ResponsiblePerson.objects.filter(pk=data.person_id, organisation=organisation).first()
        if person is None:
            problems.append(
                Problem(
                    "personId",
                    "not_in_organisation",
                    say(m.PERSON_NOT_IN_ORGANISATION, organisation=organisation.code),
                )
            )
    code = data.category_code or CATEGORY_OF_KIND.get(data.kind, "")
    category = Category.objects.filter(code=code, is_active=True).first() if code else None
    if category is None and not any(p.field == "kind" for p in problems):
        problems.append(Problem("category", "not_found", say(m.NO_CATEGORY, value=code)))
    if problems:
        raise CityMapError(*problems)
    via = downstream_buildings(source.pk) if source is not None else []
    reached = {pk: source.pk for pk in via} | {pk: None for pk in picked}
    if not reached:
        raise CityMapError.of("buildingIds", "no_buildings", m.NO_BUILDINGS)
    with transaction.atomic():
        outage = Outage.objects.create(
            kind=data.kind,
            nature=data.nature,
            cause=cause,
            starts_at=starts_at,
            expected_end_at=expected_end_at,
            source_object=source,
            organisation=organisation,
            person=person,
            category=category,
            declared_by=actor.subject,
            declared_by_name=actor.display_name or actor.username,
        )
        OutageBuilding.objects.bulk_create(
            [
                OutageBuilding(outage=outage, building_id=pk, via_id=via_id)
                for pk, via_id in sorted(reached.items())
            ],
            batch_size=2000,
        )
    return outage


def _locked_outage(outage_id: int) -> Outage:
    outage = (
        Outage.objects.select_for_update(of=("self",))
        .select_related("organisation", "category", "lead_appeal")
        .filter(pk=outage_id)
        .first()
    )
    if outage is None:
        raise CityMapError.of("outageId", "not_found", m.NO_OUTAGE)
    return outage


def call_description(outage: Outage, language: str) -> str:
    """What a call about the outage says when the caller said nothing more: the platform's words in
    the call's language (the screen's when the call names none), the cause as it was typed (its half
    in that language when it was typed in both)."""
    if language not in ("kk", "ru"):
        language = "kk" if translation.get_language() == "kk" else "ru"
    kazakh, _, russian = str(OutageKind(outage.kind).label).partition(" / ")
    with translation.override(language):
        kind = kazakh if language == "kk" else russian or kazakh
        return str(say(m.CALL_DESCRIPTION, kind=kind, cause=typed_half(outage.cause, language)))


def _new_call(actor: Principal, outage: Outage, call: CallInput) -> Appeal:
    building = None
    if call.building_id is not None:
        building = MapObject.objects.filter(pk=call.building_id).first()
        if building is None:
            raise CityMapError.of("call.buildingId", "not_found", m.NO_OBJECT)
    description = (call.description or "").strip() or call_description(outage, call.language)
    appeal = appeal_actions.create_appeal(
        actor,
        AppealInput(
            channel=call.channel,
            description=description[:5000],
            applicant_phone=call.phone,
            applicant_name=call.name,
            language=call.language,
            address=building.address_ru if building else "",
            longitude=building.point.x if building else None,
            latitude=building.point.y if building else None,
            object_key=building.key if building else "",
            category_code=outage.category.code,
        ),
    ).appeal
    if building is not None:
        # Intake linked it by its objectKey already; the link says it came with the outage.
        AppealObject.objects.filter(appeal=appeal).update(source=LinkSource.OUTAGE, linked_by=actor.subject)
    return appeal


def _make_lead(actor: Principal, outage: Outage, appeal: Appeal) -> None:
    """The outage's work order: registered in its category, assigned to its organisation and person."""
    number = appeal.number
    if appeal.status == Status.RECEIVED:
        code = appeal.category.code if appeal.category_id else outage.category.code
        appeal = appeal_actions.register_appeal(actor, number, category_code=code)
    if appeal.status in (Status.REGISTERED, Status.REOPENED) or (
        appeal.status == Status.ASSIGNED and appeal.organisation_id != outage.organisation_id
    ):
        appeal = appeal_actions.assign_appeal(
            actor, number, organisation_code=outage.organisation.code, assignee_id=outage.person_id
        )
    if appeal.status not in (Status.ASSIGNED, Status.IN_PROGRESS):
        raise CityMapError.of(
            "number", "not_linkable", say(m.NOT_LINKABLE, number=number, status=appeal.status)
        )


def link_call(
    actor: Principal,
    outage_id: int,
    *,
    number: int | None = None,
    call: CallInput | None = None,
    comment: str = "",
) -> LinkedCall:
    """Link a call to the outage in one step, with no new work order (see the module's docstring):
    an appeal already taken (`number`), or the call itself (`call`: an appeal is made for it)."""
    authorise(actor, Operation.APPEAL_ROUTE)
    if (number is None) == (call is None):
        raise CityMapError.of(None, "invalid", m.CALL_OR_APPEAL)
    with transaction.atomic():
        outage = _locked_outage(outage_id)
        if outage.ended_at is not None:
            raise CityMapError.of("outageId", "outage_ended", m.OUTAGE_ENDED)
        if call is not None:
            appeal = _new_call(actor, outage, call)
        else:
            appeal = Appeal.objects.select_related("category").filter(number=number).first()
            if appeal is None:
                raise CityMapError.of("number", "not_found", say(m.NO_APPEAL, number=number))
        existing = OutageLink.objects.filter(appeal=appeal).first()
        if existing is not None:
            if existing.outage_id != outage.pk:
                raise CityMapError.of(
                    "number", "linked_elsewhere", say(m.LINKED_ELSEWHERE, number=appeal.number)
                )
            return LinkedCall(outage, appeal, outage.lead_appeal or appeal, existing.as_lead)
        lead = outage.lead_appeal
        usable = lead is not None and Appeal.objects.filter(pk=lead.pk, status__in=ACTIVE_STATUSES).exists()
        if usable:
            appeal_actions.link_as_repeat(actor, appeal.number, original_number=lead.number, comment=comment)
        else:
            _make_lead(actor, outage, appeal)
            outage.lead_appeal = appeal
            outage.save(update_fields=["lead_appeal"])
            lead = appeal
        OutageLink.objects.create(
            outage=outage,
            appeal=appeal,
            as_lead=not usable,
            linked_by=actor.subject,
            linked_by_name=actor.display_name or actor.username,
        )
        appeal.refresh_from_db()
    return LinkedCall(outage, appeal, lead, not usable)


def _report_done(outage: Outage, appeal: Appeal, resolution: str) -> Appeal:
    """The service's remaining steps for a lead, made by the platform: it is done when the outage is."""
    for _step in range(5):
        appeal.refresh_from_db(fields=["status", "organisation"])
        number = appeal.number
        if appeal.status == Status.RECEIVED:
            appeal_actions.register_appeal(SYSTEM, number, category_code=outage.category.code)
        elif appeal.status in (Status.REGISTERED, Status.REOPENED):
            code = "" if appeal.organisation_id else outage.organisation.code
            appeal_actions.assign_appeal(SYSTEM, number, organisation_code=code)
        elif appeal.status == Status.ASSIGNED:
            appeal_actions.start_work(SYSTEM, number)
        elif appeal.status == Status.IN_PROGRESS:
            return appeal_actions.mark_done(SYSTEM, number, resolution=resolution)
        else:
            break
    return appeal


def end_outage(actor: Principal, outage_id: int, *, comment: str = "") -> EndedOutage:
    """The outage is over: its work orders are reported done, so each waits in the call-back queue
    with every caller linked to it (its applicant and its repeats')."""
    authorise(actor, Operation.APPEAL_ROUTE)
    now = timezone.now()
    with transaction.atomic():
        outage = _locked_outage(outage_id)
        if outage.ended_at is not None:
            raise CityMapError.of("outageId", "outage_ended", m.OUTAGE_ENDED)
        outage.ended_at = now
        outage.ended_by = actor.subject
        outage.ended_by_name = actor.display_name or actor.username
        outage.end_comment = (comment or "").strip()
        outage.save(update_fields=["ended_at", "ended_by", "ended_by_name", "end_comment"])
        at = formats.date_format(now.astimezone(ALMATY), "d.m.Y H:i")
        resolution = in_both_languages(say(m.ENDED_RESOLUTION, at=at))
        if outage.end_comment:
            resolution = f"{resolution} {outage.end_comment}"
        leads = Appeal.objects.filter(
            pk__in=OutageLink.objects.filter(outage=outage, as_lead=True).values("appeal_id"),
            status__in=ACTIVE_STATUSES,
        ).order_by("number")
        answered = [_report_done(outage, lead, resolution) for lead in leads]
        callers = OutageLink.objects.filter(outage=outage).count()
    return EndedOutage(outage=outage, answered=answered, callers=callers)
