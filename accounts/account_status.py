"""Whether a Keycloak account may still act, as Keycloak says now: enabled, its realm roles, its
groups, and for a service account whether its client is enabled.

Access tokens live five minutes and console sessions two weeks, so what a token or a session says
is not enough: a person disabled in Keycloak, or whose role or akimat is taken away, must be shut
out within a minute (decision 53). Every request acting as a Keycloak account is checked against
this status, read from Keycloak's admin API at most once per KEYCLOAK_ACCOUNT_CHECK_SECONDS per
account and process.

Keycloak down: nobody can be disabled in it either, so the last status read stays in force (for
at most KEYCLOAK_ACCOUNT_STALE_SECONDS), and an account never read in this process is judged by its
token alone. After a failed read the process leaves Keycloak alone for
KEYCLOAK_OUTAGE_COOLDOWN_SECONDS, so a hung Keycloak costs one timeout per cooldown, not one per
request.

An account in use is read again in the background once three quarters of the interval have passed
(decision 87): its requests never wait for Keycloak, and the status they are judged by is never
older than the interval. Under a storm every operator's status fell due in the same second, and the
web workers stood in Keycloak's queue while the accept queue overflowed.

What one process reads, the others take from Redis while it is fresh (accounts/shared_statuses.py,
decision 97): a worker that has just started does not read every person from Keycloak again, and
Keycloak answers each account about once per interval, not once per process.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Any

from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from keycloak import KeycloakAdmin, KeycloakGetError

from accounts.keycloak_admin import status_reader
from accounts.shared_statuses import SharedStatuses

logger = logging.getLogger(__name__)

MAX_ACCOUNTS = 20_000  # entries kept per process; the least recently used go first
REFRESH_AHEAD = 0.75  # of the interval: from then on a use of the status has it read again, aside


@dataclass(frozen=True)
class AccountStatus:
    enabled: bool
    roles: frozenset[str]
    groups: frozenset[str]  # group paths, as the token's `groups` claim has them

    def shared(self) -> dict[str, Any]:
        return {"enabled": self.enabled, "roles": sorted(self.roles), "groups": sorted(self.groups)}

    @classmethod
    def from_shared(cls, data: dict[str, Any]) -> AccountStatus:
        return cls(bool(data["enabled"]), frozenset(data["roles"]), frozenset(data["groups"]))


DISABLED = AccountStatus(enabled=False, roles=frozenset(), groups=frozenset())


def read_from_keycloak(
    subject: str, client_id: str | None, *, admin: KeycloakAdmin | None = None
) -> AccountStatus:
    """One account's status from Keycloak's admin API (raises when Keycloak cannot answer)."""
    admin = admin or status_reader()
    try:
        user = admin.get_user(subject)
    except KeycloakGetError as error:
        if error.response_code == 404:
            return DISABLED  # deleted in Keycloak
        raise
    if not user.get("enabled", False):
        return DISABLED
    if client_id:
        client_uuid = admin.get_client_id(client_id)
        if client_uuid is None or not admin.get_client(client_uuid).get("enabled", False):
            return DISABLED
    roles = admin.get_composite_realm_roles_of_user(subject)
    groups = admin.get_user_groups(subject)
    return AccountStatus(
        enabled=True,
        roles=frozenset(role["name"] for role in roles),
        groups=frozenset(group["path"] for group in groups),
    )


class AccountStatusCache:
    """Per process: subject -> the status read and when. Bounded (LRU); thread-safe."""

    def __init__(
        self,
        read: Callable[[str, str | None], AccountStatus],
        *,
        fresh_seconds: float,
        stale_seconds: float,
        outage_cooldown_seconds: float,
        shared: SharedStatuses | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.read = read
        self.shared = shared
        self.fresh = fresh_seconds
        self.stale = stale_seconds
        self.cooldown = outage_cooldown_seconds
        self.clock = clock
        self._entries: OrderedDict[str, tuple[float, AccountStatus]] = OrderedDict()
        self._lock = threading.Lock()
        self._quiet_until = 0.0
        self._refreshing: set[str] = set()
        # One read at a time per process: the reader's HTTP session is shared with the background reads.
        self._reading = threading.Lock()

    @property
    def keycloak_unavailable(self) -> bool:
        return self.clock() < self._quiet_until

    def status(self, subject: str, client_id: str | None = None) -> AccountStatus | None:
        """The account's status; None when Keycloak cannot say and nothing recent is known."""
        key = f"{subject}|{client_id or ''}"
        now = self.clock()
        with self._lock:
            entry = self._entries.get(key)
            if entry is not None:
                self._entries.move_to_end(key)
        if entry is not None and now - entry[0] < self.fresh:
            if now - entry[0] >= self.fresh * REFRESH_AHEAD:
                self._read_aside(key, subject, client_id)
            return entry[1]
        shared = self._from_shared(key, now, younger_than=self.fresh)
        if shared is not None:
            if now - self._entry_at(key) >= self.fresh * REFRESH_AHEAD:
                self._read_aside(key, subject, client_id)
            return shared
        if now >= self._quiet_until:
            found = self._read(key, subject, client_id)
            if found is not None:
                return found
        if entry is not None and now - entry[0] < self.stale:
            return entry[1]
        return None

    def _entry_at(self, key: str) -> float:
        with self._lock:
            entry = self._entries.get(key)
        return entry[0] if entry is not None else float("-inf")

    def _from_shared(self, key: str, now: float, *, younger_than: float) -> AccountStatus | None:
        """What another process read, when it is younger than `younger_than` seconds and newer
        than this process's own; remembered here. None otherwise (or without Redis)."""
        if self.shared is None:
            return None
        found = self.shared.get(key)
        if found is None:
            return None
        age, data = found
        at = now - age
        if age >= younger_than or at <= self._entry_at(key):
            return None
        try:
            status = AccountStatus.from_shared(data)
        except (KeyError, TypeError):
            logger.warning("accounts: a shared status without its fields; Keycloak is read")
            return None
        self._remember(key, status, at)
        return status

    def _read(self, key: str, subject: str, client_id: str | None) -> AccountStatus | None:
        """Keycloak's answer, remembered and shared; None when it could not answer (the cooldown
        starts)."""
        try:
            with self._reading:
                # What Keycloak says is as of the question, not the answer; read here unless another
                # process read it meanwhile (a read aside that waited for this lock).
                now = self.clock()
                shared = self._from_shared(key, now, younger_than=self.fresh * REFRESH_AHEAD)
                if shared is not None:
                    return shared
                started, asked_at = now, time.time()
                found = self.read(subject, client_id)
        except Exception:
            self._quiet_until = self.clock() + self.cooldown
            logger.warning(
                "keycloak: account status unavailable; last known statuses stay in force", exc_info=True
            )
            return None
        self._remember(key, found, started)
        if self.shared is not None:
            self.shared.put(key, asked_at, found.shared())
        return found

    def _read_aside(self, key: str, subject: str, client_id: str | None) -> None:
        """Read the account again in a thread of its own, once at a time per account."""
        with self._lock:
            if key in self._refreshing or self.keycloak_unavailable:
                return
            self._refreshing.add(key)

        def refresh() -> None:
            try:
                self._read(key, subject, client_id)
            finally:
                with self._lock:
                    self._refreshing.discard(key)

        threading.Thread(target=refresh, name="account-status", daemon=True).start()

    def _remember(self, key: str, status: AccountStatus, at: float) -> None:
        with self._lock:
            self._entries[key] = (at, status)
            self._entries.move_to_end(key)
            while len(self._entries) > MAX_ACCOUNTS:
                self._entries.popitem(last=False)

    def forget(self) -> None:
        """Forget every status, this process's and the shared ones (tests)."""
        with self._lock:
            self._entries.clear()
        self._quiet_until = 0.0
        if self.shared is not None:
            self.shared.clear()


@cache
def accounts() -> AccountStatusCache:
    return AccountStatusCache(
        read_from_keycloak,
        fresh_seconds=settings.KEYCLOAK_ACCOUNT_CHECK_SECONDS,
        stale_seconds=settings.KEYCLOAK_ACCOUNT_STALE_SECONDS,
        outage_cooldown_seconds=settings.KEYCLOAK_OUTAGE_COOLDOWN_SECONDS,
        shared=SharedStatuses(
            settings.KEYCLOAK_ACCOUNT_SHARED_URL,
            lifetime_seconds=settings.KEYCLOAK_ACCOUNT_CHECK_SECONDS,
            timeout_seconds=settings.REDIS_CONNECT_TIMEOUT_SECONDS,
        )
        if settings.KEYCLOAK_ACCOUNT_SHARED_URL
        else None,
    )


def current_claims(claims: dict[str, Any], status: AccountStatus | None) -> dict[str, Any] | None:
    """The token's claims reduced to what Keycloak grants now: roles and groups it still has.
    None: the account is disabled or deleted. A token never gains what it was not issued with."""
    if status is None:
        return claims
    if not status.enabled:
        return None
    realm_access = dict(claims.get("realm_access") or {})
    realm_access["roles"] = [role for role in realm_access.get("roles") or [] if role in status.roles]
    groups = [group for group in claims.get("groups") or [] if group in status.groups]
    return claims | {"realm_access": realm_access, "groups": groups}


@receiver(setting_changed)
def _forget_on_settings_change(setting: str, **_kwargs: object) -> None:
    if setting.startswith("KEYCLOAK_"):
        accounts.cache_clear()
