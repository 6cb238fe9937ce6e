"""What the platform asks of the Keycloak realm: names, token mappers and the integrator client.

platform/keycloak/ikomek-realm.json holds the same mappers for the clients it defines; a test keeps
the two equal. That file is the production realm and carries no client secret (Keycloak generates
them at import); only the development and test profiles add the fixed secrets below.
"""

from __future__ import annotations

from django.conf import settings

AKIMATS_GROUP = "akimats"
AKIMAT_GROUP_PREFIX = f"/{AKIMATS_GROUP}/"
INTEGRATOR_CLIENT_PREFIX = "integrator-"
# Client attribute naming the akimat an integrator client belongs to.
TENANT_ATTRIBUTE = "ikomek.tenant"
# User attribute (declared in the realm's user profile, edited by administrators only) naming the
# responsible organisation a person works for: its code in their akimat's catalogue. Access tokens
# carry it in the claim of the same name.
ORGANISATION_ATTRIBUTE = "organisation"
# Its declaration in the user profile (the realm file has the same; a test keeps them equal).
ORGANISATION_PROFILE_ATTRIBUTE: dict = {
    "name": ORGANISATION_ATTRIBUTE,
    "displayName": "Ұйым / Организация (код в справочнике акимата)",
    "validations": {
        "length": {"max": 60},
        "pattern": {
            "pattern": "^[-a-zA-Z0-9_]+$",
            "error-message": (
                "Ұйым коды: латын әріптері, цифрлар, - және _ / Код организации: латиница, цифры, - и _"
            ),
        },
    },
    "annotations": {
        "inputHelperTextBefore": (
            "Жауапты ұйымның қызметкерлері үшін (орындаушылар) / "
            "Для сотрудников ответственной организации (исполнителей)"
        )
    },
    "permissions": {"view": ["admin", "user"], "edit": ["admin"]},
    "multivalued": False,
}
# The realm's clients (besides integrators) whose tokens call the API.
API_CLIENT_IDS = ("ikomek-web", "ikomek-112")
# The development realm's client secrets (platform/keycloak/dev-client-secrets.json, added to the
# realm by the development and test profiles only; a test keeps the two equal). They are public, so
# a Keycloak that accepts any of them is refused at start in production (system check accounts.E002).
DEVELOPMENT_CLIENT_SECRETS: dict[str, str] = {
    "ikomek-web": "ikomek-web-dev-secret",
    "ikomek-112": "ikomek-112-dev-secret",
    "ikomek-provisioner": "ikomek-provisioner-dev-secret",
}
CALLBACK_PATH = "/auth/callback/"


def akimat_group_path(slug: str) -> str:
    return f"{AKIMAT_GROUP_PREFIX}{slug}"


def integrator_client_id(slug: str) -> str:
    return f"{INTEGRATOR_CLIENT_PREFIX}{slug}"


def issuer() -> str:
    """The only issuer the platform accepts (Keycloak's hostname is pinned to KEYCLOAK_URL)."""
    return f"{settings.KEYCLOAK_URL.rstrip('/')}/realms/{settings.KEYCLOAK_REALM}"


def api_token_mappers(audience: str) -> list[dict]:
    """Mappers every client that calls the API needs: our audience, akimat membership, the person's
    organisation, client id."""
    return [
        {
            "name": "ikomek-api audience",
            "protocol": "openid-connect",
            "protocolMapper": "oidc-audience-mapper",
            "config": {
                "included.client.audience": audience,
                "access.token.claim": "true",
                "id.token.claim": "false",
                "introspection.token.claim": "true",
            },
        },
        {
            "name": "akimat membership",
            "protocol": "openid-connect",
            "protocolMapper": "oidc-group-membership-mapper",
            "config": {
                "claim.name": "groups",
                "full.path": "true",
                "access.token.claim": "true",
                "id.token.claim": "true",
                "userinfo.token.claim": "true",
                "introspection.token.claim": "true",
            },
        },
        {
            "name": "organisation of staff",
            "protocol": "openid-connect",
            "protocolMapper": "oidc-usermodel-attribute-mapper",
            "config": {
                "user.attribute": ORGANISATION_ATTRIBUTE,
                "claim.name": ORGANISATION_ATTRIBUTE,
                "jsonType.label": "String",
                "multivalued": "false",
                "aggregate.attrs": "false",
                "access.token.claim": "true",
                "id.token.claim": "false",
                "userinfo.token.claim": "false",
                "introspection.token.claim": "true",
            },
        },
        {
            # Only client-credentials sessions carry this note: it tells a service from a person.
            "name": "client id of service accounts",
            "protocol": "openid-connect",
            "protocolMapper": "oidc-usersessionmodel-note-mapper",
            "config": {
                "user.session.note": "client_id",
                "claim.name": "client_id",
                "jsonType.label": "String",
                "access.token.claim": "true",
                "id.token.claim": "false",
                "introspection.token.claim": "true",
            },
        },
    ]


def integrator_client(slug: str, display_name: str, *, enabled: bool) -> dict:
    """A confidential client with only a service account, bound to one akimat."""
    return {
        "clientId": integrator_client_id(slug),
        "name": f"Integrator: {display_name}",
        "description": f"Machine client of the akimat {slug}; its tokens are valid only on {slug}'s address.",
        "enabled": enabled,
        "protocol": "openid-connect",
        "publicClient": False,
        "clientAuthenticatorType": "client-secret",
        "standardFlowEnabled": False,
        "implicitFlowEnabled": False,
        "directAccessGrantsEnabled": False,
        "serviceAccountsEnabled": True,
        "attributes": {TENANT_ATTRIBUTE: slug},
        "protocolMappers": api_token_mappers(settings.KEYCLOAK_API_AUDIENCE),
    }


def web_origin(host: str) -> str:
    """The browser origin of a host of ours, e.g. http://esil.localhost:8000."""
    port = settings.IKOMEK_PUBLIC_PORT
    default = {"http": 80, "https": 443}[settings.IKOMEK_PUBLIC_SCHEME]
    suffix = "" if not port or int(port) == default else f":{port}"
    return f"{settings.IKOMEK_PUBLIC_SCHEME}://{host}{suffix}"
