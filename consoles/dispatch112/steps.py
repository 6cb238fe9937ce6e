"""The dispatcher's steps as the inbox offers them: the state each leads to, its button, the text it
asks for, and the action of the 112 register it calls; a refused step's reason in the screen's
language (the register's own message is for API clients)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.http import QueryDict
from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.principal import Principal
from federation.emergency_112 import actions
from federation.emergency_112.models import Incident, IncidentState


@dataclass(frozen=True)
class Step:
    slug: str  # in the URL
    target: IncidentState
    # Out of repr: the inbox's version is a hash of what it shows, equal in every process.
    label: Promise = field(repr=False)
    text_field: str = ""  # the text it asks for, if any
    text_label: Promise | str = field(default="", repr=False)
    call: Callable[[Principal, int, QueryDict], Incident] | None = field(default=None, repr=False)


STEPS: tuple[Step, ...] = (
    Step(
        "acknowledge",
        IncidentState.ACKNOWLEDGED,
        _("Accept"),
        call=lambda who, pk, form: actions.acknowledge_incident(who, pk, note=form.get("note", "")),
    ),
    Step(
        "dispatch",
        IncidentState.DISPATCHED,
        _("Dispatch"),
        "unit",
        _("Unit or crew"),
        call=lambda who, pk, form: actions.dispatch_incident(
            who, pk, unit=form.get("unit", ""), note=form.get("note", "")
        ),
    ),
    Step(
        "on-scene",
        IncidentState.ON_SCENE,
        _("On scene"),
        call=lambda who, pk, form: actions.mark_on_scene(who, pk, note=form.get("note", "")),
    ),
    Step(
        "close",
        IncidentState.CLOSED,
        _("Close"),
        call=lambda who, pk, form: actions.close_incident(who, pk, note=form.get("note", "")),
    ),
    Step(
        "reject",
        IncidentState.REJECTED,
        _("Not an emergency"),
        "note",
        _("Why (for the 109 line)"),
        call=lambda who, pk, form: actions.reject_incident(who, pk, note=form.get("note", "")),
    ),
)
BY_SLUG = {step.slug: step for step in STEPS}


def refusal_text(error: actions.EmergencyError) -> str:
    if isinstance(error, actions.FieldRequired):
        if error.field == "unit":
            return gettext("Name the unit or crew dispatched.")
        return gettext("Write why it is not an emergency: the 109 line gets the note.")
    if isinstance(error, actions.IncidentNotFound):
        return gettext("There is no such incident.")
    if isinstance(error, actions.IllegalTransition):
        return gettext("The incident has moved on meanwhile: this step is no longer possible.")
    return gettext("The step was not taken.")
