"""Applicant data: phone numbers normalised to E.164, IIN checked with its control digit."""

from __future__ import annotations

import datetime

import phonenumbers
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from appeals.errors import Problem
from appeals.rules.text import ascii_digits

DEFAULT_REGION = "KZ"  # "8 705 ..." and "7152 ..." are read as Kazakh numbers
IIN_WEIGHTS = ((1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11), (3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2))


def normalise_phone(raw: str, field: str = "applicantPhone") -> tuple[str | None, Problem | None]:
    """(E.164, None) for a valid number, (None, problem) otherwise."""
    text = (raw or "").strip()
    if not text:
        return None, Problem(field, "required", _("A phone number is required"))
    try:
        number = phonenumbers.parse(text, DEFAULT_REGION)
    except phonenumbers.NumberParseException:
        return None, Problem(
            field, "invalid_phone", format_lazy(_("{text}: not a phone number"), text=repr(text))
        )
    if not phonenumbers.is_valid_number(number):
        return None, Problem(
            field, "invalid_phone", format_lazy(_("{text}: no such number exists"), text=repr(text))
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
        return "", Problem(field, "invalid_iin", _("An IIN has 12 digits"))
    month, day = int(text[2:4]), int(text[4:6])
    try:
        datetime.date(2000, month, day)  # a leap year accepts 29 February
    except ValueError:
        return "", Problem(field, "invalid_iin", _("The IIN holds an impossible date of birth"))
    if iin_control_digit(text[:11]) != int(text[11]):
        return "", Problem(field, "invalid_iin", _("The IIN's check digit does not match"))
    return text, None
