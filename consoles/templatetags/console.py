"""Template filters for one language per screen (see consoles.text)."""

from django import template

from appeals.states import Status
from appeals.tracking.access_code import readable
from consoles.text import local, pick

register = template.Library()


@register.filter
def half(bilingual: str) -> str:
    return pick(bilingual)


@register.filter
def local_name(obj: object) -> str:
    return local(obj, "name")


@register.filter
def status_name(code: str) -> str:
    """A status code in the screen's language ("" stays "—")."""
    if not code:
        return "—"
    try:
        return pick(Status(code).label)
    except ValueError:
        return code


@register.filter
def access_code(code: str) -> str:
    """The citizen's tracking code as the operator reads it out (ABCD-EFGH)."""
    return readable(code) if code else "—"
