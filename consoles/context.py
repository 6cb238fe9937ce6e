"""What every console page's layout needs: the akimat (or the region), the person, their navigation,
the language."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest

from accounts.role_names import role_names
from consoles.access import navigation
from consoles.text import language, local


def console(request: HttpRequest) -> dict[str, object]:
    principal = getattr(request, "principal", None)
    tenant = getattr(request, "tenant", None)
    common = {
        "console_language": language(),
        "console_languages": settings.CONSOLE_LANGUAGES,
        # The integrators' sandbox says so on every page: its forwards never reach 112 (decision 79).
        "console_sandbox": bool(getattr(tenant, "is_sandbox", False)),
    }
    if principal is None or not principal.is_authenticated:
        # The public pages name their akimat too.
        return common | {"console_akimat": local(tenant) if tenant is not None else ""}
    # The regional host (public schema) has its own pages and no akimat's notices.
    regional = tenant is not None and tenant.schema_name == settings.PUBLIC_SCHEMA_NAME
    return common | {
        "console_akimat": local(tenant) if tenant is not None else "",
        "console_nav": navigation(principal, regional=regional),
        "console_person": principal.display_name,
        # Said beside the name: someone who holds several roles sees which pages are theirs.
        "console_roles": ", ".join(role_names(principal.roles)),
        "console_regional": regional,
    }
