"""Helpers of the regional and cross-akimat tests: deliver what is pending in this process, wipe
committed appeals afterwards, regional staff clients."""

from __future__ import annotations

from django.contrib.auth.models import Group, User
from django.db import connection
from django.test import Client
from django_tenants.utils import get_public_schema_name, schema_context

from federation.messaging.delivery import deliver_in_order
from federation.messaging.models import DeliveredVia, Message, MessageState
from regional.models import AppealFact
from regional.rebuild import rebuild_tallies


def deliver_pending(rounds: int = 20) -> int:
    """Deliver every due message in this process (what the relay does), until none is left."""
    delivered = 0
    connection.set_schema_to_public()
    for _ in range(rounds):
        due = list(
            Message.objects.filter(state__in=(MessageState.PENDING, MessageState.RETRYING))
            .order_by("created_at")
            .values_list("id", flat=True)
        )
        if not due:
            return delivered
        for message_id in due:
            delivered += len(deliver_in_order(message_id, via=DeliveredVia.DIRECT))
    return delivered


def forget_committed_appeals(*schemas: str) -> None:
    """Wipe what committed tests left in real akimats and their facts in the read model (events are
    append-only row by row; TRUNCATE is how a test database drops them). Escalations stay: their
    history is append-only too, and tests count their own."""
    for schema in schemas:
        with connection.cursor() as cursor:
            cursor.execute(f'TRUNCATE "{schema}".appeals_appeal CASCADE')
    with schema_context(get_public_schema_name()):
        AppealFact.objects.filter(schema__in=schemas).delete()
        rebuild_tallies()


def regional_client(username: str, *roles: str) -> Client:
    """Regional staff signed in on the regional host."""
    with schema_context(get_public_schema_name()):
        user = User.objects.create_user(username=username, password="x", first_name=username.title())
        for role in roles:
            user.groups.add(Group.objects.get_or_create(name=role)[0])
    client = Client(HTTP_HOST="localhost")
    client.force_login(user)
    return client
