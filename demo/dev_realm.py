"""Demo identities for development: the dev realm's extras in Keycloak, or local users without it.

Production never runs this (refused below). The realm file platform/keycloak/ikomek-realm.json is
the same everywhere; the development realm adds, through Keycloak's partial import:
- `ikomek-dev-cli`, a public client with direct (password) grants, so scripts and tests can get a
  user's token without a browser; direct grants exist nowhere else;
- demo users for every role: `<role>.<akimat slug>` in each demo akimat, and the regional roles;
  each demo executor works for an organisation that `organisation_of(slug)` names (the demo data's
  own, given by the demo seeder: accounts knows no domain app).
"""

from __future__ import annotations

import time
import zlib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django_tenants.utils import schema_context
from keycloak import KeycloakAdmin
from keycloak.exceptions import KeycloakPostError

from accounts import keycloak_realm as realm
from accounts.keycloak_admin import master_admin, provisioner
from accounts.models import StaffProfile
from accounts.roles import Role

DEMO_PASSWORD = "demo-109"  # noqa: S105 - development realm only, printed by `make run`
DEV_CLIENT_ID = "ikomek-dev-cli"
TENANT_ROLES = (Role.OPERATOR, Role.EXECUTOR, Role.SUPERVISOR, Role.ANALYST, Role.LAWYER, Role.AKIM)
REGIONAL_DEMO_ROLES = (Role.REGIONAL_VIEWER, Role.REGIONAL_ADMIN, Role.DISPATCHER_112, Role.PLATFORM_ADMIN)

# The demo people's names: as the region's staff are called, the same person on every run whatever
# the akimats seeded (by their akimat and role). Their role is said beside the name on the consoles.
_WOMEN = ("Айгерим", "Гульнара", "Динара", "Асель", "Сауле", "Мадина", "Жанар", "Алия", "Ольга", "Назира")
_MEN = ("Ерлан", "Нурлан", "Бауыржан", "Асхат", "Данияр", "Марат", "Серик", "Арман", "Сергей", "Тимур")
# A family name's men's form; the women's adds a letter (Садыков, Садыкова).
_FAMILIES = (
    "Садыков",
    "Жумабаев",
    "Ахметов",
    "Омаров",
    "Искаков",
    "Касымов",
    "Нургалиев",
    "Бекенов",
    "Тулегенов",
    "Сарсенбаев",
    "Мукашев",
    "Ковалёв",
    "Абенов",
)
_ROLES = (*TENANT_ROLES, *REGIONAL_DEMO_ROLES)


def demo_person(role: Role, tenant: str | None) -> tuple[str, str]:
    """The first and family name of the akimat's (None: the region's) demo person in this role;
    the people of one akimat have different first names."""
    seed = zlib.crc32((tenant or "region").encode())
    place = _ROLES.index(role)
    # Bits of the seed chosen so that the region's 94 demo people all have different names.
    woman = ((seed >> 18) + place) % 2 == 0
    first = (_WOMEN if woman else _MEN)[((seed >> 9) + place) % len(_WOMEN)]
    family = _FAMILIES[((seed >> 12) + 3 * place) % len(_FAMILIES)]
    return first, f"{family}а" if woman else family


# An akimat's slug -> the organisation code its demo executor works for (None: none).
OrganisationOf = Callable[[str], str | None]


def no_organisation(_slug: str) -> None:
    return None


@dataclass(frozen=True)
class DemoUser:
    username: str
    role: Role
    tenant: str | None  # None: regional
    organisation: str | None = None

    @property
    def first_name(self) -> str:
        return demo_person(self.role, self.tenant)[0]

    @property
    def last_name(self) -> str:
        return demo_person(self.role, self.tenant)[1]

    @property
    def email(self) -> str:
        return f"{self.username.replace('_', '-')}@demo.ikomek.invalid"


def demo_username(role: Role, tenant: str | None) -> str:
    return f"{role.value}.{tenant}" if tenant else role.value.replace("_", "-")


def demo_users(
    tenant_slugs: Sequence[str], organisation_of: OrganisationOf = no_organisation
) -> list[DemoUser]:
    users = [
        DemoUser(
            demo_username(role, slug), role, slug, organisation_of(slug) if role is Role.EXECUTOR else None
        )
        for slug in tenant_slugs
        for role in TENANT_ROLES
    ]
    return users + [DemoUser(demo_username(role, None), role, None) for role in REGIONAL_DEMO_ROLES]


def _refuse_in_production() -> None:
    if settings.PRODUCTION:
        raise ImproperlyConfigured("demo identities are for development only")


def dev_client() -> dict:
    return {
        "clientId": DEV_CLIENT_ID,
        "name": "Development logins by password (development realm only)",
        "enabled": True,
        "protocol": "openid-connect",
        "publicClient": True,
        "standardFlowEnabled": False,
        "implicitFlowEnabled": False,
        "directAccessGrantsEnabled": True,
        "serviceAccountsEnabled": False,
        "protocolMappers": realm.api_token_mappers(settings.KEYCLOAK_API_AUDIENCE),
    }


def _keycloak_user(user: DemoUser) -> dict:
    return {
        "username": user.username,
        "enabled": True,
        "firstName": user.first_name,
        "lastName": user.last_name,
        "email": user.email,
        "emailVerified": True,
        "credentials": [{"type": "password", "value": DEMO_PASSWORD, "temporary": False}],
        "realmRoles": [user.role.value],
        "groups": [realm.akimat_group_path(user.tenant)] if user.tenant else [],
        "attributes": {realm.ORGANISATION_ATTRIBUTE: [user.organisation]} if user.organisation else {},
    }


def apply_dev_realm(tenant_slugs: Sequence[str], organisation_of: OrganisationOf = no_organisation) -> str:
    """Add the dev client and the demo users (the akimats' groups must exist: onboard first)."""
    _refuse_in_production()
    admin = master_admin()
    users = [_keycloak_user(user) for user in demo_users(tenant_slugs, organisation_of)]
    added = skipped = 0
    for start in range(0, max(len(users), 1), IMPORT_CHUNK):
        payload = {"ifResourceExists": "SKIP", "users": users[start : start + IMPORT_CHUNK]}
        if start == 0:
            payload["clients"] = [dev_client()]
        result = _import(admin, payload)
        added += result.get("added", 0)
        skipped += result.get("skipped", 0)
    renamed = _renamed(admin, demo_users(tenant_slugs, organisation_of))
    return f"dev realm: {added} added, {skipped} already there" + (f", {renamed} renamed" if renamed else "")


# People per partial import. Keycloak hashes each new password inside the import's transaction: all
# of the demo's people in one call took longer than the admin client's timeout on a loaded machine,
# and the client's retry then met the first import's lock.
IMPORT_CHUNK = 10
IMPORT_ATTEMPTS = 5


def _import(admin: KeycloakAdmin, payload: dict) -> dict:
    """One partial import, tried again while the development Keycloak's H2 answers 500 ("Timeout
    trying to lock table": another import holds it). It is all-or-nothing and skips what exists, so
    a second try adds only what the first did not."""
    attempt = 1
    while True:
        try:
            return admin.partial_import_realm(settings.KEYCLOAK_REALM, payload)
        except KeycloakPostError as error:
            if error.response_code != 500 or attempt >= IMPORT_ATTEMPTS:
                raise
        time.sleep(2 * attempt)
        attempt += 1


def _renamed(admin: KeycloakAdmin, users: Sequence[DemoUser]) -> int:
    """Demo users made before their names changed (decision 110) take today's: the import skips
    users that exist, and a development realm outlives many `make run`s."""
    wanted = {user.username: (user.first_name, user.last_name) for user in users}
    renamed = 0
    for existing in admin.get_users({"briefRepresentation": "true"}):
        name = wanted.get(existing.get("username", ""))
        if name is not None and (existing.get("firstName"), existing.get("lastName")) != name:
            admin.update_user(existing["id"], {"firstName": name[0], "lastName": name[1]})
            renamed += 1
    return renamed


def create_local_demo_users(
    tenants: Sequence[tuple[str, str]], organisation_of: OrganisationOf = no_organisation
) -> str:
    """Without Keycloak: the same demo users as local users, each in its akimat's schema."""
    _refuse_in_production()
    password = make_password(DEMO_PASSWORD)  # hashed once: the same for every demo user
    created = 0
    for schema, slug in [*tenants, (settings.PUBLIC_SCHEMA_NAME, None)]:
        users = [u for u in demo_users([slug] if slug else [], organisation_of) if u.tenant == slug]
        with schema_context(schema), transaction.atomic():
            for demo in users:
                user, is_new = get_user_model().objects.get_or_create(
                    username=demo.username,
                    defaults={
                        "password": password,
                        "first_name": demo.first_name,
                        "last_name": demo.last_name,
                        "email": demo.email,
                    },
                )
                if (user.first_name, user.last_name) != (demo.first_name, demo.last_name):
                    user.first_name, user.last_name = demo.first_name, demo.last_name  # decision 110
                    user.save(update_fields=["first_name", "last_name"])
                user.groups.add(Group.objects.get_or_create(name=demo.role.value)[0])
                if demo.organisation:
                    StaffProfile.objects.update_or_create(
                        user=user, defaults={"organisation": demo.organisation}
                    )
                created += is_new
    return f"local demo users: {created} created"


def seed_demo_identity(organisation_of: OrganisationOf = no_organisation) -> Iterator[str]:
    """Demo logins for every active akimat (the demo seeder `demo.identity.seed` names the
    executors' organisations)."""
    from tenants.models import Akimat

    akimats = list(
        Akimat.objects.exclude(schema_name=settings.PUBLIC_SCHEMA_NAME)
        .filter(is_active=True)
        .values_list("schema_name", "slug")
    )
    if settings.LOCAL_IDENTITY:
        yield create_local_demo_users(akimats, organisation_of)
    else:
        yield apply_dev_realm([slug for _, slug in akimats], organisation_of)


def banner_lines(web_port: str) -> list[str]:
    """What `make run` prints about logging in (development only)."""
    if settings.PRODUCTION:
        return []
    base = settings.BASE_DOMAIN
    staff = ", ".join(role.value for role in TENANT_ROLES)
    regional = ", ".join(demo_username(role, None) for role in REGIONAL_DEMO_ROLES)
    lines = [
        "",
        f"  Demo logins (development only), password for all: {DEMO_PASSWORD}",
        f"    akimat staff:  <role>.<akimat>, e.g. operator.petropavlovsk  (roles: {staff})",
        "    executors see only their own organisation's appeals (its code: `organisation` at /auth/me)",
        f"    regional:      {regional}  at http://{base}:{web_port}/",
        f"                   console http://{base}:{web_port}/region/, 112 inbox http://{base}:{web_port}/112/",
        f"    log in at http://<akimat>.{base}:{web_port}/auth/login/  (who am I: /auth/me)",
    ]
    if settings.LOCAL_IDENTITY:
        return lines
    token_url = f"{realm.issuer()}/protocol/openid-connect/token"
    lines += [
        f"    a user's API token: curl -d grant_type=password -d client_id={DEV_CLIENT_ID} "
        f"-d username=operator.petropavlovsk -d password={DEMO_PASSWORD} {token_url}",
        "    112 centre (client credentials): ikomek-112 / ikomek-112-dev-secret",
    ]
    lines += integrator_lines(token_url)
    return lines


def integrator_lines(token_url: str) -> list[str]:
    """Every active akimat's integrator client and its secret (Keycloak generates them), and how to
    get a token with it."""
    from tenants.models import Akimat

    akimats = list(
        Akimat.objects.exclude(schema_name=settings.PUBLIC_SCHEMA_NAME)
        .filter(is_active=True)
        .order_by("-is_sandbox", "slug")
        .values_list("slug", "is_sandbox")
    )
    sandboxes = {slug for slug, is_sandbox in akimats if is_sandbox}
    try:
        kc = provisioner()
        secrets = {}
        for slug, _ in akimats:
            client = kc.get_client_id(realm.integrator_client_id(slug))
            if client:
                secrets[slug] = kc.get_client_secrets(client)["value"]
    except Exception:
        return ["    integrator secrets: Keycloak admin console, Clients > integrator-<akimat> > Credentials"]
    lines = ["    integrators (client credentials; a token lives 300 s, graphql/README.md):"]
    base = settings.BASE_DOMAIN
    sandbox_note = "   SANDBOX at {}.{}: test here, nothing reaches 112 or the region"
    lines += [
        f"      {realm.integrator_client_id(slug)} / {secret}"
        + (sandbox_note.format(slug, base) if slug in sandboxes else "")
        for slug, secret in secrets.items()
    ]
    if secrets:
        # The example token is the sandbox's when there is one: integrators start there.
        slug, secret = next(iter(secrets.items()))
        client_id = realm.integrator_client_id(slug)
        lines.append(
            f"      a token: curl -d grant_type=client_credentials -d client_id={client_id} "
            f"-d client_secret={secret} {token_url}"
        )
    return lines
