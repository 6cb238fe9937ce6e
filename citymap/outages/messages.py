"""What the outage actions say when they refuse (gettext: Kazakh and Russian)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

NO_OUTAGE = _("There is no such outage.")
UNKNOWN_KIND = _("Unknown kind of outage {value}.")
UNKNOWN_NATURE = _("An outage is planned or emergency, not {value}.")
CAUSE_REQUIRED = _("Say what caused the outage.")
CAUSE_TOO_LONG = _("The cause is longer than {limit} characters.")
TIME_OUT_OF_RANGE = _("An outage starts and ends within a year back and two years ahead.")
END_BEFORE_START = _("The expected end must come after the start.")
NOT_A_NETWORK_OBJECT = _(
    "Only a network object (a boiler house, a substation, a pipe, a cable, a well) carries an outage; "
    "this is a {kind}."
)
NO_OBJECT = _("There is no such object on the map.")
NOT_BUILDINGS = _("Only buildings can be picked for an outage: {ids} are not buildings of the map.")
NO_BUILDINGS = _("The outage reaches no building: pick buildings or a network object that serves some.")
ORGANISATION_REQUIRED = _("Name the organisation responsible for the outage.")
UNKNOWN_ORGANISATION = _("Unknown organisation {value}.")
PERSON_NOT_IN_ORGANISATION = _("This person does not work for {organisation}.")
NO_CATEGORY = _("The akimat has no category {value} for the calls about this outage; name one.")
OUTAGE_ENDED = _("This outage has already ended.")
NO_APPEAL = _("There is no appeal number {number}.")
CALL_OR_APPEAL = _("Give either the appeal's number or the caller's phone, not both and not neither.")
LINKED_ELSEWHERE = _("Appeal {number} is already linked to another outage.")
NOT_LINKABLE = _("Appeal {number} cannot be linked in status {status}.")
ENDED_RESOLUTION = _("The outage ended at {at}.")
CALL_DESCRIPTION = _("Outage: {kind}. {cause}")
