"""Give an akimat's telephone exchange its shared secret (printed once; only its hash is stored)."""

import secrets

from django.core.management.base import BaseCommand, CommandError
from django_tenants.utils import tenant_context

from appeals.actions.telephony import set_exchange_secret
from tenants.models import Akimat


class Command(BaseCommand):
    help = "Set (or rotate) the caller-ID shared secret of an akimat's telephone exchange."

    def add_arguments(self, parser):
        parser.add_argument("slug")
        parser.add_argument("--label", default="exchange")
        parser.add_argument("--secret", help="use this secret instead of a generated one")

    def handle(self, *args, **options):
        tenant = Akimat.objects.filter(slug=options["slug"]).exclude(schema_name="public").first()
        if tenant is None:
            raise CommandError(f"no akimat {options['slug']!r}")
        secret = options["secret"] or secrets.token_urlsafe(32)
        if len(secret) < 16:
            raise CommandError("the secret must have at least 16 characters")
        with tenant_context(tenant):
            set_exchange_secret(options["label"], secret)
        self.stdout.write(secret)
