"""Which URLs a webhook may call: https with a public host name in production; plain http only to
the loopback in development and tests (WEBHOOK_ALLOW_PLAIN_HTTP), where the receivers are stubs.

An IP literal in a private, loopback or link-local range is refused in production: a webhook is no
way to make the platform call into its own network. Here the name is not resolved (its answer may
change by the time of a delivery): every delivery checks the address it connected to and refuses
one that is not public before it sends a byte (`integrations.delivery`).
"""

from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urlsplit

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from integrations.errors import WebhookError

MAX_URL_LENGTH = 500
LOOPBACK_NAMES = frozenset({"127.0.0.1", "::1", "localhost"})


def checked_url(url: str) -> str:
    url = url.strip()
    if not url or len(url) > MAX_URL_LENGTH:
        raise WebhookError(
            "url", "invalid_url", _("The address must be 1 to {limit} characters."), limit=MAX_URL_LENGTH
        )
    try:
        parts = urlsplit(url)
        host = (parts.hostname or "").lower()
        parts.port  # noqa: B018  (ValueError for a port out of range)
    except ValueError:
        raise WebhookError("url", "invalid_url", _("This is not a web address.")) from None
    if parts.scheme not in ("https", "http") or not host:
        raise WebhookError("url", "invalid_url", _("This is not a web address."))
    if parts.username or parts.password or parts.fragment:
        raise WebhookError(
            "url", "invalid_url", _("The address may carry no user name, password or #fragment.")
        )
    plain_allowed = bool(settings.WEBHOOK_ALLOW_PLAIN_HTTP) and host in LOOPBACK_NAMES
    if parts.scheme == "http" and not plain_allowed:
        raise WebhookError("url", "https_required", _("Webhooks are delivered over https only."))
    if not settings.WEBHOOK_ALLOW_PLAIN_HTTP and _internal(host):
        raise WebhookError(
            "url",
            "internal_address",
            _("The address must be reachable on the internet, not an internal one."),
        )
    return url


def _internal(host: str) -> bool:
    if host in LOOPBACK_NAMES or host.endswith(".localhost") or host.endswith(".local"):
        return True
    try:
        address = ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        address = _legacy_ipv4(host)
        if address is None:
            return False
    return not address.is_global


def _legacy_ipv4(host: str) -> ipaddress.IPv4Address | None:
    """The forms the resolver also takes for an IPv4 address: `127.1`, `2130706433`, `0x7f.0.0.1`."""
    try:
        return ipaddress.IPv4Address(socket.inet_aton(host))
    except OSError:
        return None
