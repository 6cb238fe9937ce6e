"""What every edit of the akimat's catalogues shares: the permission check, the snapshot of an
entry before and after, and the change-log row written in the edit's own transaction."""

from __future__ import annotations

import datetime
import json
from collections.abc import Iterable
from decimal import Decimal

from django.contrib.gis.geos import GEOSGeometry
from django.db import connection, transaction
from django.db.models import Model

from accounts.permissions import Operation
from accounts.principal import Principal
from appeals.catalogue.schema_cache import bump_catalogue_generation
from appeals.events import acting_role
from appeals.models import CatalogueChange
from appeals.transitions import authorise

Snapshot = dict[str, object]


def require_manager(actor: Principal) -> None:
    """Only `catalogue.manage` (the supervisor) edits the akimat's settings."""
    authorise(actor, Operation.CATALOGUE_MANAGE)


def _plain(value: object) -> object:
    """A value as JSON keeps it: geometry as GeoJSON, dates as ISO text, decimals as text."""
    if isinstance(value, GEOSGeometry):
        return json.loads(value.geojson)
    if isinstance(value, datetime.date | datetime.datetime):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    return value


def snapshot(entry: Model, fields: Iterable[str]) -> Snapshot:
    return {name: _plain(getattr(entry, name)) for name in fields}


def record_change(
    actor: Principal,
    subject: str,
    action: str,
    entry_key: str,
    entry_id: int | None,
    before: Snapshot,
    after: Snapshot,
    note: str = "",
) -> CatalogueChange | None:
    """One row of the change log with the fields that differ (all of them on create and delete);
    nothing when nothing changed. Must run inside the edit's transaction."""
    if not connection.in_atomic_block:
        raise RuntimeError("catalogue changes are recorded inside the transaction of the edit")
    if before and after:
        changed = [name for name in after if before.get(name) != after.get(name)]
        if not changed:
            return None
        before = {name: before.get(name) for name in changed}
        after = {name: after[name] for name in changed}
    # Every process forgets its cached catalogues once this commits (see schema_cache).
    transaction.on_commit(bump_catalogue_generation)
    return CatalogueChange.objects.create(
        subject=subject,
        action=action,
        object_key=entry_key[:200],
        object_id=entry_id,
        before=before,
        after=after,
        actor_subject=actor.subject,
        actor_name=actor.display_name or actor.username,
        actor_role=acting_role(actor, Operation.CATALOGUE_MANAGE),
        note=note[:300],
    )
