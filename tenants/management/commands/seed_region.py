"""Register the region and onboard its 14 akimats from the shipped data (idempotent)."""

from django.core.management.base import BaseCommand

from tenants.onboarding import ensure_region, onboard_tenant
from tenants.region_data import region_spec, tenant_specs


class Command(BaseCommand):
    help = "Register the North Kazakhstan region and onboard Petropavlovsk and the 13 districts."

    def add_arguments(self, parser):
        parser.add_argument("--only", nargs="*", help="onboard only these slugs")

    def handle(self, *args, **options):
        region = ensure_region(region_spec())
        self.stdout.write(
            f"region: {'registered' if region.created else 'present'} ({region.tenant.name_ru})"
        )
        only = set(options["only"] or [])
        for spec in tenant_specs():
            if only and spec.slug not in only:
                continue
            result = onboard_tenant(spec)
            state = "onboarded" if result.created else ("updated" if result.changed else "present")
            self.stdout.write(f"{spec.slug}: {state} ({result.seconds:.2f}s)")
