"""Settings: responsible organisations and the people who answer for their appeals."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts.permissions import Operation
from appeals.catalogue.organisations import (
    add_person,
    create_organisation,
    update_organisation,
    update_person,
)
from appeals.models import Organisation, ResponsiblePerson
from consoles.access import console_page
from consoles.settings.editing import attempt, refused
from consoles.settings.forms import OrganisationForm, PersonForm

SECTION = {"section": "organisations"}


@console_page(Operation.CATALOGUE_MANAGE)
def organisations(request: HttpRequest) -> HttpResponse:
    rows = list(Organisation.objects.annotate(people_count=Count("people")).order_by("name_ru"))
    return render(request, "consoles/settings/organisations.html", {"rows": rows, **SECTION})


@require_http_methods(["GET", "POST"])
@console_page(Operation.CATALOGUE_MANAGE)
def new_organisation(request: HttpRequest) -> HttpResponse:
    template = "consoles/settings/organisation_new.html"
    if request.method == "GET":
        form = OrganisationForm(creating=True, initial={"is_active": True, "kind": "utility"})
        return render(request, template, {"form": form, **SECTION})
    form = OrganisationForm(request.POST, creating=True)
    code = request.POST.get("code", "")
    organisation = attempt(
        form, lambda: create_organisation(request.principal, code, form.organisation_input())
    )
    if organisation is None:
        return refused(request, template, {"form": form, **SECTION})
    messages.success(request, _("Saved."))
    return redirect("consoles:settings_organisation", code=organisation.code)


def _organisation_page(
    request: HttpRequest,
    organisation: Organisation,
    form: OrganisationForm,
    person_form: PersonForm,
    status: int = 200,
) -> HttpResponse:
    context = {
        "organisation": organisation,
        "people": list(organisation.people.order_by("-is_head", "full_name")),
        "form": form,
        "person_form": person_form,
        **SECTION,
    }
    return render(request, "consoles/settings/organisation.html", context, status=status)


def _found(code: str) -> Organisation:
    organisation = Organisation.objects.filter(code=code).first()
    if organisation is None:
        raise Http404
    return organisation


def _initial(organisation: Organisation) -> dict[str, object]:
    fields = ("kind", "name_kk", "name_ru", "phone", "email", "address", "is_active")
    return {name: getattr(organisation, name) for name in fields}


@require_http_methods(["GET", "POST"])
@console_page(Operation.CATALOGUE_MANAGE)
def edit_organisation(request: HttpRequest, code: str) -> HttpResponse:
    organisation = _found(code)
    new_person = PersonForm(initial={"is_active": True}, prefix="person")
    if request.method == "GET":
        return _organisation_page(
            request, organisation, OrganisationForm(initial=_initial(organisation)), new_person
        )
    form = OrganisationForm(request.POST)
    if attempt(form, lambda: update_organisation(request.principal, code, form.organisation_input())) is None:
        return _organisation_page(request, organisation, form, new_person, status=400)
    messages.success(request, _("Saved."))
    return redirect("consoles:settings_organisation", code=code)


@require_POST
@console_page(Operation.CATALOGUE_MANAGE)
def new_person(request: HttpRequest, code: str) -> HttpResponse:
    organisation = _found(code)
    form = PersonForm(request.POST, prefix="person")
    if attempt(form, lambda: add_person(request.principal, code, form.person_input())) is None:
        return _organisation_page(
            request, organisation, OrganisationForm(initial=_initial(organisation)), form, status=400
        )
    messages.success(request, _("Saved."))
    return redirect("consoles:settings_organisation", code=code)


@require_http_methods(["GET", "POST"])
@console_page(Operation.CATALOGUE_MANAGE)
def edit_person(request: HttpRequest, person_id: int) -> HttpResponse:
    person = ResponsiblePerson.objects.select_related("organisation").filter(pk=person_id).first()
    if person is None:
        raise Http404
    template = "consoles/settings/person.html"
    context: dict[str, object] = {"person": person, **SECTION}
    if request.method == "GET":
        fields = ("full_name", "position", "phone", "email", "is_head", "is_active")
        context["form"] = PersonForm(initial={name: getattr(person, name) for name in fields})
        return render(request, template, context)
    form = PersonForm(request.POST)
    context["form"] = form
    if attempt(form, lambda: update_person(request.principal, person_id, form.person_input())) is None:
        return refused(request, template, context)
    messages.success(request, _("Saved."))
    return redirect("consoles:settings_organisation", code=person.organisation.code)
