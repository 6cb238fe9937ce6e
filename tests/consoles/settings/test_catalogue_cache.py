"""An edit made in one web process reaches the others at once: the catalogue generation in the
shared cache makes every process reload its cached categories and calendar (within a second)."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import override_settings

from appeals.catalogue import schema_cache
from appeals.catalogue.cache import active_category, forget_categories
from appeals.catalogue.schema_cache import bump_catalogue_generation, catalogue_generation
from appeals.models import Category
from testkit.processes import private_redis

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


@pytest.mark.slow
def test_with_the_cache_server_stopped_the_ttl_alone_decides(monkeypatch, tmp_path):
    monkeypatch.setattr(schema_cache, "CHECK_SECONDS", 0.0)  # every read asks for the generation
    with private_redis(tmp_path) as (url, process), override_settings(CACHES=caches_at(url)):
        bump_catalogue_generation()
        assert catalogue_generation() == 1  # this Redis answers
        assert active_category("heating").sla_hours == 24  # cached, with generation 1

        process.kill()  # the cache server goes away for real
        process.wait(timeout=10)
        Category.objects.filter(code="heating").update(sla_hours=7)  # edited in another process
        assert catalogue_generation() is None  # unreadable, and said so rather than raised
        bump_catalogue_generation()  # logged, not raised: the edit itself has committed
        # Nothing tells this process of the edit: the cached entry stands until its TTL ...
        assert active_category("heating").sla_hours == 24
        # ... and once it has run out (forgotten here), the catalogue loads without Redis.
        forget_categories()
        assert active_category("heating").sla_hours == 7


def caches_at(url: str) -> dict:
    """The project's cache settings, on another Redis."""
    return {"default": settings.CACHES["default"] | {"LOCATION": url}}
