"""Give a 112 centre a new CAD secret; the old one stays valid for the CAD's callbacks a while."""

import datetime

from django.core.management.base import BaseCommand, CommandError

from federation.emergency_112.centres import RotationRefused, rotate_secret


class Command(BaseCommand):
    help = "Rotate a 112 centre's HMAC secret (printed once); the old one passes during the overlap."

    def add_arguments(self, parser):
        parser.add_argument("slug")
        parser.add_argument("--overlap-hours", type=float, default=24.0)

    def handle(self, *args, **options):
        try:
            centre, secret = rotate_secret(
                options["slug"], overlap=datetime.timedelta(hours=options["overlap_hours"])
            )
        except RotationRefused as error:
            raise CommandError(str(error)) from error
        until = centre.previous_secret_until
        self.stdout.write(f"{centre.slug}: new secret {secret}")
        self.stdout.write(
            f"the previous secret is accepted until {until.isoformat()}"
            if until
            else "no previous secret kept"
        )
