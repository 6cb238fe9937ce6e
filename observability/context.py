"""Per-request / per-task context that logs and error reports carry (tenant, request id)."""

from __future__ import annotations

from contextvars import ContextVar

request_id: ContextVar[str] = ContextVar("request_id", default="")


def current_schema() -> str:
    # Imported lazily: this module is used by logging before Django's apps are ready.
    from django.db import connection

    return getattr(connection, "schema_name", "") or ""
