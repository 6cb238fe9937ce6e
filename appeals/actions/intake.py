"""Intake: a new appeal from any channel, idempotent on the client's key."""

from __future__ import annotations

import datetime
import json
from collections.abc import Collection
from dataclasses import dataclass, field, fields

from django.db import connection, transaction
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from accounts.permissions import Operation
from accounts.principal import Principal
from appeals.actions.lifecycle import register_locked
from appeals.catalogue.cache import active_category
from appeals.emergency.actions import forward_if_emergency
from appeals.errors import AppealError, Problem
from appeals.events import acting_role, announce, one_change
from appeals.models import Appeal, AppealEvent, Category, Channel, EventKind, Language, Priority
from appeals.repeats.candidates import repeat_candidates
from appeals.rules import object_keys
from appeals.rules.applicants import check_iin, normalise_phone
from appeals.rules.idempotency import request_digest, require_same_request
from appeals.rules.sla import deadline_for
from appeals.rules.text import invalid_characters, storable, too_long
from appeals.states import TRANSITIONS, Status
from appeals.stored_rows import as_stored
from appeals.tracking.access_code import new_access_code
from appeals.transfers.proposals import locate, propose_transfer
from appeals.transitions import authorise
from tenants.models import Akimat
from tenants.prepared_statements import prepared_statements

MAX_DESCRIPTION = 5000
# The longest text each field stores (the model's columns): longer input is refused, never cut.
TEXT_LIMITS = {
    "description": MAX_DESCRIPTION,
    "applicant_name": 200,
    "address": 300,
    "object_key": 100,
    "client_key": 100,
}


@dataclass(kw_only=True)
class AppealPlace:
    """Where the appeal is about and how it is classified: what intake and a transfer both carry."""

    address: str = ""
    longitude: float | None = None
    latitude: float | None = None
    object_key: str = ""
    category_code: str = ""
    priority: str = ""

    def place(self) -> dict[str, object]:
        return {name: getattr(self, name) for name in PLACE_FIELDS}


PLACE_FIELDS = tuple(f.name for f in fields(AppealPlace))


@dataclass
class AppealInput(AppealPlace):
    channel: str
    description: str
    applicant_phone: str
    applicant_name: str = ""
    applicant_iin: str = ""
    language: str = ""  # kk or ru: what the applicant speaks; blank when not said
    client_key: str = ""
    # Phone intake: the operator classifies while talking, so the appeal is registered at once.
    register: bool = False


@dataclass
class IntakeResult:
    appeal: Appeal
    created: bool
    repeat_candidates: list[Appeal] = field(default_factory=list)
    # The location lies in another akimat: the operator may transfer the appeal there.
    transfer_proposal: Akimat | None = None


# Text inputs and their fields as the API names them: refused characters are reported, never stored.
TEXT_FIELDS = {
    "description": "description",
    "applicant_phone": "applicantPhone",
    "applicant_name": "applicantName",
    "applicant_iin": "applicantIin",
    "address": "address",
    "object_key": "objectKey",
    "category_code": "category",
    "client_key": "clientKey",
}


def _stored_text(data: AppealInput, attr: str) -> str:
    """A text input as it would be stored: trimmed, but the client's key exactly as sent."""
    text = getattr(data, attr) or ""  # None: the API's explicit null, like an omitted field
    return text if attr == "client_key" else text.strip()


def _validated(
    data: AppealInput, *, check_object_key: bool
) -> tuple[dict[str, object], Category | None, Akimat | None, int | None]:
    refused = [
        invalid_characters(name)
        for attr, name in TEXT_FIELDS.items()
        if not storable(getattr(data, attr) or "")
    ]
    if refused:
        raise AppealError(*refused)
    problems: list[Problem] = []
    if data.channel not in Channel.values:
        problems.append(
            Problem(
                "channel", "invalid", format_lazy(_("{value}: unknown channel"), value=repr(data.channel))
            )
        )
    description = (data.description or "").strip()
    if not description:
        problems.append(Problem("description", "required", _("Describe the appeal")))
    phone, problem = normalise_phone(data.applicant_phone)
    if problem:
        problems.append(problem)
    iin, problem = check_iin(data.applicant_iin)
    if problem:
        problems.append(problem)
    if data.language and data.language not in Language.values:
        problems.append(Problem("language", "invalid", f"{data.language!r}: kk не ru / ожидается kk или ru"))
    location = proposal = None
    if (data.longitude is None) != (data.latitude is None):
        problems.append(
            Problem("location", "invalid_location", _("Both latitude and longitude are required"))
        )
    elif data.longitude is not None:
        location, proposal, problem = locate(data.longitude, data.latitude)
        if problem:
            problems.append(problem)
    category = None
    if data.category_code:
        category = active_category(data.category_code)
        if category is None:
            problems.append(
                Problem(
                    "category",
                    "not_found",
                    format_lazy(_("{value}: no such category"), value=repr(data.category_code)),
                )
            )
    elif data.register:
        problems.append(Problem("category", "required", _("Registering needs a category")))
    if data.priority and data.priority not in Priority.values:
        problems.append(
            Problem(
                "priority", "invalid", format_lazy(_("{value}: unknown priority"), value=repr(data.priority))
            )
        )
    problems += [
        too_long(TEXT_FIELDS[attr], limit)
        for attr, limit in TEXT_LIMITS.items()
        if len(_stored_text(data, attr)) > limit
    ]
    object_key = (data.object_key or "").strip()
    object_id = None
    if object_key and check_object_key and not problems:
        found = object_keys.look_up(object_key)
        object_id = found.object_id
        if found.checked and object_id is None:
            problems.append(
                Problem(
                    "objectKey",
                    "unknown_object",
                    format_lazy(_("{value}: no such object on the map"), value=repr(object_key)),
                )
            )
    if problems:
        raise AppealError(*problems)
    values = {
        "channel": data.channel,
        "description": description,
        "applicant_name": (data.applicant_name or "").strip(),
        "applicant_phone": phone,
        "applicant_iin": iin,
        "applicant_language": data.language or "",
        "address": (data.address or "").strip(),
        "location": location,
        "object_key": object_key,
        "category": category,
        "priority": data.priority or (category.default_priority if category else Priority.NORMAL),
        "client_key": data.client_key or None,
        "access_code": new_access_code(),
    }
    values["client_key_digest"] = (
        request_digest(
            values,
            category_code=data.category_code or "",
            priority=data.priority or "",
            register=data.register,
        )
        if values["client_key"]
        else ""
    )
    return values, category, proposal, object_id


# The hot path in one statement (decision 26, docs/decisions.md): the appeal and its first event
# together; ON CONFLICT on the client key makes a retry insert nothing, also under concurrency
# (the second insert waits for the first to commit, then does nothing).
INSERT_WITH_EVENT = """
WITH new AS (
    INSERT INTO appeals_appeal (
        status, status_changed_at, channel, client_key, client_key_digest, applicant_name, applicant_phone,
        applicant_iin, applicant_language, address, location, object_key, description, category_id, priority,
        received_at, registered_at, deadline, resolution, cancel_reason, repeat_count, reopen_count,
        access_code)
    VALUES (
        %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, ST_GeomFromEWKB(%s), %s, %s, %s, %s, %s, %s, %s, '', '', 0, 0,
        %s
    )
    ON CONFLICT (client_key) DO NOTHING
    RETURNING id, number
), event AS (
    INSERT INTO appeals_appealevent (
        appeal_id, kind, from_status, to_status, transition, actor_subject, actor_name, actor_role, at,
        comment, data)
    SELECT id, %s, '', %s, '', %s, %s, %s, %s, '', %s::jsonb FROM new
    RETURNING id
)
SELECT new.id, new.number, event.id FROM new, event
"""


def _insert(
    actor: Principal, values: dict, category: Category | None, now: datetime.datetime, *, registered: bool
) -> tuple | None:
    """(appeal, event) as model instances, or None when the client key already has an appeal.

    `registered`: the row is written registered at once (registration then writes only its event:
    an update of the new row would touch each of its 17 indexes again, decision 85); the instance
    says received until the registration's event is written, as its listeners would have seen it."""
    status = Status.REGISTERED if registered else Status.RECEIVED
    deadline = deadline_for(category, now) if category else None
    location = values["location"]
    data = {"channel": values["channel"]}
    role = acting_role(actor, Operation.APPEAL_CREATE)
    with connection.cursor() as cursor:
        cursor.execute(
            INSERT_WITH_EVENT,
            [
                status.value,
                now,
                values["channel"],
                values["client_key"],
                values["client_key_digest"],
                values["applicant_name"],
                values["applicant_phone"],
                values["applicant_iin"],
                values["applicant_language"],
                values["address"],
                bytes(location.ewkb) if location is not None else None,
                values["object_key"],
                values["description"],
                category.pk if category else None,
                values["priority"],
                now,
                now if registered else None,
                deadline,
                values["access_code"],
                EventKind.CREATED.value,
                Status.RECEIVED.value,
                actor.subject,
                actor.display_name or actor.username,
                role,
                now,
                json.dumps(data),
            ],
        )
        row = cursor.fetchone()
    if row is None:
        return None
    appeal_id, number, event_id = row
    appeal = Appeal(
        id=appeal_id,
        number=number,
        status=Status.RECEIVED.value,
        status_changed_at=now,
        received_at=now,
        registered_at=now if registered else None,
        deadline=deadline,
        **values,
    )
    as_stored(appeal)
    event = AppealEvent(
        id=event_id,
        appeal=appeal,
        kind=EventKind.CREATED.value,
        to_status=Status.RECEIVED.value,
        actor_subject=actor.subject,
        actor_name=actor.display_name or actor.username,
        actor_role=role,
        at=now,
        data=data,
    )
    return appeal, as_stored(event)


def intake_problems(data: AppealInput) -> list[Problem]:
    """Every problem intake would refuse `data` for, recording nothing: a caller that checks fields
    of its own first (Open311) reports them all at once."""
    try:
        _validated(data, check_object_key=False)
    except AppealError as error:
        return error.problems
    return []


def create_appeal(
    actor: Principal, data: AppealInput, *, candidate_fields: Collection[str] | None = None
) -> IntakeResult:
    """Record a new appeal (status received, or registered at once) with its first event.

    A retry with the same client key returns the first appeal: the key is unique in the database,
    so two concurrent retries cannot both insert. The same key with a different request is refused
    (`idempotency_conflict`, appeals.rules.idempotency).
    """
    authorise(actor, Operation.APPEAL_CREATE)
    return record_intake(actor, data, check_object_key=True, candidate_fields=candidate_fields)


def record_intake(
    actor: Principal,
    data: AppealInput,
    *,
    check_object_key: bool = False,
    candidate_fields: Collection[str] | None = None,
) -> IntakeResult:
    """`create_appeal` without the permission check, for an appeal another akimat transferred here
    (the sender's right was checked where it acted); everything else is the same intake. A
    transferred appeal's objectKey names the sender's map, so it is kept as text, not checked.
    `candidate_fields`: the only fields the caller reads of the repeat candidates (all by default)."""
    values, category, proposal, object_id = _validated(data, check_object_key=check_object_key)
    now = timezone.now()
    # Registered in the insert when nothing can stand between: an emergency goes to 112 instead.
    registers_at_once = data.register and category is not None and not category.is_emergency
    if registers_at_once:
        authorise(actor, TRANSITIONS["register"].operation)
    with prepared_statements(), transaction.atomic(), one_change():
        inserted = _insert(actor, values, category, now, registered=registers_at_once)
        if inserted is None:
            existing = Appeal.objects.select_related("category").get(client_key=values["client_key"])
            require_same_request(existing.client_key_digest, values["client_key_digest"], existing.number)
            return IntakeResult(appeal=existing, created=False)
        appeal, event = inserted
        if object_id is not None:
            object_keys.link(appeal, object_id)
        announce(appeal, event)
        # An emergency goes to 112 at once, before anything else: it never waits in a 109 queue.
        forwarded = forward_if_emergency(actor, appeal, new=True)
        if proposal is not None:
            propose_transfer(appeal, proposal)
        if data.register and not forwarded:
            register_locked(actor, appeal, stored=registers_at_once)
        candidates = repeat_candidates(
            category,
            appeal.location,
            appeal.object_key,
            exclude_id=appeal.pk,
            now=now,
            fields=candidate_fields,
        )
    return IntakeResult(appeal=appeal, created=True, repeat_candidates=candidates, transfer_proposal=proposal)
