"""Periodic work of one akimat's map; beat reaches every tenant through ikomek.tasks.fan_out_to_tenants."""

from __future__ import annotations

from celery import shared_task

from citymap.hotspots.publish import publish_ranking


@shared_task(name="citymap.tasks.publish_ranking", ignore_result=True)
def publish_ranking_task() -> str:
    """The akimat's places with the most appeals, to the region's console."""
    return str(publish_ranking() or "sandbox: no ranking for the region")
