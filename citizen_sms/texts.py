"""What the SMS says, in the applicant's language (Kazakh when they speak it, else Russian; gettext,
as the pages): the number, the answer, and how to read more (the tracking page with the code)."""

from __future__ import annotations

from django.utils import translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from appeals.states import Status

ANSWERS = {
    Status.DONE: _("done"),
    Status.NOT_DONE: _("not done, the reason is given"),
    Status.REJECTED: _("refused, the reason is given"),
}
ANSWERED = frozenset(ANSWERS)


def answer_text(number: int, status: str, language: str, track_url: str, code: str) -> str:
    with translation.override(language):
        if code:
            more = gettext("More: %(url)s, code %(code)s.") % {"url": track_url, "code": code}
        else:
            more = gettext("More: %(url)s.") % {"url": track_url}
        answer = gettext("109: your appeal №%(number)s is %(answer)s.") % {
            "number": number,
            "answer": ANSWERS[Status(status)],
        }
        call = gettext("A 109 operator will call you back.")
        return f"{answer} {more} {call}"
