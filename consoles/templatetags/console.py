"""Template filters for one language per screen (see consoles.text)."""

from django import template

from accounts.personal_data import mask_in_text
from appeals.models import EmergencyStatus
from appeals.states import Status
from appeals.tracking.access_code import readable
from consoles.text import local, pick, pick_typed

register = template.Library()


@register.filter
def half(bilingual: str) -> str:
    return pick(bilingual)


@register.filter
def typed_half(text: str) -> str:
    """A typed text's half for the screen only when it was typed as "kk / ru" (consoles.text)."""
    return pick_typed(text)


@register.filter
def local_name(obj: object) -> str:
    return local(obj, "name")


@register.filter
def local_field(obj: object, field: str) -> str:
    return local(obj, field)


@register.filter
def local_address(obj: object) -> str:
    return local(obj, "address")


@register.filter
def local_title(obj: object) -> str:
    return local(obj, "title")


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


# History comments the platform writes itself in "kk / ru" (people's own comments stay as typed).
BILINGUAL_COMMENTS = frozenset({"transfer_proposed", "emergency_alarm"})


@register.filter
def masked_unless(text: str | None, personal: bool) -> str:
    """Free text (a description, an address, a comment) as the viewer may read it: the phones and
    IINs people type into it masked unless the viewer sees personal data, as the API does."""
    if not text:
        return text or ""
    return text if personal else mask_in_text(text)


@register.filter
def event_comment(event: object, personal: bool = False) -> str:
    """An event's comment in the screen's language: the receiving akimat's status from the event's
    data, the platform's bilingual notes halved, and what people typed as they typed it (phones and
    IINs in it masked unless the viewer sees personal data)."""
    data = getattr(event, "data", None) or {}
    if event.kind == "transfer_progress" and data.get("status"):
        text = f"№{data.get('number', '—')}: {status_name(data['status'])}"
        handled = data.get("handled_by") or {}
        if handled.get("akimat"):
            text += f" → {handled['akimat']}" + (f" №{handled['number']}" if handled.get("number") else "")
        return text
    if event.kind == "emergency_status" and data.get("status") in EmergencyStatus.values:
        said = pick(EmergencyStatus(data["status"]).label)
        return f"{said}: {masked_unless(event.comment, personal)}" if event.comment else said
    # A rule's escalation says why in "kk / ru"; a person's reason stays as typed.
    by_rule = event.kind == "regional_escalation" and data.get("rule") not in (None, "manual")
    if event.kind in BILINGUAL_COMMENTS or by_rule:
        return pick(event.comment)
    return masked_unless(event.comment, personal)
