"""Akimat schemas migrated several at a time: django-tenants' process pool, plus a retry for the one
race two schemas' migrations can have.

Each akimat's schema is independent, except for one row: every pgtrigger install replaces the same
function in the public schema (`_pgtrigger_should_ignore`), and two schemas doing that at once make
PostgreSQL refuse the later with "tuple concurrently updated". That migration's transaction is rolled
back, so running the schema again continues from it; nothing is applied twice.
"""

from __future__ import annotations

import functools
import time
from typing import Any

from django.db import connections
from django.db.utils import InternalError
from django_tenants.migration_executors.base import MigrationExecutor, run_migrations
from django_tenants.migration_executors.multiproc import get_pool

RACE = "tuple concurrently updated"
ATTEMPTS = 5


def migrate_schema(
    args: tuple, options: dict[str, Any], codename: str, count: int, indexed: tuple[int, str]
) -> None:
    """One schema's migrations (in a pool process), again after losing the race above."""
    index, schema_name = indexed
    for attempt in range(1, ATTEMPTS + 1):
        try:
            run_migrations(args, options, codename, schema_name, allow_atomic=False, idx=index, count=count)
            return
        except InternalError as error:
            if RACE not in str(error) or attempt == ATTEMPTS:
                raise
            connections[options.get("database") or "default"].close()
            time.sleep(0.05 * attempt)


class ParallelExecutor(MigrationExecutor):
    """`migrate_schemas --executor=parallel`; the pool's size is TENANT_MULTIPROCESSING_MAX_PROCESSES.

    django-tenants finds executors among MigrationExecutor's direct subclasses, hence not a subclass
    of its MultiprocessingExecutor."""

    codename = "parallel"

    def run_migrations(self, tenants: list[str] | None = None) -> None:
        tenants = list(tenants or [])
        if self.PUBLIC_SCHEMA_NAME in tenants:
            run_migrations(self.args, self.options, self.codename, self.PUBLIC_SCHEMA_NAME)
            tenants.remove(self.PUBLIC_SCHEMA_NAME)
        if not tenants:
            return
        connection = connections[self.TENANT_DB_ALIAS]
        connection.close()  # forked workers must not share the parent's socket
        connection.connection = None
        work = functools.partial(migrate_schema, self.args, self.options, self.codename, len(tenants))
        with get_pool() as pool:
            pool.map(work, enumerate(tenants), 1)

    def run_multi_type_migrations(self, tenants: list) -> None:
        raise NotImplementedError("iKOMEK has one tenant type")
