"""Migrate the public schema, then the template schema, then every tenant schema (several at once
with --parallel: each akimat's schema is independent of the others)."""

import os

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from tenants.parallel_migrations import ParallelExecutor
from tenants.template_schema import ensure_template_schema, refresh_catalog_statistics


class Command(BaseCommand):
    help = "Migrate public, the tenant template and all tenant schemas (in that order)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--parallel",
            type=int,
            default=int(os.environ.get("MIGRATE_PARALLEL", "1")),
            help="tenant schemas migrated at once (default: $MIGRATE_PARALLEL or 1)",
        )

    def handle(self, *args, **options):
        verbosity = options["verbosity"]
        call_command("migrate_schemas", shared=True, interactive=False, verbosity=verbosity)
        if ensure_template_schema():
            self.stdout.write("template schema migrated")
        tenant_options = {"tenant": True, "interactive": False, "verbosity": verbosity}
        if options["parallel"] > 1:
            # A pool of processes, one schema each at a time, each with its own connection.
            settings.TENANT_MULTIPROCESSING_MAX_PROCESSES = options["parallel"]
            tenant_options |= {"executor": ParallelExecutor.codename}
        call_command("migrate_schemas", **tenant_options)
        refresh_catalog_statistics()
