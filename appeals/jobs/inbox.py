"""The console as a delivery channel of notifications: which notices a person gets, how many they
have not read, and marking them read.

Who gets what follows `appeals.jobs.notify`: an organisation's notices (new appeal, deadline
near, overdue) go to its staff, the executors whose identity names that organisation; a role's
notices (the escalation to the supervisor) go to everyone with the role. Each person reads for
themselves.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.utils import timezone

from accounts.permissions import Operation, limited_to_own_organisation
from accounts.principal import Principal
from appeals.errors import AppealError
from appeals.models import Notification, NotificationRead
from appeals.rules.access import reach

# Older notices leave the inbox: the counter is about what needs attention now, and a person
# new to the role does not start with years of other people's escalations.
RECENT = datetime.timedelta(days=30)
PAGE = 50


def _own_organisation(principal: Principal) -> int | None:
    """The organisation whose notices the person gets: an executor's own (one query), else none."""
    if not limited_to_own_organisation(principal, Operation.APPEAL_EXECUTE):
        return None
    try:
        return reach(principal, Operation.APPEAL_EXECUTE).organisation_id
    except AppealError:  # no organisation named, or one unknown here: nothing to show
        return None


def audience(principal: Principal) -> Q:
    """The notices addressed to this person, as a filter (matches nothing for nobody's)."""
    addressed = Q(pk__in=[])
    roles = sorted(role.value for role in principal.roles)
    if roles:
        addressed |= Q(recipient_role__in=roles)
    organisation_id = _own_organisation(principal)
    if organisation_id is not None:
        addressed |= Q(recipient_role="", organisation_id=organisation_id)
    return addressed


def notices(principal: Principal, now: datetime.datetime | None = None) -> QuerySet[Notification]:
    """The person's recent notices, newest first, each with `read` and `appeal_number`."""
    now = now or timezone.now()
    read = NotificationRead.objects.filter(notification=OuterRef("pk"), reader=principal.subject)
    return (
        Notification.objects.filter(audience(principal), created_at__gte=now - RECENT)
        .annotate(read=Exists(read), appeal_number=F("appeal__number"))
        .order_by("-created_at", "-id")
    )


def unread_count(principal: Principal, now: datetime.datetime | None = None) -> int:
    if not principal.is_authenticated:
        return 0
    return notices(principal, now).filter(read=False).count()


def mark_read(principal: Principal, shown: Iterable[Notification]) -> int:
    """Record that the person saw these notices (rows from `notices`); returns how many were new."""
    unread = [n for n in shown if not getattr(n, "read", False)]
    if not unread:
        return 0
    NotificationRead.objects.bulk_create(
        [NotificationRead(notification=n, reader=principal.subject) for n in unread], ignore_conflicts=True
    )
    return len(unread)
