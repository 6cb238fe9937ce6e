from django.apps import AppConfig


class IkomekConfig(AppConfig):
    """The wiring app; listed last so its ready() sees every other app ready."""

    name = "ikomek"
    verbose_name = "iKOMEK"

    def ready(self) -> None:
        from django.core.management.commands import makemigrations
        from django_tenants.management.commands import migrate_schemas

        # pgtrigger extends the migration autodetector (triggers live in migrations); django-tenants
        # replaces `migrate` with migrate_schemas, so give it the same one (Django checks they match).
        migrate_schemas.Command.autodetector = makemigrations.Command.autodetector
