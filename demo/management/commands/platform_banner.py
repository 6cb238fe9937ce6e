"""What `make run` prints once everything is up: URLs and demo logins."""

from django.conf import settings
from django.core.management.base import BaseCommand
from django_tenants.utils import get_public_schema_name

from demo.dev_realm import banner_lines
from tenants.models import Akimat


class Command(BaseCommand):
    help = "Print the platform's URLs and demo logins."

    def add_arguments(self, parser):
        parser.add_argument("--web-port", default="8000")
        parser.add_argument("--logs", default="", help="where the workers' and the web's logs are")

    def handle(self, *args, **options):
        port = options["web_port"]
        base = settings.BASE_DOMAIN
        lines = ["", "iKOMEK is up. Ctrl-C stops everything.", ""]
        lines.append(
            f"  Region (public schema):  http://{base}:{port}/   GraphQL: http://{base}:{port}/graphql/"
        )
        for akimat in Akimat.objects.exclude(schema_name=get_public_schema_name()).order_by("kato"):
            label = "  (sandbox: nothing reaches 112 or the region)" if akimat.is_sandbox else ""
            lines.append(f"  {akimat.name_en:<28} http://{akimat.slug}.{base}:{port}/{label}")
        lines.append(
            "  On each akimat's host: /appeal/ (citizens send), /track/ (follow), /figures/ (public figures),"
            " /open-data/ (datasets), /open311/v2/requests.json (Open311)"
        )
        lines.append(f"  Health: http://{base}:{port}/healthz   Readiness: http://{base}:{port}/readyz")
        if settings.KEYCLOAK_URL:
            admin = f"admin / {settings.KEYCLOAK_ADMIN_PASSWORD}"
            lines.append(f"  Keycloak admin: {settings.KEYCLOAK_URL}/admin/  ({admin})")
        else:
            lines.append("  WARNING: Keycloak not configured; local development identity in use.")
        if options["logs"]:
            where = options["logs"]
            lines.append(f"  Logs: workers, beat and web requests in {where}/, nginx in .local/dev/nginx/")
        lines += banner_lines(port)
        self.stdout.write("\n".join(lines) + "\n")
