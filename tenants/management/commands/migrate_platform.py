"""Migrate the public schema, then the template schema, then every tenant schema."""

from django.core.management import call_command
from django.core.management.base import BaseCommand

from tenants.template_schema import ensure_template_schema, refresh_catalog_statistics


class Command(BaseCommand):
    help = "Migrate public, the tenant template and all tenant schemas (in that order)."

    def add_arguments(self, parser):
        parser.add_argument("--parallel", type=int, default=1, help="tenant schemas migrated at once")

    def handle(self, *args, **options):
        verbosity = options["verbosity"]
        call_command("migrate_schemas", shared=True, interactive=False, verbosity=verbosity)
        if ensure_template_schema():
            self.stdout.write("template schema migrated")
        tenant_options = {"tenant": True, "interactive": False, "verbosity": verbosity}
        if options["parallel"] > 1:
            tenant_options |= {"executor": "multiprocessing"}
        call_command("migrate_schemas", **tenant_options)
        refresh_catalog_statistics()
