"""django-tenants' PostgreSQL backend with a health check that costs no round trip.

Django's health check (CONN_HEALTH_CHECKS) sends `SELECT 1` before the first query of every request
and every Celery task: on intake that was one round trip in eight, each a wake-up of the database
and of the worker on a machine that has none to spare (decision 91). A persistent connection that
died is one the server closed (restart, failover, a terminated backend): PostgreSQL says so with a
message, the kernel with end-of-file, and either leaves the socket readable while nothing is being
asked. So the check asks the kernel, not the server: an idle connection with anything to read is
closed and a new one made. A NOTIFY would also be something to read; the platform listens to none,
and a needless reconnect is the worst it could cause. After an error Django still checks with a
query (`is_usable`), as before.
"""

from __future__ import annotations

import select
from typing import Any

from django_tenants.postgresql_backend.base import DatabaseWrapper as TenantDatabaseWrapper


def is_idle_and_open(connection: Any) -> bool:
    """A psycopg connection the server has not closed, as far as the kernel knows: no round trip."""
    if connection.closed or connection.broken:
        return False
    try:
        readable, _writable, _failed = select.select([connection.fileno()], [], [], 0)
    except (OSError, ValueError):
        return False
    return not readable


class DatabaseWrapper(TenantDatabaseWrapper):
    def close_if_health_check_failed(self) -> None:
        if self.connection is None or not self.health_check_enabled or self.health_check_done:
            return
        if not is_idle_and_open(self.connection):
            self.close()
        self.health_check_done = True
