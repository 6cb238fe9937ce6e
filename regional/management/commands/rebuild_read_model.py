"""Fill (or refill) the regional read model from the akimats' own appeals, through the federation layer.

Each akimat sends the current state of all its appeals to the region as `appeals.status_batch`
messages from its own schema (its outbox, as for any change); the region applies a state only where
it is newer than what it holds, so a second run, or a run while live messages flow, changes nothing
that is already right. By default the command delivers what it sent itself (the relay would too).
"""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django_tenants.utils import get_public_schema_name, schema_context

from federation.messaging.delivery import Result, deliver_in_order
from federation.messaging.models import DeliveredVia
from federation.read_model_feed import send_backfill
from regional import rebuild
from tenants.models import Akimat


class Command(BaseCommand):
    help = (
        "Send every akimat's appeals to the regional read model again (idempotent); repair or check tallies."
    )

    def add_arguments(self, parser):
        parser.add_argument("slugs", nargs="*", help="only these akimats (default: every active one)")
        parser.add_argument(
            "--no-deliver", action="store_true", help="leave the messages to the relay (Celery worker)"
        )
        parser.add_argument(
            "--tallies", action="store_true", help="only recompute the tallies from the facts"
        )
        parser.add_argument(
            "--check",
            action="store_true",
            help="only compare the tallies with the facts (exit 1 when they differ)",
        )

    def handle(self, *args, slugs, no_deliver, tallies, check, **options):
        if check:
            found = rebuild.differences()
            for line in found:
                self.stdout.write(line)
            if found:
                raise CommandError("the tallies differ from the facts; run with --tallies to recompute them")
            self.stdout.write("tallies agree with the facts")
            return
        if tallies:
            status_rows, daily_rows = rebuild.rebuild_tallies()
            self.stdout.write(f"tallies recomputed: {status_rows} status rows, {daily_rows} daily rows")
            return
        public = get_public_schema_name()
        akimats = Akimat.objects.in_region().filter(is_active=True).exclude(schema_name=public)
        if slugs:
            akimats = akimats.filter(slug__in=slugs)
            missing = set(slugs) - set(akimats.values_list("slug", flat=True))
            if missing:
                raise CommandError(f"no active akimat named {', '.join(sorted(missing))}")
        for akimat in akimats.defer("boundary").order_by("kato"):
            started = time.monotonic()
            with schema_context(akimat.schema_name):
                message_ids = send_backfill()
            connection.set_schema_to_public()
            applied = 0
            if not no_deliver:
                for message_id in message_ids:
                    reports = deliver_in_order(message_id, via=DeliveredVia.DIRECT)
                    applied += sum(r.result in (Result.DELIVERED, Result.DONE_ALREADY) for r in reports)
            self.stdout.write(
                f"{akimat.slug}: {len(message_ids)} message(s) sent"
                + ("" if no_deliver else f", {applied} delivered")
                + f" in {time.monotonic() - started:.1f} s"
            )
