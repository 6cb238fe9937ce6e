"""/readyz turns 503 and names the dependency when Redis goes away; Keycloak down is "degraded"."""

from __future__ import annotations

import pytest
from django.test import Client, override_settings

from testkit.processes import private_redis


@pytest.mark.slow
def test_readyz_goes_503_when_redis_stops(tenants, tmp_path):
    client = Client(HTTP_HOST="petropavlovsk.localhost")
    with private_redis(tmp_path) as (url, process), override_settings(REDIS_URL=url):
        ready = client.get("/readyz")
        assert ready.status_code == 200, ready.json()

        process.kill()
        process.wait(timeout=10)
        down = client.get("/readyz")

    assert down.status_code == 503
    body = down.json()
    assert body["status"] == "unavailable"
    assert body["checks"]["redis"]["ok"] is False
    assert "ConnectionError" in body["checks"]["redis"]["error"]
    assert body["checks"]["database"]["ok"] is True
    assert body["checks"]["keycloak"]["ok"] is True
    # Liveness is about the process only.
    assert client.get("/healthz").status_code == 200


def test_readyz_stays_200_but_says_degraded_when_keycloak_is_unreachable(tenants):
    """The web keeps serving with the keys and statuses it holds; a load balancer must not pull it."""
    from testkit.processes import free_port

    with override_settings(KEYCLOAK_URL=f"http://127.0.0.1:{free_port()}", LOCAL_IDENTITY=False):
        response = Client(HTTP_HOST="localhost").get("/readyz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "degraded"
    assert body["checks"]["keycloak"] | {"ms": 0, "error": ""} == {
        "ok": False,
        "critical": False,
        "ms": 0,
        "error": "",
    }
    assert body["checks"]["database"]["ok"] and body["checks"]["redis"]["ok"]
