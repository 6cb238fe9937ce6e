"""Deactivate or reactivate an akimat."""

from django.core.management.base import BaseCommand, CommandError

from tenants.models import Akimat
from tenants.onboarding import set_tenant_active
from tenants.validation import TenantValidationError


class Command(BaseCommand):
    help = "Deactivate (--off) or reactivate (--on) an akimat's 109 service."

    def add_arguments(self, parser):
        parser.add_argument("slug")
        group = parser.add_mutually_exclusive_group(required=True)
        group.add_argument("--on", action="store_true")
        group.add_argument("--off", action="store_true")

    def handle(self, *args, **options):
        try:
            changes = set_tenant_active(options["slug"], active=options["on"])
        except Akimat.DoesNotExist as error:
            raise CommandError(f"no akimat {options['slug']!r}") from error
        except TenantValidationError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(", ".join(changes) or "no change")
