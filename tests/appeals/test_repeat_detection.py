"""Repeats: open appeals of the same category within the category's radius (metres, geography) or
at the same map object, inside its time window, are proposed; the operator links or keeps apart."""

from __future__ import annotations

import datetime
import math

import pytest
from django.contrib.gis.geos import Point
from django.utils import timezone

from appeals import actions
from appeals.actions import AppealInput
from appeals.errors import AppealError
from appeals.models import Appeal, Category
from appeals.repeats.candidates import repeat_candidates
from tests.appeals.conftest import CENTRE, OPERATOR, appeal_in, intake


def offset(metres_north: float, metres_east: float = 0.0) -> tuple[float, float]:
    """A point `metres` away from the centre (small distances, spherical approximation)."""
    lat = CENTRE[1] + metres_north / 111_320
    lon = CENTRE[0] + metres_east / (111_320 * math.cos(math.radians(CENTRE[1])))
    return lon, lat


def test_open_appeals_within_the_radius_are_proposed_nearest_first(petropavlovsk):
    heating = Category.objects.get(code="heating")
    assert heating.repeat_radius_m == 300
    near = intake(location=offset(250))
    nearer = intake(location=offset(0, 100))
    intake(location=offset(450))  # outside the radius
    intake(category="cold-water", location=CENTRE)  # other category
    appeal_in("closed", location=CENTRE)  # closed: nothing to repeat
    old = intake(location=CENTRE)
    Appeal.objects.filter(pk=old.pk).update(received_at=timezone.now() - datetime.timedelta(hours=73))

    result = actions.create_appeal(
        OPERATOR,
        AppealInput(
            channel="mobile",
            description="Холодные батареи",
            applicant_phone="+77011112233",
            longitude=CENTRE[0],
            latitude=CENTRE[1],
            category_code="heating",
        ),
    )

    assert [a.number for a in result.repeat_candidates] == [nearer.number, near.number]


def test_in_a_storm_the_ten_nearest_in_metres_are_proposed_out_of_many_around(petropavlovsk):
    """More open appeals around the point than the spatial index's first pass measures: the nearest
    ten in metres still come out, east-west ones too (degrees stretch there), none beyond the radius."""
    heating = Category.objects.get(code="heating")
    north = [intake(location=offset(100 + 3 * i)) for i in range(60)]  # 100-277 m north
    east = [intake(location=offset(0, 40 + 5 * i)) for i in range(5)]  # 40-60 m east: the nearest
    corner = intake(location=offset(250, 250))  # inside the search box, 354 m away: not a repeat
    found = repeat_candidates(heating, Point(*CENTRE, srid=4326))
    assert [a.number for a in found] == [a.number for a in east + north[:5]]
    assert corner.number not in {a.number for a in found}
    assert all(a.category_id == heating.pk for a in found)


def test_the_same_map_object_matches_whatever_the_distance(petropavlovsk):
    lift = intake(category="lifts", location=offset(0), object_key="building:1042")
    found = repeat_candidates(Category.objects.get(code="lifts"), None, "building:1042")
    assert [a.number for a in found] == [lift.number]
    assert repeat_candidates(Category.objects.get(code="lifts"), None, "building:9999") == []


def test_the_radius_and_window_are_the_categorys_own(petropavlovsk):
    centre = Point(*CENTRE, srid=4326)
    far = intake(location=offset(450))
    heating = Category.objects.get(code="heating")
    assert repeat_candidates(heating, centre) == []
    Category.objects.filter(pk=heating.pk).update(repeat_radius_m=500)
    heating.refresh_from_db()
    assert [a.number for a in repeat_candidates(heating, centre)] == [far.number]
    Category.objects.filter(pk=heating.pk).update(repeat_window_hours=0)
    heating.refresh_from_db()
    assert repeat_candidates(heating, centre) == []


def test_linking_cancels_the_new_one_and_grows_the_original(petropavlovsk):
    original = intake(location=CENTRE)
    repeat = intake(location=offset(50), phone="+77017654321")

    result = actions.link_as_repeat(
        OPERATOR, repeat.number, original_number=original.number, comment="тот же дом"
    )

    original.refresh_from_db()
    repeat.refresh_from_db()
    assert result.pk == original.pk
    assert (repeat.status, repeat.cancel_reason, repeat.parent_id) == ("cancelled", "duplicate", original.pk)
    assert original.repeat_count == 1
    assert repeat.events.filter(kind="repeat_linked", data__original=original.number).exists()
    assert original.events.filter(kind="repeat_added", data__repeat=repeat.number).exists()
    # A third report links to the original even when the operator picked the repeat.
    third = intake(location=offset(20))
    assert actions.link_as_repeat(OPERATOR, third.number, original_number=repeat.number).pk == original.pk
    original.refresh_from_db()
    assert original.repeat_count == 2
    # Repeats are not proposed themselves: only the original.
    assert [a.number for a in repeat_candidates(original.category, original.location)] == [original.number]


@pytest.mark.parametrize("case", ["self", "closed_original"])
def test_impossible_links_are_refused(petropavlovsk, case):
    appeal = intake()
    original = appeal if case == "self" else appeal_in("closed")
    with pytest.raises(AppealError) as caught:
        actions.link_as_repeat(OPERATOR, appeal.number, original_number=original.number)
    assert (
        caught.value.problems[0].code == {"self": "same_appeal", "closed_original": "original_closed"}[case]
    )
    appeal.refresh_from_db()
    assert appeal.status == "received"


def test_keeping_it_separate_is_recorded(petropavlovsk):
    first = intake()
    second = intake()
    actions.keep_separate(OPERATOR, second.number, proposed=[first.number], comment="другой подъезд")
    event = second.events.get(kind="kept_separate")
    assert event.data == {"proposed": [first.number]} and event.comment == "другой подъезд"
    second.refresh_from_db()
    assert second.status == "received"


def test_keeping_separate_from_unknown_appeals_is_refused(petropavlovsk):
    appeal = intake()
    with pytest.raises(AppealError) as caught:
        actions.keep_separate(OPERATOR, appeal.number, proposed=[987654321])
    assert (caught.value.problems[0].field, caught.value.problems[0].code) == ("proposed", "not_found")
    assert not appeal.events.filter(kind="kept_separate").exists()
