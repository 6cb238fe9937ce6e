"""Demo data for `make run`: each app adds its own through demo.seeders (idempotent)."""

from django.core.management.base import BaseCommand

from demo.seeders import run_seeders


class Command(BaseCommand):
    help = "Fill the demo tenants with demo data (idempotent)."

    def handle(self, *args, **options):
        for line in run_seeders():
            self.stdout.write(line)
