"""From a plain typed input to the message a 109 line sends to 112.

`build_request_for_service(IncidentInput)` returns an EIDO 1.0 document (NENA-STA-021.1b model)
wrapped in a requestForService envelope, validated against `schemas/request-for-service.v1`.
`read_request_for_service(document)` is the way back: validation plus the few values the 112
register needs, read from the standard members (PIDF-LO location, callback tel: URIs...).
"""

from __future__ import annotations

import html
import json
import re
import uuid
import xml.etree.ElementTree as ET  # only our own PIDF-LO; expat refuses entity bombs
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import Literal
from zoneinfo import ZoneInfo

import phonenumbers

from federation.emergency_112 import registries
from federation.emergency_112.incident_types import incident_type
from federation.emergency_112.services import AGENCY_TYPE, SERVICE_BY_AGENCY_TYPE, Service, parse_services
from federation.emergency_112.validation import DocumentInvalid, SchemaError, validate_request_for_service

ALMATY = ZoneInfo("Asia/Almaty")
EIDO_VERSION = "1.0"
ENVELOPE_VERSION = "1"
ISSUING_ELEMENT = "ikomek-109"
Language = Literal["kk", "ru"]

NS = {
    "pidf": "urn:ietf:params:xml:ns:pidf",
    "dm": "urn:ietf:params:xml:ns:pidf:data-model",
    "gp": "urn:ietf:params:xml:ns:pidf:geopriv10",
    "ca": "urn:ietf:params:xml:ns:pidf:geopriv10:civicAddr",
    "gml": "http://www.opengis.net/gml",
    "gs": "http://www.opengis.net/pidflo/1.0",
}
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
for _prefix, _uri in NS.items():
    ET.register_namespace("" if _prefix == "pidf" else _prefix, _uri)

_AGENCY_ID = re.compile(r"^[a-z0-9]([a-z0-9.-]{0,200}[a-z0-9])?$")
_APPEAL_NUMBER = re.compile(r"^[A-Za-z0-9-]{1,40}$")


class Priority(StrEnum):
    """STA-023 priority words; EIDO's incidentCommonPriorityNumber is the rank (1 = highest)."""

    HIGHEST = "highest"
    HIGH = "high"
    NORMAL = "normal"
    LOW = "low"
    LOWEST = "lowest"

    @property
    def rank(self) -> int:
        return list(Priority).index(self) + 1


@dataclass(frozen=True)
class LocationInput:
    address_text: str
    language: Language
    latitude: float | None = None
    longitude: float | None = None
    accuracy_m: float | None = None
    map_object_id: str = ""
    map_object_name: str = ""


@dataclass(frozen=True)
class CallerInput:
    name: str
    phone: str  # E.164, the number the citizen called from
    callback_number: str = ""  # E.164, where to call back when it differs from the phone
    language: Language = "ru"


@dataclass(frozen=True)
class SourceAgencyInput:
    name_kk: str
    name_ru: str
    operator_name: str
    operator_id: str


@dataclass(frozen=True)
class IncidentInput:
    appeal_number: str
    agency_id: str  # STA-010 style domain of the 109 line, e.g. "petropavlovsk.ikomek.kz"
    tenant_schema: str
    akimat_kato: str
    services: tuple[str, ...]
    priority: Priority
    created: datetime  # aware; sent in Asia/Almaty
    category_kk: str
    category_ru: str
    location: LocationInput
    caller: CallerInput
    source: SourceAgencyInput
    notes: str = ""
    category_code: str = ""
    message_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    sent_at: datetime | None = None


def incident_id(appeal_number: str, agency_id: str) -> str:
    return f"urn:emergency:uid:incidentid:{appeal_number}:{agency_id}"


def component_id(kind: str, appeal_number: str, agency_id: str) -> str:
    """EIDO's id of a data component without an identifier of its own: the prefix, a letters-and-digits
    string unique to it (the kind and the appeal number without its hyphens), and the agency id.
    The same in every version of the incident."""
    unique = kind + appeal_number.replace("-", "")
    return f"urn:emergency:uid:eidodatacomponent:{unique}:{agency_id}"


def _iso(moment: datetime, timespec: str = "seconds") -> str:
    if moment.tzinfo is None:
        raise DocumentInvalid([SchemaError("", "timestamps must be timezone-aware")])
    return moment.astimezone(ALMATY).isoformat(timespec=timespec)


def _e164(number: str, path: str) -> str:
    try:
        parsed = phonenumbers.parse(number, None)
    except phonenumbers.NumberParseException as error:
        raise DocumentInvalid([SchemaError(path, f"{number!r} is not an E.164 number: {error}")]) from None
    if not phonenumbers.is_valid_number(parsed):
        raise DocumentInvalid([SchemaError(path, f"{number!r} is not a valid phone number")])
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def _jcard(names: dict[str, str], extra: list[list[object]] | None = None) -> str:
    """An RFC 7095 jCard as a string (EIDO carries agencyJcard / agentJcard as text)."""
    properties: list[list[object]] = [["version", {}, "text", "4.0"]]
    properties += [["fn", {"language": lang}, "text", text] for lang, text in names.items() if text]
    return json.dumps(["vcard", properties + (extra or [])], ensure_ascii=False)


def pidf_lo(location: LocationInput, *, entity: str, device_id: str, at: str, akimat_name: str) -> str:
    """PIDF-LO: the civic address (with xml:lang) and, when known, a circle of radius = accuracy."""
    presence = ET.Element(f"{{{NS['pidf']}}}presence", {"entity": entity})
    device = ET.SubElement(presence, f"{{{NS['dm']}}}device", {"id": device_id})
    geopriv = ET.SubElement(device, f"{{{NS['gp']}}}geopriv")
    info = ET.SubElement(geopriv, f"{{{NS['gp']}}}location-info")
    if location.latitude is not None and location.longitude is not None:
        circle = ET.SubElement(
            info, f"{{{NS['gs']}}}Circle", {"srsName": "urn:ogc:def:crs:EPSG::4326", "id": f"{device_id}-pos"}
        )
        ET.SubElement(
            circle, f"{{{NS['gml']}}}pos"
        ).text = f"{location.latitude:.6f} {location.longitude:.6f}"
        radius = ET.SubElement(circle, f"{{{NS['gs']}}}radius", {"uom": "urn:ogc:def:uom:EPSG::9001"})
        radius.text = f"{Decimal(str(location.accuracy_m)).normalize():f}"
    civic = ET.SubElement(info, f"{{{NS['ca']}}}civicAddress", {XML_LANG: location.language})
    ET.SubElement(civic, f"{{{NS['ca']}}}country").text = "KZ"
    ET.SubElement(civic, f"{{{NS['ca']}}}A3").text = akimat_name
    ET.SubElement(civic, f"{{{NS['ca']}}}LOC").text = location.address_text
    if location.map_object_name:
        ET.SubElement(civic, f"{{{NS['ca']}}}NAM").text = location.map_object_name
    if location.map_object_id:
        # RFC 5139's additional code: the map object's id (EIDO's location has no member for it).
        ET.SubElement(civic, f"{{{NS['ca']}}}ADDCODE").text = location.map_object_id
    ET.SubElement(geopriv, f"{{{NS['gp']}}}usage-rules")
    ET.SubElement(geopriv, f"{{{NS['gp']}}}method").text = "Manual"
    ET.SubElement(device, f"{{{NS['dm']}}}timestamp").text = at
    return ET.tostring(presence, encoding="unicode", xml_declaration=True)


def _check_input(data: IncidentInput) -> list[Service]:
    errors: list[SchemaError] = []
    if not _APPEAL_NUMBER.match(data.appeal_number):
        errors.append(SchemaError("/appeal_number", "1-40 letters, digits or hyphens"))
    if not _AGENCY_ID.match(data.agency_id):
        errors.append(
            SchemaError("/agency_id", "a lower-case domain-like agency id, e.g. petropavlovsk.ikomek.kz")
        )
    try:
        services = parse_services(list(data.services))
    except ValueError as error:
        errors.append(SchemaError("/services", str(error)))
        services = []
    loc = data.location
    has_lat, has_lon = loc.latitude is not None, loc.longitude is not None
    if has_lat != has_lon:
        errors.append(SchemaError("/location", "give both latitude and longitude, or neither"))
    if has_lat and has_lon:
        if not (-90 <= loc.latitude <= 90 and -180 <= loc.longitude <= 180):
            errors.append(SchemaError("/location", "latitude/longitude out of range"))
        if loc.accuracy_m is None or loc.accuracy_m <= 0:
            errors.append(SchemaError("/location/accuracy_m", "a positive accuracy in metres is required"))
    if not loc.address_text.strip():
        errors.append(SchemaError("/location/address_text", "the address text is required"))
    if not data.caller.name.strip():
        errors.append(SchemaError("/caller/name", "the caller's name is required"))
    if errors:
        raise DocumentInvalid(errors)
    return services


def build_request_for_service(data: IncidentInput) -> dict[str, object]:
    """The requestForService message for one incident; raises DocumentInvalid when it cannot be built."""
    services = _check_input(data)
    phone = _e164(data.caller.phone, "/caller/phone")
    callback = (
        _e164(data.caller.callback_number, "/caller/callback_number") if data.caller.callback_number else ""
    )
    at = _iso(data.created)
    # Milliseconds: the receiver orders updates of one incident by it.
    sent_at = _iso(data.sent_at or datetime.now(tz=ALMATY), "milliseconds")
    agency = data.agency_id
    eido_id = incident_id(data.appeal_number, agency)
    agent_id = f"operator-{data.source.operator_id}@{agency}"
    by_agency = {"$ref": agency}
    by_agent = {"$ref": agent_id}

    def prologue(component_id: str) -> dict[str, object]:
        return {
            "$id": component_id,
            "lastUpdateTimeStamp": at,
            "updatedByAgencyReference": by_agency,
            "updatedByAgentReference": by_agent,
        }

    location_id = component_id("location", data.appeal_number, agency)
    person_id = component_id("caller", data.appeal_number, agency)
    callback_id = component_id("callback", data.appeal_number, agency)
    notes_id = component_id("notes", data.appeal_number, agency)

    source_agency = {
        **prologue(agency),
        "agencyJcard": _jcard({"kk": data.source.name_kk, "ru": data.source.name_ru}),
        "agencyRoleDescriptionRegistryText": [registries.AGENCY_ROLE_CALL_RECEIVING],
        "agencyType": [registries.RESPONDER_PSAP],
        "incidentOwningAgencyIndicator": True,
    }
    service_agencies = [
        {
            **prologue(f"{AGENCY_TYPE[service]}.requested.{agency}"),
            "agencyRoleDescriptionRegistryText": [registries.AGENCY_ROLE_TRANSFERRED_TO],
            "agencyType": [AGENCY_TYPE[service]],
        }
        for service in services
    ]
    callback_component: dict[str, object] = {
        **prologue(callback_id),
        "callBackInformationUri": [f"tel:{phone}"],
    }
    if callback and callback != phone:
        callback_component["updatedCbn"] = {
            **prologue(component_id("updatedcbn", data.appeal_number, agency)),
            "updatedCbnIdentifierUri": f"tel:{callback}",
        }
    location: dict[str, object] = {
        **prologue(location_id),
        "locationTypeDescriptionRegistryText": registries.LOCATION_TYPE_CURRENT_INCIDENT,
        "locationByValue": pidf_lo(
            data.location,
            entity=f"pres:{data.appeal_number}@{agency}",
            device_id=f"appeal-{data.appeal_number}",
            at=at,
            akimat_name=data.source.name_kk if data.location.language == "kk" else data.source.name_ru,
        ),
    }
    if data.location.map_object_name:
        location["locationDescriptionText"] = data.location.map_object_name
    incident = {
        **prologue(component_id("incident", data.appeal_number, agency)),
        "incidentTypeCommonRegistryText": incident_type(data.category_code, services),
        "incidentTypeInternalText": data.category_ru if data.caller.language == "ru" else data.category_kk,
        "incidentStatusCommonRegistryText": [registries.INCIDENT_STATUS_ACTIVE],
        "incidentCommonPriorityNumber": data.priority.rank,
        "incidentPriorityInternalText": data.priority.value,
        "internalIncidentId": data.appeal_number,
        "locationReference": [{"$ref": location_id}],
        "personReference": [{"$ref": person_id}],
        "agentReference": [by_agent],
    }
    if data.category_code:
        incident["incidentTypeInternalCode"] = data.category_code
    eido: dict[str, object] = {
        "$id": eido_id,
        # This version of the document; each component keeps the appeal's creation time.
        "lastUpdateTimeStamp": sent_at,
        "updatedByAgencyReference": by_agency,
        "updatedByAgentReference": by_agent,
        "eidoVersion": EIDO_VERSION,
        "issuingElementIdentification": f"{ISSUING_ELEMENT}.{agency}",
        "incidentComponent": incident,
        "agencyComponent": [source_agency, *service_agencies],
        "agentComponent": [
            {
                **prologue(agent_id),
                "agentJcard": _jcard({data.caller.language: data.source.operator_name}),
                "agentRoleRegistryText": [registries.AGENT_ROLE_CALL_TAKING],
                "agencyReference": by_agency,
            }
        ],
        "locationComponent": [location],
        "personComponent": [
            {
                **prologue(person_id),
                "personIncidentRoleRegistryText": [registries.PERSON_ROLE_CALLER],
                # NIEM nc:PersonType: nc:PersonFullName text and nc:LanguageCode (ISO 639-3), both lists.
                "ncPersonComponent": {
                    "name": [{"personFullName": [{"value": data.caller.name.strip()}]}],
                    "primaryLanguage": [
                        {"languageCode": [{"simpleType": registries.ISO_639_3[data.caller.language]}]}
                    ],
                },
                "callBackReference": {"$ref": callback_id},
            }
        ],
        "callbackComponent": [callback_component],
    }
    if data.notes.strip():
        # EIDO notes are HTML5: the operator's plain text is escaped, line breaks kept.
        text = html.escape(data.notes.strip()).replace("\n", "<br>")
        eido["notesComponent"] = [
            {**prologue(notes_id), "notesActionComments": text, "agentReference": by_agent}
        ]
        incident["notesReference"] = [{"$ref": notes_id}]
    document = {
        "requestForService": {
            "messageId": data.message_id,
            "schemaVersion": ENVELOPE_VERSION,
            "sentAt": sent_at,
            "requestType": "EIDO",
            "incidentId": eido_id,
            "origin": {
                "tenantSchema": data.tenant_schema,
                "akimatKato": data.akimat_kato,
                "appealNumber": data.appeal_number,
                "servicesRequested": [service.value for service in services],
                "category": {"kk": data.category_kk, "ru": data.category_ru}
                | ({"code": data.category_code} if data.category_code else {}),
            },
            "eido": eido,
        }
    }
    validate_request_for_service(document)
    return document


def with_new_message_id(document: dict[str, object]) -> dict[str, object]:
    """The same incident document as a new message (an update is a new message, same $id)."""
    envelope = dict(document["requestForService"])
    envelope["messageId"] = str(uuid.uuid4())
    return {"requestForService": envelope}


# ------------------------------------------------------------------ reading a received document
@dataclass(frozen=True)
class IncidentSummary:
    eido_id: str
    message_id: str
    tenant_schema: str
    akimat_kato: str
    appeal_number: str
    agency_id: str
    services: list[Service]
    priority: int
    category_kk: str
    category_ru: str
    caller_name: str
    caller_phone: str
    callback_number: str
    caller_language: str
    address_text: str
    address_language: str
    latitude: float | None
    longitude: float | None
    accuracy_m: float | None
    map_object_id: str
    map_object_name: str
    notes: str
    created: datetime
    sent_at: datetime


def _by_id(components: list[dict], ref: str, path: str) -> tuple[int, dict]:
    for index, component in enumerate(components):
        if component.get("$id") == ref:
            return index, component
    raise DocumentInvalid([SchemaError(path, f"references {ref!r}, which is not in the document")])


def parse_pidf_lo(xml_text: str, path: str) -> dict[str, object]:
    try:
        root = ET.fromstring(xml_text)  # noqa: S314 - validated XML from a tenant, no DTDs or entities used
    except ET.ParseError as error:
        raise DocumentInvalid([SchemaError(path, f"PIDF-LO is not well-formed XML: {error}")]) from None
    civic = root.find(".//ca:civicAddress", NS)
    if civic is None or not civic.get(XML_LANG):
        raise DocumentInvalid([SchemaError(path, "PIDF-LO needs a civicAddress with xml:lang")])
    result: dict[str, object] = {
        "address_text": (civic.findtext("ca:LOC", "", NS) or "").strip(),
        "address_language": civic.get(XML_LANG),
        "map_object_id": (civic.findtext("ca:ADDCODE", "", NS) or "").strip(),
        "latitude": None,
        "longitude": None,
        "accuracy_m": None,
    }
    circle = root.find(".//gs:Circle", NS)
    if circle is not None:
        try:
            lat, lon = (float(part) for part in (circle.findtext("gml:pos", "", NS) or "").split())
            radius = float(circle.findtext("gs:radius", "", NS) or "")
        except ValueError:
            raise DocumentInvalid(
                [SchemaError(path, "PIDF-LO circle needs gml:pos 'lat lon' and gs:radius")]
            ) from None
        if not (-90 <= lat <= 90 and -180 <= lon <= 180) or radius <= 0:
            raise DocumentInvalid([SchemaError(path, "PIDF-LO circle out of range")])
        result.update(latitude=lat, longitude=lon, accuracy_m=radius)
    return result


def read_request_for_service(document: object, *, schema_checked: bool = False) -> IncidentSummary:
    """Validate a received message and read what the 112 register keeps; DocumentInvalid otherwise.
    `schema_checked`: the caller has validated it against the schema already (the relay has)."""
    if not schema_checked:
        validate_request_for_service(document)
    envelope = document["requestForService"]
    eido = envelope["eido"]
    origin = envelope["origin"]
    base = "/requestForService/eido"
    if envelope["incidentId"] != eido["$id"]:
        raise DocumentInvalid([SchemaError("/requestForService/incidentId", "differs from eido.$id")])
    _prefix, appeal_number, agency_id = eido["$id"].rsplit(":", 2)
    if appeal_number != origin["appealNumber"]:
        raise DocumentInvalid(
            [
                SchemaError(
                    "/requestForService/origin/appealNumber", "differs from the appeal number in eido.$id"
                )
            ]
        )
    owner = eido["agencyComponent"][0]
    if owner["$id"] != agency_id or "psap" not in owner["agencyType"]:
        raise DocumentInvalid(
            [
                SchemaError(
                    f"{base}/agencyComponent/0", "the first agency must be the sending 109 line of eido.$id"
                )
            ]
        )
    requested: list[Service] = []
    for index, agency in enumerate(eido["agencyComponent"][1:], start=1):
        for label in agency["agencyType"]:
            service = SERVICE_BY_AGENCY_TYPE.get(label) or SERVICE_BY_AGENCY_TYPE.get(label.split(".")[0])
            if service is None:
                raise DocumentInvalid(
                    [
                        SchemaError(
                            f"{base}/agencyComponent/{index}/agencyType", f"{label!r} is not a 112 service"
                        )
                    ]
                )
            requested.append(service)
    if sorted(set(requested)) != sorted(Service(code) for code in origin["servicesRequested"]):
        raise DocumentInvalid(
            [SchemaError(f"{base}/agencyComponent", "agencies do not match origin.servicesRequested")]
        )
    incident = eido["incidentComponent"]
    location_index, location = _by_id(
        eido["locationComponent"],
        incident["locationReference"][0]["$ref"],
        f"{base}/incidentComponent/locationReference/0",
    )
    place = parse_pidf_lo(
        location["locationByValue"], f"{base}/locationComponent/{location_index}/locationByValue"
    )
    _person_index, person = _by_id(
        eido["personComponent"],
        incident["personReference"][0]["$ref"],
        f"{base}/incidentComponent/personReference/0",
    )
    _callback_index, callback = _by_id(
        eido["callbackComponent"],
        person["callBackReference"]["$ref"],
        f"{base}/personComponent/callBackReference",
    )
    nc_person = person.get("ncPersonComponent", {})
    names = [text["value"] for name in nc_person.get("name", []) for text in name.get("personFullName", [])]
    languages = [
        registries.LANGUAGE_BY_ISO_639_3[code["simpleType"]]
        for language in nc_person.get("primaryLanguage", [])
        for code in language.get("languageCode", [])
    ]
    phone = callback["callBackInformationUri"][0].removeprefix("tel:")
    updated = callback.get("updatedCbn", {}).get("updatedCbnIdentifierUri", "").removeprefix("tel:")
    notes = "\n".join(
        html.unescape(note["notesActionComments"].replace("<br>", "\n"))
        for note in eido.get("notesComponent", [])
    )
    return IncidentSummary(
        eido_id=eido["$id"],
        message_id=envelope["messageId"],
        tenant_schema=origin["tenantSchema"],
        akimat_kato=origin["akimatKato"],
        appeal_number=appeal_number,
        agency_id=agency_id,
        services=sorted(set(requested)),
        priority=incident["incidentCommonPriorityNumber"],
        category_kk=origin["category"]["kk"],
        category_ru=origin["category"]["ru"],
        caller_name=names[0] if names else "",
        caller_phone=phone,
        callback_number=updated or phone,
        caller_language=languages[0] if languages else "ru",
        address_text=str(place["address_text"]),
        address_language=str(place["address_language"]),
        latitude=place["latitude"],
        longitude=place["longitude"],
        accuracy_m=place["accuracy_m"],
        map_object_id=str(place["map_object_id"]),
        map_object_name=location.get("locationDescriptionText", ""),
        notes=notes,
        created=datetime.fromisoformat(incident["lastUpdateTimeStamp"]),
        sent_at=datetime.fromisoformat(envelope["sentAt"]),
    )
