"""Addresses on another host of the region: each akimat's site is `<slug>.<BASE_DOMAIN>`, on the
scheme and port the request came on (`make run`'s :8000, production's 443)."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest


def akimat_site(request: HttpRequest, slug: str) -> str:
    """`scheme://<slug>.<base domain>[:port]`, without a trailing slash."""
    port = request.get_port()
    suffix = "" if port in ("80", "443") else f":{port}"
    return f"{request.scheme}://{slug}.{settings.BASE_DOMAIN}{suffix}"
