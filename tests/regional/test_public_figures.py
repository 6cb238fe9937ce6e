"""The region's public figures `/figures/` on the regional host (decision 102): every akimat of the
region beside the region's total, from the read model, each leading to its own page; never the
sandbox; a new appeal counts there once its message reached the region (committed, delivered)."""

from __future__ import annotations

import re

from django.test import Client
from django_tenants.utils import tenant_context

from appeals import actions
from appeals.actions import AppealInput
from tests.appeals.conftest import OPERATOR, VALID_PHONE
from tests.regional.conftest import inside
from tests.regional.helpers import deliver_pending


def anyone(language: str = "ru") -> Client:
    client = Client(HTTP_HOST="localhost")
    client.cookies["django_language"] = language
    return client


def received(text: str, slug: str) -> int:
    row = re.search(rf'<tr data-akimat="{slug}">.*?</tr>', text, re.DOTALL)
    assert row, slug
    return int(re.findall(r"<td>(\d+)</td>", row.group())[0])


def test_every_akimat_beside_the_total_and_a_new_appeal_counts_once_it_reached_the_region(committed_akimats):
    west = committed_akimats["regional-west"]
    deliver_pending()
    before = anyone().get("/figures/").content.decode()
    with tenant_context(west):
        longitude, latitude = inside(west.slug)
        data = AppealInput(
            channel="landline",
            description="Нет отопления",
            applicant_phone=VALID_PHONE,
            longitude=longitude,
            latitude=latitude,
            category_code="heating",
        )
        actions.create_appeal(OPERATOR, data)
    deliver_pending()
    page = anyone("kk").get("/figures/")
    text = page.content.decode()
    assert page.status_code == 200 and "Облыстың 109 желілерінің көрсеткіштері" in text
    assert "Показатели" not in text
    assert received(text, west.slug) == received(before, west.slug) + 1
    assert received(text, "petropavlovsk") == received(before, "petropavlovsk")
    assert 'data-akimat="sandbox"' not in text
    assert 'href="http://petropavlovsk.localhost' in text and "/figures/" in text
    total = int(re.search(r'<dd data-figure="received">(\d+)</dd>', text).group(1))
    assert total == sum(received(text, slug) for slug in re.findall(r'<tr data-akimat="([a-z-]+)">', text))
