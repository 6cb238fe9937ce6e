"""Run as its own process: send one probe, then die by SIGKILL right after the commit, before the kick.

    python -m tests.federation.sender <source schema> <target schema> <token>

This is the crash the outbox exists for: the change and its message are committed, the process that
would have told the relay is gone, and only the sweep can find the message.
"""

from __future__ import annotations

import os
import signal
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ikomek.settings")
    import django

    django.setup()
    from django.db import transaction
    from django_tenants.utils import schema_context

    from federation.messaging.outbox import send

    source, target, marker = sys.argv[1:4]
    with schema_context(source), transaction.atomic():
        # Registered before send()'s own on-commit kick, so it runs first.
        transaction.on_commit(lambda: os.kill(os.getpid(), signal.SIGKILL))
        message_id = send("federation.probe", {"token": marker}, target=target)
        print(message_id, flush=True)


if __name__ == "__main__":
    main()
