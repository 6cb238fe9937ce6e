from django.apps import AppConfig
from django.db import connection


class AppealsConfig(AppConfig):
    name = "appeals"
    verbose_name = "Appeals (the 109 service)"

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from appeals.catalogue.cache import forget_categories
        from appeals.catalogue.seed import seed_base_catalogue
        from appeals.models import CalendarException, Category
        from appeals.rules.calendar import forget_tenant_calendar
        from tenants import lifecycle

        # In-process caches are forgotten when catalogues are edited (settings pages, fixtures);
        # other processes see the change within the caches' lifetime.
        def categories_changed(**_kwargs: object) -> None:
            forget_categories(connection.schema_name)

        def calendar_changed(**_kwargs: object) -> None:
            forget_tenant_calendar(connection.schema_name)

        for name, signal in (("save", post_save), ("delete", post_delete)):
            signal.connect(
                categories_changed, sender=Category, weak=False, dispatch_uid=f"appeals-category-{name}"
            )
            signal.connect(
                calendar_changed,
                sender=CalendarException,
                weak=False,
                dispatch_uid=f"appeals-calendar-{name}",
            )

        # Every new akimat starts with the base catalogues; re-running onboarding changes nothing.
        lifecycle.register_initializer("appeals-catalogue", seed_base_catalogue)
