"""A person disabled in Keycloak, or whose role or akimat is taken away, is refused within the
account check interval everywhere: bearer API, console session (GET and POST) and the admin.
Real Keycloak; the interval is shortened for the test (the production default is asserted)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator

import pytest
from django.conf import settings
from django.test import override_settings
from keycloak import KeycloakOpenID

from accounts.account_status import AccountStatus, AccountStatusCache
from demo.dev_realm import DEMO_PASSWORD, DEV_CLIENT_ID
from tests.accounts.conftest import BrowserLogin, api, tenant_host

SHUT_OUT_USER = "shutout.petropavlovsk"
CHECK_SECONDS = 1.0


@pytest.fixture
def person(keycloak) -> Iterator[str]:
    """An operator of petropavlovsk, enabled, that the test may disable; removed afterwards."""
    user_id = keycloak.get_user_id(SHUT_OUT_USER)
    if user_id:
        keycloak.delete_user(user_id)
    user_id = keycloak.create_user(
        {
            "username": SHUT_OUT_USER,
            "enabled": True,
            "firstName": "Тест",
            "lastName": "Өшіру",
            "email": "shutout@demo.ikomek.invalid",
            "emailVerified": True,
            "credentials": [{"type": "password", "value": DEMO_PASSWORD, "temporary": False}],
            "groups": ["/akimats/petropavlovsk"],
        }
    )
    keycloak.assign_realm_roles(user_id, [keycloak.get_realm_role("operator")])
    yield user_id
    keycloak.delete_user(user_id)


@pytest.fixture
def quick_checks() -> Iterator[None]:
    with override_settings(KEYCLOAK_ACCOUNT_CHECK_SECONDS=CHECK_SECONDS):
        yield


def fresh_token() -> str:
    """A new token of this run's person (the shared token cache may hold one of a deleted namesake)."""
    oid = KeycloakOpenID(
        server_url=settings.KEYCLOAK_URL, realm_name=settings.KEYCLOAK_REALM, client_id=DEV_CLIENT_ID
    )
    return oid.token(SHUT_OUT_USER, DEMO_PASSWORD)["access_token"]


def until(condition: object, timeout: float = 10.0) -> float:
    """Seconds until `condition()` held; fails after `timeout`."""
    started = time.monotonic()
    while not condition():
        assert time.monotonic() - started < timeout, "condition not reached in time"
        time.sleep(0.2)
    return time.monotonic() - started


def test_the_production_interval_shuts_people_out_within_a_minute():
    # The interval plus one request is the bound the README promises (a minute, with margin).
    assert settings.KEYCLOAK_ACCOUNT_CHECK_SECONDS <= 30


def test_a_disabled_persons_token_is_refused_before_it_expires(tenants, keycloak, person, quick_checks):
    token = fresh_token()
    assert api("petropavlovsk", token).status_code == 200

    keycloak.update_user(person, {"enabled": False})
    waited = until(lambda: api("petropavlovsk", token).status_code == 401)

    refused = api("petropavlovsk", token)
    assert refused.json()["errors"][0]["code"] == "account_disabled"
    assert waited <= CHECK_SECONDS + 2


def test_a_removed_role_or_akimat_stops_the_token_at_once(tenants, keycloak, person, quick_checks):
    token = fresh_token()
    assert api("petropavlovsk", token).json()["roles"] == ["operator"]

    keycloak.delete_realm_roles_of_user(person, [keycloak.get_realm_role("operator")])
    until(lambda: api("petropavlovsk", token).status_code == 403)
    assert api("petropavlovsk", token).json()["errors"][0]["code"] == "no_role"

    keycloak.assign_realm_roles(person, [keycloak.get_realm_role("operator")])
    until(lambda: api("petropavlovsk", token).status_code == 200)
    group = next(g for g in keycloak.get_user_groups(person) if g["path"] == "/akimats/petropavlovsk")
    keycloak.group_user_remove(person, group["id"])
    until(lambda: api("petropavlovsk", token).status_code == 403)
    assert api("petropavlovsk", token).json()["errors"][0]["code"] == "wrong_tenant"


def create_appeal(client: object, key: str) -> dict:
    mutation = (
        "mutation($input: CreateAppealInput!) { createAppeal(input: $input) "
        "{ created appeal { number } errors { code } } }"
    )
    variables = {
        "input": {
            "channel": "LANDLINE",
            "description": "Подъезд жарығы жанбайды",
            "applicantPhone": "+77051234567",
            "clientKey": key,
        }
    }
    answer = client.post(
        "/graphql/", {"query": mutation, "variables": variables}, content_type="application/json"
    )
    assert answer.status_code == 200
    return answer.json()["data"]["createAppeal"]


def test_a_disabled_persons_console_session_ends_on_get_and_post(tenants, keycloak, person, quick_checks):
    login = BrowserLogin(tenant_host("petropavlovsk"))
    login.login(SHUT_OUT_USER)
    assert login.client.get("/auth/me").json()["roles"] == ["operator"]
    assert create_appeal(login.client, f"shut-out-{person}-1")["created"] is True

    keycloak.update_user(person, {"enabled": False})
    time.sleep(CHECK_SECONDS)

    refused = create_appeal(login.client, f"shut-out-{person}-2")
    assert refused["appeal"] is None
    assert [error["code"] for error in refused["errors"]] == ["forbidden"]
    assert login.client.get("/auth/me").status_code == 401  # the session is gone, not only refused


def test_a_role_taken_away_closes_the_admin(tenants, keycloak, person, quick_checks):
    keycloak.assign_realm_roles(person, [keycloak.get_realm_role("platform_admin")])
    login = BrowserLogin(tenant_host("petropavlovsk"))
    login.login(SHUT_OUT_USER)
    assert login.client.get("/admin/").status_code == 200

    keycloak.delete_realm_roles_of_user(person, [keycloak.get_realm_role("platform_admin")])
    time.sleep(CHECK_SECONDS)

    page = login.client.get("/admin/")
    assert page.status_code == 302 and page["Location"].startswith("/admin/login/")
    assert login.client.get("/auth/me").json()["roles"] == ["operator"]


# ------------------------------------------------------------------ Keycloak unreachable
class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


class FlakyKeycloak:
    """Our reader's contract: a status, or an exception when Keycloak cannot answer."""

    def __init__(self) -> None:
        self.up = True
        self.calls = 0

    def __call__(self, subject: str, client_id: str | None) -> AccountStatus:
        self.calls += 1
        if not self.up:
            raise ConnectionError("keycloak is down")
        return AccountStatus(enabled=True, roles=frozenset({"operator"}), groups=frozenset())


def cache_over(keycloak: Callable[[str, str | None], AccountStatus]) -> tuple[Clock, AccountStatusCache]:
    """A cache of a 30-s interval, an hour's staleness and a 15-s cooldown on a clock the test moves."""
    clock = Clock()
    return clock, AccountStatusCache(
        keycloak, fresh_seconds=30, stale_seconds=3600, outage_cooldown_seconds=15, clock=clock
    )


def test_during_an_outage_the_last_status_stands_and_keycloak_is_asked_once_per_cooldown():
    keycloak = FlakyKeycloak()
    clock, cache = cache_over(keycloak)
    known = cache.status("known")
    keycloak.up = False
    clock.now += 31

    assert cache.status("known") == known  # stale, but nobody can be disabled in a dead Keycloak
    assert cache.status("never-seen") is None  # judged by its token alone
    assert cache.keycloak_unavailable
    assert keycloak.calls == 2  # the failed read; the second account waited for the cooldown

    clock.now += 16
    keycloak.up = True
    assert cache.status("never-seen").enabled
    assert not cache.keycloak_unavailable
    clock.now += 3600
    keycloak.up = False
    clock.now += 1
    assert cache.status("known") is None  # too old to stand in for Keycloak any longer


# ------------------------------------------------------------------ read again aside (decision 87)
class GatedKeycloak:
    """The first read answers at once (enabled); later ones wait for `gate`, then say disabled."""

    def __init__(self) -> None:
        self.gate = threading.Event()
        self.reads = 0

    def __call__(self, subject: str, client_id: str | None) -> AccountStatus:
        self.reads += 1
        if self.reads == 1:
            return AccountStatus(enabled=True, roles=frozenset({"operator"}), groups=frozenset())
        assert self.gate.wait(10)
        return AccountStatus(enabled=False, roles=frozenset(), groups=frozenset())


def test_an_account_in_use_is_read_again_aside_and_its_requests_never_wait_for_keycloak():
    keycloak = GatedKeycloak()
    clock, cache = cache_over(keycloak)
    first = cache.status("operator")
    clock.now += 20  # under three quarters of the interval: what was read stands, nothing is asked
    assert cache.status("operator") is first and keycloak.reads == 1

    clock.now += 3  # past three quarters: Keycloak is asked aside, and it does not answer yet
    started = time.monotonic()
    assert cache.status("operator") is first
    assert cache.status("operator") is first
    assert time.monotonic() - started < 0.5  # the requests did not wait for Keycloak
    until(lambda: keycloak.reads == 2)

    keycloak.gate.set()
    until(lambda: not cache.status("operator").enabled)  # the answer read aside is in force
    assert keycloak.reads == 2  # one read aside however many uses


def test_a_status_is_never_used_past_its_interval_while_the_read_aside_hangs():
    keycloak = GatedKeycloak()
    clock, cache = cache_over(keycloak)
    cache.status("operator")
    clock.now += 25
    assert cache.status("operator").enabled  # the read aside starts and hangs
    until(lambda: keycloak.reads == 2)

    clock.now += 6  # 31 s after the read: the request reads for itself (after the hung read ends)
    threading.Timer(0.3, keycloak.gate.set).start()
    assert cache.status("operator").enabled is False
    assert keycloak.reads == 3


def test_a_read_aside_that_fails_starts_the_cooldown_and_the_last_status_stands():
    keycloak = FlakyKeycloak()
    clock, cache = cache_over(keycloak)
    known = cache.status("known")
    keycloak.up = False
    clock.now += 25
    assert cache.status("known") == known
    until(lambda: cache.keycloak_unavailable)

    clock.now += 6  # past the interval, within the cooldown: the last status, Keycloak left alone
    assert cache.status("known") == known
    assert keycloak.calls == 2
