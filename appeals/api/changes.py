"""`appeals(changedSince:)`: a page of the change feed (appeals/reads/changes.py) whose cursors are
feed positions, to be given back as the next `changedSince`."""

from __future__ import annotations

from dataclasses import dataclass

import graphene
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from appeals.api.errors import bad_input, graphql_error
from appeals.api.pagination import Ordering, Page, page_size
from appeals.errors import AppealError
from appeals.models import Appeal
from appeals.reads.changes import changed_since, parse_since, position_of

FEED_ORDER = Ordering("change_xid", descending=False, kind="int")
NOT_AFTER = _(
    "changedSince pages by its own cursor: send the page's endCursor as changedSince, not as after."
)
NOT_ORDERED = _("changedSince gives the appeals in the order they changed: it takes no orderBy.")


@dataclass
class ChangePage(Page):
    def cursor(self, row: object) -> str:
        return position_of(row).cursor


def page_of_changes(
    appeals: QuerySet[Appeal], since: str, first: int | None, *, after: str | None, order_by: object
) -> ChangePage:
    if after:
        raise bad_input("after", "not_with_changed_since", NOT_AFTER)
    if order_by:
        raise bad_input("orderBy", "not_with_changed_since", NOT_ORDERED)
    try:
        feed = changed_since(appeals, parse_since(since))
    except AppealError as error:
        raise graphql_error(error) from None
    size = page_size(first)
    rows = list(feed[: size + 1])
    return ChangePage(rows=rows[:size], has_next=len(rows) > size, ordering=FEED_ORDER, queryset=feed)


CHANGED_SINCE = graphene.String(
    description="The change feed: appeals changed after this position (a previous page's "
    'pageInfo.endCursor), or at or after an ISO 8601 time with its offset (a first sync); "" from '
    "the beginning. Ordered by the change, each appeal once, at its latest change. Not with `after` "
    "or `orderBy`. See graphql/README.md, Following changes."
)
