"""Connections to Keycloak's admin API, one per process, kept while the settings stay the same.

The platform provisions with the `ikomek-provisioner` service account (least privilege: clients,
users and groups of the ikomek realm). Only the development realm setup uses the master admin.
"""

from __future__ import annotations

from functools import cache

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.signals import setting_changed
from django.dispatch import receiver
from keycloak import KeycloakAdmin


def _timeout() -> int:
    # Onboarding is not a request path: a busy Keycloak may take seconds (partial imports hash passwords).
    return settings.KEYCLOAK_ADMIN_TIMEOUT_SECONDS


def provisioner() -> KeycloakAdmin:
    """The service account that creates akimat groups and integrator clients."""
    if settings.LOCAL_IDENTITY:
        raise ImproperlyConfigured("Keycloak is not configured (KEYCLOAK_URL is empty)")
    return _provisioner()


def status_reader() -> KeycloakAdmin:
    """The provisioner again, for the request path (accounts' current status): a short timeout, as
    a request waits for it."""
    if settings.LOCAL_IDENTITY:
        raise ImproperlyConfigured("Keycloak is not configured (KEYCLOAK_URL is empty)")
    return _status_reader()


def master_admin() -> KeycloakAdmin:
    """The bootstrap admin of a development Keycloak, working on the ikomek realm."""
    if settings.PRODUCTION or settings.LOCAL_IDENTITY:
        raise ImproperlyConfigured("the master admin connection exists only for a development Keycloak")
    return _master_admin()


def realm_admin() -> KeycloakAdmin:
    """A realm administrator (KEYCLOAK_ADMIN_USER / _PASSWORD of KEYCLOAK_ADMIN_REALM), for the one
    explicit upgrade that needs more than the provisioner may do (`sync_keycloak --realm`)."""
    if settings.LOCAL_IDENTITY:
        raise ImproperlyConfigured("Keycloak is not configured (KEYCLOAK_URL is empty)")
    if not settings.KEYCLOAK_ADMIN_PASSWORD:
        raise ImproperlyConfigured(
            "KEYCLOAK_ADMIN_PASSWORD is empty: the realm upgrade needs an administrator"
        )
    return _admin_of(settings.KEYCLOAK_ADMIN_REALM)


@cache
def _provisioner() -> KeycloakAdmin:
    return KeycloakAdmin(
        server_url=settings.KEYCLOAK_URL,
        realm_name=settings.KEYCLOAK_REALM,
        client_id=settings.KEYCLOAK_PROVISIONER_CLIENT_ID,
        client_secret_key=settings.KEYCLOAK_PROVISIONER_SECRET,
        grant_type="client_credentials",
        timeout=_timeout(),
    )


@cache
def _status_reader() -> KeycloakAdmin:
    return KeycloakAdmin(
        server_url=settings.KEYCLOAK_URL,
        realm_name=settings.KEYCLOAK_REALM,
        client_id=settings.KEYCLOAK_PROVISIONER_CLIENT_ID,
        client_secret_key=settings.KEYCLOAK_PROVISIONER_SECRET,
        grant_type="client_credentials",
        timeout=settings.KEYCLOAK_TIMEOUT_SECONDS,
    )


@cache
def _master_admin() -> KeycloakAdmin:
    return _admin_of("master")


def _admin_of(user_realm: str) -> KeycloakAdmin:
    """KEYCLOAK_ADMIN_USER of `user_realm`, working on the ikomek realm."""
    return KeycloakAdmin(
        server_url=settings.KEYCLOAK_URL,
        username=settings.KEYCLOAK_ADMIN_USER,
        password=settings.KEYCLOAK_ADMIN_PASSWORD,
        realm_name=settings.KEYCLOAK_REALM,
        user_realm_name=user_realm,
        grant_type="password",
        timeout=_timeout(),
    )


def reset_connections() -> None:
    _provisioner.cache_clear()
    _status_reader.cache_clear()
    _master_admin.cache_clear()


@receiver(setting_changed)
def _forget_on_settings_change(setting: str, **_kwargs: object) -> None:
    if setting.startswith("KEYCLOAK_") or setting == "LOCAL_IDENTITY":
        reset_connections()
