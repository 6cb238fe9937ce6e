"""Editing the responsible organisations and their people (the officials violations name).

Neither is deleted (appeals and violations keep pointing at them): one is switched off instead.
An organisation has at most one head, who answers for its unassigned appeals.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction

from accounts.principal import Principal
from appeals.catalogue.changes import record_change, require_manager, snapshot
from appeals.catalogue.checks import Problems
from appeals.errors import not_found
from appeals.models import ChangeAction, ChangeSubject, Organisation, OrganisationKind, ResponsiblePerson
from appeals.rules.applicants import normalise_phone

ORGANISATION_FIELDS = ("kind", "name_kk", "name_ru", "phone", "email", "address", "is_active")
PERSON_FIELDS = ("full_name", "position", "phone", "email", "is_head", "is_active")


@dataclass(frozen=True)
class OrganisationInput:
    kind: str
    name_kk: str
    name_ru: str
    phone: str = ""
    email: str = ""
    address: str = ""
    is_active: bool = True


@dataclass(frozen=True)
class PersonInput:
    full_name: str
    position: str = ""
    phone: str = ""
    email: str = ""
    is_head: bool = False
    is_active: bool = True


def _phone(problems: Problems, value: str) -> str:
    if not (value or "").strip():
        return ""
    phone, problem = normalise_phone(value, "phone")
    if problem is not None:
        problems.add("phone", problem.code, problem.message)
        return value.strip()
    return phone or ""


def _email(problems: Problems, value: str) -> str:
    email = (value or "").strip()
    if email:
        try:
            validate_email(email)
        except ValidationError:
            problems.add("email", "invalid_email", "Электрондық пошта қате / Неверный адрес почты")
    return email


def _organisation_values(data: OrganisationInput) -> dict[str, object]:
    problems = Problems()
    values = {
        "kind": problems.choice("kind", data.kind, OrganisationKind.values),
        "name_kk": problems.text("name_kk", data.name_kk, max_length=250),
        "name_ru": problems.text("name_ru", data.name_ru, max_length=250),
        "phone": _phone(problems, data.phone),
        "email": _email(problems, data.email),
        "address": problems.text("address", data.address, max_length=250, required=False),
        "is_active": bool(data.is_active),
    }
    problems.raise_any()
    return values


def create_organisation(actor: Principal, code: str, data: OrganisationInput) -> Organisation:
    require_manager(actor)
    problems = Problems()
    code = problems.code("code", code)
    if not problems.found and Organisation.objects.filter(code=code).exists():
        problems.add("code", "taken", f"«{code}» коды бос емес / Код «{code}» уже занят")
    problems.raise_any()
    values = _organisation_values(data)
    with transaction.atomic():
        organisation = Organisation.objects.create(code=code, **values)
        record_change(
            actor,
            ChangeSubject.ORGANISATION,
            ChangeAction.CREATED,
            code,
            organisation.pk,
            {},
            snapshot(organisation, ORGANISATION_FIELDS),
        )
    return organisation


def update_organisation(actor: Principal, code: str, data: OrganisationInput) -> Organisation:
    require_manager(actor)
    values = _organisation_values(data)
    with transaction.atomic():
        organisation = Organisation.objects.select_for_update().filter(code=code).first()
        if organisation is None:
            raise not_found("Ұйым / Организация", code, "code")
        before = snapshot(organisation, ORGANISATION_FIELDS)
        for name, value in values.items():
            setattr(organisation, name, value)
        organisation.save()
        record_change(
            actor,
            ChangeSubject.ORGANISATION,
            ChangeAction.UPDATED,
            code,
            organisation.pk,
            before,
            snapshot(organisation, ORGANISATION_FIELDS),
        )
    return organisation


def _person_values(organisation: Organisation, data: PersonInput, editing: ResponsiblePerson | None) -> dict:
    problems = Problems()
    values = {
        "full_name": problems.text("full_name", data.full_name, max_length=200),
        "position": problems.text("position", data.position, max_length=200, required=False),
        "phone": _phone(problems, data.phone),
        "email": _email(problems, data.email),
        "is_head": bool(data.is_head),
        "is_active": bool(data.is_active),
    }
    others = organisation.people.exclude(pk=editing.pk if editing else None)
    if values["full_name"] and others.filter(full_name=values["full_name"]).exists():
        problems.add(
            "full_name",
            "taken",
            "Бұл ұйымда осындай адам бар / В этой организации уже есть человек с таким ФИО",
        )
    if values["is_head"] and not values["is_active"]:
        problems.add(
            "is_head", "inactive_head", "Басшы белсенді болуы керек / Руководитель должен быть активен"
        )
    problems.raise_any()
    return values


def _person_key(organisation: Organisation, person: ResponsiblePerson) -> str:
    return f"{organisation.code}: {person.full_name}"


def _demote_head(actor: Principal, organisation: Organisation, keep: ResponsiblePerson | None) -> None:
    """One head per organisation: naming a new head makes the old one an ordinary member."""
    for old in (
        organisation.people.select_for_update().filter(is_head=True).exclude(pk=keep.pk if keep else None)
    ):
        before = snapshot(old, PERSON_FIELDS)
        old.is_head = False
        old.save(update_fields=["is_head"])
        record_change(
            actor,
            ChangeSubject.PERSON,
            ChangeAction.UPDATED,
            _person_key(organisation, old),
            old.pk,
            before,
            snapshot(old, PERSON_FIELDS),
        )


def add_person(actor: Principal, organisation_code: str, data: PersonInput) -> ResponsiblePerson:
    require_manager(actor)
    with transaction.atomic():
        organisation = Organisation.objects.select_for_update().filter(code=organisation_code).first()
        if organisation is None:
            raise not_found("Ұйым / Организация", organisation_code, "organisation")
        values = _person_values(organisation, data, None)
        if values["is_head"]:
            _demote_head(actor, organisation, None)
        person = ResponsiblePerson.objects.create(organisation=organisation, **values)
        record_change(
            actor,
            ChangeSubject.PERSON,
            ChangeAction.CREATED,
            _person_key(organisation, person),
            person.pk,
            {},
            snapshot(person, PERSON_FIELDS),
        )
    return person


def update_person(actor: Principal, person_id: int, data: PersonInput) -> ResponsiblePerson:
    require_manager(actor)
    with transaction.atomic():
        person = ResponsiblePerson.objects.select_related("organisation").filter(pk=person_id).first()
        if person is None:
            raise not_found("Жауапты тұлға / Ответственное лицо", person_id, "person")
        organisation = Organisation.objects.select_for_update().get(pk=person.organisation_id)
        person = ResponsiblePerson.objects.select_for_update().get(pk=person_id)
        values = _person_values(organisation, data, person)
        if values["is_head"]:
            _demote_head(actor, organisation, person)
        before = snapshot(person, PERSON_FIELDS)
        for name, value in values.items():
            setattr(person, name, value)
        person.save()
        record_change(
            actor,
            ChangeSubject.PERSON,
            ChangeAction.UPDATED,
            _person_key(organisation, person),
            person.pk,
            before,
            snapshot(person, PERSON_FIELDS),
        )
    return person
