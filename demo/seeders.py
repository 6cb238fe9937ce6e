"""Demo seeders in order; each is idempotent and says what it did."""

from __future__ import annotations

from collections.abc import Callable, Iterator

from accounts.dev_identity import seed_demo_identity

# Identities first: other demo data may name the demo users.
SEEDERS: list[Callable[[], Iterator[str]]] = [seed_demo_identity]


def run_seeders() -> Iterator[str]:
    if not SEEDERS:
        yield "no demo data beyond the 14 tenants yet"
    for seeder in SEEDERS:
        yield from seeder()
