"""Editing routing rules: category x area -> organisation. The area is drawn on the akimat's map
and arrives as GeoJSON; it must be a valid polygon inside the akimat's own boundary. A rule
without an area is the category's default (one per category)."""

from __future__ import annotations

import json
from dataclasses import dataclass

from django.contrib.gis.gdal.error import GDALException
from django.contrib.gis.geos import GEOSException, GEOSGeometry, MultiPolygon, Polygon
from django.db import connection, transaction

from accounts.principal import Principal
from appeals.catalogue.changes import record_change, require_manager, snapshot
from appeals.catalogue.checks import Problems
from appeals.errors import not_found
from appeals.models import Category, ChangeAction, ChangeSubject, Organisation, RoutingRule

FIELDS = ("area_name", "area")
MAX_AREA_TEXT = 200_000  # characters of GeoJSON: a hand-drawn area is a few hundred
MAX_POINTS = 2_000


@dataclass(frozen=True)
class RoutingInput:
    category: str  # code
    organisation: str  # code
    area_name: str = ""
    area: str = ""  # GeoJSON: a Polygon or MultiPolygon, a Feature or a FeatureCollection of them


def _geometry_of(document: object) -> list[dict]:
    """The polygon geometries inside a GeoJSON document (Leaflet.draw gives features)."""
    if not isinstance(document, dict):
        return []
    kind = document.get("type")
    if kind == "FeatureCollection":
        return [g for f in document.get("features") or [] for g in _geometry_of(f)]
    if kind == "Feature":
        return _geometry_of(document.get("geometry"))
    if kind in ("Polygon", "MultiPolygon"):
        return [document]
    return [{"type": kind}]  # anything else is refused by the caller


def parse_area(problems: Problems, text: str) -> MultiPolygon | None:
    """The drawn area as a MultiPolygon in WGS 84, inside the akimat's boundary; None with a
    problem on `area` otherwise (and None, no problem, for an empty text: the default rule)."""
    text = (text or "").strip()
    if not text:
        return None
    if len(text) > MAX_AREA_TEXT:
        problems.add("area", "too_large", "Аумақ тым күрделі / Слишком сложная область")
        return None
    try:
        parts = _geometry_of(json.loads(text))
        polygons: list[Polygon] = []
        for part in parts:
            if part.get("type") not in ("Polygon", "MultiPolygon"):
                raise ValueError(part.get("type"))
            geometry = GEOSGeometry(json.dumps(part), srid=4326)
            polygons.extend(geometry if isinstance(geometry, MultiPolygon) else [geometry])
    except (ValueError, TypeError, RecursionError, GEOSException, GDALException):
        problems.add("area", "invalid_area", "Аумақ көпбұрыш емес / Область должна быть многоугольником")
        return None
    if not polygons:
        problems.add("area", "invalid_area", "Аумақ көпбұрыш емес / Область должна быть многоугольником")
        return None
    area = MultiPolygon(*polygons, srid=4326)
    if area.num_coords > MAX_POINTS:
        problems.add("area", "too_large", "Аумақ тым күрделі / Слишком сложная область")
        return None
    if not area.valid:
        problems.add(
            "area",
            "invalid_area",
            "Аумақтың шекаралары қиылысады / Границы области пересекают сами себя",
        )
        return None
    boundary = getattr(getattr(connection, "tenant", None), "boundary", None)
    if boundary is not None and not boundary.covers(area):
        problems.add(
            "area",
            "outside_boundary",
            "Аумақ әкімдік шекарасынан шығып тұр / Область выходит за границу акимата",
        )
        return None
    return area


def _values(data: RoutingInput, editing: RoutingRule | None) -> dict[str, object]:
    problems = Problems()
    category = Category.objects.filter(code=data.category).first()
    if category is None:
        problems.add("category", "not_found", "Санатты таңдаңыз / Выберите категорию")
    organisation = Organisation.objects.filter(code=data.organisation, is_active=True).first()
    if organisation is None:
        problems.add(
            "organisation", "not_found", "Белсенді ұйымды таңдаңыз / Выберите действующую организацию"
        )
    area = parse_area(problems, data.area)
    area_name = problems.text("area_name", data.area_name, max_length=200, required=False)
    if (data.area or "").strip() and not area_name:
        problems.add("area_name", "required", "Аумақ атауын жазыңыз / Назовите область")
    if not (data.area or "").strip() and area_name:
        problems.add("area", "required", "Аумақты картада сызыңыз / Нарисуйте область на карте")
    if category is not None and not problems.found:
        same = RoutingRule.objects.filter(category=category).exclude(pk=editing.pk if editing else None)
        if area is None and same.filter(area__isnull=True).exists():
            problems.add(
                "area",
                "default_exists",
                "Бұл санаттың негізгі ережесі бар: аумақ сызыңыз / "
                "У категории уже есть правило по умолчанию: нарисуйте область",
            )
        elif area_name and same.filter(area_name=area_name).exists():
            problems.add("area_name", "taken", "Бұл атау бос емес / Такое название уже есть у категории")
    problems.raise_any()
    return {"category": category, "organisation": organisation, "area": area, "area_name": area_name}


def _state(rule: RoutingRule) -> dict[str, object]:
    return {"category": rule.category.code, "organisation": rule.organisation.code, **snapshot(rule, FIELDS)}


def _key(rule: RoutingRule) -> str:
    return f"{rule.category.code}: {rule.area_name or '*'} → {rule.organisation.code}"


def create_rule(actor: Principal, data: RoutingInput) -> RoutingRule:
    require_manager(actor)
    with transaction.atomic():
        rule = RoutingRule.objects.create(**_values(data, None))
        record_change(
            actor, ChangeSubject.ROUTING_RULE, ChangeAction.CREATED, _key(rule), rule.pk, {}, _state(rule)
        )
    return rule


def _locked(rule_id: int) -> RoutingRule:
    rule = (
        RoutingRule.objects.select_for_update()
        .select_related("category", "organisation")
        .filter(pk=rule_id)
        .first()
    )
    if rule is None:
        raise not_found("Бағыттау ережесі / Правило маршрутизации", rule_id, "rule")
    return rule


def update_rule(actor: Principal, rule_id: int, data: RoutingInput) -> RoutingRule:
    require_manager(actor)
    with transaction.atomic():
        rule = _locked(rule_id)
        values = _values(data, rule)
        before = _state(rule)
        for name, value in values.items():
            setattr(rule, name, value)
        rule.save()
        record_change(
            actor, ChangeSubject.ROUTING_RULE, ChangeAction.UPDATED, _key(rule), rule.pk, before, _state(rule)
        )
    return rule


def delete_rule(actor: Principal, rule_id: int) -> None:
    require_manager(actor)
    with transaction.atomic():
        rule = _locked(rule_id)
        before, key, pk = _state(rule), _key(rule), rule.pk
        rule.delete()
        record_change(actor, ChangeSubject.ROUTING_RULE, ChangeAction.DELETED, key, pk, before, {})
