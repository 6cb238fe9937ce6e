"""Onboard one akimat: from the shipped region data by slug, or from explicit values."""

import json
from pathlib import Path

from django.contrib.gis.geos import GEOSGeometry
from django.core.management.base import BaseCommand, CommandError

from tenants.onboarding import onboard_tenant
from tenants.region_data import tenant_spec
from tenants.specs import TenantSpec
from tenants.validation import TenantValidationError


class Command(BaseCommand):
    help = (
        "Onboard an akimat (create its schema, domain and base catalogues). Idempotent. "
        "With only a slug, the values come from tenants/data/north-kazakhstan."
    )

    def add_arguments(self, parser):
        parser.add_argument("slug")
        parser.add_argument("--kato")
        parser.add_argument("--kind", choices=["city", "district"])
        parser.add_argument("--name-kk")
        parser.add_argument("--name-ru")
        parser.add_argument("--name-en", default="")
        parser.add_argument(
            "--boundary", type=Path, help="GeoJSON file: a geometry, Feature or FeatureCollection"
        )

    def handle(self, *args, **options):
        spec = self._spec(options)
        try:
            result = onboard_tenant(spec)
        except TenantValidationError as error:
            raise CommandError(str(error)) from error
        verb = "onboarded" if result.created else ("updated" if result.changed else "already onboarded")
        self.stdout.write(f"{result.tenant.slug}: {verb} in {result.seconds:.2f}s")
        for change in result.changes:
            self.stdout.write(f"  - {change}")

    def _spec(self, options) -> TenantSpec:
        explicit = any(options[key] for key in ("kato", "kind", "name_kk", "name_ru", "boundary"))
        if not explicit:
            try:
                return tenant_spec(options["slug"])
            except KeyError as error:
                raise CommandError(
                    f"{error.args[0]}; or give --kato, --kind, --name-kk, --name-ru and --boundary"
                ) from error
        missing = [key for key in ("kato", "kind", "name_kk", "name_ru", "boundary") if not options[key]]
        if missing:
            raise CommandError("missing: " + ", ".join("--" + key.replace("_", "-") for key in missing))
        return TenantSpec(
            slug=options["slug"],
            kato=options["kato"],
            kind=options["kind"],
            name_kk=options["name_kk"],
            name_ru=options["name_ru"],
            name_en=options["name_en"],
            boundary=_read_geometry(options["boundary"]),
        )


def _read_geometry(path: Path | str) -> GEOSGeometry:
    path = Path(path)
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise CommandError(f"cannot read boundary {path}: {error}") from error
    if document.get("type") == "FeatureCollection":
        document = document["features"][0]
    if document.get("type") == "Feature":
        document = document["geometry"]
    try:
        return GEOSGeometry(json.dumps(document), srid=4326)
    except (ValueError, TypeError) as error:
        raise CommandError(f"boundary {path} is not a GeoJSON geometry: {error}") from error
