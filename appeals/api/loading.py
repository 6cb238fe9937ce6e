"""Loading what a query asks for in a fixed number of SQL queries, whatever the page size:
foreign keys are joined, nested lists are prefetched only when selected, at every depth (an
appeal's repeats with their own history cost one query more, not one per repeat)."""

from __future__ import annotations

from collections.abc import Iterable

import graphene
from django.db.models import Prefetch, QuerySet
from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    InlineFragmentNode,
    SelectionSetNode,
)

from appeals.models import Appeal, AppealEvent, Attachment, CallbackAttempt, ResponsiblePerson

APPEAL_JOINS = ("category__parent", "organisation", "assignee", "parent")


def _fields(
    selection_set: SelectionSetNode | None, fragments: dict[str, FragmentDefinitionNode]
) -> Iterable[FieldNode]:
    if selection_set is None:
        return
    for selection in selection_set.selections:
        if isinstance(selection, FieldNode):
            yield selection
        elif isinstance(selection, InlineFragmentNode):
            yield from _fields(selection.selection_set, fragments)
        elif isinstance(selection, FragmentSpreadNode):
            yield from _fields(fragments[selection.name.value].selection_set, fragments)


class Selection:
    """The fields a query selects at one place of its tree (fragments and aliases resolved):
    `"events" in selection`, and `selection.below("repeats")` for what is selected inside a field."""

    def __init__(self, nodes: Iterable[FieldNode], fragments: dict[str, FragmentDefinitionNode]) -> None:
        self._fragments = fragments
        self._children: dict[str, list[FieldNode]] = {}
        for node in nodes:
            for field in _fields(node.selection_set, fragments):
                self._children.setdefault(field.name.value, []).append(field)

    def __contains__(self, name: str) -> bool:
        return name in self._children

    def names(self) -> list[str]:
        return list(self._children)

    def __bool__(self) -> bool:
        """Whether anything is selected here (a field that is not selected has no fields)."""
        return bool(self._children)

    def below(self, *path: str) -> Selection:
        selection = self
        for name in path:
            selection = Selection(selection._children.get(name, ()), selection._fragments)
        return selection


def selected(info: graphene.ResolveInfo, *path: str) -> Selection:
    """The fields selected at `path` below the current field (e.g. "edges", "node")."""
    return Selection(info.field_nodes, info.fragments).below(*path)


# The model fields each field of an appeal reads, for the fields that read only their own row's
# columns; a field not named here (personal data, history, the organisation...) loads the whole row.
COLUMNS_READ: dict[str, tuple[str, ...]] = {
    "__typename": (),
    "id": (),
    "category": (),  # the candidates' category is the caller's, set, not loaded
    "personalDataMasked": (),
    "number": ("number",),
    "status": ("status",),
    "statusLabel": ("status",),
    "allowedTransitions": ("status",),
    "statusChangedAt": ("status_changed_at",),
    "channel": ("channel",),
    "address": ("address",),
    "location": ("location",),
    "objectKey": ("object_key",),
    "description": ("description",),
    "priority": ("priority",),
    "receivedAt": ("received_at",),
    "registeredAt": ("registered_at",),
    "deadline": ("deadline",),
    "isOverdue": ("deadline", "status", "resolved_at"),
    "repeatCount": ("repeat_count",),
}


def columns_read(fields: Selection) -> set[str] | None:
    """The model fields what `fields` selects reads, or None when something selected needs more
    than its row's own columns (then everything is loaded, never a query per deferred field)."""
    needed: set[str] = set()
    for name in fields.names():
        if name not in COLUMNS_READ:
            return None
        needed.update(COLUMNS_READ[name])
    return needed


def appeal_queryset(fields: Selection, base: QuerySet[Appeal] | None = None) -> QuerySet[Appeal]:
    """`base` (all appeals by default) with what `fields` selects joined or prefetched; the appeals
    nested in it (repeats) are loaded the same way, from what is selected inside them."""
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
        repeats = appeal_queryset(fields.below("repeats"), Appeal.objects.order_by("received_at", "id"))
        prefetches.append(Prefetch("repeats", queryset=repeats))
    if "people" in fields.below("organisation"):
        prefetches.append(
            Prefetch(
                "organisation__people", queryset=ResponsiblePerson.objects.order_by("-is_head", "full_name")
            )
        )
    return queryset.prefetch_related(*prefetches)
