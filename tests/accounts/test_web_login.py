"""Web console login: authorization code with PKCE through Keycloak's real login form."""

from __future__ import annotations

import socket
from urllib.parse import parse_qs, urlparse

import pytest
import requests
from django.contrib.auth import get_user_model
from django.test import Client
from django_tenants.utils import schema_context

from accounts.models import OIDCIdentity
from demo.dev_realm import DEMO_PASSWORD
from observability import health
from testkit.queries import exact_queries
from tests.accounts.conftest import BrowserLogin, openid_endpoint, tenant_host

WEB_TEST_USER = "webtest.petropavlovsk"


@pytest.fixture
def web_test_user(keycloak) -> str:
    """A person of petropavlovsk whom this test may change, reset to a known state."""
    user_id = keycloak.get_user_id(WEB_TEST_USER) or keycloak.create_user(
        {
            "username": WEB_TEST_USER,
            "enabled": True,
            "email": "webtest@demo.ikomek.invalid",
            "emailVerified": True,
            "credentials": [{"type": "password", "value": DEMO_PASSWORD, "temporary": False}],
            "groups": ["/akimats/petropavlovsk"],
        }
    )
    keycloak.update_user(
        user_id, {"firstName": "Айгерім", "lastName": "Серікова", "email": "webtest@demo.ikomek.invalid"}
    )
    current = {role["name"] for role in keycloak.get_realm_roles_of_user(user_id)}
    extra = [keycloak.get_realm_role(name) for name in current & {"analyst", "supervisor"}]
    if extra:
        keycloak.delete_realm_roles_of_user(user_id, extra)
    keycloak.assign_realm_roles(user_id, [keycloak.get_realm_role("operator")])
    keycloak.user_logout(user_id)
    return user_id


def test_login_sends_the_browser_to_keycloak_with_pkce(tenants):
    login = BrowserLogin(tenant_host("petropavlovsk"))
    query = parse_qs(urlparse(login.start()).query)

    assert login.authorize_url.startswith(openid_endpoint("auth"))
    assert query["client_id"] == ["ikomek-web"]
    assert query["response_type"] == ["code"]
    assert query["code_challenge_method"] == ["S256"]
    assert len(query["code_challenge"][0]) == 43
    assert query["redirect_uri"] == [f"http://{tenant_host('petropavlovsk')}/auth/callback/"]


def test_keycloak_refuses_a_code_request_without_pkce(tenants, keycloak):
    """The realm requires PKCE of the web client: a request without a challenge gets no code."""
    response = requests.get(
        openid_endpoint("auth"),
        params={
            "client_id": "ikomek-web",
            "response_type": "code",
            "scope": "openid",
            "redirect_uri": f"http://{tenant_host('petropavlovsk')}/auth/callback/",
        },
        allow_redirects=False,
        timeout=10,
    )
    assert response.status_code == 302
    assert parse_qs(urlparse(response.headers["Location"]).query)["error"] == ["invalid_request"]


def test_authorization_code_login_creates_the_user_from_the_token(tenants, web_test_user):
    login = BrowserLogin(tenant_host("petropavlovsk"))

    landing = login.login(WEB_TEST_USER)

    assert landing.status_code == 302 and landing["Location"] == "/"
    me = login.client.get("/auth/me").json()
    assert (me["username"], me["kind"], me["tenant"], me["roles"]) == (
        WEB_TEST_USER,
        "user",
        "petropavlovsk",
        ["operator"],
    )
    assert me["subject"] == web_test_user
    with schema_context("petropavlovsk"):
        user = get_user_model().objects.get(username=WEB_TEST_USER)
        assert (user.first_name, user.last_name, user.email) == (
            "Айгерім",
            "Серікова",
            "webtest@demo.ikomek.invalid",
        )
        assert set(user.groups.values_list("name", flat=True)) == {"operator"}
        assert OIDCIdentity.objects.get(user=user).subject == web_test_user
        assert not user.has_usable_password()


def test_next_login_updates_name_email_and_roles(tenants, keycloak, web_test_user):
    BrowserLogin(tenant_host("petropavlovsk")).login(WEB_TEST_USER)
    keycloak.update_user(
        web_test_user, {"firstName": "Айгерім", "lastName": "Әлиева", "email": "aigerim@demo.ikomek.invalid"}
    )
    keycloak.delete_realm_roles_of_user(web_test_user, [keycloak.get_realm_role("operator")])
    keycloak.assign_realm_roles(
        web_test_user, [keycloak.get_realm_role("supervisor"), keycloak.get_realm_role("analyst")]
    )
    keycloak.user_logout(web_test_user)

    again = BrowserLogin(tenant_host("petropavlovsk"))
    again.login(WEB_TEST_USER)

    assert again.client.get("/auth/me").json()["roles"] == ["analyst", "supervisor"]
    with schema_context("petropavlovsk"):
        users = get_user_model().objects.filter(oidc_identity__subject=web_test_user)
        assert users.count() == 1  # found again by (issuer, subject), not created twice
        user = users.get()
        assert (user.last_name, user.email) == ("Әлиева", "aigerim@demo.ikomek.invalid")
        assert set(user.groups.values_list("name", flat=True)) == {"analyst", "supervisor"}


@pytest.mark.parametrize("language", ["kk", "ru"])
def test_user_of_another_akimat_is_refused_with_a_clear_page_in_one_language(tenants, language):
    login = BrowserLogin(tenant_host("petropavlovsk"))
    login.client.cookies["django_language"] = language

    page = login.login("operator.kyzylzhar")

    text = page.content.decode()
    words = {
        "kk": "Бұл тіркелгі «Петропавл» әкімдігіне тиесілі емес.",
        "ru": "Эта учётная запись не относится к акимату «Петропавловск».",
    }
    assert page.status_code == 403
    assert f'<html lang="{language}">' in text and 'data-code="wrong_tenant"' in text
    assert words[language] in text
    assert words["ru" if language == "kk" else "kk"] not in text  # one language per screen
    own = {"kk": "Қызылжар ауданы", "ru": "Кызылжарский район"}[language]
    assert f'<a href="http://{tenant_host("kyzylzhar")}/auth/login/">{own}</a>' in text  # where they belong
    assert login.client.get("/auth/me").status_code == 401
    with schema_context("petropavlovsk"):
        assert not get_user_model().objects.filter(username="operator.kyzylzhar").exists()


def test_the_refusal_is_shown_again_in_the_language_switched_to(tenants):
    login = BrowserLogin(tenant_host("petropavlovsk"))
    login.client.cookies["django_language"] = "ru"
    refused = login.login("operator.kyzylzhar")
    assert 'name="next" value="/auth/refused/"' in refused.content.decode()
    assert 'action="/auth/language"' in refused.content.decode()

    switched = login.client.post("/auth/language", {"language": "kk", "next": "/auth/refused/"})
    assert switched.status_code == 302 and switched["Location"] == "/auth/refused/"
    with exact_queries(2):  # the session, the akimat's name
        again = login.client.get("/auth/refused/")
    text = again.content.decode()
    assert again.status_code == 403 and 'data-code="wrong_tenant"' in text
    assert "«Петропавл» әкімдігіне тиесілі емес" in text and "не относится" not in text
    # A browser with no refusal behind it is sent to the start page.
    assert BrowserLogin(tenant_host("petropavlovsk")).client.get("/auth/refused/")["Location"] == "/"


def test_regional_login_and_an_akimat_person_on_the_regional_host(tenants):
    regional = BrowserLogin(tenant_host(None))
    assert regional.login("regional-admin").status_code == 302
    assert regional.client.get("/auth/me").json()["roles"] == ["regional_admin"]

    refused = BrowserLogin(tenant_host(None)).login("operator.petropavlovsk")
    assert refused.status_code == 403
    text = refused.content.decode()
    assert "Областной адрес доступен только областным ролям" in text and 'data-code="not_regional"' in text
    assert "Петропавловск</a>" in text  # their own akimat's address, by its name
    assert 'action="/auth/language"' in text  # the switch works on the regional host too


def test_logout_also_ends_the_keycloak_session(tenants, keycloak, web_test_user):
    login = BrowserLogin(tenant_host("petropavlovsk"))
    login.login(WEB_TEST_USER)
    assert len(keycloak.get_sessions(web_test_user)) == 1

    response = login.client.post("/auth/logout/")

    assert response.status_code == 302
    end_session = urlparse(response["Location"])
    params = parse_qs(end_session.query)
    assert response["Location"].startswith(openid_endpoint("logout"))
    assert params["post_logout_redirect_uri"] == [f"http://{tenant_host('petropavlovsk')}/"]
    assert "id_token_hint" in params
    assert login.client.get("/auth/me").status_code == 401  # our session is gone
    back = login.browser.get(response["Location"], allow_redirects=False, timeout=10)
    assert back.status_code == 302 and back.headers["Location"] == f"http://{tenant_host('petropavlovsk')}/"
    assert keycloak.get_sessions(web_test_user) == []  # and Keycloak's
    # The next login asks for the password again instead of passing straight through.
    login.start()
    assert "login-actions/authenticate" in login.browser.get(login.authorize_url, timeout=10).text


def test_a_replayed_callback_does_not_log_in(tenants, web_test_user):
    login = BrowserLogin(tenant_host("petropavlovsk"))
    login.start()
    callback = login.submit_credentials(WEB_TEST_USER)
    assert login.finish(callback).status_code == 302

    stranger = BrowserLogin(tenant_host("petropavlovsk"))
    stranger.start()  # a session with a state of its own, not the one in the stolen URL
    assert stranger.finish(callback).status_code == 400  # mozilla-django-oidc: unknown state
    assert stranger.client.get("/auth/me").status_code == 401


def test_the_session_principal_costs_three_queries(tenants, web_test_user):
    login = BrowserLogin(tenant_host("petropavlovsk"))
    login.login(WEB_TEST_USER)
    login.client.get("/auth/me")

    # session, user with its identity (one join), the user's role groups
    with exact_queries(3):
        assert login.client.get("/auth/me").status_code == 200


def expire_recheck(login: BrowserLogin) -> None:
    with schema_context("petropavlovsk"):  # sessions live in the akimat's schema
        session = login.client.session
        session["oidc_id_token_expiration"] = 0
        session.save()


def test_session_is_rechecked_with_keycloak_and_ends_with_the_keycloak_session(
    tenants, keycloak, web_test_user
):
    login = BrowserLogin(tenant_host("petropavlovsk"))
    login.login(WEB_TEST_USER)
    assert login.client.get("/auth/me").status_code == 200  # within the re-check interval: no detour

    # Re-check due, Keycloak session alive: a silent round trip, then the page.
    expire_recheck(login)
    detour = login.client.get("/auth/me")
    assert detour.status_code == 302 and "prompt=none" in detour["Location"]
    silent = login.browser.get(detour["Location"], allow_redirects=False, timeout=10)
    assert login.finish(silent.headers["Location"])["Location"] == "/auth/me"
    assert login.client.get("/auth/me").json()["username"] == WEB_TEST_USER

    # Re-check due, Keycloak session ended by an administrator: our session ends too.
    keycloak.user_logout(web_test_user)
    expire_recheck(login)
    detour = login.client.get("/auth/me")
    refused = login.browser.get(detour["Location"], allow_redirects=False, timeout=10)
    assert "error=login_required" in refused.headers["Location"]
    assert login.finish(refused.headers["Location"])["Location"] == "/auth/login/"
    assert login.client.get("/auth/me").status_code == 401


@pytest.mark.parametrize(
    ("language", "said"),
    [("kk", "Сәйкестендіру қызметі уақытша"), ("ru", "Служба идентификации временно недоступна")],
)
def test_with_keycloak_away_the_sign_in_says_so_instead_of_sending_the_browser_there(
    tenants, settings, language, said
):
    closed = socket.create_server(("127.0.0.1", 0))
    settings.KEYCLOAK_URL = f"http://127.0.0.1:{closed.getsockname()[1]}"
    closed.close()  # refuses from here on
    health._keycloak_seen = (0.0, True)
    try:
        client = Client(HTTP_HOST=tenant_host("petropavlovsk"), HTTP_ACCEPT_LANGUAGE=language)
        answer = client.get("/auth/login/")
        text = answer.content.decode()
        assert answer.status_code == 503 and said in text and f'<html lang="{language}">' in text
        assert client.get("/auth/login/").status_code == 503  # remembered a few seconds, not asked again
    finally:
        health._keycloak_seen = (0.0, True)
