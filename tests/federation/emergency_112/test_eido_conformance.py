"""Every requestForService iKOMEK sends keeps to the EIDO model and the NENA registries.

What the official schema check found wrong in the demo documents (issue 15) is refused here by our
own schema, by name: `languageCode` as a string, NIEM members EIDO does not define (`fullName`),
values outside the registries. The official check itself runs outside the repository
(federation/emergency_112/README.md, "Conformance").
"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection

from appeals.catalogue.fixtures import read_categories
from demo.emergencies import SCENES, seed_akimat
from federation.emergency_112 import incident_types
from federation.emergency_112.documents import CallerInput, LocationInput, read_request_for_service
from federation.emergency_112.models import Incident
from federation.emergency_112.services import AGENCY_TYPE, Service
from federation.emergency_112.validation import (
    REQUEST_FOR_SERVICE_SCHEMA,
    DocumentInvalid,
    schema_document,
    validate_request_for_service,
)
from tests.regional.helpers import forget_committed_appeals

EMERGENCY_CATEGORIES = [row for row in read_categories() if row.emergency]
PERSON = "/requestForService/eido/personComponent/0"


def eido(document: dict) -> dict:
    return document["requestForService"]["eido"]


def refused(document: dict, mutate: object) -> DocumentInvalid:
    broken = copy.deepcopy(document)
    mutate(eido(broken))
    with pytest.raises(DocumentInvalid) as caught:
        validate_request_for_service(broken)
    return caught.value


def messages_at(error: DocumentInvalid, path: str) -> list[str]:
    return [e.message for e in error.errors if e.path == path]


# ------------------------------------------------------------------ every kind we send is valid
@pytest.mark.parametrize("category", EMERGENCY_CATEGORIES, ids=lambda row: row.code)
def test_each_emergency_category_sends_a_valid_document_with_its_apco_type(document_for, category):
    document = document_for(category_code=category.code, services=tuple(category.services_112))
    validate_request_for_service(document)
    incident = eido(document)["incidentComponent"]
    assert incident["incidentTypeCommonRegistryText"] == incident_types.BY_CATEGORY[category.code]
    assert incident["incidentTypeInternalCode"] == category.code
    agencies = eido(document)["agencyComponent"][1:]
    assert [a["agencyType"] for a in agencies] == [[AGENCY_TYPE[Service(s)]] for s in category.services_112]


@pytest.mark.parametrize("service", list(Service))
def test_an_operators_forward_from_another_category_is_typed_by_its_service(document_for, service):
    document = document_for(category_code="heating", services=(service.value,))
    validate_request_for_service(document)
    assert (
        eido(document)["incidentComponent"]["incidentTypeCommonRegistryText"]
        == incident_types.BY_SERVICE[service]
    )


@pytest.mark.parametrize("language", ["kk", "ru"])
def test_every_optional_part_present_or_absent_stays_valid(document_for, language):
    full = document_for(
        services=("101", "102", "103", "104"),
        caller=CallerInput("Ерлан", "+77015556677", callback_number="+77152461234", language=language),
        notes="Түтін <b>шығып</b> жатыр\nекінші жол",
    )
    bare = document_for(
        location=LocationInput("с. Бишкуль, ул. Мира, 5", language),
        caller=CallerInput("Сауле", "+77015556677", language=language),
        notes="",
    )
    for document in (full, bare):
        validate_request_for_service(document)
        assert read_request_for_service(document).caller_language == language
    assert "notesComponent" not in eido(bare) and "updatedCbn" in eido(full)["callbackComponent"][0]


def test_every_emergency_category_of_the_catalogue_has_an_apco_type():
    # A new emergency category would otherwise be announced by its first service only.
    assert {row.code for row in EMERGENCY_CATEGORIES} <= set(incident_types.BY_CATEGORY)
    assert set(incident_types.BY_SERVICE) == set(Service)


def test_the_schema_allows_exactly_the_mapped_registry_values():
    defs = schema_document(REQUEST_FOR_SERVICE_SCHEMA)["$defs"]
    incident_enum = defs["incidentComponent"]["properties"]["incidentTypeCommonRegistryText"]["enum"]
    assert set(incident_enum) == incident_types.ALL_CODES
    agency_enum = defs["agencyComponent"]["properties"]["agencyType"]["items"]["enum"]
    assert set(agency_enum) == {"psap", *AGENCY_TYPE.values()}


# ------------------------------------------------------------------ NIEM person members
def test_language_code_is_a_list_of_iso_639_3_codes(document_for):
    document = document_for(caller=CallerInput("Сауле", "+77015556677", language="kk"))
    language = eido(document)["personComponent"][0]["ncPersonComponent"]["primaryLanguage"][0]
    assert language == {"languageCode": [{"simpleType": "kaz"}]}
    path = f"{PERSON}/ncPersonComponent/primaryLanguage/0/languageCode"
    for wrong in ("kk", "kaz", ["kk"], [{"simpleType": "kk"}]):
        error = refused(
            document,
            lambda d, wrong=wrong: d["personComponent"][0]["ncPersonComponent"]["primaryLanguage"][0].update(
                languageCode=wrong
            ),
        )
        assert [e.path for e in error.errors if e.path.startswith(path)], (wrong, error.errors)


def test_the_name_is_nc_person_full_name_and_full_name_is_refused(document_for):
    document = document_for()
    name = eido(document)["personComponent"][0]["ncPersonComponent"]["name"][0]
    assert "fullName" not in name and name["personFullName"][0]["value"] == "Сауле Ахметова"
    error = refused(
        document, lambda d: d["personComponent"][0]["ncPersonComponent"]["name"][0].update(fullName="Сауле")
    )
    assert any("'fullName'" in m for m in messages_at(error, f"{PERSON}/ncPersonComponent/name/0"))
    # The old shape alone (fullName instead of personFullName) is refused too.
    error = refused(
        document, lambda d: d["personComponent"][0]["ncPersonComponent"].update(name=[{"fullName": "Сауле"}])
    )
    assert messages_at(error, f"{PERSON}/ncPersonComponent/name/0")


def test_members_eido_does_not_define_are_refused_in_every_component(document_for):
    document = document_for()
    for component in ("incidentComponent", "locationComponent", "personComponent", "agencyComponent"):
        error = refused(
            document,
            lambda d, component=component: (
                d[component] if isinstance(d[component], dict) else d[component][0]
            ).update(localIdentifier=["obj-1"]),
        )
        assert any("'localIdentifier'" in e.message for e in error.errors), component


# ------------------------------------------------------------------ registry values only
@pytest.mark.parametrize(
    ("member", "value", "set_value"),
    [
        (
            "incidentTypeCommonRegistryText",
            "Fire",
            lambda d, v: d["incidentComponent"].update(incidentTypeCommonRegistryText=v),
        ),
        (
            "incidentTypeCommonRegistryText",
            "Medical",
            lambda d, v: d["incidentComponent"].update(incidentTypeCommonRegistryText=v),
        ),
        (
            "incidentTypeCommonRegistryText",
            "LawEnforcement",
            lambda d, v: d["incidentComponent"].update(incidentTypeCommonRegistryText=v),
        ),
        (
            "incidentTypeCommonRegistryText",
            "HazardousMaterials",
            lambda d, v: d["incidentComponent"].update(incidentTypeCommonRegistryText=v),
        ),
        (
            "agencyRoleDescriptionRegistryText",
            "Responding",
            lambda d, v: d["agencyComponent"][1].update(agencyRoleDescriptionRegistryText=[v]),
        ),
        (
            "locationTypeDescriptionRegistryText",
            "Incident",
            lambda d, v: d["locationComponent"][0].update(locationTypeDescriptionRegistryText=v),
        ),
        ("agencyType", "x-kz.gas", lambda d, v: d["agencyComponent"][1].update(agencyType=[v])),
        (
            "incidentStatusCommonRegistryText",
            "PreAlert",
            lambda d, v: d["incidentComponent"].update(incidentStatusCommonRegistryText=[v]),
        ),
        (
            "personIncidentRoleRegistryText",
            "Reporter",
            lambda d, v: d["personComponent"][0].update(personIncidentRoleRegistryText=[v]),
        ),
    ],
)
def test_values_outside_the_registries_are_refused(document_for, member, value, set_value):
    document = document_for()
    error = refused(document, lambda d: set_value(d, value))
    assert any(f"{value!r} is not one of" in e.message for e in error.errors), error.errors
    assert all(member in e.path for e in error.errors if value in e.message)


def test_what_the_builder_sends_is_what_the_registries_hold(document_for):
    document = document_for(category_code="gas-leak", services=("104", "103"))
    data = eido(document)
    assert data["incidentComponent"]["incidentTypeCommonRegistryText"] == "GASLEAK"
    assert data["incidentComponent"]["incidentStatusCommonRegistryText"] == ["Active"]
    assert [a["agencyRoleDescriptionRegistryText"] for a in data["agencyComponent"]] == [
        ["CallReceiving"],
        ["TransferredTo"],
        ["TransferredTo"],
    ]
    assert [a["agencyType"] for a in data["agencyComponent"]] == [["psap"], ["ems"], ["fire.x-kz-gas"]]
    assert data["locationComponent"][0]["locationTypeDescriptionRegistryText"] == "CurrentIncident"
    assert data["personComponent"][0]["personIncidentRoleRegistryText"] == ["Caller"]
    assert data["agentComponent"][0]["agentRoleRegistryText"] == ["Call Taking"]
    assert [s.value for s in read_request_for_service(document).services] == ["103", "104"]


# ------------------------------------------------------------------ the demo's seven incidents
@pytest.fixture
def demo_akimats(committed_112, onboarded) -> Iterator[list]:
    yield [onboarded[slug] for slug in SCENES]
    forget_committed_appeals(*SCENES)
    connection.set_schema_to_public()


def test_the_demo_incidents_documents_keep_to_the_schema(demo_akimats, tmp_path: Path):
    """The seven demo emergencies through the real intake and register, exported as 112 holds them.

    The exported files are what the official check reads (`--basetemp` keeps them; README)."""
    for akimat in demo_akimats:
        seed_akimat(akimat)
    call_command("export_112_documents", tmp_path)
    files = sorted(tmp_path.glob("*.json"))
    assert len(files) == sum(len(scenes) for scenes in SCENES.values()) == Incident.objects.count() == 7
    types = set()
    for path in files:
        document = json.loads(path.read_text(encoding="utf-8"))
        validate_request_for_service(document)
        incident = eido(document)["incidentComponent"]
        types.add(incident["incidentTypeCommonRegistryText"])
        assert incident["incidentTypeCommonRegistryText"] in incident_types.ALL_CODES
    # gas leaks, fires, a medical call, public order and the operator's fire+ambulance forward.
    assert types == {"GASLEAK", "FUNK", "SICK", "DISORD"}
