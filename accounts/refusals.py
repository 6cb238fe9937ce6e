"""The page a person sees when a login does not go through: what happened and where to go, in the
screen's language, one language per screen.

The refusal is kept in the session too, so that `/auth/refused/` shows it again: the callback's
own address cannot be loaded twice (its code is spent), and the language switch leads there.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.claims import AccessRefused
from accounts.keycloak_realm import web_origin
from accounts.logout import keycloak_logout_url

SESSION_KEY = "identity_refusal"
REFUSED_URL = "/auth/refused/"

MESSAGES = {
    "no_role": _(
        "This account has no iKOMEK role. Ask your akimat's administrator to grant one in Keycloak."
    ),
    "not_regional": _("The regional address is for regional roles only. Sign in at your akimat's address."),
    "not_a_person": _("A service account cannot sign in to the web console."),
    "code_exchange_failed": _(
        "The sign-in did not finish: the link has expired or was already used. Please sign in again."
    ),
    "provider_unavailable": _("The identity service is unavailable for a moment. Please try again shortly."),
}
GENERIC = _("The sign-in failed. Please sign in again.")


@dataclass(frozen=True)
class LoginFailed:
    """A login that failed for a reason other than who the person is (403 is for that)."""

    code: str
    own_tenants: tuple[str, ...] = ()


def _status(code: str, access: bool) -> int:
    if access:
        return 403
    return 503 if code == "provider_unavailable" else 401


def _local_name(akimat: object) -> str:
    """The akimat's name in the screen's language (the other when that one is empty)."""
    first, second = ("kk", "ru") if translation.get_language() == "kk" else ("ru", "kk")
    return getattr(akimat, f"name_{first}", "") or getattr(akimat, f"name_{second}", "")


def _message(request: HttpRequest, code: str) -> str:
    if code == "wrong_tenant":
        here = getattr(request, "tenant", None)
        return gettext("This account does not belong to the akimat of %(akimat)s.") % {
            "akimat": _local_name(here) if here is not None else "—"
        }
    return str(MESSAGES.get(code, GENERIC))


def _own_links(slugs: list[str]) -> list[tuple[str, str]]:
    """(name, login address) of each akimat the person belongs to, in the screen's language."""
    if not slugs:
        return []
    from tenants.models import Akimat  # the registry: identity only reads names from it

    names = {akimat.slug: _local_name(akimat) for akimat in Akimat.objects.filter(slug__in=slugs)}
    return [
        (names.get(slug, slug), f"{web_origin(f'{slug}.{settings.BASE_DOMAIN}')}/auth/login/")
        for slug in sorted(slugs)
    ]


def show_refusal(request: HttpRequest, code: str, own_tenants: list[str], status: int) -> HttpResponse:
    context = {
        "code": code,
        "message": _message(request, code),
        "own_links": _own_links(own_tenants),
        "place": _local_name(getattr(request, "tenant", None)),
        # With a Keycloak session of another account, logging in again would only repeat this.
        "switch_account_url": None if settings.LOCAL_IDENTITY else keycloak_logout_url(request),
        "language_next": REFUSED_URL,
    }
    return render(request, "accounts/refused.html", context, status=status)


def refusal_page(request: HttpRequest, refusal: AccessRefused | LoginFailed) -> HttpResponse:
    own = list(refusal.own_tenants)
    status = _status(refusal.code, isinstance(refusal, AccessRefused))
    request.session[SESSION_KEY] = {"code": refusal.code, "own": own, "status": status}
    return show_refusal(request, refusal.code, own, status)
