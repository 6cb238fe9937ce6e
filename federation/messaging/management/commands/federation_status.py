"""Show the federation layer's state: messages by state and kind, timings, dead letters."""

import json
from datetime import timedelta

from django.core.management.base import BaseCommand
from django.utils import timezone

from federation.messaging.deadletters import dead_letters
from federation.messaging.status import summary


class Command(BaseCommand):
    help = "Outbox messages by state and kind, delivery timings, and the dead letters (with --dead)."

    def add_arguments(self, parser):
        parser.add_argument("--json", action="store_true", help="machine-readable output")
        parser.add_argument("--dead", action="store_true", help="list the dead letters with their errors")
        parser.add_argument("--kind", help="with --dead: only this kind")
        parser.add_argument("--source", help="with --dead: only from this schema")
        parser.add_argument("--target", help="with --dead: only to this schema")
        parser.add_argument("--limit", type=int, default=50, help="dead letters shown (default 50)")
        parser.add_argument("--window-minutes", type=int, default=60, help="timings over this window")

    def handle(self, *args, **options):
        if options["dead"]:
            return self._dead(options)
        data = summary(window=timedelta(minutes=options["window_minutes"]), dead_limit=options["limit"])
        if options["json"]:
            self.stdout.write(json.dumps(data, ensure_ascii=False, indent=2))
            return
        states = data["states"]
        self.stdout.write("messages: " + ", ".join(f"{state} {n}" for state, n in states.items()))
        self.stdout.write(f"due now: {data['due_now']}")
        if data["oldest_open_seconds"] is not None:
            self.stdout.write(f"oldest open message: {data['oldest_open_seconds']} s")
        timing = data["delivered_in_window"]
        self.stdout.write(
            f"delivered in the last {options['window_minutes']} min: {timing['count']}"
            + (
                f" (commit to acknowledgement p50 {timing['latency_p50_ms']} ms, "
                f"p99 {timing['latency_p99_ms']} ms; handler p50 {timing['handler_p50_ms']} ms; "
                f"attempts avg {timing['attempts_avg']}, max {timing['attempts_max']}; "
                f"{timing['superseded']} superseded by a newer state of their key)"
                if timing["count"]
                else ""
            )
        )
        for kind, counts in data["kinds"].items():
            shown = ", ".join(f"{state} {n}" for state, n in counts.items() if n)
            self.stdout.write(f"  {kind}: {shown}")
        if states["dead"]:
            self.stdout.write(
                self.style.WARNING(f"{states['dead']} dead letter(s): federation_status --dead to list")
            )

    def _dead(self, options):
        messages = dead_letters(kind=options["kind"], source=options["source"], target=options["target"])
        rows = list(messages[: options["limit"]])
        if options["json"]:
            self.stdout.write(
                json.dumps(
                    [
                        {
                            "id": str(m.pk),
                            "kind": m.kind,
                            "source": m.source_schema,
                            "target": m.target_schema,
                            "attempts": m.attempts,
                            "dead_at": m.dead_at.isoformat() if m.dead_at else None,
                            "error": m.last_error,
                        }
                        for m in rows
                    ],
                    ensure_ascii=False,
                    indent=2,
                )
            )
            return
        if not rows:
            self.stdout.write("no dead letters")
            return
        for m in rows:
            dead_at = f"{timezone.localtime(m.dead_at):%Y-%m-%d %H:%M:%S%z}" if m.dead_at else "?"
            self.stdout.write(
                f"{m.pk}  {m.kind}  {m.source_schema} -> {m.target_schema}  attempts {m.attempts}  "
                f"dead {dead_at}\n    {m.last_error}"
            )
