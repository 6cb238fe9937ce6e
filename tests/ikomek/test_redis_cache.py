"""The cache's `incr` in one round trip (ikomek/redis_cache.py) keeps Django's promises: a key
that is not there is an error and stays absent; an existing one is incremented and keeps its
timeout. The rate limits' counter in one round trip counts django-ratelimit's own keys: the same
window, the same key, one count. Against the test Redis."""

from __future__ import annotations

import uuid

import pytest
from django.core.cache import cache
from django.test import RequestFactory
from django_ratelimit.core import get_usage

from ikomek import rate_limits


@pytest.fixture
def key() -> str:
    name = f"incr-{uuid.uuid4().hex}"
    yield name
    cache.delete(name)


def test_incr_of_a_missing_key_is_refused_and_creates_nothing(key):
    with pytest.raises(ValueError, match="not found"):
        cache.incr(key)
    assert cache.get(key) is None


def test_incr_adds_to_an_existing_key_and_keeps_its_timeout(key):
    assert cache.add(key, 1, 60)
    assert cache.incr(key) == 2
    assert cache.incr(key, 5) == 7
    assert cache.get(key) == 7
    client = cache._cache.get_client(cache.make_and_validate_key(key))
    assert 55 <= client.ttl(cache.make_and_validate_key(key)) <= 60


def test_django_ratelimit_counts_through_it():
    request = RequestFactory().post("/graphql/", REMOTE_ADDR="10.9.8.7")
    who = f"client:{uuid.uuid4().hex}"
    counts = [
        get_usage(request, group="api", key=lambda _g, _r: who, rate="3/m", increment=True) for _ in range(4)
    ]
    assert [usage["count"] for usage in counts] == [1, 2, 3, 4]
    assert [usage["should_limit"] for usage in counts] == [False, False, False, True]


def test_count_starts_a_window_with_its_timeout_and_adds_one_a_call(key):
    assert [cache.count(key, 90) for _ in range(3)] == [1, 2, 3]
    client = cache._cache.get_client(cache.make_and_validate_key(key))
    assert 85 <= client.ttl(cache.make_and_validate_key(key)) <= 90
    assert cache.get(key) == 3  # Django reads the counter as the int it is


def test_the_rate_limits_count_the_same_keys_as_django_ratelimit_in_one_round_trip():
    request = RequestFactory().post("/graphql/", REMOTE_ADDR="10.9.8.7")
    who = f"client:{uuid.uuid4().hex}"

    def key(_group, _request):
        return who

    ours, theirs = [], []
    for _ in range(3):  # alternately: each sees the other's counts (the same window and key)
        ours.append(rate_limits._usage(request, key, "4/m"))
        theirs.append(get_usage(request, group=rate_limits.GROUP, key=key, rate="4/m", increment=True))
    assert [u["count"] for u in ours] == [1, 3, 5] and [u["count"] for u in theirs] == [2, 4, 6]
    assert [u["should_limit"] for u in ours] == [False, False, True]
    assert ours[0]["limit"] == 4 and 0 <= ours[0]["time_left"] <= 60
