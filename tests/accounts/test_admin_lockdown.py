"""Roles and membership come only from Keycloak: the admin lets nobody grant a role, is_staff or
is_superuser, themselves included; a local superuser gets pages, not 500s."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.test import Client
from django_tenants.utils import schema_context

from tests.accounts.conftest import BrowserLogin, tenant_host


def test_a_regional_admin_cannot_make_themself_superuser(tenants):
    login = BrowserLogin(tenant_host(None))
    login.login("regional-admin")
    with schema_context("public"):
        me = get_user_model().objects.get(username="regional-admin")

    page = login.client.get(f"/admin/auth/user/{me.pk}/change/")
    assert page.status_code == 200  # readable: who is who
    assert 'name="is_superuser"' not in page.content.decode()
    assert 'name="groups"' not in page.content.decode()

    posted = login.client.post(
        f"/admin/auth/user/{me.pk}/change/",
        {"username": "regional-admin", "is_superuser": "on", "is_staff": "on", "is_active": "on"},
    )
    assert posted.status_code == 403
    assert login.client.get("/admin/auth/group/add/").status_code == 403
    assert login.client.get("/admin/auth/user/add/").status_code == 403
    with schema_context("public"):
        me.refresh_from_db()
        assert not me.is_superuser
        assert set(me.groups.values_list("name", flat=True)) == {"regional_admin"}


def test_a_local_superuser_gets_the_outbox_and_the_112_register_without_a_500(tenants):
    with schema_context("public"):
        root = get_user_model().objects.create_superuser("root-local", "root@example.invalid", "x")
    client = Client(HTTP_HOST=tenant_host(None))
    client.force_login(root)

    for path in ("/admin/federation/message/", "/admin/emergency_112/emergencycentre/"):
        response = client.get(path)
        assert response.status_code == 200, (path, response.status_code)
