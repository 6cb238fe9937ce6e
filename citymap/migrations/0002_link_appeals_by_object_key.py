"""objectKey became a reference to the map (issue 14, phase 2): appeals taken before, whose key
names an object of the akimat's map, are linked to it (what `link_appeals_by_object_key` does; the
SQL is copied so the migration stays as it was when the code moves on)."""

from django.db import migrations

LINK_BY_KEYS = """
INSERT INTO citymap_appealobject (appeal_id, map_object_id, source, linked_at, linked_by)
SELECT a.id, o.id, 'object_key', now(), ''
  FROM appeals_appeal a
  JOIN citymap_mapobject o ON a.object_key = o.kind || ':' || o.external_id
 WHERE a.object_key <> ''
ON CONFLICT (appeal_id) DO NOTHING
"""


class Migration(migrations.Migration):
    dependencies = [("citymap", "0001_initial")]

    operations = [migrations.RunSQL(LINK_BY_KEYS, reverse_sql=migrations.RunSQL.noop)]
