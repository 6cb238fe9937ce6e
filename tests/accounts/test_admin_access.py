"""The Django admin opens by the permission matrix and signs in through Keycloak."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django_tenants.utils import schema_context

from testkit.identities import user_with_roles
from tests.accounts.conftest import BrowserLogin, tenant_host


def test_regional_admin_signs_in_through_keycloak_and_gets_the_admin(tenants):
    login = BrowserLogin(tenant_host(None))
    login.login("regional-admin")

    page = login.client.get("/admin/")

    assert page.status_code == 200
    assert "OIDC identities" in page.content.decode()
    with schema_context("public"):
        assert get_user_model().objects.get(username="regional-admin").is_staff


def test_akimat_operator_gets_no_admin_and_no_password_form(tenants):
    login = BrowserLogin(tenant_host("petropavlovsk"))
    login.login("operator.petropavlovsk")

    index = login.client.get("/admin/")
    admin_login = login.client.get(index["Location"])

    assert index.status_code == 302 and index["Location"].startswith("/admin/login/")
    assert admin_login.status_code == 302
    assert admin_login["Location"] == "/auth/login/?next=%2Fadmin%2F"
    with schema_context("petropavlovsk"):
        assert not get_user_model().objects.get(username="operator.petropavlovsk").is_staff


def test_model_permissions_come_from_the_matrix(tenants):
    with schema_context("petropavlovsk"):
        users = {}
        for role in ("platform_admin", "supervisor"):
            user = user_with_roles(f"perm-{role}", role, is_staff=True)
            users[role] = get_user_model().objects.get(pk=user.pk)
        # tenant.admin opens the registry, identities and users; supervisors have no tenant.admin.
        assert users["platform_admin"].has_perm("tenants.change_akimat")
        assert users["platform_admin"].has_module_perms("accounts")
        assert not users["supervisor"].has_perm("tenants.change_akimat")
        assert not users["supervisor"].has_module_perms("auth")
        # An app nobody registered opens for nobody.
        assert not users["platform_admin"].has_perm("unknown_app.view_thing")
