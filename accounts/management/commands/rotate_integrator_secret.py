"""Give an akimat's integrator a new client secret and print it (hand it over by a safe channel)."""

from django.core.management.base import BaseCommand, CommandError

from accounts.provisioning import KeycloakProvisioningError, rotate_integrator_secret


class Command(BaseCommand):
    help = "New client secret for integrator-<akimat>; the old one stops working at once."

    def add_arguments(self, parser):
        parser.add_argument("slug", help="the akimat's slug, e.g. petropavlovsk")

    def handle(self, *args, **options):
        try:
            secret = rotate_integrator_secret(options["slug"])
        except KeycloakProvisioningError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(f"integrator-{options['slug']}: {secret}")
