"""Identity and access: who is calling (a Principal) and what each role may do (the permission matrix)."""

from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Identity and access"

    def ready(self) -> None:
        from accounts import checks, keycloak_admin, tokens  # noqa: F401 - signal receivers, checks
        from accounts.provisioning import (
            disable_tenant_identity,
            ensure_tenant_identity,
            remove_tenant_identity,
        )
        from tenants import lifecycle

        # `tenants` knows nothing of Keycloak: we plug into its lifecycle.
        lifecycle.register_initializer("keycloak", ensure_tenant_identity, undo=remove_tenant_identity)
        lifecycle.register_deactivator("keycloak", disable_tenant_identity)
        lifecycle.register_activator("keycloak", ensure_tenant_identity)
        lifecycle.register_restorer("keycloak", ensure_tenant_identity)
