"""What the map tells appeals' intake and assignment through their extension points (appeals
imports nothing of the map): which object an `objectKey` names, and who answers for an appeal's
object."""

from __future__ import annotations

from django.db import connection

from appeals.models import Appeal
from appeals.rules.object_keys import KeyLookup
from appeals.rules.routing import ObjectRoute
from citymap.models import AppealObject, LinkSource, MapObject

# One statement: the object named, and whether the akimat keeps a map at all.
LOOK_UP_KEY = """
SELECT (SELECT id FROM citymap_mapobject WHERE kind = %s AND external_id = %s),
       EXISTS (SELECT 1 FROM citymap_mapobject)
"""


def look_up_object_key(key: str) -> KeyLookup:
    """`kind:external_id` (`building:abaya-12`, `well:W-3`) is an object of the akimat's map."""
    kind, _sep, external_id = key.partition(":")
    with connection.cursor() as cursor:
        cursor.execute(LOOK_UP_KEY, [kind, external_id])
        object_id, has_map = cursor.fetchone()
    return KeyLookup(object_id, checked=has_map)


def link_by_key(appeal: Appeal, object_id: int) -> None:
    """Intake's link: in the intake's transaction, so an appeal never exists without it."""
    AppealObject.objects.create(appeal_id=appeal.pk, map_object_id=object_id, source=LinkSource.OBJECT_KEY)


def route_by_object(appeal: Appeal) -> ObjectRoute | None:
    """The linked object's organisation and person (appeals' routing checks they are active)."""
    found = (
        MapObject.objects.filter(appeal_links__appeal_id=appeal.pk)
        .select_related("organisation", "person")
        .first()
    )
    if found is None:
        return None
    return ObjectRoute(found.organisation, found.person)
