"""Structured (JSON) logs: every record says which tenant and request it belongs to."""

from __future__ import annotations

import logging

from observability.context import current_schema, request_id


class ContextFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "tenant"):
            try:
                record.tenant = current_schema()
            except Exception:
                record.tenant = ""
        record.request_id = request_id.get()
        return True
