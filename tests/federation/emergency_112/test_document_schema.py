"""The requestForService document: what the builder produces, and what the schema refuses (with its path)."""

from __future__ import annotations

import copy
import json
import random
import xml.etree.ElementTree as ET

import pytest
from django.db import transaction
from jsonschema import Draft202012Validator

from federation.emergency_112.documents import (
    NS,
    XML_LANG,
    CallerInput,
    LocationInput,
    Priority,
    build_request_for_service,
    read_request_for_service,
    with_new_message_id,
)
from federation.emergency_112.forwarding import INCIDENT_KIND
from federation.emergency_112.services import LOCAL_GAS_LABEL
from federation.emergency_112.validation import (
    CAD_STATUS_SCHEMA,
    REQUEST_FOR_SERVICE_SCHEMA,
    SCHEMA_DIR,
    DocumentInvalid,
    accepts_for,
    schema_document,
    validate_cad_status,
    validate_request_for_service,
    validator_for,
)
from federation.messaging.errors import FederationError, InvalidPayload
from federation.messaging.handlers import register, registration_for
from federation.messaging.models import Message
from federation.messaging.outbox import region, send
from testkit.emergency_factories import make_input


def eido(document: dict) -> dict:
    return document["requestForService"]["eido"]


@pytest.mark.parametrize("name", [REQUEST_FOR_SERVICE_SCHEMA, CAD_STATUS_SCHEMA])
def test_shipped_schemas_are_valid_draft_2020_12(name):
    schema = json.loads((SCHEMA_DIR / name).read_text())
    Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"


def test_built_document_is_an_eido_request_for_service(onboarded, document_for):
    tenant = onboarded["petropavlovsk"]
    document = document_for(appeal_number="PTR-2026-000123", priority=Priority.HIGHEST)
    envelope = document["requestForService"]
    data = eido(document)
    assert envelope["requestType"] == "EIDO" and envelope["schemaVersion"] == "1"
    assert data["$id"] == "urn:emergency:uid:incidentid:PTR-2026-000123:petropavlovsk.ikomek.kz"
    assert envelope["incidentId"] == data["$id"]
    assert data["eidoVersion"] == "1.0"
    incident = data["incidentComponent"]
    assert incident["incidentStatusCommonRegistryText"] == ["Active"]
    assert (
        incident["incidentCommonPriorityNumber"] == 1
        and incident["incidentPriorityInternalText"] == "highest"
    )
    # No emergency category given: the first service names it, 101 -> APCO "Fire Unknown".
    assert incident["incidentTypeCommonRegistryText"] == "FUNK"
    # Source agency first (the 109 line), then one agency per requested service.
    owner, *services = data["agencyComponent"]
    assert owner["$id"] == "petropavlovsk.ikomek.kz" and owner["agencyType"] == ["psap"]
    assert owner["agencyRoleDescriptionRegistryText"] == ["CallReceiving"]
    assert [agency["agencyRoleDescriptionRegistryText"] for agency in services] == [["TransferredTo"]]
    assert tenant.name_kk in owner["agencyJcard"] and tenant.name_ru in owner["agencyJcard"]
    assert [agency["agencyType"] for agency in services] == [["fire"]]
    assert data["agentComponent"][0]["$id"] == "operator-42@petropavlovsk.ikomek.kz"
    assert "Айгерим Оператор" in data["agentComponent"][0]["agentJcard"]
    person = data["personComponent"][0]
    assert person["personIncidentRoleRegistryText"] == ["Caller"]
    assert person["ncPersonComponent"] == {
        "name": [{"personFullName": [{"value": "Сауле Ахметова"}]}],
        "primaryLanguage": [{"languageCode": [{"simpleType": "rus"}]}],
    }
    # Components without an identifier of their own: EIDO's eidodatacomponent URNs, stable per appeal.
    assert person["$id"] == "urn:emergency:uid:eidodatacomponent:callerPTR2026000123:petropavlovsk.ikomek.kz"
    assert person["callBackReference"]["$ref"] == data["callbackComponent"][0]["$id"]
    assert data["callbackComponent"][0]["callBackInformationUri"] == ["tel:+77015556677"]
    # Asia/Almaty offsets on every timestamp.
    assert incident["lastUpdateTimeStamp"] == "2026-11-26T18:30:00+05:00"
    assert envelope["sentAt"].endswith("+05:00")


def test_location_is_pidf_lo_with_language_and_accuracy_circle(document_for):
    document = document_for(
        location=LocationInput(
            address_text="Абай көшесі, 12 <кіреберіс 2>",
            language="kk",
            latitude=54.87,
            longitude=69.15,
            accuracy_m=35.5,
            map_object_id="obj-1",
            map_object_name="Мектеп № 3",
        )
    )
    location = eido(document)["locationComponent"][0]
    root = ET.fromstring(location["locationByValue"])  # noqa: S314 - our own test document
    civic = root.find(".//ca:civicAddress", NS)
    assert civic.get(XML_LANG) == "kk"
    assert (
        civic.findtext("ca:LOC", namespaces=NS) == "Абай көшесі, 12 <кіреберіс 2>"
    )  # escaped, then restored
    circle = root.find(".//gs:Circle", NS)
    assert circle.findtext("gml:pos", namespaces=NS) == "54.870000 69.150000"
    assert circle.findtext("gs:radius", namespaces=NS) == "35.5"
    # The map object's id as RFC 5139's additional code (EIDO's location has no member for it).
    assert civic.findtext("ca:ADDCODE", namespaces=NS) == "obj-1"
    assert location["locationDescriptionText"] == "Мектеп № 3"
    assert location["locationTypeDescriptionRegistryText"] == "CurrentIncident"
    assert read_request_for_service(document).map_object_id == "obj-1"


def test_round_trip_reads_back_what_was_built(document_for):
    document = document_for(
        appeal_number="KZ-77",
        services=("103", "101"),
        caller=CallerInput(
            name="Ерлан", phone="+7 701 555 66 77", callback_number="+77152461234", language="kk"
        ),
        notes="Адам есінен танды\n<b>не HTML</b> & т.б.",
    )
    summary = read_request_for_service(json.loads(json.dumps(document)))
    assert summary.appeal_number == "KZ-77"
    assert [s.value for s in summary.services] == ["101", "103"]
    assert summary.caller_phone == "+77015556677"  # normalised to E.164
    assert summary.callback_number == "+77152461234"
    assert summary.caller_language == "kk"
    assert (summary.latitude, summary.longitude, summary.accuracy_m) == (54.8753, 69.1629, 25.0)
    assert summary.notes == "Адам есінен танды\n<b>не HTML</b> & т.б."
    # The note travelled as HTML5 text: the operator's markup-like text is escaped.
    assert "&lt;b&gt;" in eido(document)["notesComponent"][0]["notesActionComments"]


def test_multi_service_incident_has_one_agency_per_service_and_local_gas_label(document_for):
    document = document_for(services=("104", "101", "103", "102"))
    types = [agency["agencyType"] for agency in eido(document)["agencyComponent"][1:]]
    assert types == [["fire"], ["police"], ["ems"], [LOCAL_GAS_LABEL]]
    assert document["requestForService"]["origin"]["servicesRequested"] == ["101", "102", "103", "104"]
    assert len({agency["$id"] for agency in eido(document)["agencyComponent"]}) == 5


def test_incident_id_is_the_same_on_every_update(document_for):
    first = document_for(appeal_number="SAME-1")
    second = document_for(appeal_number="SAME-1", services=("101", "103"), priority=Priority.NORMAL)
    assert eido(first)["$id"] == eido(second)["$id"]
    assert first["requestForService"]["messageId"] != second["requestForService"]["messageId"]
    again = with_new_message_id(first)
    assert again["requestForService"]["messageId"] != first["requestForService"]["messageId"]
    validate_request_for_service(again)


def _broken(document: dict, mutate: object) -> dict:
    copy_ = copy.deepcopy(document)
    mutate(copy_)
    return copy_


@pytest.mark.parametrize(
    ("mutate", "path", "fragment"),
    [
        (lambda d: d["requestForService"].pop("eido"), "/requestForService", "'eido' is a required property"),
        (
            lambda d: d["requestForService"].update(extra=1),
            "/requestForService",
            "Additional properties are not allowed",
        ),
        (
            lambda d: d["requestForService"]["eido"].update({"$id": "urn:emergency:uid:incidentid:x"}),
            "/requestForService/eido/$id",
            "does not match",
        ),
        (
            lambda d: d["requestForService"]["eido"]["incidentComponent"].update(
                incidentStatusCommonRegistryText=["OnFire"]
            ),
            "/requestForService/eido/incidentComponent/incidentStatusCommonRegistryText/0",
            "is not one of",
        ),
        (
            lambda d: d["requestForService"]["eido"]["callbackComponent"][0].update(
                callBackInformationUri=["8-701-555-66-77"]
            ),
            "/requestForService/eido/callbackComponent/0/callBackInformationUri/0",
            "does not match",
        ),
        (
            lambda d: d["requestForService"]["eido"]["incidentComponent"].update(
                incidentCommonPriorityNumber=9
            ),
            "/requestForService/eido/incidentComponent/incidentCommonPriorityNumber",
            "maximum",
        ),
        (
            lambda d: d["requestForService"].update(sentAt="26.11.2026 18:00"),
            "/requestForService/sentAt",
            "",
        ),
        (
            lambda d: d["requestForService"]["origin"].update(servicesRequested=["101", "112"]),
            "/requestForService/origin/servicesRequested/1",
            "is not one of",
        ),
        (
            lambda d: d["requestForService"]["eido"]["agencyComponent"][1].update(agencyType=["gas"]),
            "/requestForService/eido/agencyComponent/1/agencyType/0",
            "is not one of",
        ),
        (
            lambda d: d["requestForService"].update(messageId="not-a-uuid"),
            "/requestForService/messageId",
            "uuid",
        ),
    ],
)
def test_schema_refuses_bad_documents_with_the_error_path(document_for, mutate, path, fragment):
    document = _broken(document_for(), mutate)
    assert not accepts_for(REQUEST_FOR_SERVICE_SCHEMA)(document)  # the fast check refuses it too
    with pytest.raises(DocumentInvalid) as caught:
        validate_request_for_service(document)
    paths = [error.path for error in caught.value.errors]
    assert path in paths, paths
    message = next(error.message for error in caught.value.errors if error.path == path)
    assert fragment in message
    assert caught.value.as_dict()["code"] == "schema_invalid"


@pytest.mark.parametrize(
    ("mutate", "path"),
    [
        (
            lambda d: d["requestForService"].update(incidentId=d["requestForService"]["incidentId"] + "x"),
            "/requestForService/incidentId",
        ),
        (
            lambda d: d["requestForService"]["origin"].update(servicesRequested=["101", "103"]),
            "/requestForService/eido/agencyComponent",
        ),
        (
            lambda d: d["requestForService"]["eido"]["incidentComponent"].update(
                locationReference=[{"$ref": "urn:nowhere"}]
            ),
            "/requestForService/eido/incidentComponent/locationReference/0",
        ),
        (
            lambda d: d["requestForService"]["eido"]["locationComponent"][0].update(
                locationByValue="<?xml version='1.0'?><presence><broken></presence>"
            ),
            "/requestForService/eido/locationComponent/0/locationByValue",
        ),
    ],
)
def test_reading_refuses_documents_that_contradict_themselves(document_for, mutate, path):
    document = _broken(document_for(), mutate)
    with pytest.raises(DocumentInvalid) as caught:
        read_request_for_service(document)
    assert caught.value.first.path == path


@pytest.mark.parametrize(
    ("overrides", "path"),
    [
        ({"services": ("101", "105")}, "/services"),
        ({"services": ()}, "/services"),
        ({"services": ("101", "101")}, "/services"),
        ({"appeal_number": "A/1"}, "/appeal_number"),
        ({"agency_id": "Petropavlovsk Akimat"}, "/agency_id"),
        ({"caller": CallerInput(name="X", phone="12345")}, "/caller/phone"),
        ({"caller": CallerInput(name=" ", phone="+77015556677")}, "/caller/name"),
        ({"location": LocationInput("ул. 1", "ru", latitude=54.8)}, "/location"),
        ({"location": LocationInput("ул. 1", "ru", latitude=54.8, longitude=69.1)}, "/location/accuracy_m"),
        ({"location": LocationInput("", "ru")}, "/location/address_text"),
    ],
)
def test_builder_refuses_bad_input_with_the_field(onboarded, overrides, path):
    with pytest.raises(DocumentInvalid) as caught:
        build_request_for_service(make_input(onboarded["petropavlovsk"], **overrides))
    assert path in [error.path for error in caught.value.errors]


def test_address_without_coordinates_is_a_civic_only_location(document_for):
    document = document_for(location=LocationInput("с. Бишкуль, ул. Мира, 5", "ru"))
    summary = read_request_for_service(document)
    assert summary.latitude is None and summary.accuracy_m is None
    assert "Circle" not in eido(document)["locationComponent"][0]["locationByValue"]


def test_status_schema_requires_unit_for_dispatch_and_note_for_cancel():
    base = {
        "messageId": "0b7d7c83-6c1b-4bc4-a7a8-1a4c3f0e9a11",
        "schemaVersion": "1",
        "incidentId": "urn:emergency:uid:incidentid:A-1:petropavlovsk.ikomek.kz",
        "lastUpdateTimeStamp": "2026-11-26T18:31:00+05:00",
    }
    validate_cad_status({"statusUpdate": {**base, "incidentStatusCommonRegistryText": "ResourcesOnscene"}})
    with pytest.raises(DocumentInvalid) as caught:
        validate_cad_status(
            {"statusUpdate": {**base, "incidentStatusCommonRegistryText": "ResourcesAssigned"}}
        )
    assert "'emergencyResourceName' is a required property" in str(caught.value)
    with pytest.raises(DocumentInvalid) as caught:
        validate_cad_status(
            {
                "statusUpdate": {
                    **base,
                    "incidentStatusCommonRegistryText": "Cancelled",
                    "notesActionComments": "  ",
                }
            }
        )
    assert caught.value.first.path == "/statusUpdate/notesActionComments"


# The relay's check of an incident is the document's own validation (formats included), so the
# region reads a delivered document without validating it again (decision 90).
@pytest.mark.parametrize(
    "mutate",
    [
        lambda d: d["requestForService"].update(sentAt="26.11.2026 18:00"),
        lambda d: d["requestForService"].update(sentAt="2026-11-26T18:00:00"),  # no offset
        lambda d: d["requestForService"].update(messageId="not-a-uuid"),
    ],
)
def test_the_relay_refuses_an_incident_whose_formats_reading_would_refuse(document_for, mutate):
    document = _broken(document_for(), mutate)
    with pytest.raises(DocumentInvalid):
        validate_request_for_service(document)
    with pytest.raises(InvalidPayload, match="requestForService"):
        registration_for(INCIDENT_KIND).check_payload(document, 1)
    registration_for(INCIDENT_KIND).check_payload(document_for(), 1)  # a whole one passes


def test_send_skips_validation_only_for_the_kinds_own_schema(petropavlovsk, document_for):
    broken = _broken(document_for(), lambda d: d["requestForService"].pop("eido"))
    lookalike = copy.deepcopy(schema_document(REQUEST_FOR_SERVICE_SCHEMA))  # equal, not the same
    with transaction.atomic():
        for claimed in (None, lookalike):
            with pytest.raises(FederationError, match="eido"):
                send(INCIDENT_KIND, broken, target=region(), checked_against=claimed)
        sent = send(
            INCIDENT_KIND,
            document_for(),
            target=region(),
            checked_against=schema_document(REQUEST_FOR_SERVICE_SCHEMA),
        )
    assert Message.objects.filter(pk=sent, kind=INCIDENT_KIND).exists()


def test_a_kind_refuses_a_validator_of_another_schema():
    with pytest.raises(ValueError, match="payload validator"):
        register(
            "emergency_112.lookalike",
            lambda envelope: None,
            payload_schema=copy.deepcopy(schema_document(REQUEST_FOR_SERVICE_SCHEMA)),
            payload_validator=validator_for(REQUEST_FOR_SERVICE_SCHEMA),
        )


def _places(value: object, path: tuple = ()) -> list[tuple]:
    """Every member's path in a document (keys and indexes)."""
    found = [path] if path else []
    if isinstance(value, dict):
        for key, item in value.items():
            found += _places(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found += _places(item, (*path, index))
    return found


WRONG_VALUES = [
    None,
    "",
    "x",
    12345,
    -1,
    1.5,
    True,
    [],
    {},
    "2026-02-30T25:61:00Z",
    "2026-11-26T18:00:00",
    "not-a-uuid",
    "urn:x",
    "+7",
    "101",
    ["101"],
    {"$ref": "urn:nowhere"},
]


def test_the_fast_check_never_accepts_what_jsonschema_refuses(document_for):
    # The fast check only answers "valid" (decision 90): over a thousand damaged documents, whatever
    # it accepts the authority (jsonschema, formats included) accepts too.
    accepts, authority = accepts_for(REQUEST_FOR_SERVICE_SCHEMA), validator_for(REQUEST_FOR_SERVICE_SCHEMA)
    whole = document_for()
    places = _places(whole)
    chance = random.Random(109)
    refused = 0
    for _ in range(1000):
        document = copy.deepcopy(whole)
        *parent_path, last = chance.choice(places)
        parent = document
        for part in parent_path:
            parent = parent[part]
        if chance.random() < 0.2 and isinstance(parent, dict):
            del parent[last]
        elif chance.random() < 0.1 and isinstance(parent, dict):
            parent[f"extra{chance.randint(0, 9)}"] = chance.choice(WRONG_VALUES)
        else:
            parent[last] = copy.deepcopy(chance.choice(WRONG_VALUES))
        fast = accepts(document)
        errors = list(authority.iter_errors(document))
        assert not (fast and errors), (parent_path, last, errors[:1])
        refused += bool(errors)
    assert refused > 500  # the damage was mostly real


def test_a_kind_refuses_a_fast_check_without_its_validator():
    with pytest.raises(ValueError, match="fast check"):
        register(
            "emergency_112.lookalike",
            lambda envelope: None,
            payload_schema=schema_document(REQUEST_FOR_SERVICE_SCHEMA),
            payload_accepts=accepts_for(REQUEST_FOR_SERVICE_SCHEMA),
        )
