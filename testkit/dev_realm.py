"""The development realm's demo people in the test Keycloak, as the identity and browser suites
need them."""

from __future__ import annotations

import time
from collections.abc import Sequence

from keycloak.exceptions import KeycloakPostError

from demo.appeals import executor_organisation
from demo.dev_realm import apply_dev_realm


def apply_dev_realm_patiently(tenant_slugs: Sequence[str], attempts: int = 5) -> None:
    """The test Keycloak keeps its data in H2, which answers a write 500 ("Timeout trying to lock
    table") while another process's realm import holds the table on a loaded machine. The import
    is all-or-nothing and skips what exists, so it is tried again: a failure here would error every
    test of the suite that needs it."""
    for attempt in range(1, attempts + 1):
        try:
            apply_dev_realm(tenant_slugs, executor_organisation)
            return
        except KeycloakPostError as error:
            if error.response_code != 500 or attempt == attempts:
                raise
            time.sleep(2 * attempt)
