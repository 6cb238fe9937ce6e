"""An appeal about a map object goes to the object's organisation and person; its objectKey is a
reference to the map (a key naming nothing there is refused); the category × area rules stay the
fallback."""

from __future__ import annotations

import pytest
from django.contrib.gis.geos import Point

from apierrors.language import both_languages
from appeals import actions
from appeals.actions.intake import AppealInput
from appeals.errors import AppealError
from appeals.models import Appeal, Category, Organisation, ResponsiblePerson
from appeals.rules.routing import route
from citymap.links.actions import link_appeal_to_object
from citymap.models import AppealObject, LinkSource, MapObject
from testkit.graphql import gql
from testkit.queries import exact_queries
from tests.appeals.conftest import intake
from tests.citymap.conftest import OPERATOR

HOUSE = "building:abaya-12"


def rules_organisation(appeal: Appeal) -> Organisation | None:
    return route(Category.objects.get(code="heating"), appeal.location)


def test_an_appeal_about_an_object_goes_to_its_organisation_and_person(city):
    person = ResponsiblePerson.objects.get(full_name="Людмила Ким")
    MapObject.objects.filter(pk=city[HOUSE].pk).update(person=person)
    appeal = intake(object_key=HOUSE)
    link = AppealObject.objects.get(appeal_id=appeal.pk)
    assert (link.map_object_id, link.source) == (city[HOUSE].pk, LinkSource.OBJECT_KEY)
    actions.register_appeal(OPERATOR, appeal.number, assign=True)
    appeal.refresh_from_db()
    assert appeal.organisation.code == "osi-test" != rules_organisation(appeal).code
    assert appeal.assignee == person
    assigned = appeal.events.get(kind="transition", transition="assign")
    assert assigned.data["organisation"] == "osi-test" and assigned.data["assignee"] == person.pk


def test_without_an_object_the_rules_route(city):
    appeal = intake()
    actions.register_appeal(OPERATOR, appeal.number, assign=True)
    appeal.refresh_from_db()
    assert appeal.organisation == rules_organisation(appeal) and appeal.assignee is None


def test_an_object_whose_service_is_gone_falls_back_to_the_rules(city):
    MapObject.objects.filter(pk=city[HOUSE].pk).update(
        person=ResponsiblePerson.objects.get(full_name="Людмила Ким")
    )
    Organisation.objects.filter(code="osi-test").update(is_active=False)
    appeal = intake(object_key=HOUSE)
    actions.register_appeal(OPERATOR, appeal.number, assign=True)
    appeal.refresh_from_db()
    assert appeal.organisation == rules_organisation(appeal) and appeal.assignee is None


def test_a_person_who_left_leaves_the_organisation_answering(city):
    person = ResponsiblePerson.objects.get(full_name="Людмила Ким")
    MapObject.objects.filter(pk=city[HOUSE].pk).update(person=person)
    ResponsiblePerson.objects.filter(pk=person.pk).update(is_active=False)
    appeal = intake(object_key=HOUSE)
    actions.register_appeal(OPERATOR, appeal.number, assign=True)
    appeal.refresh_from_db()
    assert appeal.organisation.code == "osi-test" and appeal.assignee is None


def test_an_object_the_operator_linked_routes_too(city):
    well = next(obj for key, obj in city.items() if key.startswith("well:"))
    appeal = intake()
    link_appeal_to_object(OPERATOR, appeal.number, well.pk)
    actions.register_appeal(OPERATOR, appeal.number, assign=True)
    appeal.refresh_from_db()
    assert appeal.organisation_id == well.organisation_id


def test_a_named_organisation_wins_over_the_object(city, organisations):
    appeal = intake(object_key=HOUSE)
    actions.register_appeal(OPERATOR, appeal.number)
    actions.assign_appeal(OPERATOR, appeal.number, organisation_code="power-grid")
    appeal.refresh_from_db()
    assert appeal.organisation.code == "power-grid"


def test_a_key_naming_nothing_on_the_map_is_refused(city):
    with pytest.raises(AppealError) as refused:
        intake(object_key="building:abaya-999")
    [problem] = refused.value.problems
    assert (problem.field, problem.code) == ("objectKey", "unknown_object")
    message = both_languages(problem.message)
    assert "картада мұндай нысан жоқ" in message and "на карте нет такого объекта" in message
    assert not Appeal.objects.exists()


def test_the_api_says_which_field(city, operator_client):
    answer = gql(
        operator_client,
        """mutation($input: CreateAppealInput!) { createAppeal(input: $input) {
                 appeal { number } errors { field code message } } }""",
        {
            "input": {
                "channel": "LANDLINE",
                "description": "Течёт крыша",
                "applicantPhone": "+77051234567",
                "objectKey": "yard:nowhere",
            }
        },
    )
    created = answer["data"]["createAppeal"]
    assert created["appeal"] is None
    assert [(e["field"], e["code"]) for e in created["errors"]] == [("objectKey", "unknown_object")]


def test_before_the_map_is_loaded_a_key_is_free_text(petropavlovsk):
    appeal = intake(object_key="building:1042")
    assert appeal.object_key == "building:1042" and not AppealObject.objects.exists()


# the intake's own with no category (savepoint, the intake statement, the akimat, the outbox's
# message, release) and the key's two: the object with whether the map is loaded (one statement),
# the link
INTAKE_WITH_KEY_QUERIES = 5 + 2


def test_a_key_costs_two_queries(city):
    data = AppealInput(
        channel="landline",
        description="Нет отопления",
        applicant_phone="+77051234567",
        object_key=HOUSE,
        longitude=city[HOUSE].point.x,
        latitude=city[HOUSE].point.y,
    )
    with exact_queries(INTAKE_WITH_KEY_QUERIES):
        result = actions.create_appeal(OPERATOR, data)
    assert AppealObject.objects.get(appeal_id=result.appeal.pk).map_object_id == city[HOUSE].pk
    assert isinstance(result.appeal.location, Point)
