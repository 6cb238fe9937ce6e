"""The NENA and IANA registry values iKOMEK puts in an EIDO, each from the registry it must come from.

EIDO (NENA-STA-021.1b) says a `…RegistryText` member holds only values of its registry; the
registries are the standard's section 3 (EIDO-AgencyRole, EIDO-LocationType, EIDO-PersonRole,
EIDO-IncidentStatus-Common, EIDO-IncidentType-Common), NENA-STA-010's Agent Roles and the
`urn:emergency:service:responder` labels. Only the values we send are here; the schema
(`schemas/request-for-service.v1.schema.json`) allows exactly these.
"""

from __future__ import annotations

from typing import Final

# EIDO-AgencyRole: the 109 line received the call; the services are who the incident goes to.
AGENCY_ROLE_CALL_RECEIVING: Final = "CallReceiving"
AGENCY_ROLE_TRANSFERRED_TO: Final = "TransferredTo"
# EIDO-LocationType: where the incident is, as the caller reported it.
LOCATION_TYPE_CURRENT_INCIDENT: Final = "CurrentIncident"
# EIDO-PersonRole.
PERSON_ROLE_CALLER: Final = "Caller"
# EIDO-IncidentStatus-Common: what iKOMEK sends (112 answers with the others, see cad-status).
INCIDENT_STATUS_ACTIVE: Final = "Active"
# NENA-STA-010 Agent Roles.
AGENT_ROLE_CALL_TAKING: Final = "Call Taking"
# urn:emergency:service:responder label of the 109 line (without the prefix, as EIDO wants it).
RESPONDER_PSAP: Final = "psap"

# ISO 639-3 codes (NIEM's nc:LanguageCode) of the languages a 109 line records.
ISO_639_3: Final = {"kk": "kaz", "ru": "rus"}
LANGUAGE_BY_ISO_639_3: Final = {code: language for language, code in ISO_639_3.items()}
