"""The map object's card in one GraphQL query: who answers, what serves it, its open, overdue and
repeated appeals, its outages and accidents, its works. Its SQL queries stay the same however many
appeals, outages and works the object has."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from appeals import actions
from appeals.events import SYSTEM
from citymap.cards.service import object_card
from citymap.errors import CityMapError
from citymap.imports.service import import_city_objects
from citymap.links.actions import link_appeal_to_object, link_appeals_by_object_key
from citymap.models import AppealObject, MapObject, ObjectWork
from citymap.outages.actions import OutageInput, declare_outage, end_outage
from testkit.graphql import data_of, gql, refusal
from testkit.identities import logged_in, user_with_roles
from testkit.queries import exact_queries
from tests.appeals.conftest import intake
from tests.citymap.city import city_features, geojson
from tests.citymap.conftest import EXECUTOR, OPERATOR


def appeal_at(city, key, **kwargs):
    appeal = intake(**kwargs)
    link_appeal_to_object(OPERATOR, appeal.number, city[key].pk)
    return appeal


def outage(city, nature="emergency", end=False):
    now = timezone.now()
    made = declare_outage(
        OPERATOR,
        OutageInput(
            kind="heating",
            nature=nature,
            cause="Порыв",
            starts_at=now - datetime.timedelta(hours=2),
            expected_end_at=now + datetime.timedelta(hours=5),
            source_object_id=city["boiler_house:K-2"].pk,
        ),
    )
    if end:
        end_outage(OPERATOR, made.pk)
    return made


def work(city, key, status="planned", **extra):
    today = timezone.localdate()
    return ObjectWork.objects.create(
        map_object=city[key],
        title_kk="Жылу жүйесін жөндеу",
        title_ru="Ремонт системы отопления",
        status=status,
        planned_start=today,
        planned_end=today + datetime.timedelta(days=10),
        done_on=today if status == "done" else None,
        **extra,
    )


def test_the_card_holds_everything_about_the_object(city):
    key = "building:abaya-2"
    opened = appeal_at(city, key, phone="+77051112001")
    overdue = appeal_at(city, key, phone="+77051112002", register=True)
    overdue.deadline = overdue.overdue_at = timezone.now() - datetime.timedelta(hours=1)
    overdue.save(update_fields=["deadline", "overdue_at"])
    repeat = intake(phone="+77051112003")
    actions.link_as_repeat(OPERATOR, repeat.number, original_number=opened.number)
    elsewhere = appeal_at(city, "building:abaya-5", phone="+77051112004")
    outage(city, end=True)  # an accident, over
    current = outage(city, nature="planned")
    work(city, key)
    work(city, key, status="done")
    card = object_card(OPERATOR, city[key].pk)
    assert card.map_object.organisation.code == "osi-test"
    assert (card.figures.total, card.figures.open, card.figures.overdue, card.figures.repeated) == (
        2,
        2,
        1,
        1,
    )
    assert {a.number for a in card.open_appeals} == {opened.number, overdue.number}
    assert [a.number for a in card.repeated_appeals] == [opened.number]
    assert elsewhere.number not in {a.number for a in card.open_appeals}
    assert [o.pk for o in card.outages_now] == [current.pk]
    assert len(card.accidents) == 1 and card.accidents[0].nature == "emergency"
    assert len(card.planned_works) == 1 and len(card.done_works) == 1
    assert [s.key for s in card.suppliers] == ["pipe:T-2-1"]
    boiler = object_card(OPERATOR, city["boiler_house:K-2"].pk)
    assert boiler.consumers == 1 and boiler.map_object.person.full_name == "Серик Жакупов"
    assert len(boiler.accidents) == 1  # the outages it carried


def test_an_executor_sees_their_own_organisations_appeals_on_the_card(city):
    mine = appeal_at(city, "building:abaya-2", phone="+77051112011", register=True)
    actions.assign_appeal(OPERATOR, mine.number, organisation_code="heat-network")
    appeal_at(city, "building:abaya-2", phone="+77051112012")
    card = object_card(EXECUTOR, city["building:abaya-2"].pk)
    assert [a.number for a in card.open_appeals] == [mine.number] and card.figures.total == 1


def test_who_may_read_a_card(city):
    from testkit.identities import principal

    with pytest.raises(CityMapError) as refused:
        object_card(principal(name="nobody"), city["building:abaya-2"].pk)
    assert refused.value.problems[0].code == "forbidden"
    with pytest.raises(CityMapError) as refused:
        object_card(OPERATOR, 10**9)
    assert refused.value.problems[0].code == "not_found"


CARD = """
query($id: ID!) { mapObject(id: $id) {
  mapObject { id key kind addressKk addressRu apartments floors yearBuilt point { longitude latitude }
              organisation { code nameRu } managementCompany { code } person { fullName } }
  suppliers { key kind organisation { code } }
  consumers
  figures { total open overdue repeated }
  openAppeals { number status isOverdue category { code } organisation { code } assignee { fullName } }
  repeatedAppeals { number repeatCount }
  outagesNow { id kind nature cause organisation { code } buildingCount callCount leadAppealNumber }
  accidents { id startsAt endedAt }
  plannedWorks { titleRu status plannedStart organisation { code } }
  doneWorks { titleKk doneOn }
} }"""


def fill(city, key, n, phone_base):
    for index in range(n):
        appeal = appeal_at(city, key, phone=f"+7705{phone_base + index:07d}")
        if index % 2:
            actions.assign_appeal(OPERATOR, actions.register_appeal(OPERATOR, appeal.number).number)
    for index in range(n):
        outage(city, end=index % 2 == 0)
        work(city, key, status="done" if index % 2 else "planned", organisation=city[key].organisation)


def test_the_card_is_one_graphql_query_of_constant_cost(city, operator_client):
    """The same SQL however much the object has: 3 queries every signed-in request pays (session,
    user, groups) and the card's 6."""
    few, many = city["building:abaya-1"], city["building:abaya-2"]
    fill(city, "building:abaya-1", 1, 3_000_000)
    fill(city, "building:abaya-2", 6, 3_100_000)
    answers = []
    for obj in (few, many):
        gql(operator_client, CARD, {"id": str(obj.pk)})  # the session's first request warms the caches
        with exact_queries(9):
            answers.append(data_of(gql(operator_client, CARD, {"id": str(obj.pk)}))["mapObject"])
    small, big = answers
    assert small["figures"]["total"] == 1 and big["figures"]["total"] == 6
    # K-2 serves both houses: the 7 outages of both fills reach each, 3 of them still on.
    assert len(big["openAppeals"]) == 6 and len(big["outagesNow"]) == 3 and len(big["accidents"]) == 7
    assert len(small["outagesNow"]) == 3 and len(small["openAppeals"]) == 1
    assert len(big["plannedWorks"]) == 3 and len(big["doneWorks"]) == 3
    assert big["mapObject"]["addressKk"] == "Абай көшесі, 2" and big["mapObject"]["person"] is None
    assert big["suppliers"] == [
        {"key": "pipe:T-2-1", "kind": "PIPE", "organisation": {"code": "heat-network"}}
    ]


def test_the_card_over_graphql_refuses_strangers_and_bad_ids(city, anonymous_client, operator_client):
    refusal(gql(anonymous_client, CARD, {"id": str(city["building:abaya-1"].pk)}), "forbidden")
    refusal(gql(operator_client, CARD, {"id": "²"}), "invalid_id", "id")
    refusal(gql(operator_client, CARD, {"id": "123456789"}), "not_found", "id")


def test_appeals_taken_before_the_map_are_linked_by_their_key(organisations, petropavlovsk):
    # No map yet: keys are free text (intake links them itself once the map is loaded).
    appeal = intake(phone="+77051112021", object_key="building:abaya-12а")
    stranger = intake(phone="+77051112022", object_key="building:nowhere")
    assert not AppealObject.objects.exists()
    assert import_city_objects(SYSTEM, geojson(city_features()), filename="city.geojson").imported
    assert link_appeals_by_object_key() == 1
    house = MapObject.objects.get(kind="building", external_id="abaya-12а")
    assert AppealObject.objects.get(appeal=appeal).map_object == house
    assert not AppealObject.objects.filter(appeal=stranger).exists()
    assert link_appeals_by_object_key() == 0


LINK = """mutation($input: LinkAppealToObjectInput!) { linkAppealToObject(input: $input) { mapObject { key } errors { field code } } }"""


def test_an_operator_links_an_appeal_to_an_object(city, operator_client, petropavlovsk):
    appeal = intake(phone="+77051112031")
    done = data_of(
        gql(
            operator_client,
            LINK,
            {"input": {"number": appeal.number, "objectId": str(city["yard:yard-abaya-1"].pk)}},
        )
    )
    assert done["linkAppealToObject"]["mapObject"]["key"] == "yard:yard-abaya-1"
    refusal(gql(operator_client, LINK, {"input": {"number": 99999, "objectId": "1"}}), "not_found", "number")
    analyst = logged_in(user_with_roles("map-analyst", "analyst"))
    refusal(gql(analyst, LINK, {"input": {"number": appeal.number, "objectId": "1"}}), "forbidden", None)
