"""Settings fail closed: only `development` and `test` are not production, production refuses known
secrets and plain HTTP, and a production web answers over HTTPS only (probes exempt).

Each case starts Django in its own process with that environment, as a deployment would.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from ikomek.settings_guard import DEVELOPMENT_SECRET_KEY
from testkit.paths import ROOT
from testkit.processes import env_for_test_database, free_port

pytestmark = pytest.mark.slow  # every test here starts Django in a process of its own

GOOD_SECRET_KEY = "k" * 64
# Production as a deployment sets it; Keycloak is a closed port here (the check that asks it
# whether it takes development secrets can only warn), except where a test says otherwise.
PRODUCTION = {
    "IKOMEK_ENV": "production",
    "DJANGO_SECRET_KEY": GOOD_SECRET_KEY,
    "DJANGO_ALLOWED_HOSTS": "localhost,.localhost",
    "KEYCLOAK_WEB_CLIENT_SECRET": "w" * 40,
    "KEYCLOAK_PROVISIONER_SECRET": "p" * 40,
}
OURS = ("DJANGO_", "KEYCLOAK_", "EMERGENCY_", "IKOMEK_ENV", "SENTRY_DSN")


def run(code: str, env: dict[str, str | None]) -> subprocess.CompletedProcess:
    """`code` after django.setup() in a new process; a None value removes the variable."""
    environment = {k: v for k, v in env_for_test_database().items() if not k.startswith(OURS)}
    environment |= {"DJANGO_SETTINGS_MODULE": "ikomek.settings", "KEYCLOAK_URL": closed_url()}
    environment |= env
    environment = {k: v for k, v in environment.items() if v is not None}
    return subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=90,
    )


def closed_url() -> str:
    return f"http://127.0.0.1:{free_port()}"


def start(**env: str | None) -> subprocess.CompletedProcess:
    return run("print('started')", PRODUCTION | env)


# ------------------------------------------------------------------ the environment's name
@pytest.mark.parametrize("name", ["prod", "Production", "staging", "", None])
def test_an_unknown_or_missing_environment_refuses_to_start(name):
    result = start(IKOMEK_ENV=name, DJANGO_DEBUG="true", DJANGO_SECRET_KEY=None)
    assert result.returncode != 0 and "started" not in result.stdout
    shown = "not set" if not name else repr(name)  # django-environ reads an empty value as unset
    assert f"IKOMEK_ENV is {shown}; set it to one of: development, test, production" in result.stderr


@pytest.mark.parametrize("name", ["development", "test"])
def test_the_two_non_production_environments_start_with_development_defaults(name):
    result = run(
        "from django.conf import settings as s; from ikomek.settings_guard import DEVELOPMENT_SECRET_KEY; "
        "print(s.PRODUCTION, s.DEBUG, s.SECRET_KEY == DEVELOPMENT_SECRET_KEY)",
        {"IKOMEK_ENV": name},
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["False", "True", "True"]


# ------------------------------------------------------------------ production refusals (settings)
@pytest.mark.parametrize(
    ("env", "named"),
    [
        ({"DJANGO_SECRET_KEY": DEVELOPMENT_SECRET_KEY}, "DJANGO_SECRET_KEY must be set"),
        ({"DJANGO_SECRET_KEY": None}, "DJANGO_SECRET_KEY must be set"),
        ({"DJANGO_SECRET_KEY": "short-but-not-empty"}, "DJANGO_SECRET_KEY must be set"),
        ({"DJANGO_DEBUG": "true"}, "DEBUG must be off"),
        ({"EMERGENCY_CAD_ALLOW_PLAIN_HTTP": "true"}, "CAD endpoints are https:// only"),
        ({"DJANGO_SECURE_HSTS_SECONDS": "0"}, "DJANGO_SECURE_HSTS_SECONDS must be positive"),
        ({"KEYCLOAK_URL": ""}, "the local development identity is not allowed"),
    ],
)
def test_production_refuses_unsafe_settings(env, named):
    result = start(**env)
    assert result.returncode != 0 and "started" not in result.stdout
    assert "Refusing to start in production" in result.stderr
    assert named in result.stderr


def test_production_settings_are_https_only():
    result = run(
        "from django.conf import settings as s; import json; print(json.dumps([s.DEBUG, "
        "s.SECURE_SSL_REDIRECT, s.SECURE_PROXY_SSL_HEADER, s.SECURE_HSTS_SECONDS, "
        "s.SECURE_HSTS_INCLUDE_SUBDOMAINS, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, "
        "s.EMERGENCY_CAD_ALLOW_PLAIN_HTTP, s.SECURE_REDIRECT_EXEMPT]))",
        PRODUCTION,
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == [
        False,
        True,
        ["HTTP_X_FORWARDED_PROTO", "https"],
        31_536_000,
        True,
        True,
        True,
        False,
        ["^healthz$", "^readyz$"],
    ]


# ------------------------------------------------------------------ production refusals (start checks)
WEB_START = "import ikomek.wsgi; print('started')"


@pytest.mark.parametrize(
    "secrets",
    [
        {"KEYCLOAK_WEB_CLIENT_SECRET": "ikomek-web-dev-secret"},
        {"KEYCLOAK_PROVISIONER_SECRET": "ikomek-provisioner-dev-secret"},
        {"KEYCLOAK_WEB_CLIENT_SECRET": None},
    ],
)
def test_the_production_web_refuses_development_or_empty_client_secrets(secrets):
    result = run(WEB_START, PRODUCTION | secrets)
    assert result.returncode != 0 and "started" not in result.stdout
    assert "Refusing to start the web in production" in result.stderr
    assert "accounts.E001" in result.stderr
    (variable,) = secrets
    name = {"KEYCLOAK_WEB_CLIENT_SECRET": "OIDC_RP_CLIENT_SECRET"}.get(variable, variable)
    assert f"{name} is empty or the development value" in result.stderr


def test_a_production_worker_refuses_development_client_secrets(tmp_path):
    environment = {k: v for k, v in env_for_test_database().items() if not k.startswith(OURS)}
    environment |= PRODUCTION | {
        "KEYCLOAK_URL": closed_url(),
        "KEYCLOAK_WEB_CLIENT_SECRET": "ikomek-web-dev-secret",
        "DJANGO_SETTINGS_MODULE": "ikomek.settings",
    }
    result = subprocess.run(
        [sys.executable, "-m", "celery", "-A", "ikomek", "worker", "--pool", "solo", "--without-mingle"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=90,
    )
    assert result.returncode != 0
    assert "Refusing to start the worker in production" in result.stderr + result.stdout
    assert "accounts.E001" in result.stderr + result.stdout


# ------------------------------------------------------------------ a production web, over HTTP
PROBE = r"""
import json
import ikomek.wsgi  # the web's start: the deployment checks pass
from django.test import Client

def seen(response):
    return {
        "status": response.status_code,
        "location": response.get("Location"),
        "hsts": response.get("Strict-Transport-Security"),
        "secure_cookies": {name: bool(m["secure"]) for name, m in response.cookies.items()},
        "body": response.content[:2000].decode(errors="replace"),
    }

# The sign-in sends a browser on only to a Keycloak that answers (decision 108): its discovery
# document is answered here, for the sign-in's cookies to be seen.
import http.server, threading
from django.conf import settings

class Discovery(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b"{}")

    def log_message(self, *args):
        pass

discovery = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Discovery)
threading.Thread(target=discovery.serve_forever, daemon=True).start()
settings.KEYCLOAK_URL = f"http://127.0.0.1:{discovery.server_address[1]}"

browser = Client(HTTP_HOST="esil.localhost")
https = {"HTTP_X_FORWARDED_PROTO": "https"}
graphql = {"path": "/graphql/", "content_type": "application/json", **https}
print(json.dumps({
    "plain_page": seen(browser.get("/track/?lang=ru")),
    "plain_healthz": seen(browser.get("/healthz")),
    "plain_readyz": seen(browser.get("/readyz")),
    "https_page": seen(browser.get("/track/", **https)),
    "https_login": seen(browser.get("/auth/login/", **https)),
    "graphiql": seen(browser.get("/graphql/", HTTP_ACCEPT="text/html", **https)),
    "introspection": seen(browser.post(data={"query": "{ __schema { types { name } } }"}, **graphql)),
    "query": seen(browser.post(data={"query": "{ akimat { slug } }"}, **graphql)),
}))
"""


@pytest.fixture(scope="module")
def production_web(onboarded: dict) -> dict[str, dict]:
    result = run(PROBE, PRODUCTION)
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_plain_http_is_redirected_to_https(production_web):
    page = production_web["plain_page"]
    assert page["status"] == 301
    assert page["location"] == "https://esil.localhost/track/?lang=ru"


def test_the_load_balancers_probes_are_answered_over_plain_http(production_web):
    assert production_web["plain_healthz"]["status"] == 200
    assert production_web["plain_healthz"]["body"] == "ok"
    # Ready or not (Keycloak is a closed port here), the probe gets its answer, not a redirect.
    assert production_web["plain_readyz"]["status"] in (200, 503)
    assert production_web["plain_readyz"]["location"] is None


def test_https_behind_the_proxy_gets_hsts_and_secure_cookies(production_web):
    page, login = production_web["https_page"], production_web["https_login"]
    assert page["status"] == 200
    assert page["hsts"] == "max-age=31536000; includeSubDomains; preload"
    assert page["secure_cookies"]["csrftoken"] is True
    assert login["status"] == 302 and login["location"].startswith("http://127.0.0.1:")  # to Keycloak
    assert login["secure_cookies"]["sessionid"] is True


def test_no_graphiql_and_no_introspection_in_production(production_web):
    graphiql = production_web["graphiql"]
    assert graphiql["status"] == 400 and "graphiql" not in graphiql["body"].lower()
    introspection = json.loads(production_web["introspection"]["body"])
    assert introspection.get("data") is None
    # Said in both languages (no Accept-Language), the schema's file named.
    assert "Интроспекция отключена" in introspection["errors"][0]["message"]
    assert "graphql/schema.graphql" in introspection["errors"][0]["message"]
    # The API itself still answers over HTTPS.
    assert json.loads(production_web["query"]["body"]) == {"data": {"akimat": {"slug": "esil"}}}


def test_development_serves_graphiql_as_the_counterpart():
    """The same probe in development: GraphiQL is there, so its absence above is production's doing."""
    result = run(
        "from django.test import Client; "
        "r = Client(HTTP_HOST='esil.localhost').get('/graphql/', HTTP_ACCEPT='text/html'); "
        "print(r.status_code, 'graphiql' in r.content.decode().lower())",
        # DEBUG off, as `make run` runs: GraphiQL does not hang on DEBUG.
        {
            "IKOMEK_ENV": "development",
            "DJANGO_DEBUG": "false",
            "KEYCLOAK_URL": os.environ.get("KEYCLOAK_URL", ""),
        },
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.split() == ["200", "True"]
