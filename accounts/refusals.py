"""The page a person sees when a login does not go through: what happened, in Kazakh and Russian."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from accounts.claims import AccessRefused
from accounts.keycloak_realm import web_origin
from accounts.logout import keycloak_logout_url

_FAILURES = {
    "not_a_person": (
        "Қызметтік тіркелгі веб-консольге кіре алмайды.",
        "Служебная учётная запись не может входить в веб-консоль.",
    ),
    "code_exchange_failed": (
        "Кіру аяқталмады: сілтеме ескірген немесе бір рет қолданылған. Қайта кіріп көріңіз.",
        "Вход не завершён: ссылка устарела или уже использована. Попробуйте войти ещё раз.",
    ),
    "provider_unavailable": (
        "Сәйкестендіру қызметі уақытша қолжетімсіз. Сәлден соң қайталаңыз.",
        "Служба идентификации временно недоступна. Повторите попытку чуть позже.",
    ),
}
_GENERIC = (
    "Кіру сәтсіз аяқталды. Қайта кіріп көріңіз.",
    "Вход не выполнен. Попробуйте войти ещё раз.",
)


@dataclass(frozen=True)
class LoginFailed:
    """A login that failed for a reason other than who the person is (403 is for that)."""

    code: str

    @property
    def message_kk(self) -> str:
        return _FAILURES.get(self.code, _GENERIC)[0]

    @property
    def message_ru(self) -> str:
        return _FAILURES.get(self.code, _GENERIC)[1]


def refusal_page(request: HttpRequest, refusal: AccessRefused | LoginFailed) -> HttpResponse:
    own_links = [
        (slug, f"{web_origin(f'{slug}.{settings.BASE_DOMAIN}')}/auth/login/")
        for slug in getattr(refusal, "own_tenants", ())
    ]
    status = 403 if isinstance(refusal, AccessRefused) else 401
    if isinstance(refusal, LoginFailed) and refusal.code == "provider_unavailable":
        status = 503
    context = {
        "code": refusal.code,
        "message_kk": refusal.message_kk,
        "message_ru": refusal.message_ru,
        "own_links": own_links,
        "akimat": getattr(request, "tenant", None),
        # With a Keycloak session of another account, logging in again would only repeat this.
        "switch_account_url": None if settings.LOCAL_IDENTITY else keycloak_logout_url(request),
    }
    return render(request, "accounts/refused.html", context, status=status)
