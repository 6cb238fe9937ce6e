"""Wipe the sandbox akimat's appeals; refuses any akimat that is not the sandbox."""

from django.core.management.base import BaseCommand, CommandError
from django_tenants.utils import tenant_context

from appeals.sandbox import NotSandbox, wipe_sandbox_appeals
from tenants.models import Akimat
from tenants.sandbox import SANDBOX_SLUG


class Command(BaseCommand):
    help = (
        "Remove every appeal (with its history, 112 forwards, files...) of the integrators' sandbox "
        "akimat. Catalogue, webhooks and clients stay. Refuses a real akimat."
    )

    def add_arguments(self, parser):
        parser.add_argument("slug", nargs="?", default=SANDBOX_SLUG, help=f"default: {SANDBOX_SLUG}")

    def handle(self, *args, **options):
        slug = options["slug"]
        tenant = Akimat.objects.filter(slug=slug).exclude(schema_name="public").first()
        if tenant is None:
            raise CommandError(f"no akimat {slug!r}")
        if not tenant.is_sandbox:
            raise CommandError(f"{slug!r} is a real akimat, not the sandbox: nothing wiped")
        try:
            with tenant_context(tenant):
                wiped = wipe_sandbox_appeals()
        except NotSandbox as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            f"{slug}: {wiped.appeals} appeal(s), {wiped.events} event(s) and {wiped.files} file(s) removed"
        )
