"""Bring Keycloak in line with the tenant registry: active akimats provisioned, inactive ones disabled.

A repair, for when Keycloak was down while an akimat was switched off or on (`set_tenant_active`
reaches Keycloak after its commit). With --realm, first brings a realm made by an earlier version
up to this one (accounts.realm_upgrade; needs KEYCLOAK_ADMIN_USER / _PASSWORD). Idempotent.
"""

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError
from django_tenants.utils import get_public_schema_name
from keycloak import KeycloakError

from accounts.keycloak_admin import realm_admin
from accounts.provisioning import KeycloakProvisioningError, disable_tenant_identity, ensure_tenant_identity
from accounts.realm_upgrade import upgrade_realm
from tenants.models import Akimat


class Command(BaseCommand):
    help = "Provision active akimats in Keycloak and disable inactive ones (all, or the slugs given)."

    def add_arguments(self, parser):
        parser.add_argument("slugs", nargs="*")
        parser.add_argument(
            "--realm", action="store_true", help="also add what this version needs to an existing realm"
        )

    def handle(self, *args, **options):
        if settings.LOCAL_IDENTITY:
            raise CommandError("Keycloak is not configured (KEYCLOAK_URL is empty)")
        if options["realm"]:
            try:
                added = upgrade_realm(realm_admin())
            except (ImproperlyConfigured, KeycloakError) as error:
                raise CommandError(f"realm upgrade: {error}") from error
            self.stdout.write(f"realm: {'; '.join(added) if added else 'in line'}")
        akimats = Akimat.objects.exclude(schema_name=get_public_schema_name()).order_by("kato")
        if options["slugs"]:
            akimats = akimats.filter(slug__in=options["slugs"])
            missing = set(options["slugs"]) - {akimat.slug for akimat in akimats}
            if missing:
                raise CommandError(f"no such akimat: {', '.join(sorted(missing))}")
        for akimat in akimats:
            step = ensure_tenant_identity if akimat.is_active else disable_tenant_identity
            try:
                outcome = step(akimat)
            except KeycloakProvisioningError as error:
                raise CommandError(str(error)) from error
            self.stdout.write(f"{akimat.slug}: {outcome or 'in line'}")
