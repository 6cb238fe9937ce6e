"""Applicants' personal data as each principal may see it: whole for the roles that need it
(operator, supervisor, lawyer: `sees_personal_data`), masked for everyone else.

Masks keep just enough to tell two records apart on a screen (initials, the last digits), never
enough to reach the person.
"""

from __future__ import annotations

import re
from enum import StrEnum

from accounts.permissions import sees_personal_data
from accounts.principal import Principal

MASK = "•"


class PersonalField(StrEnum):
    NAME = "name"
    PHONE = "phone"
    IIN = "iin"  # individual identification number, 12 digits
    EMAIL = "email"
    ADDRESS = "address"  # the applicant's home address (not the problem's location)


def mask_name(name: str) -> str:
    """Иванов Иван Иванович becomes И••• И. И."""
    words = name.split()
    if not words:
        return ""
    return " ".join([words[0][0] + MASK * 3] + [f"{word[0]}." for word in words[1:]])


def mask_phone(phone: str) -> str:
    """+7 701 123 45 67 (or 8 701 ...) becomes +7 ••• ••• •• 67: the last two digits only."""
    digits = re.sub(r"\D", "", phone)
    if len(digits) < 4:
        return MASK * len(digits)
    kazakhstan = len(digits) == 11 and digits[0] in "78"
    return ("+7 " if kazakhstan else "") + f"{MASK * 3} {MASK * 3} {MASK * 2} {digits[-2:]}"


def mask_iin(iin: str) -> str:
    # The first six digits are the birth date: nothing of it is shown.
    return MASK * 10 + iin[-2:] if len(iin) >= 4 else MASK * len(iin)


# A phone number or an IIN written into free text: 10 to 15 digits with spaces, dashes or brackets
# between them ("+7 (705) 123-45-67", "87051234567", "900101300123"), letters next to it or not
# ("iin900101300123", "900101300123x": typed on the run, still the person's).
_NUMBER_IN_TEXT = re.compile(r"(?<!\d)\+?(?:\d[\s\-()]{0,2}){9,14}\d(?!\d)")


def mask_in_text(text: str) -> str:
    """Free text (a description, a comment) with the phone numbers and IINs in it masked, the last
    two digits kept; for every role that does not see personal data (integrators above all)."""
    return _NUMBER_IN_TEXT.sub(lambda found: MASK * 3 + re.sub(r"\D", "", found.group())[-2:], text)


# A flat, a room or an office in an address ("кв. 66", "квартира 3", "пәтер 12", "12-пәтер",
# "офис 4"): where a person lives or works, not where the problem is for anyone else.
_FLAT_IN_ADDRESS = re.compile(
    r"[,;]?\s*(?:\b(?:кв|квартира|пәтер|ком|комната|бөлме|офис|apt|flat)\b\.?\s*№?\s*\d+\w*"
    r"|\b\d+\w*\s*-?\s*(?:пәтер|кв)\b\.?)",
    re.IGNORECASE,
)


# A part of an address that is the house number alone ("12", "12/1", "д. 5", "үй 7").
_HOUSE_PART = re.compile(r"^\s*(?:(?:д|дом|үй)\.?\s*)?№?\s*\d+[\w/-]{0,4}\s*$", re.IGNORECASE)


def building_of(address: str) -> str:
    """An address as the public may read it: nothing after the house number (a name, a note for the
    operator), the flat (room, office) dropped and the phones and IINs written into it masked;
    "ул. Абая, 12, кв. 66" and "ул. Абая, 12, Иванов Иван" become "ул. Абая, 12"."""
    parts = address.split(",")
    house = next((i for i, part in enumerate(parts) if i and _HOUSE_PART.match(part)), None)
    if house is not None:
        address = ",".join(parts[: house + 1])
    return mask_in_text(_FLAT_IN_ADDRESS.sub("", address)).strip(" ,;")


def mask_email(email: str) -> str:
    local, _, domain = email.partition("@")
    return f"{local[:1]}{MASK * 3}@{domain}" if domain else MASK * 3


def mask_address(_address: str) -> str:
    return MASK * 3


_MASKS = {
    PersonalField.NAME: mask_name,
    PersonalField.PHONE: mask_phone,
    PersonalField.IIN: mask_iin,
    PersonalField.EMAIL: mask_email,
    PersonalField.ADDRESS: mask_address,
}


def personal_value(principal: Principal, field: PersonalField, value: str | None) -> str | None:
    """The value itself for roles that see personal data; its mask for every other principal."""
    if value is None or value == "" or sees_personal_data(principal):
        return value
    return _MASKS[field](value)
