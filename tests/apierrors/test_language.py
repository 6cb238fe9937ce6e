"""The language of an API caller's messages: Accept-Language's first of kk, ru, en; both Kazakh and
Russian without one; English of an older "kk / ru" message is its code's meaning, then the message."""

from __future__ import annotations

import pytest
from django.test import RequestFactory
from django.utils.translation import gettext_lazy as _

from apierrors.codes import API
from apierrors.language import in_language, requested_language


@pytest.mark.parametrize(
    ("header", "language"),
    [
        ("", None),
        ("de-DE,fr;q=0.8", None),
        ("en", "en"),
        ("kk-KZ,kk;q=0.9,ru;q=0.8", "kk"),
        ("de;q=1, ru;q=0.5, en;q=0.7", "en"),
        ("RU-ru", "ru"),
        ("en;q=0, kk", "kk"),
        ("en;q=oops, ru", "ru"),
        ("*", None),
    ],
)
def test_the_callers_language_comes_from_accept_language(header, language):
    request = RequestFactory().get("/graphql/", HTTP_ACCEPT_LANGUAGE=header)
    assert requested_language(request) == language


def test_a_lazy_message_in_each_language():
    message = _("The request body is too large.")
    assert in_language(message, "en") == "The request body is too large."
    assert in_language(message, "ru") == "Тело запроса слишком большое."
    assert in_language(message, "kk") == "Сұрау денесі тым үлкен."
    assert in_language(message, None) == "Сұрау денесі тым үлкен. / Тело запроса слишком большое."


def test_an_older_bilingual_message_gives_the_asked_half_or_the_codes_meaning_in_english():
    message = "first: 1-100 аралығында / от 1 до 100"
    assert in_language(message, "kk", "invalid_page_size") == "first: 1-100 аралығында"
    assert in_language(message, "ru", "invalid_page_size") == "от 1 до 100"
    assert in_language(message, "en", "invalid_page_size") == f"{API['invalid_page_size']} ({message})"
    assert in_language(message, None, "invalid_page_size") == message
    # English already: kept whatever is asked.
    assert in_language("Must provide query string.", "kk", "invalid_request") == "Must provide query string."
