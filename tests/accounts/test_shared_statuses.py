"""Account statuses one process read from Keycloak are taken by the others from Redis while they are
fresh (decision 97): a new web worker does not read every person from Keycloak again, and nothing
shared is applied past the check interval. Each cache below stands for a process; the Redis is the
test run's real one."""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Iterator

import pytest
import redis
from django.conf import settings
from django.test import override_settings

from accounts.account_status import AccountStatus, AccountStatusCache, accounts
from accounts.shared_statuses import PREFIX, SharedStatuses
from testkit.processes import free_port
from tests.accounts.test_shut_out import Clock, FlakyKeycloak, until

FRESH = 30.0
KEY = "subject-1|"  # the cache's key: subject and (no) client


@pytest.fixture
def store() -> Iterator[SharedStatuses]:
    shared = SharedStatuses(settings.CACHE_REDIS_URL, lifetime_seconds=FRESH, timeout_seconds=0.25)
    shared.clear()
    yield shared
    shared.clear()


def process(store: SharedStatuses | None, keycloak: FlakyKeycloak) -> tuple[Clock, AccountStatusCache]:
    clock = Clock()
    return clock, AccountStatusCache(
        keycloak,
        fresh_seconds=FRESH,
        stale_seconds=3600,
        outage_cooldown_seconds=15,
        shared=store,
        clock=clock,
    )


class Disabled(FlakyKeycloak):
    def __call__(self, subject: str, client_id: str | None) -> AccountStatus:
        self.calls += 1
        return AccountStatus(enabled=False, roles=frozenset(), groups=frozenset())


def share_raw(value: dict | str, *, age: float) -> None:
    """A status as another process would have left it, asked `age` seconds ago."""
    text = value if isinstance(value, str) else json.dumps({"at": time.time() - age, "status": value})
    redis.Redis.from_url(settings.CACHE_REDIS_URL).set(PREFIX + KEY, text, ex=600)


OPERATOR = {"enabled": True, "roles": ["operator"], "groups": ["/akimats/petropavlovsk"]}


def test_a_status_read_by_one_process_is_taken_by_another_without_asking_keycloak(store):
    first_keycloak, second_keycloak = FlakyKeycloak(), FlakyKeycloak()
    _, first = process(store, first_keycloak)
    _, second = process(store, second_keycloak)

    read = first.status("subject-1")
    assert second.status("subject-1") == read
    assert (first_keycloak.calls, second_keycloak.calls) == (1, 0)
    assert second.status("subject-1") == read and second_keycloak.calls == 0  # kept in the process


def test_a_person_disabled_in_one_process_is_shut_out_in_another(store):
    _, first = process(store, Disabled())
    keycloak = FlakyKeycloak()
    _, second = process(store, keycloak)

    assert first.status("subject-1").enabled is False
    assert second.status("subject-1").enabled is False
    assert keycloak.calls == 0


def test_a_shared_status_past_the_interval_is_not_applied(store):
    share_raw({"enabled": False, "roles": [], "groups": []}, age=FRESH + 1)
    keycloak = FlakyKeycloak()
    _, cache = process(store, keycloak)

    assert cache.status("subject-1").enabled is True  # Keycloak's answer, not the old one
    assert keycloak.calls == 1


def test_a_shared_status_near_the_end_of_its_interval_is_applied_and_read_again_aside(store):
    share_raw(OPERATOR, age=FRESH * 0.8)
    keycloak = Disabled()
    _, cache = process(store, keycloak)

    found = cache.status("subject-1")
    assert found.enabled and found.roles == {"operator"} and found.groups == {"/akimats/petropavlovsk"}
    until(lambda: keycloak.calls == 1)  # the read aside
    until(lambda: cache.status("subject-1").enabled is False)
    assert store.get(KEY)[1]["enabled"] is False  # and shared in turn


def test_a_read_aside_takes_what_another_process_read_meanwhile(store):
    first_keycloak = FlakyKeycloak()
    clock, first = process(store, first_keycloak)
    first.status("subject-1")
    clock.now += FRESH * 0.8  # this process's status is due for a read aside...
    store.clear()
    _, other = process(store, Disabled())
    other.status("subject-1")  # ...and another process has just read the account

    first.status("subject-1")
    until(lambda: first.status("subject-1").enabled is False)
    assert first_keycloak.calls == 1  # taken from Redis, not read again


@pytest.mark.parametrize(
    "value", ["not json", json.dumps({"at": "yesterday"}), json.dumps({"at": 0, "status": 1})]
)
def test_a_shared_value_that_is_not_a_status_is_ignored(store, value):
    share_raw(value, age=0)
    keycloak = FlakyKeycloak()
    _, cache = process(store, keycloak)

    assert cache.status("subject-1").enabled
    assert keycloak.calls == 1


def test_a_shared_status_without_its_fields_is_ignored(store):
    share_raw({"enabled": True}, age=0)
    keycloak = FlakyKeycloak()
    _, cache = process(store, keycloak)

    assert cache.status("subject-1").enabled
    assert keycloak.calls == 1


def test_without_redis_keycloak_is_read_at_once_and_redis_left_alone_for_a_while(caplog):
    down = SharedStatuses(f"redis://127.0.0.1:{free_port()}/0", lifetime_seconds=FRESH, timeout_seconds=0.25)
    keycloak = FlakyKeycloak()
    _, cache = process(down, keycloak)

    started = time.monotonic()
    with caplog.at_level(logging.WARNING, logger="accounts.shared_statuses"):
        assert cache.status("subject-1").enabled
        assert cache.status("subject-2").enabled
    assert time.monotonic() - started < 1.0
    assert keycloak.calls == 2
    assert len([r for r in caplog.records if "shared statuses" in r.getMessage()]) == 1  # then paused


def test_the_platforms_cache_shares_through_the_cache_redis_unless_turned_off():
    assert accounts().shared is not None and accounts().shared.url == settings.CACHE_REDIS_URL
    assert accounts().shared.lifetime == settings.KEYCLOAK_ACCOUNT_CHECK_SECONDS
    with override_settings(KEYCLOAK_ACCOUNT_SHARED_URL=""):
        assert accounts().shared is None
