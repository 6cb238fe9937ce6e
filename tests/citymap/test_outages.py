"""Known outages: declared through a boiler house (the buildings it serves downstream), found the
moment a caller's address falls inside, calls linked with no new work order, every caller in the
call-back queue when it ends, the public list."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from appeals.models import Appeal, Notification
from appeals.reads.queues import callback_contacts, callback_queue
from citymap.errors import CityMapError
from citymap.models import AppealObject, Outage, OutageLink
from citymap.outages.actions import CallInput, OutageInput, declare_outage, end_outage, link_call
from citymap.outages.reads import current_outages, outages_at
from testkit.graphql import data_of, gql, refusal
from tests.appeals.conftest import intake
from tests.citymap.city import offset
from tests.citymap.conftest import ANALYST, EXECUTOR, OPERATOR, SUPERVISOR

HEATED = {"abaya-1", "abaya-2", "abaya-5", "abaya-11", "zhambyla-1", "zhambyla-2"}


def heating_outage(city, actor=OPERATOR, **changes) -> Outage:
    now = timezone.now()
    data = OutageInput(
        kind="heating",
        nature="emergency",
        cause="Порыв теплотрассы Т-2-1",
        starts_at=now - datetime.timedelta(hours=1),
        expected_end_at=now + datetime.timedelta(hours=8),
        source_object_id=city["boiler_house:K-2"].pk,
    )
    for name, value in changes.items():
        setattr(data, name, value)
    return declare_outage(actor, data)


def test_an_outage_through_a_boiler_house_reaches_the_buildings_downstream(city):
    picked = city["building:konstitucii-5"].pk
    outage = heating_outage(city, building_ids=[picked])
    reached = set(outage.buildings.values_list("building__external_id", flat=True))
    assert reached == HEATED | {"konstitucii-5"}
    assert outage.buildings.get(building_id=picked).via_id is None
    assert outage.buildings.get(building__external_id="abaya-1").via_id == city["boiler_house:K-2"].pk
    assert outage.organisation.code == "heat-network"  # the boiler house's
    assert outage.category.code == "heating"


def test_a_declaration_says_what_is_wrong(city):
    now = timezone.now()
    with pytest.raises(CityMapError) as refused:
        declare_outage(
            OPERATOR,
            OutageInput(
                kind="steam",
                nature="planned",
                cause=" ",
                starts_at=now,
                expected_end_at=now - datetime.timedelta(hours=1),
                source_object_id=city["building:abaya-1"].pk,
                building_ids=[city["yard:yard-abaya-1"].pk],
            ),
        )
    assert {(p.field, p.code) for p in refused.value.problems} == {
        ("kind", "invalid"),
        ("cause", "required"),
        ("expectedEndAt", "invalid"),
        ("sourceObjectId", "not_network"),
        ("buildingIds", "not_buildings"),
    }
    with pytest.raises(CityMapError) as refused:
        heating_outage(city, source_object_id=city["well:W-7"].pk)  # serves nothing
    assert refused.value.problems[0].code == "no_buildings"
    with pytest.raises(CityMapError) as refused:
        heating_outage(city, starts_at=datetime.datetime(1, 1, 1, tzinfo=datetime.UTC))
    assert refused.value.problems[0].code == "out_of_range"
    for actor in (ANALYST, EXECUTOR):
        with pytest.raises(CityMapError) as refused:
            heating_outage(city, actor)
        assert refused.value.problems[0].code == "forbidden"
    assert Outage.objects.count() == 0


def test_a_time_with_any_iso_offset_is_stored_as_the_same_moment(city):
    # ISO 8601 allows offsets up to ±23:59, PostgreSQL stores up to ±15:59.
    far_west = datetime.timezone(-datetime.timedelta(hours=23, minutes=59))
    starts = (timezone.now() - datetime.timedelta(hours=1)).astimezone(far_west)
    outage = heating_outage(city, starts_at=starts)
    outage.refresh_from_db()
    assert outage.starts_at == starts


def test_the_operator_sees_it_at_the_callers_address_or_pin(city):
    outage = heating_outage(city)
    assert [o.pk for o in outages_at(OPERATOR, building_id=city["building:abaya-2"].pk)] == [outage.pk]
    assert outages_at(OPERATOR, building_id=city["building:abaya-12"].pk) == []  # not served by K-2
    house = city["building:abaya-5"].point
    found = outages_at(OPERATOR, longitude=house.x + 0.0001, latitude=house.y)  # a pin 6 m away
    assert [o.pk for o in found] == [outage.pk]
    assert found[0].building_count == 6 and found[0].call_count == 0
    assert outages_at(OPERATOR, longitude=offset(1500, 1500)[0], latitude=offset(1500, 1500)[1]) == []
    # Ended, or planned beyond 48 hours: not news for this call.
    later = heating_outage(city, nature="planned", starts_at=timezone.now() + datetime.timedelta(days=3),
                           expected_end_at=timezone.now() + datetime.timedelta(days=4))  # fmt: skip
    assert later.pk not in [o.pk for o in outages_at(OPERATOR, building_id=city["building:abaya-2"].pk)]


def test_calls_are_linked_with_no_new_work_order_and_called_back_when_it_ends(city):
    outage = heating_outage(city)
    first = intake(phone="+77051110001", category="", location=None)
    linked = link_call(OPERATOR, outage.pk, number=first.number)
    assert linked.as_lead and linked.lead.number == first.number
    first.refresh_from_db()
    # The outage's one work order: its category, its organisation.
    assert (first.status, first.category.code, first.organisation.code) == (
        "assigned",
        "heating",
        "heat-network",
    )
    orders = Notification.objects.count()

    # The next callers: one as an appeal already taken, one straight from the call.
    second = intake(phone="+77051110002")
    link_call(OPERATOR, outage.pk, number=second.number)
    third = link_call(
        OPERATOR,
        outage.pk,
        call=CallInput(
            phone="8 705 111 0003", name="Гульнар", language="kk", building_id=city["building:abaya-5"].pk
        ),
    )
    assert not third.as_lead and third.lead.number == first.number
    for appeal in (second, third.appeal):
        appeal.refresh_from_db()
        assert (appeal.status, appeal.cancel_reason, appeal.parent_id) == ("cancelled", "duplicate", first.pk)
        assert appeal.organisation_id is None  # no work order of its own
    assert Notification.objects.count() == orders  # nobody was sent a new one
    assert third.appeal.address == "ул. Абая, 5" and third.appeal.applicant_language == "kk"
    assert AppealObject.objects.get(appeal=third.appeal).map_object == city["building:abaya-5"]
    assert "Порыв теплотрассы" in third.appeal.description  # the cause as typed
    # The platform's own words in the call's language (Kazakh here), once: not "kk / ru" nested.
    assert third.appeal.description.startswith("Өшіру: Жылу") and "Отключение" not in third.appeal.description
    assert "Отопление" not in third.appeal.description.split(".")[0]
    # Linking the same call again changes nothing.
    again = link_call(OPERATOR, outage.pk, number=second.number)
    assert again.appeal.pk == second.pk and OutageLink.objects.filter(outage=outage).count() == 3
    assert not callback_queue().filter(pk=first.pk).exists()  # nobody is called before it ends

    ended = end_outage(OPERATOR, outage.pk, comment="Трасса заварена")
    assert [a.number for a in ended.answered] == [first.number] and ended.callers == 3
    first.refresh_from_db()
    assert first.status == "done" and "Трасса заварена" in first.resolution
    assert "Отключение завершено" in first.resolution and "Өшіру аяқталды" in first.resolution
    queued = callback_queue().get(pk=first.pk)
    assert {a.applicant_phone for a in callback_contacts(queued)} == {
        "+77051110001",
        "+77051110002",
        "+77051110003",
    }
    outage.refresh_from_db()
    assert outage.ended_at is not None and outage.ended_by == OPERATOR.subject
    with pytest.raises(CityMapError) as refused:
        link_call(OPERATOR, outage.pk, number=intake(phone="+77051110004").number)
    assert refused.value.problems[0].code == "outage_ended"
    with pytest.raises(CityMapError) as refused:
        end_outage(OPERATOR, outage.pk)
    assert refused.value.problems[0].code == "outage_ended"


@pytest.mark.parametrize(
    ("language", "said", "not_said"),
    [("ru", "Порыв теплотрассы Т-2-1", "жарылуы"), ("kk", "Т-2-1 жылу трассасының жарылуы", "Порыв")],
)
def test_a_call_takes_the_half_of_a_cause_typed_in_both_languages_in_its_own(city, language, said, not_said):
    outage = heating_outage(city, cause="Т-2-1 жылу трассасының жарылуы / Порыв теплотрассы Т-2-1")
    linked = link_call(
        OPERATOR,
        outage.pk,
        call=CallInput(phone="8 705 111 0010", language=language, building_id=city["building:abaya-5"].pk),
    )
    description = linked.appeal.description
    assert said in description and not_said not in description and " / " not in description


def test_a_lead_answered_meanwhile_is_not_reused(city):
    outage = heating_outage(city)
    first = intake(phone="+77051110011")
    link_call(OPERATOR, outage.pk, number=first.number)
    from appeals import actions
    from testkit.identities import executor_of

    actions.start_work(executor_of(first.number), first.number)
    actions.mark_done(executor_of(first.number), first.number, resolution="Сделано")
    later = link_call(OPERATOR, outage.pk, number=intake(phone="+77051110012").number)
    assert later.as_lead and later.appeal.status == "assigned"
    end_outage(OPERATOR, outage.pk)
    later.appeal.refresh_from_db()
    assert later.appeal.status == "done"
    assert set(callback_queue().filter(pk__in=[first.pk, later.appeal.pk]).values_list("pk", flat=True)) == {
        first.pk,
        later.appeal.pk,
    }


def test_an_appeal_belongs_to_one_outage(city):
    one, other = heating_outage(city), heating_outage(city, kind="hot_water")
    appeal = intake(phone="+77051110021")
    link_call(OPERATOR, one.pk, number=appeal.number)
    with pytest.raises(CityMapError) as refused:
        link_call(OPERATOR, other.pk, number=appeal.number)
    assert refused.value.problems[0].code == "linked_elsewhere"
    with pytest.raises(CityMapError):
        link_call(OPERATOR, other.pk)  # neither an appeal nor a call
    assert Appeal.objects.get(pk=appeal.pk).status == "assigned"


def test_the_public_list(city):
    now = timezone.now()
    on = heating_outage(city)
    planned = heating_outage(
        city,
        nature="planned",
        kind="hot_water",
        source_object_id=None,
        organisation_code="heat-network",
        building_ids=[city["building:zhumabaeva-12а"].pk, city["building:zhumabaeva-2"].pk],
        starts_at=now + datetime.timedelta(days=2),
        expected_end_at=now + datetime.timedelta(days=2, hours=6),
    )
    heating_outage(
        city, starts_at=now + datetime.timedelta(days=20), expected_end_at=now + datetime.timedelta(days=21)
    )
    ended = heating_outage(city)
    end_outage(SUPERVISOR, ended.pk)
    listed = current_outages()
    assert [o.id for o in listed] == [on.pk, planned.pk]
    assert listed[0].is_current and not listed[1].is_current
    streets = {s.street_ru: s.houses for s in listed[0].streets}
    assert streets == {"ул. Абая": ["1", "2", "5", "11"], "ул. Жамбыла": ["1", "2"]}
    assert [(s.street_kk, s.houses) for s in listed[1].streets] == [("Жұмабаев көшесі", ["2", "12а"])]


DECLARE = """
mutation($input: DeclareOutageInput!) { declareOutage(input: $input) {
  outage { id kind nature buildingCount callCount organisation { code } sourceObject { key } isOpen }
  errors { field code message } } }"""
LINK = """
mutation($input: LinkCallToOutageInput!) { linkCallToOutage(input: $input) {
  asLead leadNumber appeal { number status } outage { callCount } errors { field code message } } }"""
END = """
mutation($input: EndOutageInput!) { endOutage(input: $input) {
  callers callbacks { number status } outage { isOpen endedAt } errors { field code message } } }"""
AT = """query($id: ID) { outagesAt(objectId: $id) { id kind cause leadAppealNumber callCount } }"""
PUBLIC = """{ currentOutages { kind nature cause isCurrent streets { streetKk streetRu houses } } }"""


def test_the_whole_story_over_graphql(city, operator_client, anonymous_client):
    now = timezone.now()
    declared = data_of(
        gql(
            operator_client,
            DECLARE,
            {
                "input": {
                    "kind": "HEATING",
                    "nature": "EMERGENCY",
                    "cause": "Авария на котельной №2",
                    "startsAt": now.isoformat(),
                    "expectedEndAt": (now + datetime.timedelta(hours=6)).isoformat(),
                    "sourceObjectId": str(city["boiler_house:K-2"].pk),
                }
            },
        )
    )["declareOutage"]["outage"]
    assert declared["buildingCount"] == 6 and declared["sourceObject"]["key"] == "boiler_house:K-2"
    house = str(city["building:abaya-11"].pk)
    assert data_of(gql(operator_client, AT, {"id": house}))["outagesAt"][0]["id"] == declared["id"]
    call = {"applicantPhone": "+77051110031", "channel": "MOBILE", "buildingId": house}
    linked = data_of(gql(operator_client, LINK, {"input": {"outageId": declared["id"], "call": call}}))
    assert (
        linked["linkCallToOutage"]["asLead"] and linked["linkCallToOutage"]["appeal"]["status"] == "ASSIGNED"
    )
    call2 = {"applicantPhone": "+77051110032"}
    linked2 = data_of(gql(operator_client, LINK, {"input": {"outageId": declared["id"], "call": call2}}))
    assert linked2["linkCallToOutage"]["appeal"]["status"] == "CANCELLED"
    assert linked2["linkCallToOutage"]["outage"]["callCount"] == 2
    public = data_of(gql(anonymous_client, PUBLIC))["currentOutages"]
    assert public[0]["cause"] == "Авария на котельной №2" and public[0]["isCurrent"]
    ended = data_of(gql(operator_client, END, {"input": {"outageId": declared["id"]}}))["endOutage"]
    assert (
        ended["callers"] == 2 and ended["callbacks"][0]["status"] == "DONE" and not ended["outage"]["isOpen"]
    )
    assert data_of(gql(anonymous_client, PUBLIC))["currentOutages"] == []


def test_graphql_refusals(city, operator_client, anonymous_client):
    answer = gql(anonymous_client, AT, {"id": str(city["building:abaya-11"].pk)})
    refusal(answer, "forbidden")
    answer = gql(operator_client, END, {"input": {"outageId": "12x"}})
    refusal(answer, "invalid_id", "outageId")
    answer = gql(operator_client, END, {"input": {"outageId": "999999"}})
    refusal(answer, "not_found", "outageId")
    now = timezone.now().isoformat()
    bad = {
        "kind": "GAS",
        "nature": "PLANNED",
        "cause": "x",
        "startsAt": now,
        "expectedEndAt": now,
        "buildingIds": ["1"],
    }
    error = refusal(gql(anonymous_client, DECLARE, {"input": bad}), "forbidden")
    assert " / " in error["message"]  # Kazakh and Russian, as the API's messages are
