"""Demo seeders in order; each is idempotent and yields what it did.

A seeder is named by its dotted path so that `demo` imports no domain app at start-up (and no
domain app has to import `demo`); `register_seeder` adds one more.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from django.utils.module_loading import import_string

# Identities first: other demo data may name the demo users.
SEEDERS: list[str] = [
    "demo.identity.seed",  # accounts' demo logins; executors work for a demo organisation
    "demo.appeals.seed",  # catalogues, organisations and months of appeals in every akimat
    "demo.emergencies.seed",  # a few emergencies forwarded to 112, at different stages there
    "demo.citymap.seed",  # the map: Petropavlovsk's buildings and network, outages; two districts
]


def register_seeder(dotted_path: str) -> None:
    if dotted_path not in SEEDERS:
        SEEDERS.append(dotted_path)


def run_seeders() -> Iterator[str]:
    if not SEEDERS:
        yield "no demo data beyond the 14 tenants yet"
    for path in SEEDERS:
        seeder: Callable[[], Iterator[str]] = import_string(path)
        yield from seeder()
