"""Where each appeal stands in its akimat's change feed (`appeals(changedSince:)`).

One row per appeal, written only by a database trigger on the event log (AppealEvent.Meta.triggers):
the latest event (the state's version), its time, and the id of the transaction that wrote it. A
table of its own, not columns of the appeal: an `appeal.save()` of a copy read before the event
could not put an older mark back, and the appeal row (and its many indexes) is not written twice.

The feed pages by (change_xid, appeal) and only below the oldest transaction still running, so a
change that commits late is never behind a cursor already handed out (appeals/reads/changes.py).
"""

from __future__ import annotations

from django.db import models

from appeals.models.appeal import Appeal


class AppealChangeMark(models.Model):
    appeal = models.OneToOneField(
        Appeal, primary_key=True, on_delete=models.CASCADE, related_name="change_mark"
    )
    last_event_id = models.BigIntegerField()
    changed_at = models.DateTimeField()
    change_xid = models.BigIntegerField()

    class Meta:
        indexes = [models.Index(fields=["change_xid", "appeal"], name="appeal_change_feed_idx")]

    def __str__(self) -> str:
        return f"appeal {self.appeal_id}: event {self.last_event_id} in transaction {self.change_xid}"
