"""Keyset (cursor) pagination: pages stay fast deep into a million appeals, and no COUNT(*) runs
unless `totalCount` is asked for. A cursor holds the last row's sort key and id."""

from __future__ import annotations

import base64
import datetime
import json
from dataclasses import dataclass

import graphene
from django.conf import settings
from django.db.models import Q, QuerySet
from graphene import relay

from appeals.api.errors import bad_input

DEFAULT_PAGE = 20
BIGINT = 2**63  # ids and numbers are bigint


@dataclass(frozen=True)
class Ordering:
    field: str  # a model field or an annotation on the queryset
    descending: bool
    kind: str = "datetime"  # how the key is written into the cursor: datetime | int

    def order_by(self) -> list[str]:
        sign = "-" if self.descending else ""
        return [f"{sign}{self.field}", f"{sign}id"]


def encode_cursor(key: object, pk: int) -> str:
    raw = key.isoformat() if isinstance(key, datetime.datetime) else key
    return base64.urlsafe_b64encode(json.dumps([raw, pk]).encode()).decode()


def decode_cursor(cursor: str, ordering: Ordering) -> tuple[object, int]:
    """The key and id a cursor holds; anything else (made up, of another list, out of the
    database's range) is refused without echoing why the decoder choked."""
    try:
        raw, pk = json.loads(base64.urlsafe_b64decode(cursor.encode()))
        if ordering.kind == "datetime":
            key: object = datetime.datetime.fromisoformat(raw)
            if key.tzinfo is None:  # every cursor written here carries its offset
                raise ValueError(raw)
            key.astimezone(datetime.UTC)  # OverflowError beyond year 1-9999 in UTC
        else:
            key = int(raw)
            if not -BIGINT <= key < BIGINT:
                raise ValueError(key)
        if not 0 < int(pk) < BIGINT:
            raise ValueError(pk)
        return key, int(pk)
    except (ValueError, TypeError, OverflowError, json.JSONDecodeError):
        raise bad_input(
            "after", "invalid_cursor", "бұл тізімнің курсоры емес / не курсор этого списка"
        ) from None


def page_size(first: int | None) -> int:
    limit = settings.APPEALS_PAGE_SIZE_MAX
    if first is None:
        return DEFAULT_PAGE
    if first < 1 or first > limit:
        raise bad_input("first", "invalid_page_size", f"first: 1-{limit} аралығында / от 1 до {limit}")
    return first


@dataclass
class Page:
    rows: list
    has_next: bool
    ordering: Ordering
    queryset: QuerySet  # filtered, unpaginated: for totalCount

    def cursor(self, row: object) -> str:
        return encode_cursor(getattr(row, self.ordering.field), row.pk)


def paginate(queryset: QuerySet, ordering: Ordering, first: int | None, after: str | None) -> Page:
    size = page_size(first)
    filtered = queryset
    if after:
        key, pk = decode_cursor(after, ordering)
        op = "lt" if ordering.descending else "gt"
        queryset = queryset.filter(
            Q(**{f"{ordering.field}__{op}": key}) | Q(**{ordering.field: key, f"pk__{op}": pk})
        )
    rows = list(queryset.order_by(*ordering.order_by())[: size + 1])
    return Page(rows=rows[:size], has_next=len(rows) > size, ordering=ordering, queryset=filtered)


def connection_from_page(
    connection_type: type[relay.Connection], page: Page, has_previous: bool
) -> relay.Connection:
    edges = [connection_type.Edge(node=row, cursor=page.cursor(row)) for row in page.rows]
    info = relay.PageInfo(
        has_next_page=page.has_next,
        has_previous_page=has_previous,
        start_cursor=edges[0].cursor if edges else None,
        end_cursor=edges[-1].cursor if edges else None,
    )
    connection = connection_type(edges=edges, page_info=info)
    connection.filtered_queryset = page.queryset
    return connection


class CountedConnection(relay.Connection):
    class Meta:
        abstract = True

    total_count = graphene.Int(required=True, description="Counted only when asked for (one COUNT query)")

    @staticmethod
    def resolve_total_count(root: relay.Connection, info: graphene.ResolveInfo) -> int:
        return root.filtered_queryset.count()
