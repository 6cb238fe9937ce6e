"""Keycloak as production runs it: infra/keycloak/keycloak.conf, built and started in production mode
(`kc.sh build`, `kc.sh start --optimized`) on an external PostgreSQL, with the issuer pinned and TLS
at a proxy, importing the production realm file alone (no development secrets, no people).

One real Keycloak from the project's own download, unpacked afresh (a build rewrites its files), on
its own database of the test PostgreSQL server."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import time
import uuid
import zipfile
from collections.abc import Iterator

import psycopg
import pytest
import requests
from django.conf import settings

from testkit.processes import ROOT

pytestmark = pytest.mark.slow

VERSION = os.environ.get("KEYCLOAK_VERSION", "26.7.3")
ZIP = ROOT / ".local" / "downloads" / f"keycloak-quarkus-dist-{VERSION}.zip"
JAVA_HOME = os.environ.get("KC_JAVA_HOME", "/usr/lib/jvm/temurin-25-jdk-amd64")
PUBLIC_URL = "https://id.ikomek.example.kz"
DEV_SECRETS = json.loads((ROOT / "platform/keycloak/dev-client-secrets.json").read_text())["secrets"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def admin_connection(dbname: str = "postgres") -> psycopg.Connection:
    db = settings.DATABASES["default"]
    return psycopg.connect(
        host=db["HOST"],
        port=db["PORT"],
        user=db["USER"],
        password=db["PASSWORD"],
        dbname=dbname,
        autocommit=True,
    )


@pytest.fixture(scope="module")
def production_keycloak(tmp_path_factory) -> Iterator[dict]:
    home = tmp_path_factory.mktemp("kc-prod")
    with zipfile.ZipFile(ZIP) as archive:
        archive.extractall(home)
    kc = home / f"keycloak-{VERSION}"
    for script in (kc / "bin").glob("*.sh"):
        script.chmod(0o755)
    shutil.copy(ROOT / "infra/keycloak/keycloak.conf", kc / "conf/keycloak.conf")
    (kc / "data/import").mkdir(parents=True)
    shutil.copy(ROOT / "platform/keycloak/ikomek-realm.json", kc / "data/import/ikomek-realm.json")
    database = f"kc_prod_{uuid.uuid4().hex[:8]}"
    with admin_connection() as conn:
        conn.execute(f'CREATE DATABASE "{database}"')
    db = settings.DATABASES["default"]
    http, management = free_port(), free_port()
    env = {
        **os.environ,
        "JAVA_HOME": JAVA_HOME,
        "KC_DB_URL": f"jdbc:postgresql://{db['HOST']}:{db['PORT']}/{database}",
        "KC_DB_USERNAME": db["USER"],
        "KC_DB_PASSWORD": db["PASSWORD"],
        "KC_HOSTNAME": PUBLIC_URL,
        "KC_HTTP_HOST": "127.0.0.1",
        "KC_HTTP_PORT": str(http),
        "KC_HTTP_MANAGEMENT_PORT": str(management),
        "KC_BOOTSTRAP_ADMIN_USERNAME": "bootstrap-admin",
        "KC_BOOTSTRAP_ADMIN_PASSWORD": uuid.uuid4().hex,
        # One node here: the cluster's discovery through the database would wait for peers.
        "KC_CACHE": "local",
    }
    log = (home / "keycloak.log").open("w")
    built = subprocess.run([kc / "bin/kc.sh", "build"], env=env, capture_output=True, text=True, timeout=400)
    assert built.returncode == 0, built.stdout[-3000:] + built.stderr[-3000:]
    process = subprocess.Popen(
        [kc / "bin/kc.sh", "start", "--optimized", "--import-realm"],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline:
            assert process.poll() is None, (home / "keycloak.log").read_text()[-4000:]
            try:
                if requests.get(f"http://127.0.0.1:{management}/health/ready", timeout=2).ok:
                    break
            except requests.ConnectionError:
                pass
            time.sleep(1)
        else:
            pytest.fail("Keycloak did not become ready:\n" + (home / "keycloak.log").read_text()[-4000:])
        yield {
            "base": f"http://127.0.0.1:{http}",
            "management": f"http://127.0.0.1:{management}",
            "database": database,
            "log": home / "keycloak.log",
            "built": built.stdout,
        }
    finally:
        os.killpg(process.pid, 15)
        process.wait(timeout=60)
        log.close()
        with admin_connection() as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')


def test_it_runs_in_production_mode_on_the_external_database(production_keycloak):
    log = production_keycloak["log"].read_text()
    assert "development mode" not in log.lower()
    with admin_connection(production_keycloak["database"]) as conn:
        realms = {row[0] for row in conn.execute("SELECT name FROM realm")}
    assert realms == {"master", "ikomek"}


def test_the_issuer_is_the_pinned_public_url_whatever_the_request_says(production_keycloak):
    discovery = "/realms/ikomek/.well-known/openid-configuration"
    for headers in (
        {},
        {"Host": "attacker.example.com"},
        {"X-Forwarded-Host": "attacker.example.com", "X-Forwarded-Proto": "http"},
    ):
        answer = requests.get(production_keycloak["base"] + discovery, headers=headers, timeout=10)
        assert answer.status_code == 200, answer.text
        assert answer.json()["issuer"] == f"{PUBLIC_URL}/realms/ikomek", headers
        assert answer.json()["authorization_endpoint"].startswith(f"{PUBLIC_URL}/"), headers


def test_the_production_realm_knows_no_development_secret_and_no_person(production_keycloak):
    token_url = production_keycloak["base"] + "/realms/ikomek/protocol/openid-connect/token"
    for client_id, secret in DEV_SECRETS.items():
        answer = requests.post(
            token_url,
            data={"grant_type": "client_credentials", "client_id": client_id, "client_secret": secret},
            timeout=10,
        )
        # Keycloak's word for a wrong secret: invalid_client, or unauthorized_client for some clients.
        refused = (answer.status_code, answer.json()["error"])
        assert refused in {(401, "invalid_client"), (401, "unauthorized_client")}, (client_id, answer.text)
    with admin_connection(production_keycloak["database"]) as conn:
        people = conn.execute(
            "SELECT u.username FROM user_entity u JOIN realm r ON r.id = u.realm_id "
            "WHERE r.name = 'ikomek' AND u.service_account_client_link IS NULL"
        ).fetchall()
    assert people == []


def test_metrics_and_health_are_on_the_management_port_only(production_keycloak):
    assert requests.get(production_keycloak["management"] + "/metrics", timeout=10).ok
    assert requests.get(production_keycloak["base"] + "/health/ready", timeout=10).status_code == 404
