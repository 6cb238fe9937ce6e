"""Settings: the akimat's categories and their SLA policy."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.permissions import Operation
from appeals.catalogue.categories import create_category, update_category
from appeals.models import Category
from consoles.access import console_page
from consoles.settings.editing import attempt, refused
from consoles.settings.forms import CategoryForm

TEMPLATE = "consoles/settings/category.html"


@console_page(Operation.CATALOGUE_MANAGE)
def categories(request: HttpRequest) -> HttpResponse:
    rows = list(Category.objects.select_related("parent").order_by("sort_order", "code"))
    return render(request, "consoles/settings/categories.html", {"rows": rows, "section": "categories"})


@require_http_methods(["GET", "POST"])
@console_page(Operation.CATALOGUE_MANAGE)
def new_category(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        form = CategoryForm(
            creating=True,
            initial={
                "is_active": True,
                "sla_calendar": "working_days",
                "sla_hours": 27,
                "warn_before_hours": 4,
                "default_priority": "normal",
                "repeat_radius_m": 150,
                "repeat_window_hours": 72,
            },
        )
        return render(request, TEMPLATE, {"form": form, "section": "categories"})
    form = CategoryForm(request.POST, creating=True)
    code = request.POST.get("code", "")
    category = attempt(form, lambda: create_category(request.principal, code, form.category_input()))
    if category is None:
        return refused(request, TEMPLATE, {"form": form, "section": "categories"})
    messages.success(request, _("Saved."))
    return redirect("consoles:settings_categories")


@require_http_methods(["GET", "POST"])
@console_page(Operation.CATALOGUE_MANAGE)
def edit_category(request: HttpRequest, code: str) -> HttpResponse:
    category = Category.objects.select_related("parent").filter(code=code).first()
    if category is None:
        raise Http404
    context: dict[str, object] = {"category": category, "section": "categories"}
    if request.method == "GET":
        context["form"] = CategoryForm(initial=CategoryForm.initial_of(category), editing=category)
        return render(request, TEMPLATE, context)
    form = CategoryForm(request.POST, editing=category)
    context["form"] = form
    if attempt(form, lambda: update_category(request.principal, code, form.category_input())) is None:
        return refused(request, TEMPLATE, context)
    messages.success(request, _("Saved."))
    return redirect("consoles:settings_categories")
