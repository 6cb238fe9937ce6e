# ruff: noqa: RUF001  (Kazakh and Russian addresses: Cyrillic letters that look Latin)
"""Applicants' personal data: whole for operator, supervisor and lawyer; masked for the rest."""

from __future__ import annotations

import pytest

from accounts.claims import principal_from_claims
from accounts.personal_data import (
    PersonalField,
    building_of,
    mask_iin,
    mask_in_text,
    mask_name,
    mask_phone,
    personal_value,
)
from accounts.principal import ANONYMOUS
from accounts.tokens import verifier

APPLICANT = {
    PersonalField.NAME: "Жанар Серікқызы Ахметова",
    PersonalField.PHONE: "+7 701 123 45 67",
    PersonalField.IIN: "900101400123",
    PersonalField.EMAIL: "zhanar@mail.kz",
    PersonalField.ADDRESS: "ул. Конституции Казахстана, 15, кв. 3",
}
MASKED = {
    PersonalField.NAME: "Ж••• С. А.",
    PersonalField.PHONE: "+7 ••• ••• •• 67",
    PersonalField.IIN: "••••••••••23",
    PersonalField.EMAIL: "z•••@mail.kz",
    PersonalField.ADDRESS: "•••",
}


@pytest.mark.parametrize(
    ("username", "sees"),
    [
        ("operator.petropavlovsk", True),
        ("supervisor.petropavlovsk", True),
        ("lawyer.petropavlovsk", True),
        ("analyst.petropavlovsk", False),
        ("executor.petropavlovsk", False),
        ("akim.petropavlovsk", False),
    ],
)
def test_each_role_sees_personal_data_whole_or_masked(tokens, tenants, username, sees):
    principal = principal_from_claims(verifier().access_token(tokens.password(username)), "petropavlovsk")

    shown = {field: personal_value(principal, field, value) for field, value in APPLICANT.items()}

    assert shown == (APPLICANT if sees else MASKED)


def test_integrator_sees_masked_data(tokens, tenants):
    principal = principal_from_claims(
        verifier().access_token(tokens.service("integrator-petropavlovsk")), "petropavlovsk"
    )
    assert personal_value(principal, PersonalField.PHONE, "87011234567") == "+7 ••• ••• •• 67"


def test_masks_keep_nothing_that_reaches_the_person():
    assert mask_phone("+7 (701) 123-45-67") == "+7 ••• ••• •• 67"
    assert "900101" not in mask_iin("900101400123")  # the birth date
    assert mask_name("Ахметова") == "А•••"
    assert mask_phone("+44 20 7946 0958") == "••• ••• •• 58"
    # Nothing to hide stays nothing, for anyone.
    assert personal_value(ANONYMOUS, PersonalField.NAME, None) is None
    assert personal_value(ANONYMOUS, PersonalField.PHONE, "") == ""


@pytest.mark.parametrize(
    ("address", "public"),
    [
        ("г. Петропавловск, ул. Позолотина, 72, кв. 66", "г. Петропавловск, ул. Позолотина, 72"),
        ("ул. Абая 12 квартира 5", "ул. Абая 12"),
        ("Абай к-сі, 12, 45-пәтер", "Абай к-сі, 12"),
        ("Абай к-сі, 12, пәтер 45", "Абай к-сі, 12"),
        ("ул. Абая, 12, офис 4", "ул. Абая, 12"),
        ("ул. Абая, 12, КВ.7Б", "ул. Абая, 12"),
        # Nothing after the house number: a name or a note for the operator is no part of the building.
        ("ул. Абая, 12, звонить 8 705 999 88 77", "ул. Абая, 12"),
        ("ул. Абая, 10, Иванов Иван, тел. 8 705 123 45 67", "ул. Абая, 10"),
        ("Петропавловск, мкр. 19, д. 5, кв. 3, Сидоров", "Петропавловск, мкр. 19, д. 5"),
        ("ул. Абая 12, звонить 8 705 999 88 77", "ул. Абая 12, звонить •••77"),
        # Street names that start like a flat stay whole.
        ("ул. Квартальная, 7", "ул. Квартальная, 7"),
        ("мкр. Береке, 5", "мкр. Береке, 5"),
        ("", ""),
    ],
)
def test_the_public_reads_the_building_not_the_flat(address, public):
    assert building_of(address) == public


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("ИИН 900101300123", "ИИН •••23"),
        ("iin:900101300017x", "iin:•••17x"),  # a letter typed right after it
        ("ИИН900101300123", "ИИН•••23"),
        ("тел.+7(705)123-45-67, спросить", "тел.•••67, спросить"),
        ("дом 12, подъезд 3", "дом 12, подъезд 3"),  # short numbers are no one's
    ],
)
def test_numbers_typed_into_text_are_masked_whatever_stands_next_to_them(text, shown):
    assert mask_in_text(text) == shown
