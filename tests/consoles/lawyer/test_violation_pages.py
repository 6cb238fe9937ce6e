"""The lawyer's pages server-side: the register by state, each person's year with repeat offences,
the moves through `appeals.actions`, refusals in the screen's language with the text kept, who
may see and who may act, personal data by role, the printable act."""

from __future__ import annotations

import datetime

import pytest

from appeals.models import Violation, ViolationEvent
from tests.consoles.lawyer.conftest import client_of, overdue_violation

pytestmark = pytest.mark.usefixtures("inside")


def test_the_register_lists_violations_by_state_in_the_chosen_language(head):
    first = overdue_violation()
    second = overdue_violation()
    Violation.objects.filter(pk=second.pk).update(status="closed")
    lawyer = client_of("lawyer", "kk")

    text = lawyer.get("/console/violations/").content.decode()
    assert "Бұзушылықтар тізілімі" in text and "Реестр нарушений" not in text
    assert f'data-violation="{first.pk}"' in text and f'data-violation="{second.pk}"' in text
    assert '<span class="count" data-state="open">1</span>' in text
    assert '<span class="count" data-state="closed">1</span>' in text
    # Both are the same person's within a year: a repeat offence, said in Kazakh only.
    assert "қайталанған бұзушылық" in text and "повторное нарушение" not in text

    only_open = lawyer.get("/console/violations/?status=open").content.decode()
    assert f'data-violation="{first.pk}"' in only_open and f'data-violation="{second.pk}"' not in only_open

    russian = client_of("lawyer", "ru", name="lawyer-b").get("/console/violations/").content.decode()
    assert "Реестр нарушений" in russian and "повторное нарушение" in russian
    # On a phone the headers are hidden: the hours late and the person's count say what they are.
    for label in ("Просрочено, часов", "У лица за 12 месяцев", "Срок", "Выявлено"):
        assert f'data-label="{label}"' in russian, label


def test_the_register_filters_by_organisation(head):
    violation = overdue_violation()
    lawyer = client_of("lawyer")
    theirs = lawyer.get("/console/violations/?organisation=housing-department").content.decode()
    others = lawyer.get("/console/violations/?organisation=veterinary-station").content.decode()
    assert f'data-violation="{violation.pk}"' in theirs
    assert f'data-violation="{violation.pk}"' not in others


def test_a_persons_year_counts_their_violations_of_the_last_12_months(head):
    recent = overdue_violation()
    older = overdue_violation()
    Violation.objects.filter(pk=older.pk).update(detected_at=older.detected_at - datetime.timedelta(days=400))
    text = client_of("lawyer").get(f"/console/violations/people/{head.pk}/").content.decode()
    assert 'data-count="1"' in text
    assert f'data-violation="{recent.pk}"' in text and f'data-violation="{older.pk}"' not in text
    assert "повторное нарушение" not in text  # one in the year is not a repeat offence


def test_the_lawyer_proposes_a_sanction_and_the_history_shows_it(head):
    violation = overdue_violation()
    lawyer = client_of("lawyer", "ru")
    page = lawyer.get(f"/console/violations/{violation.pk}/").content.decode()
    assert (
        'data-step="explanation"' in page and 'data-step="sanction"' in page and 'data-step="close"' in page
    )

    answer = lawyer.post(f"/console/violations/{violation.pk}/sanction", {"text": "Замечание руководителю"})
    assert answer.status_code == 302 and answer["Location"] == f"/console/violations/{violation.pk}/"
    violation.refresh_from_db()
    assert (violation.status, violation.sanction) == ("sanction_proposed", "Замечание руководителю")
    event = ViolationEvent.objects.filter(violation=violation).order_by("-id").first()
    assert (event.from_status, event.to_status, event.actor_role) == ("open", "sanction_proposed", "lawyer")

    page = lawyer.get(f"/console/violations/{violation.pk}/").content.decode()
    assert 'data-step="explanation"' not in page  # no way back to "explanation received"
    assert "Открыто → Предложено взыскание" in page


def test_a_refused_move_says_why_in_the_screens_language_and_keeps_the_text(head):
    violation = overdue_violation()
    lawyer = client_of("lawyer", "kk")
    empty = lawyer.post(f"/console/violations/{violation.pk}/explanation", {"text": "   "})
    assert empty.status_code == 400
    text = empty.content.decode()
    assert 'data-code="required"' in text and "міндетті" in text and "обязательно" not in text

    lawyer.post(f"/console/violations/{violation.pk}/close", {"text": "Жабылды"})
    late = lawyer.post(f"/console/violations/{violation.pk}/explanation", {"text": "Кеш келген түсініктеме"})
    assert late.status_code == 400
    text = late.content.decode()
    assert 'data-code="invalid_transition"' in text
    assert "Кеш келген түсініктеме</textarea>" in text  # nothing typed is lost
    assert Violation.objects.get(pk=violation.pk).status == "closed"


def test_supervisors_and_the_akim_see_the_register_but_only_the_lawyer_acts(head):
    violation = overdue_violation()
    for role in ("supervisor", "akim"):
        client = client_of(role)
        page = client.get(f"/console/violations/{violation.pk}/")
        assert page.status_code == 200
        assert 'data-step="sanction"' not in page.content.decode()
        assert client.post(f"/console/violations/{violation.pk}/sanction", {"text": "x"}).status_code == 403
    assert client_of("operator").get("/console/violations/").status_code == 403
    assert client_of("executor").get("/console/violations/").status_code == 403
    assert Violation.objects.get(pk=violation.pk).status == "open"


def test_the_applicants_data_is_masked_for_the_akim_and_whole_for_the_lawyer(head):
    violation = overdue_violation()
    lawyer = client_of("lawyer").get(f"/console/violations/{violation.pk}/").content.decode()
    akim = client_of("akim").get(f"/console/violations/{violation.pk}/").content.decode()
    assert "+77051234567" in lawyer and "Айгерим Садыкова" in lawyer
    assert "+77051234567" not in akim and "Айгерим Садыкова" not in akim
    assert "+7 ••• ••• •• 67" in akim


def test_the_printable_act_is_laid_out_for_paper(head):
    violation = overdue_violation()
    lawyer = client_of("lawyer", "ru")
    lawyer.post(f"/console/violations/{violation.pk}/sanction", {"text": "Выговор"})
    answer = lawyer.get(f"/console/violations/{violation.pk}/act")
    text = answer.content.decode()
    assert answer.status_code == 200
    assert "consoles/act-print.css" in text
    assert "Акт о нарушении срока рассмотрения обращения" in text
    assert f"Акт № V-{violation.pk}" in text and f"№{violation.appeal.number}" in text
    assert "Выговор" in text and "Нурлан Абенов" in text


def test_an_unknown_violation_or_person_is_404(head):
    lawyer = client_of("lawyer")
    assert lawyer.get("/console/violations/999999/").status_code == 404
    assert lawyer.get("/console/violations/999999/act").status_code == 404
    assert lawyer.get("/console/violations/people/999999/").status_code == 404
    assert lawyer.post("/console/violations/999999/sanction", {"text": "x"}).status_code == 404
