"""Addresses on another host of the region: each akimat's site is `<slug>.<BASE_DOMAIN>` at the
platform's public origin (`accounts.keycloak_realm.web_origin`: the scheme and port browsers use,
`make run`'s :8000, production's https). Not the request's own port: behind nginx that is
gunicorn's (18000 under `make run`), which no browser can reach."""

from __future__ import annotations

from django.conf import settings

from accounts.keycloak_realm import web_origin


def akimat_site(slug: str) -> str:
    """`scheme://<slug>.<base domain>[:port]`, without a trailing slash."""
    return web_origin(f"{slug}.{settings.BASE_DOMAIN}")
