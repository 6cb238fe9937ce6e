"""Settings: the telephone exchange's caller-ID secret, shown masked; rotating it shows the new
secret once (never stored, never cached by the browser), revoking ends an old one."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from accounts.permissions import Operation
from appeals.catalogue.exchange import masked, revoke_exchange_secret, rotate_exchange_secret
from appeals.errors import AppealError
from appeals.models import ExchangeCredential
from consoles.access import console_page


def _page(request: HttpRequest, new_secret: str = "") -> HttpResponse:
    credentials = list(ExchangeCredential.objects.order_by("-is_active", "-created_at", "-id"))
    rows = [(credential, masked(credential)) for credential in credentials]
    context = {
        "rows": rows,
        "new_secret": new_secret,
        "endpoint": request.build_absolute_uri("/telephony/incoming-call"),
        "section": "exchange",
    }
    return render(request, "consoles/settings/exchange.html", context)


@never_cache
@console_page(Operation.CATALOGUE_MANAGE)
def exchange(request: HttpRequest) -> HttpResponse:
    return _page(request)


@never_cache
@require_POST
@console_page(Operation.CATALOGUE_MANAGE)
def rotate(request: HttpRequest) -> HttpResponse:
    # Answered directly, not redirected: the secret must not travel through a session or a URL.
    _credential, secret = rotate_exchange_secret(request.principal)
    return _page(request, new_secret=secret)


@require_POST
@console_page(Operation.CATALOGUE_MANAGE)
def revoke(request: HttpRequest, credential_id: int) -> HttpResponse:
    try:
        revoke_exchange_secret(request.principal, credential_id)
    except AppealError:
        raise Http404 from None
    messages.success(request, _("The secret no longer opens caller ID."))
    return redirect("consoles:settings_exchange")
