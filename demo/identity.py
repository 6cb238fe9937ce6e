"""The demo identities (accounts), told which demo organisation each akimat's executor works for
(appeals' demo data): the wiring between two apps that do not know each other."""

from __future__ import annotations

from collections.abc import Iterator


def seed() -> Iterator[str]:
    from demo.appeals import executor_organisation
    from demo.dev_realm import seed_demo_identity

    yield from seed_demo_identity(executor_organisation)
