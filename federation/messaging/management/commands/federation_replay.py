"""Replay dead letters: given ids, or every dead message matching filters."""

from django.core.management.base import BaseCommand, CommandError

from federation.messaging.deadletters import dead_letters, operator_principal, replay


class Command(BaseCommand):
    help = "Send dead messages again with a fresh attempt budget (ids, or --all-dead with filters)."

    def add_arguments(self, parser):
        parser.add_argument("ids", nargs="*", help="message ids")
        parser.add_argument("--all-dead", action="store_true", help="every dead message (see filters)")
        parser.add_argument("--kind")
        parser.add_argument("--source")
        parser.add_argument("--target")
        parser.add_argument("--reason", default="", help="recorded with the replay")
        parser.add_argument("--actor", help="who replays (default: the operating-system user)")

    def handle(self, *args, **options):
        ids = list(options["ids"])
        if options["all_dead"]:
            ids += [
                str(pk)
                for pk in dead_letters(
                    kind=options["kind"], source=options["source"], target=options["target"]
                ).values_list("id", flat=True)
            ]
        elif options["kind"] or options["source"] or options["target"]:
            raise CommandError("--kind, --source and --target narrow --all-dead; add --all-dead")
        if not ids:
            raise CommandError("give message ids, or --all-dead")
        result = replay(ids, actor=operator_principal(options["actor"]), reason=options["reason"])
        for message_id in result.replayed:
            self.stdout.write(f"replayed {message_id}")
        for message_id, why in result.refused.items():
            self.stderr.write(f"refused {message_id}: {why}")
        self.stdout.write(f"{len(result.replayed)} replayed, {len(result.refused)} refused")
        if result.refused and not result.replayed:
            raise CommandError("nothing was replayed")
