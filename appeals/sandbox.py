"""Wiping the sandbox akimat's appeals (`manage.py reset_sandbox`): integrators start again from an
empty list. Only ever in the sandbox's schema: the check is here, not only in the command.

Everything that hangs on an appeal goes with it (events, 112 forwards and alarms, call-backs,
violations, notifications, attachments and their files, map links); the catalogue, the webhooks and
the integrators' clients stay. Appeal numbers and event ids are not restarted: a number or a
`changedSince` cursor an integrator kept never comes to mean another appeal.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import connection, transaction

from appeals.models import Appeal, AppealEvent, Attachment
from tenants.sandbox import current_is_sandbox


class NotSandbox(RuntimeError):
    """reset_sandbox was asked to run in a real akimat's schema: nothing was touched."""


@dataclass(frozen=True)
class Wiped:
    appeals: int
    events: int
    files: int


def wipe_sandbox_appeals() -> Wiped:
    """Remove every appeal of the current schema, which must be the sandbox's."""
    if not current_is_sandbox():
        raise NotSandbox(f"{connection.schema_name!r} is a real akimat, not the sandbox: nothing wiped")
    with transaction.atomic():
        # Rows of other transactions wait for the wipe rather than reference rows it removes.
        with connection.cursor() as cursor:
            cursor.execute(f"LOCK TABLE {Appeal._meta.db_table} IN ACCESS EXCLUSIVE MODE")
        appeals, events = Appeal.objects.count(), AppealEvent.objects.count()
        files = list(Attachment.objects.values_list("file", flat=True))
        with connection.cursor() as cursor:
            # Checks deferred to the commit run now: TRUNCATE refuses a table with pending ones.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            # CASCADE: every table of this schema that references an appeal (and what hangs on those).
            cursor.execute(f"TRUNCATE {Appeal._meta.db_table} CASCADE")
        storage = Attachment._meta.get_field("file").storage
        # The files go only once the rows are gone for good.
        transaction.on_commit(lambda: [storage.delete(name) for name in files if name])
    return Wiped(appeals=appeals, events=events, files=len(files))
