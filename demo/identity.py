"""The demo identities (accounts), told which demo organisation each akimat's executor works for
(appeals' demo data): the wiring between two apps that do not know each other."""

from __future__ import annotations

from collections.abc import Iterator


def seed() -> Iterator[str]:
    from accounts.dev_identity import seed_demo_identity
    from appeals.demo import executor_organisation

    yield from seed_demo_identity(executor_organisation)
