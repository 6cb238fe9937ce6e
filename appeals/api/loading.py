"""Loading what a query asks for in a fixed number of SQL queries, whatever the page size:
foreign keys are joined, nested lists are prefetched only when selected."""

from __future__ import annotations

from collections.abc import Iterable

import graphene
from django.db.models import Prefetch, QuerySet
from graphql import FieldNode, FragmentSpreadNode, InlineFragmentNode, SelectionSetNode

from appeals.models import Appeal, AppealEvent, Attachment, CallbackAttempt, ResponsiblePerson

APPEAL_JOINS = ("category__parent", "organisation", "assignee", "parent")


def _fields(selection_set: SelectionSetNode | None, info: graphene.ResolveInfo) -> Iterable[FieldNode]:
    if selection_set is None:
        return
    for selection in selection_set.selections:
        if isinstance(selection, FieldNode):
            yield selection
        elif isinstance(selection, InlineFragmentNode):
            yield from _fields(selection.selection_set, info)
        elif isinstance(selection, FragmentSpreadNode):
            yield from _fields(info.fragments[selection.name.value].selection_set, info)


def selected(info: graphene.ResolveInfo, *path: str) -> dict[str, FieldNode]:
    """The fields selected at `path` below the current field (e.g. "edges", "node")."""
    nodes = list(info.field_nodes)
    for name in path:
        nodes = [f for node in nodes for f in _fields(node.selection_set, info) if f.name.value == name]
    return {f.name.value: f for node in nodes for f in _fields(node.selection_set, info)}


def appeal_queryset(fields: dict[str, FieldNode], base: QuerySet[Appeal] | None = None) -> QuerySet[Appeal]:
    queryset = (base if base is not None else Appeal.objects.all()).select_related(*APPEAL_JOINS)
    if "emergency112" in fields:
        queryset = queryset.select_related("emergency")
    prefetches = []
    if "events" in fields:
        prefetches.append(Prefetch("events", queryset=AppealEvent.objects.order_by("at", "id")))
    if "attachments" in fields:
        prefetches.append(Prefetch("attachments", queryset=Attachment.objects.order_by("uploaded_at", "id")))
    if "callbackAttempts" in fields:
        prefetches.append(
            Prefetch(
                "callback_attempts",
                queryset=CallbackAttempt.objects.select_related("contact").order_by("at", "id"),
            )
        )
    if "repeats" in fields:
        prefetches.append(
            Prefetch(
                "repeats", queryset=Appeal.objects.select_related(*APPEAL_JOINS).order_by("received_at", "id")
            )
        )
    if "organisation" in fields:
        prefetches.append(
            Prefetch(
                "organisation__people", queryset=ResponsiblePerson.objects.order_by("-is_head", "full_name")
            )
        )
    return queryset.prefetch_related(*prefetches)
