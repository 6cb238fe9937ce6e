"""What the map holds: streets, and map objects of every kind (buildings, yards, utility objects with
their network), each with the organisation and person who answer for it."""

from __future__ import annotations

from django.contrib.gis.db import models
from django.db.models.functions import Now

from appeals.models import Organisation, ResponsiblePerson


class ObjectKind(models.TextChoices):
    BUILDING = "building", "Ғимарат / Здание"
    YARD = "yard", "Аула / Двор"
    WELL = "well", "Құдық / Колодец"
    MANHOLE = "manhole", "Люк / Люк"
    SUBSTATION = "substation", "Қосалқы станция / Подстанция"
    BOILER_HOUSE = "boiler_house", "Қазандық / Котельная"
    PIPE = "pipe", "Құбыр / Трубопровод"
    CABLE = "cable", "Кабель / Кабель"
    STREET_LIGHT = "street_light", "Көше шамы / Уличный фонарь"
    ROAD = "road", "Жол / Дорога"


# Kinds that supply others (heat, water, power) and so may serve buildings and one another; an
# outage can be declared through one of them.
NETWORK_KINDS = frozenset(
    {
        ObjectKind.WELL,
        ObjectKind.MANHOLE,
        ObjectKind.SUBSTATION,
        ObjectKind.BOILER_HOUSE,
        ObjectKind.PIPE,
        ObjectKind.CABLE,
    }
)


class Street(models.Model):
    """A street as people name it in both languages; buildings hang on it. `key` is the Russian name
    normalised (one row per street however a file spells it), `search_text` both names folded
    (citymap.search.normalise) for the trigram search."""

    key = models.CharField(max_length=200, unique=True)
    name_kk = models.CharField(max_length=200)
    name_ru = models.CharField(max_length=200)
    search_text = models.CharField(max_length=400)

    class Meta:
        ordering = ["name_ru"]
        # The GIN trigram index on search_text is SQL in migration 0001 (as appeals' 0013 does):
        # an operator class in a model index needs django.contrib.postgres installed.

    def __str__(self) -> str:
        return self.name_ru


class MapObject(models.Model):
    """One object of the map. A building has its address (street, house) and its figures; a yard is
    a polygon with its area; pipes, cables and roads are lines; the rest are points. The external id
    is the one in the akimat's own registers: a re-import updates by it, never duplicates."""

    kind = models.CharField(max_length=20, choices=ObjectKind.choices)
    external_id = models.CharField(max_length=100)
    name_kk = models.CharField(max_length=250, blank=True)
    name_ru = models.CharField(max_length=250, blank=True)

    street = models.ForeignKey(
        Street, null=True, blank=True, on_delete=models.PROTECT, related_name="buildings"
    )
    # Normalised house number ("12а", "12/1", "12к2") and its leading number (for "nearest house" order).
    house = models.CharField(max_length=20, blank=True)
    house_number = models.PositiveIntegerField(null=True, blank=True)
    address_kk = models.CharField(max_length=300, blank=True)
    address_ru = models.CharField(max_length=300, blank=True)

    geometry = models.GeometryField(srid=4326)
    # Where a pin for the object goes: the point itself, a point on a polygon, a line's middle.
    point = models.PointField(srid=4326)
    area_m2 = models.FloatField(null=True, blank=True, help_text="polygons, on the sphere")
    length_m = models.FloatField(null=True, blank=True, help_text="lines, on the sphere")

    apartments = models.PositiveIntegerField(null=True, blank=True)
    floors = models.PositiveSmallIntegerField(null=True, blank=True)
    year_built = models.PositiveSmallIntegerField(null=True, blank=True)
    management_company = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey(
        ResponsiblePerson, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # Names folded for the trigram search by name (a boiler house, a substation); blank when none.
    search_text = models.CharField(max_length=600, blank=True)
    # Whatever else the file said of it (a pipe's diameter, a substation's power), kept as given.
    properties = models.JSONField(default=dict, blank=True)
    imported_at = models.DateTimeField(db_default=Now())
    updated_at = models.DateTimeField(db_default=Now())

    class Meta:
        ordering = ["kind", "external_id"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "external_id"], name="map_object_external_id_unique"),
            models.CheckConstraint(
                condition=models.Q(kind="building")
                | models.Q(apartments__isnull=True, floors__isnull=True, year_built__isnull=True),
                name="map_object_building_figures_only",
            ),
        ]
        indexes = [
            # A street's houses in number order (the address search's second step).
            models.Index(fields=["street", "house_number", "house"], name="map_object_street_house_idx"),
            # The geometry's and the point's GiST indexes come with the fields (spatial_index); the
            # trigram index on search_text is SQL in migration 0001.
        ]

    def __str__(self) -> str:
        return f"{self.kind}:{self.external_id}"

    @property
    def key(self) -> str:
        """How an appeal's objectKey names it: `kind:external_id`."""
        return f"{self.kind}:{self.external_id}"


class ServiceLink(models.Model):
    """The network: `supplier` serves `consumer` (a boiler house a building, a substation a cable, a
    cable a street light). An outage at a supplier reaches every building downstream."""

    supplier = models.ForeignKey(MapObject, on_delete=models.CASCADE, related_name="served_links")
    consumer = models.ForeignKey(MapObject, on_delete=models.CASCADE, related_name="supply_links")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["supplier", "consumer"], name="service_link_unique"),
            models.CheckConstraint(
                condition=~models.Q(supplier=models.F("consumer")), name="service_link_not_itself"
            ),
        ]
        indexes = [models.Index(fields=["consumer"], name="service_link_consumer_idx")]

    def __str__(self) -> str:
        return f"{self.supplier_id} -> {self.consumer_id}"
