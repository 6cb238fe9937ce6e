"""graphql/README.md's "From zero, in Python", followed literally: the guide's own script (read
out of the guide, not copied) runs as an akimat's system would, against a real gunicorn, the real
Keycloak (the client's secret as `make run` shows it), a relay worker and a webhook receiver on
loopback: a token, a webhook, an appeal, reading it back, catching up, a refusal; then the webhook
it asked for is received and verified with the secret the script was given."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connections
from django_tenants.utils import tenant_context

from accounts.keycloak_admin import provisioner
from accounts.provisioning import ensure_tenant_identity
from federation.messaging.kicks import forget_all_marks
from ikomek.celery import app
from integrations.models import Webhook
from testkit.browser import web_server
from testkit.processes import QUICK_RELAY_ENV, celery_worker, free_port, wait_until
from testkit.webhook_receiver import WebhookReceiver
from tests.accounts.conftest import tenant_host

README = Path(__file__).resolve().parents[2] / "graphql" / "README.md"
CLIENT = "integrator-petropavlovsk"
# Browsers and curl send *.localhost to loopback (RFC 6761); Python's resolver does not, so the
# guide has the reader add the name to /etc/hosts. Here the script's interpreter does the same.
LOCALHOST_NAMES = """
import socket
_resolve = socket.getaddrinfo
def _loopback(host, *args, **kwargs):
    if isinstance(host, str) and host.endswith(".localhost"):
        host = "127.0.0.1"
    return _resolve(host, *args, **kwargs)
socket.getaddrinfo = _loopback
"""


def guide_script() -> str:
    return re.search(r"```python\n(# quickstart\.py.*?)```", README.read_text(encoding="utf-8"), re.S).group(
        1
    )


@pytest.mark.slow
def test_an_integrator_follows_the_guide_from_zero(onboarded, django_db_blocker, tmp_path):
    city = onboarded["petropavlovsk"]
    with django_db_blocker.unblock():
        ensure_tenant_identity(city)  # its integrator client, as onboarding left it
    admin = provisioner()
    secret = admin.get_client_secrets(admin.get_client_id(CLIENT))["value"]
    (tmp_path / "quickstart.py").write_text(guide_script(), encoding="utf-8")
    (tmp_path / "sitecustomize.py").write_text(LOCALHOST_NAMES, encoding="utf-8")
    # Down until the script has told us the webhook's secret: deliveries wait and are retried.
    receiver = WebhookReceiver(port=free_port())
    app.control.purge()
    forget_all_marks()
    env = os.environ | {
        "IKOMEK_HOST": f"http://{tenant_host('petropavlovsk')}",
        "IKOMEK_TOKEN_URL": f"{settings.KEYCLOAK_URL}/realms/{settings.KEYCLOAK_REALM}"
        "/protocol/openid-connect/token",
        "IKOMEK_CLIENT_ID": CLIENT,
        "IKOMEK_CLIENT_SECRET": secret,
        "IKOMEK_WEBHOOK_URL": receiver.url,
        "PYTHONPATH": str(tmp_path),
    }
    try:
        with (
            django_db_blocker.unblock(),
            web_server(tmp_path / "web.log"),
            celery_worker(tmp_path / "worker.log", "-Q", "webhooks", "-n", "guide@%h", env=QUICK_RELAY_ENV),
        ):
            run = subprocess.run(
                [sys.executable, str(tmp_path / "quickstart.py")],
                env=env, capture_output=True, text=True, timeout=120, cwd=tmp_path,
            )  # fmt: skip
            assert run.returncode == 0, run.stdout + run.stderr + (tmp_path / "web.log").read_text()[-3000:]
            said = {line.split()[0]: line.split()[1:] for line in run.stdout.splitlines()}
            number = int(said["created"][0])
            assert said["created"][1] == "RECEIVED"
            assert said["read"][:2] == [str(number), "RECEIVED"] and "•" in " ".join(said["read"][2:])
            assert str(number) in " ".join(said["changed"])
            assert said["refused"] == ["applicantName", "too_long"]
            receiver.secret = said["webhook"][2]
            receiver.start()
            created = lambda: [n for n in receiver.notices if n["appeal"]["number"] == number]  # noqa: E731
            assert wait_until(lambda: created(), timeout=40), (tmp_path / "worker.log").read_text()[-3000:]
        (notice,) = created()
        assert notice["type"] == "appeal.created" and notice["akimat"] == "petropavlovsk"
        assert 401 not in receiver.answered  # every delivery verified with the secret the guide kept
    finally:
        receiver.stop()
        with django_db_blocker.unblock(), tenant_context(city):
            Webhook.objects.filter(url=receiver.url).delete()
        connections.close_all()
