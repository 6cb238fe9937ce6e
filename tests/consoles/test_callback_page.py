"""The operator's call-back page (server side, Django's client on the real database): the
call-back queue leads to it; the applicant (and a linked repeat's) with phone and language; the
call recorded: satisfied informs the citizen, not satisfied reopens the appeal with a new deadline,
not reached counts an attempt; wrong input is a field error in the screen's language with what was
typed kept; a fixed number of SQL queries."""

from __future__ import annotations

import datetime
import zoneinfo
from collections.abc import Iterator

import pytest
from django.test import Client
from django.utils import timezone
from django_tenants.utils import tenant_context

from appeals import actions
from appeals.models import Appeal, AppealEvent, CallbackAttempt
from testkit.identities import logged_in, user_with_roles
from testkit.queries import exact_queries
from tests.appeals.conftest import OPERATOR, appeal_in, intake

ALMATY = zoneinfo.ZoneInfo("Asia/Almaty")


@pytest.fixture
def inside(tenants) -> Iterator[None]:
    with tenant_context(tenants["petropavlovsk"]):
        yield


def operator(language: str = "ru") -> Client:
    client = logged_in(user_with_roles(f"callback-{language}", "operator"))
    client.cookies["django_language"] = language
    return client


def page_of(number: int) -> str:
    return f"/console/callbacks/{number}/"


@pytest.mark.parametrize("language", ["kk", "ru"])
def test_the_call_back_queue_leads_to_the_call_back_page(inside, language):
    answered = appeal_in("done", phone="+77051230001", language=language)
    client = operator(language)
    queue = client.get("/console/queues/?list=callback").content.decode()
    assert f'<a href="{page_of(answered.number)}">{answered.number}</a>' in queue

    page = client.get(page_of(answered.number))
    text = page.content.decode()
    assert page.status_code == 200
    assert 'href="tel:+77051230001"' in text and "Айгерим Садыкова" in text
    words = {
        "kk": ("Қоңырау қалай өтті?", "Қазақ тілі", "Чем закончился звонок?"),
        "ru": ("Чем закончился звонок?", "Русский", "Қоңырау қалай өтті?"),
    }[language]
    assert words[0] in text and words[1] in text and words[2] not in text  # one language
    assert "Отопление восстановлено" in text  # the service's answer, to tell the citizen
    assert "data-attempts>0 / 3<" in text
    for value in ("satisfied", "not_satisfied", "not_reached"):
        assert f'value="{value}"' in text
    assert text.count('<label class="outcome" for="c') == 3  # each radio with its label


def test_not_satisfied_reopens_the_appeal_with_a_new_deadline(inside):
    answered = appeal_in("done", phone="+77051230002")
    Appeal.objects.filter(pk=answered.pk).update(deadline=timezone.now() - datetime.timedelta(days=2))
    client = operator("kk")
    answer = client.post(
        page_of(answered.number),
        {"contact": answered.number, "outcome": "not_satisfied", "comment": "Батареялар әлі суық"},
    )
    assert answer.status_code == 302 and answer["Location"] == f"{page_of(answered.number)}?result=reopened"
    reopened = Appeal.objects.get(pk=answered.pk)
    assert reopened.status == "reopened" and reopened.reopen_count == 1
    assert reopened.deadline > timezone.now() and reopened.resolved_at is None
    attempt = CallbackAttempt.objects.get(appeal=reopened)
    assert (attempt.reached, attempt.satisfied, attempt.comment) == (True, False, "Батареялар әлі суық")
    text = client.get(answer["Location"]).content.decode()
    assert "өтініш жаңа мерзіммен қайта ашылды" in text and 'data-status="reopened"' in text
    assert 'class="callback' not in text  # nothing more to record: it is back with the service
    assert "Батареялар әлі суық" in text  # in the calls made


@pytest.mark.parametrize("language", ["kk", "ru"])
def test_after_a_reopen_the_page_still_says_when_the_rejected_answer_was_given(inside, language):
    answered = appeal_in("done", phone="+77051230013")
    done = AppealEvent.objects.get(appeal=answered, to_status="done").at
    client = operator(language)
    client.post(page_of(answered.number), {"contact": answered.number, "outcome": "not_satisfied"})
    assert Appeal.objects.get(pk=answered.pk).resolved_at is None  # the reopen cleared it
    text = client.get(f"{page_of(answered.number)}?result=reopened").content.decode()
    word = {"kk": "Жауап берілді", "ru": "Отвечено"}[language]
    shown = done.astimezone(ALMATY).strftime("%d.%m.%Y %H:%M")
    assert f"<dt>{word}</dt><dd>{shown}</dd>" in text
    assert "Отопление восстановлено" in text  # the answer itself, beside its time


def test_satisfied_informs_the_citizen(inside):
    answered = appeal_in("not_done", phone="+77051230003")
    answer = operator().post(page_of(answered.number), {"contact": answered.number, "outcome": "satisfied"})
    assert answer["Location"].endswith("?result=informed")
    informed = Appeal.objects.get(pk=answered.pk)
    assert informed.status == "citizen_informed" and informed.callback_satisfied is True


def test_unanswered_calls_are_counted_until_the_last_one_informs(inside):
    answered = appeal_in("done", phone="+77051230004")
    client = operator()
    for expected in ("attempt", "attempt", "informed"):
        answer = client.post(page_of(answered.number), {"contact": answered.number, "outcome": "not_reached"})
        assert answer["Location"].endswith(f"?result={expected}")
    unreachable = Appeal.objects.get(pk=answered.pk)
    assert unreachable.status == "citizen_informed" and unreachable.callback_reached is False
    assert CallbackAttempt.objects.filter(appeal=unreachable, reached=False).count() == 3


@pytest.mark.parametrize("language", ["kk", "ru"])
def test_a_call_without_its_outcome_is_a_field_error_and_the_comment_stays(inside, language):
    answered = appeal_in("done", phone="+77051230005")
    answer = operator(language).post(
        page_of(answered.number), {"contact": answered.number, "comment": "Ол қайта қоңырау шалады"}
    )
    text = answer.content.decode()
    assert answer.status_code == 400
    error = {"kk": "Қоңыраудың нәтижесін таңдаңыз.", "ru": "Выберите, чем закончился звонок."}
    assert f'id="c{answered.number}-outcome-error" role="alert">{error[language]}</p>' in text
    assert 'aria-invalid="true"' in text
    assert "Ол қайта қоңырау шалады</textarea>" in text  # nothing typed is lost
    assert not CallbackAttempt.objects.filter(appeal=answered).exists()


def test_text_the_database_cannot_store_is_refused_on_its_field(inside):
    answered = appeal_in("done", phone="+77051230006")
    answer = operator("kk").post(
        page_of(answered.number), {"contact": answered.number, "outcome": "satisfied", "comment": "a\x00b"}
    )
    assert answer.status_code == 400
    assert "Мәтінде сақтауға болмайтын таңба бар." in answer.content.decode()
    assert Appeal.objects.get(pk=answered.pk).status == "done"


def test_a_repeats_applicant_is_called_too(inside):
    original = appeal_in("done", phone="+77051230007")
    repeat = intake(phone="+77051230008")
    actions.link_as_repeat(OPERATOR, repeat.number, original_number=original.number)
    client = operator()
    text = client.get(page_of(original.number)).content.decode()
    assert f'data-contact="{repeat.number}"' in text and 'href="tel:+77051230008"' in text
    answer = client.post(page_of(original.number), {"contact": repeat.number, "outcome": "satisfied"})
    assert answer.status_code == 302
    assert CallbackAttempt.objects.get(appeal=original).contact_id == repeat.pk
    assert Appeal.objects.get(pk=original.pk).status == "done"  # its own applicant still to call


@pytest.mark.parametrize("language", ["kk", "ru"])
def test_closing_is_warned_about_while_a_repeats_applicant_is_not_called_yet(inside, language):
    original = appeal_in("done", phone="+77051230014")
    repeat = intake(phone="+77051230015")
    actions.link_as_repeat(OPERATOR, repeat.number, original_number=original.number)
    client = operator(language)
    client.post(page_of(original.number), {"contact": original.number, "outcome": "satisfied"})
    warning = {
        "kk": f"Әлі қоңырау шалынбаған: №{repeat.number} қайталамаларының өтініш берушілері.",
        "ru": f"Ещё не обзвонены: заявители повторов №{repeat.number}.",
    }[language]
    assert warning in client.get(page_of(original.number)).content.decode()
    appeal_page = client.get(f"/console/appeals/{original.number}/").content.decode()
    close = appeal_page.split('data-step="close"')[1].split("</form>")[0]
    assert warning in close and f'href="{page_of(original.number)}"' in close

    # Two unanswered calls still leave the repeat's applicant to call; a call that reaches them not.
    for _ in range(2):
        actions.record_callback(OPERATOR, original.number, reached=False, contact_number=repeat.number)
    assert warning in client.get(page_of(original.number)).content.decode()
    satisfied = {"reached": True, "satisfied": True}
    actions.record_callback(OPERATOR, original.number, contact_number=repeat.number, **satisfied)
    assert "data-uncalled" not in client.get(page_of(original.number)).content.decode()
    assert "data-uncalled" not in client.get(f"/console/appeals/{original.number}/").content.decode()


def test_a_warned_close_still_closes(inside):
    original = appeal_in("done", phone="+77051230016")
    repeat = intake(phone="+77051230017")
    actions.link_as_repeat(OPERATOR, repeat.number, original_number=original.number)
    actions.record_callback(OPERATOR, original.number, reached=True, satisfied=True)
    client = operator()
    assert "data-uncalled" in client.get(f"/console/appeals/{original.number}/").content.decode()
    answer = client.post(f"/console/appeals/{original.number}/close", {"comment": ""})
    assert answer.status_code == 302  # a warning, not a block (docs/consoles.md)
    assert Appeal.objects.get(pk=original.pk).status == "closed"


def test_a_call_recorded_meanwhile_by_someone_else_is_refused_with_the_reason(inside):
    answered = appeal_in("done", phone="+77051230009")
    actions.record_callback(OPERATOR, answered.number, reached=True, satisfied=True)
    answer = operator("kk").post(
        page_of(answered.number), {"contact": answered.number, "outcome": "not_satisfied", "comment": "x"}
    )
    text = answer.content.decode()
    assert answer.status_code == 400
    assert "кері қоңырау күтілмейді" in text and "обратный звонок не ожидается" not in text
    altered = operator("ru").post(page_of(answered.number), {"contact": "abc", "outcome": "satisfied"})
    assert altered.status_code == 400
    assert "Этого человека нет среди тех, кому звонят" in altered.content.decode()


def test_only_those_who_call_back_open_it(inside):
    answered = appeal_in("done", phone="+77051230010")
    executor = logged_in(user_with_roles("cb-executor", "executor", organisation="housing-department"))
    assert executor.get(page_of(answered.number)).status_code == 403
    assert operator().get(page_of(99_999_999)).status_code == 404


def test_the_page_costs_a_fixed_number_of_queries(inside):
    answered = appeal_in("done", phone="+77051230011")
    client = operator()
    client.get(page_of(answered.number))  # the session and the akimat warmed up
    with exact_queries(6):  # session, user, groups; the appeal, its contacts, the calls made
        client.get(page_of(answered.number))
    actions.record_callback(OPERATOR, answered.number, reached=False)
    actions.record_callback(OPERATOR, answered.number, reached=False)
    repeat = intake(phone="+77051230012")
    actions.link_as_repeat(OPERATOR, repeat.number, original_number=answered.number)
    with exact_queries(6):
        client.get(page_of(answered.number))
