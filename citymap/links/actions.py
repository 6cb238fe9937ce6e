"""Linking appeals to map objects."""

from __future__ import annotations

from django.db import connection, transaction
from django.utils.translation import gettext_lazy as _

from accounts.permissions import Operation
from accounts.principal import Principal
from appeals.models import Appeal
from citymap.access import authorise
from citymap.errors import CityMapError, say
from citymap.models import AppealObject, LinkSource, MapObject

NO_APPEAL = _("There is no appeal number {number}.")
NO_OBJECT = _("There is no such object on the map.")


def link_appeal_to_object(
    actor: Principal, number: int, object_id: int, *, source: str = LinkSource.OPERATOR
) -> AppealObject:
    """The appeal is about this object (a new link replaces the old one)."""
    authorise(actor, Operation.APPEAL_ROUTE)
    appeal_id = Appeal.objects.filter(number=number).values_list("id", flat=True).first()
    if appeal_id is None:
        raise CityMapError.of("number", "not_found", say(NO_APPEAL, number=number))
    if not MapObject.objects.filter(pk=object_id).exists():
        raise CityMapError.of("objectId", "not_found", NO_OBJECT)
    with transaction.atomic():
        link, _created = AppealObject.objects.update_or_create(
            appeal_id=appeal_id,
            defaults={"map_object_id": object_id, "source": source, "linked_by": actor.subject},
        )
    return link


LINK_BY_KEYS = """
INSERT INTO citymap_appealobject (appeal_id, map_object_id, source, linked_at, linked_by)
SELECT a.id, o.id, %(source)s, now(), ''
  FROM appeals_appeal a
  JOIN citymap_mapobject o ON a.object_key = o.kind || ':' || o.external_id
 WHERE a.object_key <> ''
ON CONFLICT (appeal_id) DO NOTHING
"""


def link_appeals_by_object_key() -> int:
    """Every appeal whose `objectKey` names an object of the map (`building:abaya-12`) and has no
    link yet gets one; returns how many. The demo runs it, and so will phase 2's migration of
    objectKey into a reference."""
    with connection.cursor() as cursor:
        cursor.execute(LINK_BY_KEYS, {"source": LinkSource.OBJECT_KEY.value})
        return cursor.rowcount
