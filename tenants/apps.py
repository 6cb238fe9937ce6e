from django.apps import AppConfig


class TenantsConfig(AppConfig):
    name = "tenants"
    verbose_name = "Akimats (tenants)"

    def ready(self) -> None:
        from tenants import host_map

        host_map.connect_invalidation()
