"""Open311's tests call with real Keycloak tokens, as integrators do (the identity tests' fixtures)."""

from tests.accounts.conftest import keycloak, tokens  # noqa: F401 (fixtures)
