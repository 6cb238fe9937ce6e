"""Settings: routing rules, category x area -> organisation, the area drawn on the akimat's map.

The map shows the akimat's own boundary (tenants.Akimat.boundary) as GeoJSON over no tiles:
nothing is fetched from the internet."""

from __future__ import annotations

import json

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts.permissions import Operation
from appeals.catalogue.routing import create_rule, delete_rule, update_rule
from appeals.errors import AppealError
from appeals.models import RoutingRule
from consoles.access import console_page
from consoles.settings.editing import attempt, refused
from consoles.settings.forms import RoutingForm
from consoles.settings.map_text import draw_texts
from consoles.text import local

TEMPLATE = "consoles/settings/routing_rule.html"


def _boundary(request: HttpRequest) -> dict | None:
    boundary = getattr(request.tenant, "boundary", None)
    return json.loads(boundary.geojson) if boundary is not None else None


def _areas(rules: list[RoutingRule], skip: int | None = None) -> dict:
    """The rules' areas as a GeoJSON FeatureCollection, each labelled for the map."""
    features = [
        {
            "type": "Feature",
            "geometry": json.loads(rule.area.geojson),
            "properties": {
                "id": rule.pk,
                "label": f"{local(rule.category)} · {rule.area_name} → {local(rule.organisation)}",
            },
        }
        for rule in rules
        if rule.area is not None and rule.pk != skip
    ]
    return {"type": "FeatureCollection", "features": features}


def _rules() -> list[RoutingRule]:
    return list(
        RoutingRule.objects.select_related("category", "organisation").order_by(
            "category__sort_order", "area_name"
        )
    )


@console_page(Operation.CATALOGUE_MANAGE)
def routing(request: HttpRequest) -> HttpResponse:
    rules = _rules()
    context = {"rows": rules, "boundary": _boundary(request), "areas": _areas(rules), "section": "routing"}
    return render(request, "consoles/settings/routing.html", context)


def _edit_context(request: HttpRequest, form: RoutingForm, rule: RoutingRule | None) -> dict[str, object]:
    others = [r for r in _rules() if rule is None or r.pk != rule.pk]
    return {
        "form": form,
        "rule": rule,
        "boundary": _boundary(request),
        "areas": _areas(others),
        "draw_texts": draw_texts(),
        "section": "routing",
    }


@require_http_methods(["GET", "POST"])
@console_page(Operation.CATALOGUE_MANAGE)
def new_rule(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        form = RoutingForm(initial={"category": request.GET.get("category", "")})
        return render(request, TEMPLATE, _edit_context(request, form, None))
    form = RoutingForm(request.POST)
    if attempt(form, lambda: create_rule(request.principal, form.routing_input())) is None:
        return refused(request, TEMPLATE, _edit_context(request, form, None))
    messages.success(request, _("Saved."))
    return redirect("consoles:settings_routing")


@require_http_methods(["GET", "POST"])
@console_page(Operation.CATALOGUE_MANAGE)
def edit_rule(request: HttpRequest, rule_id: int) -> HttpResponse:
    rule = RoutingRule.objects.select_related("category", "organisation").filter(pk=rule_id).first()
    if rule is None:
        raise Http404
    if request.method == "GET":
        initial = {
            "category": rule.category.code,
            "organisation": rule.organisation.code,
            "area_name": rule.area_name,
            "area": rule.area.geojson if rule.area is not None else "",
        }
        return render(request, TEMPLATE, _edit_context(request, RoutingForm(initial=initial), rule))
    form = RoutingForm(request.POST)
    if attempt(form, lambda: update_rule(request.principal, rule_id, form.routing_input())) is None:
        return refused(request, TEMPLATE, _edit_context(request, form, rule))
    messages.success(request, _("Saved."))
    return redirect("consoles:settings_routing")


@require_POST
@console_page(Operation.CATALOGUE_MANAGE)
def remove_rule(request: HttpRequest, rule_id: int) -> HttpResponse:
    try:
        delete_rule(request.principal, rule_id)
    except AppealError:
        raise Http404 from None
    messages.success(request, _("Deleted."))
    return redirect("consoles:settings_routing")
