"""The region's open dataset of appeals (decision 111): an akimat's appeal is there once its message
reached the region's read model (committed, delivered), with the public fields the read model has
and nothing of its applicant."""

from __future__ import annotations

import csv
import io

from django.test import Client
from django_tenants.utils import tenant_context

from appeals import actions
from appeals.actions import AppealInput
from tests.appeals.conftest import OPERATOR
from tests.regional.conftest import inside
from tests.regional.helpers import deliver_pending

PHONE = "+77051239911"
NAME = "Жанар Оспанова"
WORDS = "Сосед Болат опять шумит"


def region_rows() -> dict[tuple[str, int], dict[str, str]]:
    answer = Client(HTTP_HOST="localhost").get("/open-data/appeals.csv")
    assert answer.status_code == 200
    text = b"".join(answer.streaming_content).decode()
    for secret in (PHONE, NAME, "Оспанова", "Болат"):
        assert secret not in text
    return {(row["akimat"], int(row["number"])): row for row in csv.DictReader(io.StringIO(text[1:]))}


def test_an_akimats_appeal_is_in_the_regions_dataset_once_it_reached_the_region(committed_akimats):
    west = committed_akimats["regional-west"]
    with tenant_context(west):
        longitude, latitude = inside(west.slug)
        data = AppealInput(
            channel="landline",
            description=WORDS,
            applicant_phone=PHONE,
            applicant_name=NAME,
            longitude=longitude,
            latitude=latitude,
            category_code="heating",
            register=True,
        )
        appeal = actions.create_appeal(OPERATOR, data).appeal
    assert (west.slug, appeal.number) not in region_rows()  # its message has not been delivered yet
    deliver_pending()
    row = region_rows()[(west.slug, appeal.number)]
    assert (row["akimat_name_ru"], row["category_code"], row["status"]) == (
        west.name_ru,
        "heating",
        "registered",
    )
    assert row["received_at"].endswith("+05:00") and row["answered"] == "false"
