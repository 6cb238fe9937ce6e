"""Catalogues of one akimat: categories with their SLA policy, the working calendar's exceptions,
responsible organisations and their people, and routing rules (category x area -> organisation)."""

from __future__ import annotations

from django.contrib.gis.db import models
from django.contrib.postgres.fields import ArrayField


class SlaCalendar(models.TextChoices):
    ROUND_THE_CLOCK = "round_the_clock", "Тәулік бойы / Круглосуточно"
    WORKING_DAYS = "working_days", "Жұмыс күндері / Рабочие дни"


class Priority(models.TextChoices):
    LOW = "low", "Төмен / Низкий"
    NORMAL = "normal", "Қалыпты / Обычный"
    HIGH = "high", "Жоғары / Высокий"
    CRITICAL = "critical", "Шұғыл / Критический"


class Service112(models.TextChoices):
    FIRE = "101", "101 — өрт сөндіру / пожарная служба"
    POLICE = "102", "102 — полиция"
    AMBULANCE = "103", "103 — жедел жәрдем / скорая помощь"
    GAS = "104", "104 — газ қызметі / газовая служба"


class Category(models.Model):
    """A kind of appeal. Its SLA policy decides the deadline; its repeat rule the duplicate search."""

    code = models.SlugField(max_length=60, unique=True)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    name_kk = models.CharField(max_length=200)
    name_ru = models.CharField(max_length=200)
    sort_order = models.PositiveIntegerField(default=0)
    is_housing_utilities = models.BooleanField(default=False, help_text="ЖКХ / ТКШ")
    is_active = models.BooleanField(default=True)
    # The words callers use for the problem ("свет", "жарық жоқ"), any language: intake's search.
    keywords = ArrayField(models.CharField(max_length=60), default=list, db_default=[], blank=True)
    # SLA policy: target time counted on the calendar (wall hours, or working hours 09:00-18:00).
    sla_calendar = models.CharField(
        max_length=20, choices=SlaCalendar.choices, default=SlaCalendar.WORKING_DAYS
    )
    sla_hours = models.PositiveIntegerField(default=27)
    warn_before_hours = models.PositiveIntegerField(default=4)
    default_priority = models.CharField(max_length=10, choices=Priority.choices, default=Priority.NORMAL)
    is_emergency = models.BooleanField(default=False)
    services_112 = ArrayField(
        models.CharField(max_length=3, choices=Service112.choices), default=list, blank=True
    )
    # Repeat rule: open appeals of this category within the radius and the window are proposed.
    repeat_radius_m = models.PositiveIntegerField(default=150)
    repeat_window_hours = models.PositiveIntegerField(default=72)

    class Meta:
        ordering = ["sort_order", "code"]
        verbose_name_plural = "categories"
        constraints = [
            models.CheckConstraint(condition=models.Q(sla_hours__gt=0), name="category_sla_positive"),
            models.CheckConstraint(
                condition=~models.Q(is_emergency=True, services_112=[]),
                name="category_emergency_has_112_service",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} ({self.name_ru})"


class CalendarExceptionKind(models.TextChoices):
    DAY_OFF = "day_off", "Демалыс күні / Выходной"
    WORKING_DAY = "working_day", "Жұмыс күні / Рабочий день"


class CalendarException(models.Model):
    """A date the government moved by decree: an extra day off, or a working Saturday."""

    date = models.DateField(unique=True)
    kind = models.CharField(max_length=12, choices=CalendarExceptionKind.choices)
    note = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date} {self.kind}"


class OrganisationKind(models.TextChoices):
    UTILITY = "utility", "Коммуналдық кәсіпорын / Коммунальное предприятие"
    MANAGEMENT_COMPANY = "management_company", "Басқарушы компания / Управляющая компания (ОСИ, КСК)"
    AKIMAT_DEPARTMENT = "akimat_department", "Әкімдік бөлімі / Отдел акимата"
    CONTRACTOR = "contractor", "Мердігер / Подрядчик"
    OTHER = "other", "Басқа / Другое"


class Organisation(models.Model):
    """A responsible service that executes appeals (a utility, a management company, a department)."""

    code = models.SlugField(max_length=60, unique=True)
    kind = models.CharField(max_length=20, choices=OrganisationKind.choices)
    name_kk = models.CharField(max_length=250)
    name_ru = models.CharField(max_length=250)
    phone = models.CharField(max_length=20, blank=True)
    email = models.EmailField(blank=True)
    address = models.CharField(max_length=250, blank=True)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name_ru"]

    def __str__(self) -> str:
        return self.name_ru


class ResponsiblePerson(models.Model):
    """An official of an organisation who answers for appeals (and for the violations on them)."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="people")
    full_name = models.CharField(max_length=200)
    position = models.CharField(max_length=200, blank=True)
    phone = models.CharField(max_length=20, blank=True)
    email = models.EmailField(blank=True)
    is_head = models.BooleanField(default=False, help_text="answers for unassigned appeals")
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["organisation_id", "-is_head", "full_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation"], condition=models.Q(is_head=True), name="one_head_per_organisation"
            ),
            models.UniqueConstraint(
                fields=["organisation", "full_name"], name="person_unique_in_organisation"
            ),
        ]

    def __str__(self) -> str:
        return self.full_name


class RoutingRule(models.Model):
    """Category x area -> organisation. A rule without an area is the category's default."""

    category = models.ForeignKey(Category, on_delete=models.CASCADE, related_name="routing_rules")
    area = models.MultiPolygonField(srid=4326, null=True, blank=True)
    area_name = models.CharField(max_length=200, blank=True)
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="routing_rules")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["category"],
                condition=models.Q(area__isnull=True),
                name="one_default_route_per_category",
            ),
            models.UniqueConstraint(fields=["category", "area_name"], name="route_area_name_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.category.code} / {self.area_name or 'default'} -> {self.organisation.code}"
