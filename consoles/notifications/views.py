"""The person's notices (`appeals.jobs.inbox` decides whose they are) and the header's counter."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from accounts.permissions import Operation, can
from appeals.jobs import inbox
from consoles.access import console_page
from consoles.text import local

# htmx stops polling on this status: the person signed out or lost the role meanwhile.
STOP_POLLING = 286


def _appeal_url(request: HttpRequest, number: int) -> str:
    # Executors open their own page of an appeal; everyone else the akimat-wide one.
    if can(request.principal, Operation.APPEAL_EXECUTE):
        return reverse("consoles:executor-appeal", args=[number])
    return reverse("consoles:appeal", args=[number])


@console_page(Operation.APPEAL_VIEW)
def notification_list(request: HttpRequest) -> HttpResponse:
    """Showing a notice is reading it: those new on this visit are marked so, and read after."""
    rows = list(inbox.notices(request.principal)[: inbox.PAGE])
    for row in rows:
        row.local_text = local(row, "text")
        row.url = _appeal_url(request, row.appeal_number)
    inbox.mark_read(request.principal, rows)
    since = timezone.now() - inbox.RECENT
    return render(request, "consoles/notifications/list.html", {"rows": rows, "since": since})


def counter(request: HttpRequest) -> HttpResponse:
    """The header's counter. `shown` is the number on the screen: the same number answers 204
    (htmx swaps nothing, so a screen reader hears nothing), another one the new counter."""
    principal = request.principal
    if not principal.is_authenticated or not can(principal, Operation.APPEAL_VIEW):
        return HttpResponse(status=STOP_POLLING)
    unread = inbox.unread_count(principal)
    try:
        shown = int(request.GET.get("shown", "-1"))
    except ValueError:
        shown = -1
    if unread == shown:
        return HttpResponse(status=204)
    context = {"unread": unread, "announce": shown >= 0 and unread > shown}
    return render(request, "consoles/notifications/_counter.html", context)
