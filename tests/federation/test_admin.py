"""Dead letters in the Django admin: on the regional host for platform admins, nowhere on an akimat's host."""

from __future__ import annotations

from django.db import connection
from django.test import Client
from django.utils import timezone
from django_tenants.utils import tenant_context

from federation.messaging.models import Message, MessageState
from federation.messaging.outbox import send
from federation.messaging.probe import KIND as PROBE
from testkit.identities import logged_in, user_with_roles
from testkit.queries import exact_queries

CHANGELIST = "/admin/federation/message/"


def dead_letter(tenant: object, error: str = "PermanentError: unknown reference 'x'") -> Message:
    with tenant_context(tenant):
        message_id = send(PROBE, {"token": "t"}, target="public")
    Message.objects.filter(pk=message_id).update(
        state=MessageState.DEAD, attempts=1, last_error=error, dead_at=timezone.now()
    )
    return Message.objects.get(pk=message_id)


def regional_staff(username: str, *roles: str, superuser: bool = False) -> Client:
    """A staff member with these roles, logged in on the regional host."""
    user = user_with_roles(username, *roles, is_staff=True, is_superuser=superuser)
    return logged_in(user, host="localhost")


def test_platform_admin_sees_dead_letters_with_their_error_on_the_regional_host(tenants):
    dead = dead_letter(tenants["esil"])
    response = regional_staff("ops", "platform_admin").get(CHANGELIST + "?dead=yes")
    assert response.status_code == 200
    page = response.content.decode()
    assert "unknown reference" in page and "esil" in page
    detail = regional_staff("ops2", "platform_admin").get(f"{CHANGELIST}{dead.pk}/change/")
    assert detail.status_code == 200 and str(dead.pk) in detail.content.decode()


def test_staff_without_the_federation_role_is_refused(tenants):
    dead_letter(tenants["esil"])
    client = regional_staff("viewer", "regional_viewer")
    assert client.get(CHANGELIST).status_code == 403
    assert "federation/message" not in client.get("/admin/").content.decode()


def test_an_akimat_admin_never_sees_the_outbox_even_as_superuser(tenants):
    dead_letter(tenants["kyzylzhar"])
    client = Client(HTTP_HOST="esil.localhost")
    with tenant_context(tenants["esil"]):  # users and sessions live in the akimat's schema
        client.force_login(user_with_roles("root", is_staff=True, is_superuser=True))
    assert client.get(CHANGELIST).status_code == 403
    index = client.get("/admin/")
    assert index.status_code == 200 and "federation/message" not in index.content.decode()
    connection.set_schema_to_public()


def test_the_replay_action_requeues_dead_letters_only(tenants):
    dead = dead_letter(tenants["esil"])
    with tenant_context(tenants["esil"]):
        delivered_id = send(PROBE, {"token": "t"}, target="public")
    Message.objects.filter(pk=delivered_id).update(state=MessageState.DELIVERED)
    client = regional_staff("ops", "platform_admin")
    response = client.post(
        CHANGELIST,
        {"action": "replay_dead", "_selected_action": [str(dead.pk), str(delivered_id)]},
        follow=True,
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "сообщений отправлено повторно: 1" in page and "not dead (state: delivered)" in page
    dead.refresh_from_db()
    assert (dead.state, dead.replays, dead.attempts) == (MessageState.PENDING, 1, 0)
    assert dead.events.get().actor == "ops"


# session, user, roles; the counts (filtered, total), the page, the date range, the filters' choices
# (days, kinds, sources, targets)
CHANGELIST_QUERIES = 11


def test_the_changelist_costs_the_same_queries_for_one_or_many_messages(tenants):
    client = regional_staff("ops", "platform_admin", superuser=True)
    dead_letter(tenants["esil"])
    client.get(CHANGELIST)  # warm-up: sessions, content types

    def changelist() -> str:
        with exact_queries(CHANGELIST_QUERIES):
            response = client.get(CHANGELIST)
        assert response.status_code == 200
        return response.content.decode()

    assert changelist().count('name="_selected_action"') == 1
    for _ in range(10):
        dead_letter(tenants["kyzylzhar"])
    assert changelist().count('name="_selected_action"') == 11
