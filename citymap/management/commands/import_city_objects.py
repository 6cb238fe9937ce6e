"""Import a city's map objects (GeoJSON or CSV) into an akimat: everything or, when a row is
refused, nothing, with every refused row and its reasons listed."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db.models import Q
from django.utils import translation
from django_tenants.utils import tenant_context

from appeals.events import SYSTEM
from citymap.imports.service import import_city_objects
from tenants.models import Akimat


class Command(BaseCommand):
    help = "Import map objects (GeoJSON or CSV; see docs/citymap.md) into an akimat, all or nothing."

    def add_arguments(self, parser):
        parser.add_argument("akimat", help="the akimat's slug or schema name")
        parser.add_argument("file", help="a .geojson/.json or .csv file")
        parser.add_argument(
            "--format", choices=["geojson", "csv"], default="", help="when the name does not say"
        )
        parser.add_argument("--language", choices=["kk", "ru"], default="ru", help="of the refusals")

    def handle(self, *args, **options):
        name = options["akimat"]
        tenant = (
            Akimat.objects.filter(Q(slug=name) | Q(schema_name=name)).exclude(schema_name="public").first()
        )
        if tenant is None:
            raise CommandError(f"no akimat {name!r}")
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"no file {path}")
        with translation.override(options["language"]), tenant_context(tenant):
            report = import_city_objects(
                SYSTEM, path.read_bytes(), filename=path.name, file_format=options["format"]
            )
            if report.file_problem is not None:
                raise CommandError(report.file_problem.text)
            if report.rejected:
                row_word = translation.gettext("row")
                for row in report.rejected:
                    for problem in row.problems:
                        self.stdout.write(
                            f"{row_word} {row.number} {row.kind}:{row.external_id}: {problem.text}"
                        )
                raise CommandError(
                    f"{len(report.rejected)} / {report.rows}: "
                    + translation.gettext("rows refused, nothing was imported")
                )
            self.stdout.write(
                f"{tenant.slug}: {report.rows} rows, {report.created} new, {report.updated} updated, "
                f"{report.links} network links"
            )
