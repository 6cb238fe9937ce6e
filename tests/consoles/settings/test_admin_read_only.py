"""The catalogues are edited on the settings pages only, where every edit is logged: even a local
superuser finds them read-only in the akimat's admin."""

from __future__ import annotations

import pytest

from appeals.models import Category
from testkit.identities import logged_in, user_with_roles

pytestmark = pytest.mark.usefixtures("inside")


def test_the_admin_shows_catalogues_but_changes_none():
    root = logged_in(user_with_roles("root", is_staff=True, is_superuser=True))
    heating = Category.objects.get(code="heating")
    page = root.get(f"/admin/appeals/category/{heating.pk}/change/")
    assert page.status_code == 200 and 'name="_save"' not in page.content.decode()
    changed = root.post(f"/admin/appeals/category/{heating.pk}/change/", {"sla_hours": "1"})
    assert changed.status_code == 403
    assert Category.objects.get(pk=heating.pk).sla_hours == 24
    for model in ("category", "organisation", "routingrule", "calendarexception", "cataloguechange"):
        assert root.get(f"/admin/appeals/{model}/add/").status_code == 403, model
        assert root.get(f"/admin/appeals/{model}/").status_code == 200, model
