"""Model instances built from rows that our own SQL wrote (intake, events): the hot paths insert
with one written-out statement instead of the ORM's, then build the instance from what it returned."""

from __future__ import annotations

from typing import TypeVar

from django.db import connection
from django.db.models import Model

M = TypeVar("M", bound=Model)


def as_stored(instance: M) -> M:
    """Mark `instance` as loaded from the database, as the ORM would after its own insert: a later
    save() updates the row instead of inserting it again, and relations read from the same alias."""
    instance._state.adding = False
    instance._state.db = connection.alias
    return instance
