"""Settings, telephone exchange: the secret is shown masked; a rotation shows the new secret once,
which then opens caller ID; the old one works until revoked; the log never holds a secret."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from appeals.actions.telephony import exchange_secret_matches, set_exchange_secret
from appeals.models import CatalogueChange, ExchangeCredential
from tests.consoles.settings.conftest import client_of

pytestmark = pytest.mark.usefixtures("inside")
OLD = "old-secret-of-the-exchange-1234"


def call(client, secret: str) -> int:
    answer = client.post(
        "/telephony/incoming-call",
        json.dumps({"caller": "+77051234567"}),
        content_type="application/json",
        HTTP_X_EXCHANGE_SECRET=secret,
    )
    return answer.status_code


def test_the_secret_is_masked_rotated_once_in_full_and_revoked(supervisor):
    set_exchange_secret("exchange", OLD)
    page = supervisor.get("/console/settings/exchange/")
    text = page.content.decode()
    assert OLD not in text and "••••••••1234" in text
    assert "no-cache" in page["Cache-Control"] or "no-store" in page["Cache-Control"]

    rotated = supervisor.post("/console/settings/exchange/rotate")
    text = rotated.content.decode()
    assert rotated.status_code == 200 and "no-store" in rotated["Cache-Control"]
    new = text.split('id="new-secret" class="secret" value="', 1)[1].split('"', 1)[0]
    assert len(new) >= 32 and exchange_secret_matches(new) and exchange_secret_matches(OLD)
    assert call(supervisor, new) == 201 and call(supervisor, OLD) == 201  # both, while switching over

    again = supervisor.get("/console/settings/exchange/").content.decode()
    assert new not in again and f"••••••••{new[-4:]}" in again  # shown once, masked afterwards

    old = ExchangeCredential.objects.get(label="exchange")
    assert supervisor.post(f"/console/settings/exchange/{old.pk}/revoke").status_code == 302
    assert not exchange_secret_matches(OLD) and call(supervisor, OLD) == 401
    assert exchange_secret_matches(new)

    logged = json.dumps(list(CatalogueChange.objects.values("before", "after", "object_key")))
    assert new not in logged and OLD not in logged and new[-4:] in logged
    assert list(CatalogueChange.objects.order_by("id").values_list("action", flat=True)) == [
        "created",
        "updated",
    ]


def test_the_label_carries_almaty_time_as_the_made_column_does(supervisor):
    supervisor.post("/console/settings/exchange/rotate")
    credential = ExchangeCredential.objects.get()
    stamp = credential.label.removeprefix("exchange-").rsplit("-", 1)[0]
    labelled = datetime.strptime(stamp, "%Y%m%d-%H%M%S").replace(tzinfo=ZoneInfo("Asia/Almaty"))
    # In UTC the label would be five hours behind the column's time.
    assert abs(labelled - credential.created_at) < timedelta(minutes=1)
    made = timezone.localtime(credential.created_at)
    assert f"{made:%d.%m.%Y %H:%M}" in supervisor.get("/console/settings/exchange/").content.decode()


def test_only_the_supervisor_rotates(inside):
    assert client_of("operator").post("/console/settings/exchange/rotate").status_code == 403
    assert not ExchangeCredential.objects.exists()
