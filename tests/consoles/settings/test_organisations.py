"""Settings, organisations and their responsible people: created and edited with every change
logged; one head per organisation; wrong phones and e-mails refused on their field."""

from __future__ import annotations

import pytest

from appeals.models import CatalogueChange, Organisation, ResponsiblePerson
from tests.consoles.settings.conftest import client_of

pytestmark = pytest.mark.usefixtures("inside")

WATER = {
    "code": "su-arnasy",
    "kind": "utility",
    "name_kk": "Су арнасы",
    "name_ru": "Водоканал",
    "phone": "8 7152 46 12 34",
    "email": "info@su.example.kz",
    "address": "ул. Букетова, 1",
    "is_active": "on",
}


def person(**changes: str) -> dict[str, str]:
    return {
        "person-full_name": "Ерлан Жумабаев",
        "person-position": "Мастер",
        "person-is_active": "on",
    } | changes


def test_an_organisation_is_created_with_its_phone_normalised_and_logged(supervisor):
    answer = supervisor.post("/console/settings/organisations/new", WATER)
    assert answer.status_code == 302 and answer["Location"] == "/console/settings/organisations/su-arnasy/"
    water = Organisation.objects.get(code="su-arnasy")
    assert (water.name_ru, water.phone, water.kind) == ("Водоканал", "+77152461234", "utility")
    change = CatalogueChange.objects.get()
    assert (change.subject, change.action, change.after["name_kk"]) == (
        "organisation",
        "created",
        "Су арнасы",
    )
    listing = supervisor.get("/console/settings/organisations/").content.decode()
    assert 'data-organisation="su-arnasy"' in listing


def test_wrong_phone_and_email_are_refused_on_their_fields_and_kept(inside):
    client = client_of("supervisor", "kk", name="sup-kk")
    answer = client.post(
        "/console/settings/organisations/new", WATER | {"phone": "12", "email": "not-an-email"}
    )
    text = answer.content.decode()
    assert answer.status_code == 400
    assert 'id="id_phone-error"' in text and 'id="id_email-error"' in text
    assert "Электрондық пошта қате" in text and "Неверный адрес почты" not in text
    assert 'value="not-an-email"' in text and 'value="Су арнасы"' in text
    assert not Organisation.objects.filter(code="su-arnasy").exists()


def test_people_are_added_and_a_new_head_replaces_the_old_one(supervisor):
    supervisor.post("/console/settings/organisations/new", WATER)
    first = supervisor.post(
        "/console/settings/organisations/su-arnasy/people", person(**{"person-is_head": "on"})
    )
    assert first.status_code == 302
    second = supervisor.post(
        "/console/settings/organisations/su-arnasy/people",
        person(**{"person-full_name": "Айжан Омарова", "person-is_head": "on"}),
    )
    assert second.status_code == 302
    heads = list(ResponsiblePerson.objects.filter(organisation__code="su-arnasy", is_head=True))
    assert [p.full_name for p in heads] == ["Айжан Омарова"]
    demoted = CatalogueChange.objects.get(subject="person", action="updated")
    assert (demoted.object_key, demoted.before, demoted.after) == (
        "su-arnasy: Ерлан Жумабаев",
        {"is_head": True},
        {"is_head": False},
    )

    twin = supervisor.post("/console/settings/organisations/su-arnasy/people", person())
    assert twin.status_code == 400
    text = twin.content.decode()
    assert "уже есть человек с таким ФИО" in text and 'value="Ерлан Жумабаев"' in text


def test_a_person_is_edited_on_their_own_page(supervisor):
    supervisor.post("/console/settings/organisations/new", WATER)
    supervisor.post("/console/settings/organisations/su-arnasy/people", person())
    someone = ResponsiblePerson.objects.get(full_name="Ерлан Жумабаев")
    page = supervisor.get(f"/console/settings/people/{someone.pk}/")
    assert page.status_code == 200 and 'value="Мастер"' in page.content.decode()
    answer = supervisor.post(
        f"/console/settings/people/{someone.pk}/",
        {"full_name": "Ерлан Жумабаев", "position": "Главный инженер", "is_active": "on"},
    )
    assert answer.status_code == 302
    someone.refresh_from_db()
    assert someone.position == "Главный инженер"
    change = CatalogueChange.objects.filter(subject="person").latest("id")
    assert (change.before, change.after) == ({"position": "Мастер"}, {"position": "Главный инженер"})


def test_an_organisation_is_switched_off_not_deleted(supervisor):
    supervisor.post("/console/settings/organisations/new", WATER)
    edit = {k: v for k, v in WATER.items() if k not in ("code", "is_active")}
    assert supervisor.post("/console/settings/organisations/su-arnasy/", edit).status_code == 302
    assert Organisation.objects.get(code="su-arnasy").is_active is False
    assert supervisor.get("/console/settings/organisations/nowhere/").status_code == 404
