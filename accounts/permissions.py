"""The permission matrix: one table, role x operation, used by GraphQL, views and admin alike."""

from __future__ import annotations

from enum import StrEnum

from django.core.exceptions import PermissionDenied
from django.utils.functional import Promise
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from accounts.principal import Principal
from accounts.roles import Role


class Operation(StrEnum):
    APPEAL_CREATE = "appeal.create"
    APPEAL_VIEW = "appeal.view"
    APPEAL_VIEW_PERSONAL_DATA = "appeal.view_personal_data"
    APPEAL_ROUTE = "appeal.route"  # register, classify, assign to an organisation
    APPEAL_EXECUTE = "appeal.execute"  # start work, report done / not done
    APPEAL_REJECT = "appeal.reject"
    APPEAL_CALLBACK = "appeal.callback"  # record the call-back to the citizen, close
    APPEAL_CANCEL = "appeal.cancel"  # duplicate or spam
    APPEAL_REOPEN = "appeal.reopen"
    APPEAL_TRANSFER = "appeal.transfer"  # to another district, escalate to the region
    APPEAL_FORWARD_112 = "appeal.forward_112"
    CATALOGUE_MANAGE = "catalogue.manage"
    REPORTS_VIEW = "reports.view"  # SLA compliance, overdue, repeats, hotspots
    VIOLATION_VIEW = "violation.view"
    VIOLATION_MANAGE = "violation.manage"
    REGIONAL_VIEW = "regional.view"
    REGIONAL_ESCALATION_DECIDE = "regional.escalation.decide"
    REGIONAL_RULES_MANAGE = "regional.rules.manage"  # the region's escalation rules (its settings)
    EMERGENCY_HANDLE = "emergency.handle"  # 112 dispatcher inbox
    EMERGENCY_ALARMS_VIEW = "emergency.alarms_view"  # the 112 watchdog's alarms about the akimat's appeals
    TENANT_ADMIN = "tenant.admin"  # onboarding, deactivation
    FEDERATION_ADMIN = "federation.admin"  # dead letters, replay
    WEBHOOK_MANAGE = "webhook.manage"  # an integrator's own webhooks; a supervisor sees and deletes any


_O = Operation
# The 109 line's desk: what operators do, and supervisors on top of their own work.
_DESK = frozenset(
    {
        _O.APPEAL_CREATE,
        _O.APPEAL_VIEW,
        _O.APPEAL_VIEW_PERSONAL_DATA,
        _O.APPEAL_ROUTE,
        _O.APPEAL_REJECT,
        _O.APPEAL_CALLBACK,
        _O.APPEAL_CANCEL,
        _O.APPEAL_REOPEN,
        _O.APPEAL_TRANSFER,
        _O.APPEAL_FORWARD_112,
    }
)
MATRIX: dict[Role, frozenset[Operation]] = {
    Role.OPERATOR: _DESK,
    Role.EXECUTOR: frozenset({_O.APPEAL_VIEW, _O.APPEAL_EXECUTE}),
    Role.SUPERVISOR: _DESK
    | {_O.CATALOGUE_MANAGE, _O.REPORTS_VIEW, _O.VIOLATION_VIEW, _O.EMERGENCY_ALARMS_VIEW, _O.WEBHOOK_MANAGE},
    Role.ANALYST: frozenset({_O.APPEAL_VIEW, _O.REPORTS_VIEW}),
    Role.LAWYER: frozenset(
        {
            _O.APPEAL_VIEW,
            _O.APPEAL_VIEW_PERSONAL_DATA,
            _O.REPORTS_VIEW,
            _O.VIOLATION_VIEW,
            _O.VIOLATION_MANAGE,
        }
    ),
    Role.AKIM: frozenset({_O.APPEAL_VIEW, _O.REPORTS_VIEW, _O.VIOLATION_VIEW}),
    Role.REGIONAL_VIEWER: frozenset({_O.REGIONAL_VIEW}),
    Role.REGIONAL_ADMIN: frozenset(
        {_O.REGIONAL_VIEW, _O.REGIONAL_ESCALATION_DECIDE, _O.REGIONAL_RULES_MANAGE, _O.TENANT_ADMIN}
    ),
    Role.DISPATCHER_112: frozenset({_O.EMERGENCY_HANDLE}),
    Role.INTEGRATOR: frozenset({_O.APPEAL_CREATE, _O.APPEAL_VIEW, _O.WEBHOOK_MANAGE}),
    Role.PLATFORM_ADMIN: frozenset({_O.TENANT_ADMIN, _O.FEDERATION_ADMIN, _O.REGIONAL_VIEW}),
}

# Operations a role holds only for the appeals assigned to the person's own organisation (the
# `organisation` claim): executors are the staff of a utility, a management company, a department.
OWN_ORGANISATION_ONLY: dict[Role, frozenset[Operation]] = {
    Role.EXECUTOR: frozenset({_O.APPEAL_VIEW, _O.APPEAL_EXECUTE}),
}


def can(principal: Principal, operation: Operation) -> bool:
    return any(operation in MATRIX.get(role, frozenset()) for role in principal.roles)


# What each operation lets a person do, as a refusal names it (never the permission's code).
ACTIONS: dict[Operation, Promise] = {
    _O.APPEAL_CREATE: _("create appeals"),
    _O.APPEAL_VIEW: _("read appeals"),
    _O.APPEAL_VIEW_PERSONAL_DATA: _("see applicants' personal data"),
    _O.APPEAL_ROUTE: _("register, classify and assign appeals"),
    _O.APPEAL_EXECUTE: _("work on appeals (start work, report done or not done)"),
    _O.APPEAL_REJECT: _("reject appeals"),
    _O.APPEAL_CALLBACK: _("record call-backs and close appeals"),
    _O.APPEAL_CANCEL: _("cancel appeals and link repeats"),
    _O.APPEAL_REOPEN: _("reopen appeals"),
    _O.APPEAL_TRANSFER: _("transfer appeals to another akimat or escalate them to the region"),
    _O.APPEAL_FORWARD_112: _("forward appeals to 112"),
    _O.WEBHOOK_MANAGE: _("manage webhooks that follow appeal changes"),
    _O.CATALOGUE_MANAGE: _("manage the catalogue"),
    _O.REPORTS_VIEW: _("read reports and KPIs"),
    _O.VIOLATION_VIEW: _("read violations"),
    _O.VIOLATION_MANAGE: _("manage violations"),
    _O.REGIONAL_VIEW: _("read the region's figures"),
    _O.REGIONAL_ESCALATION_DECIDE: _("decide the region's escalations"),
    _O.REGIONAL_RULES_MANAGE: _("manage the region's escalation rules"),
    _O.EMERGENCY_HANDLE: _("handle 112 forwards"),
    _O.EMERGENCY_ALARMS_VIEW: _("read the 112 alarms"),
    _O.TENANT_ADMIN: _("administer akimats"),
    _O.FEDERATION_ADMIN: _("administer the federation"),
}
REFUSED = _("Your roles do not allow you to {action}.")
SIGN_IN = _("Sign in (or send an access token) to {action}.")


def refusal(principal: Principal, operation: Operation) -> Promise:
    """The one wording of a refusal: the action in words, in the reader's language (lazy)."""
    wording = REFUSED if principal.roles else SIGN_IN
    return format_lazy(wording, action=ACTIONS[operation])


def require(principal: Principal, operation: Operation) -> None:
    """Raise PermissionDenied naming the operation when no role of the principal allows it."""
    if not can(principal, operation):
        raise PermissionDenied(refusal(principal, operation))


def limited_to_own_organisation(principal: Principal, operation: Operation) -> bool:
    """Whether the principal holds `operation` only for its own organisation's appeals: the roles
    that grant it are all limited so (another role granting it, e.g. operator, lifts the limit)."""
    granting = [role for role in principal.roles if operation in MATRIX.get(role, frozenset())]
    return bool(granting) and all(
        operation in OWN_ORGANISATION_ONLY.get(role, frozenset()) for role in granting
    )


def sees_personal_data(principal: Principal) -> bool:
    """Applicants' names, phones and IINs are shown only to roles that need them; others see them masked."""
    return can(principal, Operation.APPEAL_VIEW_PERSONAL_DATA)
