"""Who may send an emergency straight on to 112 at intake. A person at the 109 line (an operator)
does; an integrator's system does not, unless the region allowed that client: its emergency waits
at the head of the operators' new list for a person to confirm the forward (an integrator's test
emergency must never set off 112's alarms, and a system cannot judge a call as a person does).
Nor does a citizen's form on the site (appeals.portal): the same wait, for the same reasons.
In the sandbox akimat every emergency forwards at once: nothing there reaches 112 (the forward is a
dry run, decision 79), and integrators test to see the forward happen."""

from __future__ import annotations

from django.conf import settings

from accounts.principal import Principal
from accounts.roles import Role
from tenants.sandbox import current_is_sandbox


def forwards_at_intake(actor: Principal) -> bool:
    if actor.kind == "citizen":
        return current_is_sandbox()
    if actor.kind != "service" or Role.INTEGRATOR not in actor.roles or current_is_sandbox():
        return True
    return actor.username in settings.INTEGRATORS_DIRECT_112
