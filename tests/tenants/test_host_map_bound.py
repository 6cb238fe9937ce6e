"""Made-up hosts under the base domain are answered (404) and remembered, but the host map stays
bounded: the least recently used entries go first, real akimats' hosts keep resolving."""

from __future__ import annotations

from django.test import Client

from tenants import host_map


def test_junk_hosts_cannot_grow_the_host_map(tenants, settings, monkeypatch):
    settings.ALLOWED_HOSTS = ["*"]
    monkeypatch.setattr(host_map, "MAX_HOSTS", 40)  # the production bound, scaled down for speed
    client = Client()
    for n in range(host_map.MAX_HOSTS + 50):
        assert client.get("/healthz", HTTP_HOST=f"junk{n}.localhost").status_code == 404
        if n % 10 == 0:  # a real akimat in use stays near the fresh end
            assert client.get("/healthz", HTTP_HOST="esil.localhost").status_code == 200

    assert host_map.size() == host_map.MAX_HOSTS
    assert host_map.lookup("esil.localhost").slug == "esil"
