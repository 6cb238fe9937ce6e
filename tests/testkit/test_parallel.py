"""testkit.parallel: every pytest-xdist process of `make test` runs on services of its own."""

from __future__ import annotations

import pytest
import requests
from django.conf import settings
from django.db import connection

from testkit.parallel import realm_name, worker_environment

PROFILE = {
    "TEST_WORKERS": "3",
    "REDIS_URL": "redis://127.0.0.1:63791/0",
    "DATABASE_URL": "postgis://ikomek:secret@127.0.0.1:15433/ikomek",
    "IKOMEK_WEB_PORT": "8001",
    "MEDIA_ROOT": "/x/.local/test/media",
    "EMAIL_FILE_PATH": "/x/.local/test/mail",
    "CELERY_BEAT_SCHEDULE_FILENAME": "/x/.local/test/run/celerybeat-schedule",
}


def test_the_first_process_keeps_the_profiles_services():
    assert worker_environment("gw0", PROFILE) == {}


def test_no_two_processes_share_a_realm_a_port_a_redis_database_or_a_folder():
    first = {
        "KEYCLOAK_REALM": "ikomek",
        "IKOMEK_WEB_PORT": "8001",
        "DATABASE_URL": PROFILE["DATABASE_URL"],
        "REDIS_URL": PROFILE["REDIS_URL"],
        "CACHE_REDIS_URL": "redis://127.0.0.1:63791/1",
        "MEDIA_ROOT": PROFILE["MEDIA_ROOT"],
        "EMAIL_FILE_PATH": PROFILE["EMAIL_FILE_PATH"],
        "CELERY_BEAT_SCHEDULE_FILENAME": PROFILE["CELERY_BEAT_SCHEDULE_FILENAME"],
    }
    processes = [first, worker_environment("gw1", PROFILE), worker_environment("gw2", PROFILE)]
    for name in first:
        values = [process[name] for process in processes]
        assert len(set(values)) == 3, (name, values)
    # A backup test's second deployment takes Redis databases 5 and 6 (tests/operations).
    redis_databases = {
        int(p[key].rsplit("/", 1)[1]) for p in processes for key in ("REDIS_URL", "CACHE_REDIS_URL")
    }
    assert len(redis_databases) == 6 and not redis_databases & {5, 6}
    assert worker_environment("gw2", PROFILE)["KEYCLOAK_REALM"] == realm_name(2) == "ikomek-gw2"
    assert (
        worker_environment("gw2", PROFILE)["DATABASE_URL"] == "postgis://ikomek:secret@127.0.0.1:15453/ikomek"
    )


def test_a_process_without_a_realm_of_its_own_is_refused():
    with pytest.raises(ValueError, match="TEST_WORKERS=3"):
        worker_environment("gw3", PROFILE)
    with pytest.raises(ValueError, match="not a pytest-xdist worker id"):
        worker_environment("main", PROFILE)


def test_this_process_runs_on_its_own_realm_redis_and_database_server(request, db):
    worker = getattr(request.config, "workerinput", {}).get("workerid", "gw0")
    number = int(worker.removeprefix("gw"))
    assert realm_name(number) == settings.KEYCLOAK_REALM
    issuer = requests.get(
        f"{settings.KEYCLOAK_URL}/realms/{settings.KEYCLOAK_REALM}/.well-known/openid-configuration",
        timeout=10,
    )
    assert issuer.status_code == 200, "Keycloak did not import this process's realm"
    if hasattr(request.config, "workerinput"):
        assert connection.settings_dict["NAME"].endswith(f"_{worker}")
    if number:
        assert settings.CELERY_BROKER_URL == settings.REDIS_URL
        assert int(settings.REDIS_URL.rsplit("/", 1)[1]) >= 8
