"""What the appeal page's steps offer as the operator types (a datalist under the field): codes
with their names in the screen's language, so nobody has to know an organisation's code or an
akimat's slug by heart. Typing a code still works; the action checks what was sent."""

from __future__ import annotations

from django.db.models import Q

from appeals.catalogue.cache import category_groups
from appeals.models import Organisation
from consoles.text import local
from tenants.models import Akimat, AkimatKind

CATEGORIES = "categories"
ORGANISATIONS = "organisations"
AKIMATS = "akimats"


def _categories(_tenant: Akimat) -> list[tuple[str, str]]:
    # The process's catalogue cache: no query.
    return [(c.code, local(c)) for top, children in category_groups() for c in (top, *children)]


def _organisations(_tenant: Akimat) -> list[tuple[str, str]]:
    found = Organisation.objects.filter(is_active=True).only("code", "name_kk", "name_ru")
    return sorted(((o.code, local(o)) for o in found), key=lambda option: option[1])


def _akimats(tenant: Akimat) -> list[tuple[str, str]]:
    """Where an appeal may be transferred: every other active akimat of the region."""
    found = (
        Akimat.objects.in_region()
        .filter(is_active=True)
        .exclude(kind=AkimatKind.REGION)
        .exclude(pk=tenant.pk)
        .only("slug", "name_kk", "name_ru")
        .order_by("kato")
    )
    return [(a.slug, local(a)) for a in found]


READERS = {CATEGORIES: _categories, ORGANISATIONS: _organisations, AKIMATS: _akimats}


def code_of(kind: str, typed: str, tenant: Akimat) -> str:
    """What was typed into a step's field, as a code: a name as the list shows it (in either
    language, any case) stands for its code, when only one thing has that name; anything else goes
    to the action as typed (a code, or a mistake it names)."""
    if kind not in READERS or not typed:
        return typed
    wanted = typed.casefold()
    if kind == CATEGORIES:
        named = {c.code for top, children in category_groups() for c in (top, *children) if _named(c, wanted)}
    elif kind == ORGANISATIONS:
        found = Organisation.objects.filter(
            Q(name_kk__iexact=typed) | Q(name_ru__iexact=typed), is_active=True
        )
        named = set(found.values_list("code", flat=True)[:2])
    else:
        found = Akimat.objects.in_region().filter(Q(name_kk__iexact=typed) | Q(name_ru__iexact=typed))
        named = set(found.filter(is_active=True).exclude(pk=tenant.pk).values_list("slug", flat=True)[:2])
    return named.pop() if len(named) == 1 else typed


def _named(thing: object, wanted: str) -> bool:
    return wanted in (thing.name_kk.casefold(), thing.name_ru.casefold())


def step_options(kinds: set[str], tenant: Akimat) -> dict[str, list[tuple[str, str]]]:
    """The options of each kind the page's steps ask for (one query an organisations' or an
    akimats' list, none for categories)."""
    return {kind: READERS[kind](tenant) for kind in sorted(kinds) if kind in READERS}
