"""Every console wording has its Kazakh and its Russian: no English on a kk or ru screen."""

from __future__ import annotations

import polib
import pytest
from django.utils import translation

from testkit.paths import ROOT


@pytest.mark.parametrize("language", ["kk", "ru"])
def test_every_msgid_is_translated(language):
    catalogue = polib.pofile(str(ROOT / "locale" / language / "LC_MESSAGES" / "django.po"))
    assert len(catalogue) > 50
    assert catalogue.untranslated_entries() == []
    assert catalogue.fuzzy_entries() == []


@pytest.mark.parametrize(("language", "expected"), [("kk", "Кезектер"), ("ru", "Очереди")])
def test_the_compiled_catalogue_is_the_one_served(language, expected):
    with translation.override(language):
        assert translation.gettext("Queues") == expected
