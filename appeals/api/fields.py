"""Field helpers shared by the GraphQL types: times in Asia/Almaty, enum values from model fields."""

from __future__ import annotations

import datetime

import graphene

from appeals.rules.calendar import ALMATY


def local_time(value: datetime.datetime | None) -> datetime.datetime | None:
    return value.astimezone(ALMATY) if value is not None else None


def time_field(attr: str, required: bool = False, description: str | None = None) -> graphene.DateTime:
    return graphene.DateTime(
        required=required,
        description=description,
        resolver=lambda root, info: local_time(getattr(root, attr)),
    )


def choice(attr: str) -> object:
    """Resolver for an enum field: a freshly set model field holds the TextChoices member, a loaded
    one the plain string; GraphQL wants the string (None when blank)."""

    def resolve(root: object, info: graphene.ResolveInfo) -> str | None:
        value = getattr(root, attr)
        return str(value) if value else None

    return resolve
