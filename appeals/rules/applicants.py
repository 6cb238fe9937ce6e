"""Applicant data: phone numbers normalised to E.164, IIN checked with its control digit."""

from __future__ import annotations

import datetime

import phonenumbers

from appeals.errors import Problem
from appeals.rules.text import ascii_digits

DEFAULT_REGION = "KZ"  # "8 705 ..." and "7152 ..." are read as Kazakh numbers
IIN_WEIGHTS = ((1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11), (3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2))


def normalise_phone(raw: str, field: str = "applicantPhone") -> tuple[str | None, Problem | None]:
    """(E.164, None) for a valid number, (None, problem) otherwise."""
    text = (raw or "").strip()
    if not text:
        return None, Problem(field, "required", "Телефон нөмірі қажет / Укажите номер телефона")
    try:
        number = phonenumbers.parse(text, DEFAULT_REGION)
    except phonenumbers.NumberParseException:
        return None, Problem(field, "invalid_phone", f"{text!r}: телефон нөмірі емес / не номер телефона")
    if not phonenumbers.is_valid_number(number):
        return None, Problem(
            field, "invalid_phone", f"{text!r}: мұндай нөмір жоқ / такого номера не существует"
        )
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164), None


def iin_control_digit(first_eleven: str) -> int | None:
    """The 12th digit of a Kazakh IIN, or None when the number cannot have one (it is never issued)."""
    digits = [int(c) for c in first_eleven]
    for weights in IIN_WEIGHTS:
        remainder = sum(d * w for d, w in zip(digits, weights, strict=True)) % 11
        if remainder != 10:
            return remainder
    return None


def check_iin(raw: str, field: str = "applicantIin") -> tuple[str, Problem | None]:
    """('', None) when empty (the IIN is optional), (iin, None) when valid, ('', problem) otherwise."""
    text = (raw or "").strip().replace(" ", "")
    if not text:
        return "", None
    if len(text) != 12 or not ascii_digits(text):
        return "", Problem(field, "invalid_iin", "ЖСН 12 цифрдан тұрады / ИИН состоит из 12 цифр")
    month, day = int(text[2:4]), int(text[4:6])
    try:
        datetime.date(2000, month, day)  # a leap year accepts 29 February
    except ValueError:
        return "", Problem(field, "invalid_iin", "ЖСН-да туған күн қате / в ИИН неверная дата рождения")
    if iin_control_digit(text[:11]) != int(text[11]):
        return "", Problem(
            field, "invalid_iin", "ЖСН бақылау цифры сәйкес емес / неверная контрольная цифра ИИН"
        )
    return text, None
