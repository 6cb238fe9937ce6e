"""Register the region, onboard its 14 akimats from the shipped data and the integrators' sandbox
(idempotent)."""

from django.core.management.base import BaseCommand

from tenants.onboarding import ensure_region, onboard_tenant
from tenants.region_data import region_spec, tenant_specs
from tenants.sandbox import sandbox_spec


class Command(BaseCommand):
    help = (
        "Register the North Kazakhstan region and onboard Petropavlovsk, the 13 districts and the "
        "integrators' sandbox akimat (nothing of it reaches 112 or the region)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--only", nargs="*", help="onboard only these slugs (`sandbox` included)")
        parser.add_argument("--no-sandbox", action="store_true", help="do not onboard the sandbox")

    def handle(self, *args, **options):
        region = ensure_region(region_spec())
        self.stdout.write(
            f"region: {'registered' if region.created else 'present'} ({region.tenant.name_ru})"
        )
        only = set(options["only"] or [])
        specs = tenant_specs() + ([] if options["no_sandbox"] else [sandbox_spec()])
        for spec in specs:
            if only and spec.slug not in only:
                continue
            result = onboard_tenant(spec)
            state = "onboarded" if result.created else ("updated" if result.changed else "present")
            label = " (integrators' sandbox: nothing reaches 112 or the region)" if spec.is_sandbox else ""
            self.stdout.write(f"{spec.slug}: {state} ({result.seconds:.2f}s){label}")
