"""The demo's organisations and their heads have e-mail addresses (a reserved domain), so a
newcomer under `make run` sees the notices written to `.local/dev/mail/`."""

from __future__ import annotations

from django_tenants.utils import tenant_context

from appeals.models import Organisation, ResponsiblePerson
from demo.appeals import demo_fixture
from demo.appeals.catalogue import ensure_demo_catalogue


def test_demo_organisations_and_heads_get_addresses_and_keep_their_own(tenants):
    with tenant_context(tenants["petropavlovsk"]):
        Organisation.objects.filter(code="heat-network").update(email="")
        Organisation.objects.filter(code="housing-department").update(email="zhkh@akimat.kz")
        ensure_demo_catalogue(demo_fixture("petropavlovsk"), {"kk": "Петропавл", "ru": "Петропавловск"})
        addresses = dict(Organisation.objects.values_list("code", "email"))
        assert addresses["heat-network"] == "heat-network@petropavlovsk.example"
        assert addresses["housing-department"] == "zhkh@akimat.kz"  # one of its own is kept
        head = ResponsiblePerson.objects.get(organisation__code="heat-network", is_head=True)
        assert head.email == "head.heat-network@petropavlovsk.example"
