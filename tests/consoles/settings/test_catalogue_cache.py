"""An edit made in one web process reaches the others at once: the catalogue generation in the
shared cache makes every process reload its cached categories and calendar (within a second)."""

from __future__ import annotations

import pytest
from django.core.cache import cache

from appeals.catalogue import schema_cache
from appeals.catalogue.cache import active_category
from appeals.catalogue.schema_cache import bump_catalogue_generation, catalogue_generation
from appeals.models import Category

pytestmark = pytest.mark.usefixtures("inside")


def test_another_processs_edit_is_seen_once_the_generation_moves(monkeypatch):
    monkeypatch.setattr(schema_cache, "CHECK_SECONDS", 0.0)
    assert active_category("heating").sla_hours == 24  # cached in this process
    # Another process edits the row: no signal reaches this one.
    Category.objects.filter(code="heating").update(sla_hours=7)
    assert active_category("heating").sla_hours == 24
    bump_catalogue_generation()
    assert active_category("heating").sla_hours == 7


def test_the_generation_is_counted_per_akimat(tenants):
    from django_tenants.utils import tenant_context

    with tenant_context(tenants["esil"]):
        esil = catalogue_generation()
    before = catalogue_generation()
    bump_catalogue_generation()
    assert catalogue_generation() == before + 1
    with tenant_context(tenants["esil"]):
        assert catalogue_generation() == esil


def test_without_the_cache_server_the_ttl_alone_decides(monkeypatch):
    def down(*_args, **_kwargs):
        raise ConnectionError("redis is down")

    monkeypatch.setattr(cache, "get", down)
    monkeypatch.setattr(cache, "add", down)
    assert catalogue_generation() is None
    bump_catalogue_generation()  # logged, not raised: the edit itself has committed
    assert active_category("heating") is not None
