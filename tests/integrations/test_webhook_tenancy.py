"""A webhook hears only its own akimat's appeals (rolled back: outbox rows in this transaction)."""

from __future__ import annotations

from django_tenants.utils import tenant_context

from federation.messaging.models import Message
from integrations import subscriptions
from integrations.feed import WEBHOOK_KIND, on_appeal_event
from testkit.queries import exact_queries
from tests.appeals.conftest import intake
from tests.integrations.conftest import INTEGRATOR

ALL_TYPES = ["appeal.created", "appeal.status_changed", "appeal.updated"]


def test_a_tenants_webhook_never_gets_another_akimats_appeals(tenants):
    with tenant_context(tenants["petropavlovsk"]):
        webhook, _ = subscriptions.create_webhook(
            INTEGRATOR, url="http://127.0.0.1:9/h", event_types=ALL_TYPES
        )
    with tenant_context(tenants["kyzylzhar"]):
        intake(location=None)
    assert not Message.objects.filter(kind=WEBHOOK_KIND).exists()
    with tenant_context(tenants["petropavlovsk"]):
        appeal = intake()
    (message,) = Message.objects.filter(kind=WEBHOOK_KIND)
    assert (message.source_schema, message.target_schema) == ("petropavlovsk", "petropavlovsk")
    assert message.payload["webhook"] == webhook.pk
    assert message.payload["notice"]["appeal"]["number"] == appeal.number
    assert message.ordering_key == f"webhook:{webhook.pk}:appeal:{appeal.number}"


def test_no_webhook_no_query_on_an_appeal_change(petropavlovsk):
    appeal = intake()
    event = appeal.events.get()
    on_appeal_event(appeal, event)  # warms the webhooks' cache
    with exact_queries(0):
        on_appeal_event(appeal, event)
