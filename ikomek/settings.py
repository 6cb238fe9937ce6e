"""Settings for iKOMEK, read from the environment (django-environ) with safe local defaults.

The local defaults match the project-local services that `platform/bin/services` starts
(see platform/profiles/*.env); production must set everything explicitly and
`settings_guard.check_production_settings` refuses unsafe values.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import environ
from csp.constants import NONE, SELF
from kombu import Queue

from ikomek.settings_guard import (
    DEVELOPMENT_SECRET_KEY,
    PRODUCTION_ENVIRONMENT,
    check_production_settings,
    checked_environment,
)

BASE_DIR = Path(__file__).resolve().parent.parent
env = environ.Env()

# development | test | production, spelled exactly; unset or anything else refuses to start.
IKOMEK_ENV = checked_environment(env.str("IKOMEK_ENV", default=None))
PRODUCTION = IKOMEK_ENV == PRODUCTION_ENVIRONMENT

DEBUG = env.bool("DJANGO_DEBUG", default=not PRODUCTION)
SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="" if PRODUCTION else DEVELOPMENT_SECRET_KEY)

# Tenants live at <slug>.<BASE_DOMAIN>; the region (public schema) at BASE_DOMAIN itself.
BASE_DOMAIN = env.str("IKOMEK_BASE_DOMAIN", default="localhost")
ALLOWED_HOSTS = env.list(
    "DJANGO_ALLOWED_HOSTS",
    default=[] if PRODUCTION else [BASE_DOMAIN, f".{BASE_DOMAIN}", "127.0.0.1"],
)
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])
# An API request refused by the CSRF check gets the API's error envelope, a browser Django's page.
CSRF_FAILURE_VIEW = "ikomek.api_failures.csrf_failure"

# ---------------------------------------------------------------- identity (Keycloak)
KEYCLOAK_URL = env.str("KEYCLOAK_URL", default="")  # e.g. http://localhost:8180
KEYCLOAK_REALM = env.str("KEYCLOAK_REALM", default="ikomek")
KEYCLOAK_ADMIN_USER = env.str("KEYCLOAK_ADMIN_USER", default="admin")
KEYCLOAK_ADMIN_PASSWORD = env.str("KEYCLOAK_ADMIN_PASSWORD", default="")
KEYCLOAK_ADMIN_REALM = env.str("KEYCLOAK_ADMIN_REALM", default="master")  # where that admin lives
KEYCLOAK_TIMEOUT_SECONDS = env.float("KEYCLOAK_TIMEOUT_SECONDS", default=2.0)
# Without Keycloak the platform runs with local demo users and says so at start.
LOCAL_IDENTITY = not KEYCLOAK_URL

# ------------------------------------------------------- identity: web login and API tokens (accounts)
# The only issuer accepted is KEYCLOAK_URL/realms/KEYCLOAK_REALM (Keycloak's hostname is pinned to it).
KEYCLOAK_API_AUDIENCE = env.str("KEYCLOAK_API_AUDIENCE", default="ikomek-api")
KEYCLOAK_PROVISIONER_CLIENT_ID = env.str("KEYCLOAK_PROVISIONER_CLIENT_ID", default="ikomek-provisioner")
KEYCLOAK_PROVISIONER_SECRET = env.str(
    "KEYCLOAK_PROVISIONER_SECRET", default="" if PRODUCTION else "ikomek-provisioner-dev-secret"
)
# Admin calls (onboarding, dev realm) may wait longer than a request path's 2 s.
KEYCLOAK_ADMIN_TIMEOUT_SECONDS = env.int("KEYCLOAK_ADMIN_TIMEOUT_SECONDS", default=15)
# What Keycloak says of an account now (enabled, roles, groups) is read at most this often per
# account and process: a disabled person is refused within it (decision 53). Keep it <= 30.
KEYCLOAK_ACCOUNT_CHECK_SECONDS = env.float("KEYCLOAK_ACCOUNT_CHECK_SECONDS", default=30.0)
# Keycloak unreachable: the last status read stays in force this long; reads pause for the cooldown.
KEYCLOAK_ACCOUNT_STALE_SECONDS = env.float("KEYCLOAK_ACCOUNT_STALE_SECONDS", default=3600.0)
KEYCLOAK_OUTAGE_COOLDOWN_SECONDS = env.float("KEYCLOAK_OUTAGE_COOLDOWN_SECONDS", default=15.0)
KEYCLOAK_TOKEN_LEEWAY_SECONDS = env.int("KEYCLOAK_TOKEN_LEEWAY_SECONDS", default=10)
KEYCLOAK_JWKS_LIFESPAN_SECONDS = env.int("KEYCLOAK_JWKS_LIFESPAN_SECONDS", default=3600)
# A token naming an unknown key id refetches the JWKS at most this often (per process).
KEYCLOAK_JWKS_REFRESH_COOLDOWN_SECONDS = env.float("KEYCLOAK_JWKS_REFRESH_COOLDOWN_SECONDS", default=5.0)
# How browsers reach our hosts: the redirect URIs registered in Keycloak for each akimat's host.
IKOMEK_PUBLIC_SCHEME = env.str("IKOMEK_PUBLIC_SCHEME", default="https" if PRODUCTION else "http")
IKOMEK_PUBLIC_PORT = env.int("IKOMEK_WEB_PORT", default=None if PRODUCTION else 8000)

_ISSUER = f"{KEYCLOAK_URL.rstrip('/')}/realms/{KEYCLOAK_REALM}/protocol/openid-connect"
OIDC_RP_CLIENT_ID = env.str("KEYCLOAK_WEB_CLIENT_ID", default="ikomek-web")
OIDC_RP_CLIENT_SECRET = env.str(
    "KEYCLOAK_WEB_CLIENT_SECRET", default="" if PRODUCTION else "ikomek-web-dev-secret"
)
OIDC_RP_SIGN_ALGO = "RS256"
OIDC_RP_SCOPES = "openid profile email"
OIDC_OP_AUTHORIZATION_ENDPOINT = f"{_ISSUER}/auth"
OIDC_OP_TOKEN_ENDPOINT = f"{_ISSUER}/token"
OIDC_OP_USER_ENDPOINT = f"{_ISSUER}/userinfo"
OIDC_OP_JWKS_ENDPOINT = f"{_ISSUER}/certs"
OIDC_OP_LOGOUT_URL_METHOD = "accounts.logout.keycloak_logout_url"
OIDC_USE_PKCE = True
OIDC_PKCE_CODE_CHALLENGE_METHOD = "S256"
OIDC_STORE_ID_TOKEN = True  # the hint that lets Keycloak end its session at logout
# How often a console session is re-checked with Keycloak (disabled people lose it within this).
OIDC_RENEW_ID_TOKEN_EXPIRY_SECONDS = env.int("KEYCLOAK_SESSION_RECHECK_SECONDS", default=900)
OIDC_TIMEOUT = KEYCLOAK_TIMEOUT_SECONDS * 2
AUTHENTICATION_BACKENDS = [
    "accounts.backends.LocalIdentityBackend" if LOCAL_IDENTITY else "accounts.oidc.KeycloakBackend"
]
LOGIN_URL = "/auth/login/"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/"


# ---------------------------------------------------------------- applications
SHARED_APPS = [
    "django_tenants",
    "tenants",
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.admin",
    "django.contrib.gis",
    "graphene_django",
    "pgtrigger",
    "accounts",
    "federation.messaging",  # the outbox and relay (public schema only)
    "federation",  # appeal messages on it: transfers, states to the region
    "federation.messaging.inbox",  # each receiver's receipts: public and every tenant
    "demo",
    "federation.emergency_112",
    "federation.escalations",  # the region's escalation rules (public schema only)
    "regional",  # the regional read model and escalation queue (public schema only)
    "django_htmx",
    "leaflet",  # Leaflet's static files (maps are served by us: no CDN, pages work offline)
    "consoles",  # the akimat staff's pages, above the domains
    "operations",  # operators' commands across every layer: per-akimat backup and restore
    "ikomek",
]
TENANT_APPS = [
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "django.contrib.sessions",
    "django.contrib.admin",
    "accounts",
    "federation.messaging.inbox",
    "appeals",
    "citymap",  # the city map: objects, address search, outages, hotspots (after appeals: it builds on it)
    "integrations",  # integrators' webhooks on appeal changes (through the federation outbox)
    "citizen_sms",  # an SMS to the applicant when the appeal is answered (through the federation outbox)
]
INSTALLED_APPS = SHARED_APPS + [app for app in TENANT_APPS if app not in SHARED_APPS]
if not PRODUCTION and importlib.util.find_spec("django_migration_linter"):
    # `manage.py lintmigrations` in `make test` (a dev dependency, absent from the image).
    INSTALLED_APPS.append("django_migration_linter")

TENANT_MODEL = "tenants.Akimat"
TENANT_DOMAIN_MODEL = "tenants.Domain"
PUBLIC_SCHEMA_NAME = "public"
# New tenants are cloned from this schema instead of replaying every migration.
TENANT_BASE_SCHEMA = "tenant_template"
TENANT_CREATION_FAKES_MIGRATIONS = True
# search_path is set once per connection and tenant, not before every query.
TENANT_LIMIT_SET_CALLS = True
# Seconds a process keeps the host -> tenant map before reading it again.
TENANT_HOST_CACHE_SECONDS = env.int("TENANT_HOST_CACHE_SECONDS", default=30)

ROOT_URLCONF = "ikomek.urls_tenant"
PUBLIC_SCHEMA_URLCONF = "ikomek.urls_public"

MIDDLEWARE = [
    # Static files first: served without the tenant's lookup, so a page still has its styles and
    # scripts while the database is away.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "tenants.middleware.CachedTenantMiddleware",
    "ikomek.shedding.LoadSheddingMiddleware",  # past the workers' capacity: 429 at once (decision 67)
    "django.middleware.security.SecurityMiddleware",
    "ikomek.page_policy.PagePolicyMiddleware",  # pages run only our own files (CONTENT_SECURITY_POLICY)
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "accounts.middleware.PrincipalMiddleware",
    "ikomek.rate_limits.RateLimitMiddleware",  # per API client, 429 past its quota (issue 16)
    "accounts.oidc.SessionRefresh",  # console sessions re-checked with Keycloak (identity)
    "django_htmx.middleware.HtmxMiddleware",
    "consoles.language.PersonLanguageMiddleware",  # the language a signed-in person chose
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "observability.middleware.RequestContextMiddleware",
]

# Content-Security-Policy of every page (django-csp): scripts, styles, images and requests from our
# own origin only, no inline script or style, no eval (htmx's allowEval is off), never framed, forms
# posted to us (and the sign-out's redirect to Keycloak). Leaflet positions its panes through the
# CSSOM, which style-src does not govern. The API's answers are JSON, not pages: not sent there
# (ikomek/page_policy.py skips them before the header is built).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:", "blob:"],
        "connect-src": [SELF],
        "font-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF, *([KEYCLOAK_URL] if KEYCLOAK_URL else [])],
    },
}

# Load shedding: more connections than this waiting to be accepted, and a new API request (not an
# emergency) is answered 429 with Retry-After at once (about a fifth of a second of the workers' work).
WEB_SHED_QUEUE = env.int("WEB_SHED_QUEUE", default=24)
# And an API request (not an emergency) that waited longer than this for a worker after the proxy
# handed it over (nginx's X-Request-Start), decision 96; 0 (or less): never by the time waited.
WEB_SHED_WAITED_MS = env.int("WEB_SHED_WAITED_MS", default=100)

# Rate limits of the API (ikomek/rate_limits.py; graphql/README.md "Rate limits"): per client
# (a Bearer token's subject) and per anonymous address, django-ratelimit's "<count>/<period>".
API_RATE_LIMIT = env.str("API_RATE_LIMIT", default="600/m")
API_RATE_LIMIT_ANONYMOUS = env.str("API_RATE_LIMIT_ANONYMOUS", default="120/m")
# Per client, by its Keycloak username ({"service-account-integrator-esil": "1200/m"}).
API_RATE_LIMITS: dict[str, str] = env.json("API_RATE_LIMITS", default={})
RATELIMIT_USE_CACHE = "default"
# Integrators (Keycloak usernames, "integrator-esil") whose emergencies the region lets go straight
# on to 112 at intake; every other integrator's waits for an operator (appeals.rules.emergency_intake).
INTEGRATORS_DIRECT_112: list[str] = env.list("INTEGRATORS_DIRECT_112", default=[])
# Behind the reverse proxy, the caller's address is the header the proxy sets (e.g. HTTP_X_REAL_IP).
RATELIMIT_IP_META_KEY = env.str("RATELIMIT_IP_META_KEY", default="") or None

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "ikomek" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "consoles.context.console",
            ],
        },
    },
]

WSGI_APPLICATION = "ikomek.wsgi.application"

# ---------------------------------------------------------------- database
DATABASES = {
    "default": env.db("DATABASE_URL", default="postgis://ikomek:ikomek@127.0.0.1:15432/ikomek"),
}
# django-tenants' backend, its health check asking the kernel instead of the server (decision 91).
DATABASES["default"]["ENGINE"] = "tenants.postgresql_backend"
# Persistent connections with health checks; never a transaction-mode pooler (search_path).
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=600)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DATABASES["default"].setdefault("OPTIONS", {})["connect_timeout"] = 3
ORIGINAL_BACKEND = "django.contrib.gis.db.backends.postgis"
DATABASE_ROUTERS = ("django_tenants.routers.TenantSyncRouter",)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# ---------------------------------------------------------------- Redis: cache and broker
REDIS_URL = env.str("REDIS_URL", default="redis://127.0.0.1:63790/0")
CACHE_REDIS_URL = env.str("CACHE_REDIS_URL", default=REDIS_URL.rsplit("/", 1)[0] + "/1")
# Redis is on the same network: a connection not made in this time is taken as Redis being down.
REDIS_CONNECT_TIMEOUT_SECONDS = env.float("REDIS_CONNECT_TIMEOUT_SECONDS", default=0.25)
# Account statuses read from Keycloak, shared by every process while fresh (decision 97); empty: off.
KEYCLOAK_ACCOUNT_SHARED_URL = env.str("KEYCLOAK_ACCOUNT_SHARED_URL", default=CACHE_REDIS_URL)
CACHES = {
    "default": {
        "BACKEND": "ikomek.redis_cache.RedisCache",  # Django's, with incr in one round trip
        "LOCATION": CACHE_REDIS_URL,
        # Every key carries the tenant's schema: one akimat never reads another's cache.
        "KEY_FUNCTION": "django_tenants.cache.make_key",
        "REVERSE_KEY_FUNCTION": "django_tenants.cache.reverse_key",
        # Intake reads it (catalogue generations): a Redis that is down or unreachable answers at
        # once or within these, never holding a request (redis-py retries nothing on these clients).
        "OPTIONS": {"socket_connect_timeout": REDIS_CONNECT_TIMEOUT_SECONDS, "socket_timeout": 0.5},
    }
}
SESSION_ENGINE = "django.contrib.sessions.backends.db"
# Cookies stay on the tenant's own host: no parent-domain cookie shared between akimats.
SESSION_COOKIE_DOMAIN = None
CSRF_COOKIE_DOMAIN = None
SESSION_COOKIE_SECURE = PRODUCTION
CSRF_COOKIE_SECURE = PRODUCTION

# ---------------------------------------------------------------- HTTPS (production)
# TLS ends at the load balancer, which must set X-Forwarded-Proto itself (never pass a client's on).
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if PRODUCTION else None
SECURE_SSL_REDIRECT = PRODUCTION
# The load balancer's probes speak plain HTTP to the backends: no redirect for them.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=31_536_000 if PRODUCTION else 0)
# Every akimat is a subdomain of the base domain: they keep to HTTPS too.
SECURE_HSTS_INCLUDE_SUBDOMAINS = PRODUCTION
# Citizens' first visit is HTTPS too once the base domain is on the browsers' preload list. The
# directive only lets the domain's owner submit it (hstspreload.org, a manual step); it is kept off
# (DJANGO_SECURE_HSTS_PRELOAD=false) where the base domain has hosts that are not ours over HTTP.
SECURE_HSTS_PRELOAD = env.bool("DJANGO_SECURE_HSTS_PRELOAD", default=PRODUCTION)

# ---------------------------------------------------------------- Celery
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default=REDIS_URL)
CELERY_RESULT_BACKEND = None
CELERY_TIMEZONE = "Asia/Almaty"
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
# A task is acknowledged after it ran: a worker killed mid-task leaves it to be redelivered.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": 3600,
    "socket_connect_timeout": REDIS_CONNECT_TIMEOUT_SECONDS,
}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Tasks are published after commits, on requests: with the broker down a publish fails in
# milliseconds instead of retrying for 0.6 s (three retries 0.2 s apart by default). One immediate
# retry stays, for a pooled connection that a Redis restart left dead. What was not published is
# found again (the federation sweep, beat's next round).
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.1,
    "interval_max": 0.1,
}
# Celery's Django fixup closes the DB connection around every task unless this is set: a new
# connection (and SET search_path) per task made a relay delivery 46 ms instead of 8 ms
# (bench/federation_relay.py). Django's own policy (CONN_MAX_AGE, health checks) decides instead,
# applied before each task by ikomek.celery.
CELERY_DB_REUSE_MAX = 1_000_000
CELERY_BEAT_SCHEDULE_FILENAME = env.str(
    "CELERY_BEAT_SCHEDULE_FILENAME", default=str(BASE_DIR / ".local" / "celerybeat-schedule")
)
# One beat at a time (decision 83): in production the schedule and a lock live in Redis
# (celery-redbeat), so a second beat (a rolling deploy, a second replica) waits for the lock instead
# of sending every job twice, and takes over within the lock's timeout when the holder dies; no
# schedule file is written (the image's root is read-only). Development and tests keep Celery's file.
CELERY_BEAT_SCHEDULER = env.str(
    "CELERY_BEAT_SCHEDULER",
    default="redbeat.RedBeatScheduler" if PRODUCTION else "celery.beat:PersistentScheduler",
)
CELERY_REDBEAT_REDIS_URL = env.str("CELERY_REDBEAT_REDIS_URL", default=REDIS_URL)
CELERY_REDBEAT_KEY_PREFIX = env.str("CELERY_REDBEAT_KEY_PREFIX", default="ikomek:beat")
# The holder renews the lock at every tick (at most CELERY_BEAT_MAX_LOOP_INTERVAL apart), a waiting
# beat tries every CELERY_BEAT_MAX_LOOP_INTERVAL: a dead holder is replaced within about the sum.
CELERY_REDBEAT_LOCK_TIMEOUT = env.int("CELERY_REDBEAT_LOCK_TIMEOUT", default=30)
CELERY_BEAT_MAX_LOOP_INTERVAL = env.int("CELERY_BEAT_MAX_LOOP_INTERVAL", default=5)
# Three queues: `celery` for everything, `urgent` for the federation's urgent lane (112 forwards,
# statuses and alarms: never behind a backlog of other messages), `cad` for calls to 112 centres' own
# CADs (routed by task name below), so a slow CAD holds only its own workers. A worker started
# without -Q consumes all three (development, tests); `make run` and production start one worker per
# queue.
CELERY_TASK_DEFAULT_QUEUE = "celery"
URGENT_QUEUE = "urgent"
CAD_QUEUE = "cad"
# Integrators' webhooks (integrations/): like the CAD's, calls outside that may be slow.
WEBHOOK_QUEUE = "webhooks"
CELERY_TASK_QUEUES = tuple(
    Queue(name, routing_key=name)
    for name in (CELERY_TASK_DEFAULT_QUEUE, URGENT_QUEUE, CAD_QUEUE, WEBHOOK_QUEUE)
)
CELERY_TASK_ROUTES = {
    "emergency_112.deliver_cad": {"queue": CAD_QUEUE},
    "integrations.deliver_webhook": {"queue": WEBHOOK_QUEUE},
    "citizen_sms.deliver": {"queue": WEBHOOK_QUEUE},  # the SMS provider: a call outside, like a webhook
    "federation.drain_urgent": {"queue": URGENT_QUEUE},
}
# Every task ends: the soft limit raises in the task (SoftTimeLimitExceeded), the hard one replaces
# the pool process (prefork pools only). Tasks that must be quicker or may be longer say so below.
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=240)
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=300)
CELERY_TASK_ANNOTATIONS: dict[str, dict[str, float]] = {
    # Deliveries inside iKOMEK take milliseconds; a drain stops itself after FEDERATION_DRAIN_SECONDS.
    "federation.deliver": {"soft_time_limit": 60, "time_limit": 90},
    "federation.drain": {"soft_time_limit": 60, "time_limit": 90},
    "federation.drain_urgent": {"soft_time_limit": 60, "time_limit": 90},
    "federation.sweep": {"soft_time_limit": 90, "time_limit": 120},
}
# Beat entries carry no tenant: each periodic job is fanned out to every active tenant.
CELERY_BEAT_SCHEDULE = {
    "heartbeat-every-tenant": {
        "task": "ikomek.tasks.fan_out_to_tenants",
        "schedule": 60.0,
        "args": ("ikomek.tasks.record_heartbeat",),
    },
    # Appeals: SLA warnings, overdue marking, escalation and violations in every akimat.
    "appeals-sla-monitor": {
        "task": "ikomek.tasks.fan_out_to_tenants",
        "schedule": env.float("APPEALS_SLA_MONITOR_SECONDS", default=300.0),
        "args": ("appeals.tasks.monitor_deadlines",),
    },
    # The city map: each akimat's places with the most appeals, to the region's console.
    "citymap-ranking": {
        "task": "ikomek.tasks.fan_out_to_tenants",
        "schedule": env.float("CITYMAP_RANKING_SECONDS", default=900.0),
        "args": ("citymap.tasks.publish_ranking",),
    },
}

# Staff notifications by e-mail (appeals/jobs/mail.py): kicked when a notice is written, swept here.
CELERY_BEAT_SCHEDULE["appeals-notification-mail"] = {
    "task": "ikomek.tasks.fan_out_to_tenants",
    "schedule": env.float("APPEALS_NOTIFICATION_MAIL_SECONDS", default=60.0),
    "args": ("appeals.tasks.deliver_notifications",),
}
# Production sends through SMTP (EMAIL_HOST...); `make run` writes each e-mail as a file under
# .local/dev/mail/ (no mail server needed); tests use Django's locmem outbox.
EMAIL_BACKEND = env.str(
    "EMAIL_BACKEND",
    default="django.core.mail.backends.smtp.EmailBackend"
    if PRODUCTION
    else "django.core.mail.backends.filebased.EmailBackend",
)
EMAIL_FILE_PATH = env.str("EMAIL_FILE_PATH", default=str(BASE_DIR / ".local" / "mail"))
EMAIL_HOST = env.str("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
# A hung mail server must not hold a worker (and the notice's row lock) for long.
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=10)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="109 iKOMEK <no-reply@ikomek.invalid>")

# ---------------------------------------------------------------- emergency 112 (federation/emergency_112)
# Seconds 112 has to acknowledge a forwarded incident before the watchdog alarms.
EMERGENCY_ACK_TIMEOUT_SECONDS = env.int("EMERGENCY_ACK_TIMEOUT_SECONDS", default=60)
EMERGENCY_WATCHDOG_SECONDS = env.float("EMERGENCY_WATCHDOG_SECONDS", default=10.0)
# Signed CAD traffic: allowed clock skew, and where seen message ids are kept against replay.
EMERGENCY_SIGNATURE_TOLERANCE_SECONDS = env.int("EMERGENCY_SIGNATURE_TOLERANCE_SECONDS", default=300)
EMERGENCY_REPLAY_REDIS_URL = env.str("EMERGENCY_REPLAY_REDIS_URL", default=CACHE_REDIS_URL)
EMERGENCY_CAD_CONNECT_TIMEOUT_SECONDS = env.float("EMERGENCY_CAD_CONNECT_TIMEOUT_SECONDS", default=3.0)
EMERGENCY_CAD_READ_TIMEOUT_SECONDS = env.float("EMERGENCY_CAD_READ_TIMEOUT_SECONDS", default=10.0)
# The whole call (connect, send, answer) ends here whatever the CAD does: a read timeout alone lets a
# CAD that trickles bytes hold a worker for ever. Answers are a few hundred bytes; more is refused.
EMERGENCY_CAD_DEADLINE_SECONDS = env.float("EMERGENCY_CAD_DEADLINE_SECONDS", default=15.0)
EMERGENCY_CAD_MAX_RESPONSE_BYTES = env.int("EMERGENCY_CAD_MAX_RESPONSE_BYTES", default=64 * 1024)
# A CAD delivery task makes as many calls as fit in its soft limit (a document and the newer ones of
# its incident); the hard limit is the last bound, for what the deadline cannot cut (name lookups).
EMERGENCY_CAD_TASK_SOFT_TIME_LIMIT = env.int("EMERGENCY_CAD_TASK_SOFT_TIME_LIMIT", default=120)
CELERY_TASK_ANNOTATIONS["emergency_112.deliver_cad"] = {
    "soft_time_limit": EMERGENCY_CAD_TASK_SOFT_TIME_LIMIT,
    "time_limit": EMERGENCY_CAD_TASK_SOFT_TIME_LIMIT + 30,
}
# CAD documents are federation messages (retries and backoff: FEDERATION_RETRY_*); with the
# defaults 30 attempts keep trying for 2 to 4 hours before the dead letter and the alarm.
EMERGENCY_CAD_MAX_ATTEMPTS = env.int("EMERGENCY_CAD_MAX_ATTEMPTS", default=30)
# CAD endpoints must be https:// in production; loopback test servers speak plain HTTP.
EMERGENCY_CAD_ALLOW_PLAIN_HTTP = env.bool("EMERGENCY_CAD_ALLOW_PLAIN_HTTP", default=not PRODUCTION)
# This runs in the public schema (no tenant fan-out): the 112 register is regional.
CELERY_BEAT_SCHEDULE |= {
    "emergency-112-ack-watchdog": {
        "task": "emergency_112.raise_ack_alarms",
        "schedule": EMERGENCY_WATCHDOG_SECONDS,
    },
}
# Each akimat watches its own forwards that never reached 112 (the region cannot see those).
EMERGENCY_FORWARD_WATCHDOG_SECONDS = env.float("EMERGENCY_FORWARD_WATCHDOG_SECONDS", default=30.0)
CELERY_BEAT_SCHEDULE["emergency-112-forward-watchdog"] = {
    "task": "ikomek.tasks.fan_out_to_tenants",
    "schedule": EMERGENCY_FORWARD_WATCHDOG_SECONDS,
    "args": ("appeals.tasks.watch_112_forwards",),
}

# ---------------------------------------------------------------- citizens' SMS (citizen_sms/, decision 103)
# The provider's endpoint (empty: no SMS is queued) and its bearer token; the sender name shown on
# phones. Calls are the webhooks' bounded calls, on their queue.
SMS_PROVIDER_URL = env.str("SMS_PROVIDER_URL", default="")
SMS_PROVIDER_TOKEN = env.str("SMS_PROVIDER_TOKEN", default="")
SMS_SENDER = env.str("SMS_SENDER", default="109")
SMS_MAX_ATTEMPTS = env.int("SMS_MAX_ATTEMPTS", default=30)

# ---------------------------------------------------------------- integrators' webhooks (integrations/)
# Calls to integrators: the CAD's bounded call (connect, answer, whole-call deadline, answer size).
WEBHOOK_CONNECT_TIMEOUT_SECONDS = env.float("WEBHOOK_CONNECT_TIMEOUT_SECONDS", default=3.0)
WEBHOOK_READ_TIMEOUT_SECONDS = env.float("WEBHOOK_READ_TIMEOUT_SECONDS", default=10.0)
WEBHOOK_DEADLINE_SECONDS = env.float("WEBHOOK_DEADLINE_SECONDS", default=15.0)
WEBHOOK_MAX_RESPONSE_BYTES = env.int("WEBHOOK_MAX_RESPONSE_BYTES", default=16 * 1024)
# With the federation's backoff, 30 attempts keep trying for 2 to 4 hours before the dead letter;
# an integrator down longer catches up with appeals(changedSince:) or a replay.
WEBHOOK_MAX_ATTEMPTS = env.int("WEBHOOK_MAX_ATTEMPTS", default=30)
WEBHOOK_TASK_SOFT_TIME_LIMIT = env.int("WEBHOOK_TASK_SOFT_TIME_LIMIT", default=120)
CELERY_TASK_ANNOTATIONS["integrations.deliver_webhook"] = {
    "soft_time_limit": WEBHOOK_TASK_SOFT_TIME_LIMIT,
    "time_limit": WEBHOOK_TASK_SOFT_TIME_LIMIT + 30,
}
CELERY_TASK_ANNOTATIONS["citizen_sms.deliver"] = CELERY_TASK_ANNOTATIONS["integrations.deliver_webhook"]
# Both secrets sign while a rotation overlaps (rotateWebhookSecret may ask for another overlap).
WEBHOOK_ROTATION_OVERLAP_HOURS = env.int("WEBHOOK_ROTATION_OVERLAP_HOURS", default=24)
WEBHOOK_MAX_PER_CLIENT = env.int("WEBHOOK_MAX_PER_CLIENT", default=10)
# https only in production; loopback test receivers speak plain HTTP.
WEBHOOK_ALLOW_PLAIN_HTTP = env.bool("WEBHOOK_ALLOW_PLAIN_HTTP", default=not PRODUCTION)

# ---------------------------------------------------------------- federation (outbox, relay, inbox)
# See federation/messaging/conf.py for what each one means.
FEDERATION_MAX_ATTEMPTS = env.int("FEDERATION_MAX_ATTEMPTS", default=10)
FEDERATION_RETRY_BASE_SECONDS = env.float("FEDERATION_RETRY_BASE_SECONDS", default=2.0)
FEDERATION_RETRY_MAX_SECONDS = env.float("FEDERATION_RETRY_MAX_SECONDS", default=600.0)
FEDERATION_SWEEP_SECONDS = env.float("FEDERATION_SWEEP_SECONDS", default=30.0)
FEDERATION_SWEEP_GRACE_SECONDS = env.float("FEDERATION_SWEEP_GRACE_SECONDS", default=5.0)
FEDERATION_RETENTION_DAYS = env.int("FEDERATION_RETENTION_DAYS", default=14)
FEDERATION_RECEIPT_RETENTION_DAYS = env.int("FEDERATION_RECEIPT_RETENTION_DAYS", default=30)
FEDERATION_BATCH_SIZE = env.int("FEDERATION_BATCH_SIZE", default=250)
FEDERATION_DRAIN_SECONDS = env.float("FEDERATION_DRAIN_SECONDS", default=5.0)
# Intake's and the relay's statements are prepared on the server (tenants/prepared_statements.py);
# false for a pooler in transaction mode that cannot carry prepared statements.
DB_PREPARED_STATEMENTS = env.bool("DB_PREPARED_STATEMENTS", default=True)
FEDERATION_DRAIN_LINGER_SECONDS = env.float("FEDERATION_DRAIN_LINGER_SECONDS", default=1.0)
FEDERATION_KICK_MARK_SECONDS = env.float("FEDERATION_KICK_MARK_SECONDS", default=30.0)
FEDERATION_KICK_TIMEOUT_SECONDS = env.float("FEDERATION_KICK_TIMEOUT_SECONDS", default=0.2)
FEDERATION_KICK_PAUSE_SECONDS = env.float("FEDERATION_KICK_PAUSE_SECONDS", default=5.0)
# The relay works on the public outbox for every tenant at once: no per-tenant fan-out here.
CELERY_BEAT_SCHEDULE["federation-sweep"] = {"task": "federation.sweep", "schedule": FEDERATION_SWEEP_SECONDS}
# Queue depths, relay lag and dead letters as JSON log lines, which the deployment's alarms read
# (ikomek/ops_metrics.py, infra/README.md); once for the platform, in the public schema.
CELERY_BEAT_SCHEDULE["ops-metrics"] = {"task": "ikomek.tasks.log_ops_metrics", "schedule": 60.0}
CELERY_BEAT_SCHEDULE["federation-prune"] = {"task": "federation.prune", "schedule": 3600.0}
# Receipts live with each receiver: the region's, and every akimat's through the fan-out.
CELERY_BEAT_SCHEDULE["federation-prune-receipts-region"] = {
    "task": "federation.prune_receipts",
    "schedule": 86400.0,
}
CELERY_BEAT_SCHEDULE["federation-prune-receipts"] = {
    "task": "ikomek.tasks.fan_out_to_tenants",
    "schedule": 86400.0,
    "args": ("federation.prune_receipts",),
}

# ---------------------------------------------------------------- regional (regional, federation.escalations)
# The time-based escalation rule (unanswered for several SLA periods) in every akimat; the
# event-based rules (regional scope, repeated "not done") apply at once, in the change's transaction.
REGIONAL_ESCALATION_RULES_SECONDS = env.float("REGIONAL_ESCALATION_RULES_SECONDS", default=300.0)
CELERY_BEAT_SCHEDULE["escalation-rules"] = {
    "task": "ikomek.tasks.fan_out_to_tenants",
    "schedule": REGIONAL_ESCALATION_RULES_SECONDS,
    "args": ("federation.escalations.escalate_long_overdue",),
}
# Longest period a KPI query may cover (days), and the longest daily time series.
REGIONAL_MAX_PERIOD_DAYS = 732

# ---------------------------------------------------------------- i18n and time
LANGUAGE_CODE = "ru"
LANGUAGES = [("kk", "Қазақша"), ("ru", "Русский"), ("en", "English")]
# The consoles speak Kazakh or Russian, one language per screen; English is for integrator docs only.
CONSOLE_LANGUAGES = ("kk", "ru")
LOCALE_PATHS = [BASE_DIR / "locale"]
# Kazakh dates and numbers (Django has no kk formats of its own): 01.03.2026, 1 234,5.
FORMAT_MODULE_PATH = ["ikomek.formats"]
TIME_ZONE = "Asia/Almaty"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
# The image collects them at build time into its read-only /app/static (infra/image).
STATIC_ROOT = Path(env.str("DJANGO_STATIC_ROOT", default=str(BASE_DIR / ".local" / "static")))
# Browser libraries from npm (platform/assets/package-lock.json), installed by `ensure_assets`:
# the static prefix each is served under, and its folder (the image copies only the files the
# templates name, infra/image/build).
ASSETS_DIR = Path(env.str("IKOMEK_ASSETS_DIR", default=str(BASE_DIR / ".local" / "assets" / "node_modules")))
BROWSER_LIBRARIES = {
    "leaflet.vectorgrid": "leaflet.vectorgrid/dist",
    # GraphiQL and what it runs on (ikomek/templates/graphene/graphiql.html, decision 113)
    "graphiql": "graphiql",
    "graphiql-explorer": "@graphiql/plugin-explorer/dist",
    "graphql-ws": "graphql-ws/umd",
    "react": "react/umd",
    "react-dom": "react-dom/umd",
    "whatwg-fetch": "whatwg-fetch/dist",
}
STATICFILES_DIRS = [(prefix, ASSETS_DIR / folder) for prefix, folder in BROWSER_LIBRARIES.items()]
# Outside production WhiteNoise serves the apps' static files directly (no collectstatic needed for
# a test server); production serves the collected, compressed files only.
WHITENOISE_USE_FINDERS = not PRODUCTION
# PostgreSQL's client tools (pg_dump, pg_restore) of the server's major version; empty: from PATH.
PG_BIN_DIR = env.str("PG_BIN_DIR", default="")
MEDIA_ROOT = env.str("MEDIA_ROOT", default=str(BASE_DIR / ".local" / "media"))
# Attachments: files under MEDIA_ROOT (development, tests), or, with ATTACHMENTS_BUCKET, objects in an
# S3-compatible bucket (production, infra/README.md). The platform reads them back itself
# (default_storage.open) and answers with them, so no bucket URL ever reaches a browser.
ATTACHMENTS_BUCKET = env.str("ATTACHMENTS_BUCKET", default="")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# The image's collected files carry their hash in the name (a manifest maps them), compressed, so
# browsers keep them for ever; elsewhere pages render without a collectstatic first.
if env.bool("DJANGO_STATIC_MANIFEST", default=False):
    STORAGES["staticfiles"] = {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"}
if ATTACHMENTS_BUCKET:
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": ATTACHMENTS_BUCKET,
            "region_name": env.str("ATTACHMENTS_REGION", default="") or None,
            # An in-country S3-compatible service names its endpoint; empty means AWS's own.
            "endpoint_url": env.str("ATTACHMENTS_ENDPOINT_URL", default="") or None,
            "signature_version": "s3v4",
            # The bucket's policy decides access (ACLs off); encryption is the bucket's default key.
            "default_acl": None,
            "file_overwrite": False,
        },
    }

# ---------------------------------------------------------------- observability
SENTRY_DSN = env.str("SENTRY_DSN", default="")
LOG_LEVEL = env.str("LOG_LEVEL", default="INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"context": {"()": "observability.logging.ContextFilter"}},
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        },
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "json", "filters": ["context"]},
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
    },
}

if SENTRY_DSN:
    from observability.sentry import init_sentry

    init_sentry(dsn=SENTRY_DSN, environment=IKOMEK_ENV)

GRAPHENE = {"SCHEMA": "ikomek.schema.schema"}
# GraphiQL in a browser at /graphql/: for newcomers and integrators outside production, apart from
# DEBUG (`make run` runs with DEBUG off: an error page there shows no traceback to anyone).
GRAPHIQL = env.bool("GRAPHQL_GRAPHIQL", default=not PRODUCTION)
# Paths whose clients read the API's refusals in a shape of their own (apierrors.envelope): a token
# refused, a rate limit or an unknown path on Open311 is Open311's list of errors, as its views say.
API_ERROR_SHAPES = {"/open311/": "open311.formats.error_shape"}

# ---------------------------------------------------------------- appeals (the 109 service)
APPEALS_ATTACHMENT_MAX_BYTES = env.int("APPEALS_ATTACHMENT_MAX_BYTES", default=10 * 1024 * 1024)
APPEALS_ATTACHMENTS_PER_APPEAL = 10
# Files a rolled-back or killed transaction left without their row are deleted once this old
# (appeals/attachments/orphans.py), swept daily in every akimat.
APPEALS_ORPHAN_FILE_GRACE_HOURS = env.int("APPEALS_ORPHAN_FILE_GRACE_HOURS", default=24)
CELERY_BEAT_SCHEDULE["appeals-orphan-files"] = {
    "task": "ikomek.tasks.fan_out_to_tenants",
    "schedule": env.float("APPEALS_ORPHAN_FILES_SECONDS", default=86400.0),
    "args": ("appeals.tasks.sweep_orphan_files",),
}
# Unanswered call-back attempts after which the applicant counts as informed (unreachable).
APPEALS_CALLBACK_MAX_ATTEMPTS = 3
# Public tracking (decision 60): wrong answers per client (address; device) and hour; wrong phone
# digits per appeal number (30 days) and per akimat (hour) after which only the access code opens.
APPEALS_TRACKING_CLIENT_FAILURES = env.int("APPEALS_TRACKING_CLIENT_FAILURES", default=10)
APPEALS_TRACKING_APPEAL_PHONE_FAILURES = env.int("APPEALS_TRACKING_APPEAL_PHONE_FAILURES", default=50)
APPEALS_TRACKING_AKIMAT_PHONE_FAILURES = env.int("APPEALS_TRACKING_AKIMAT_PHONE_FAILURES", default=300)
APPEALS_TRACKING_REDIS_URL = env.str("APPEALS_TRACKING_REDIS_URL", default=CACHE_REDIS_URL)
# The citizens' portal (appeals.portal): appeals created from one network address an hour and for
# one phone a day; counted in the tracking's Redis.
APPEALS_PORTAL_PER_ADDRESS = env.int("APPEALS_PORTAL_PER_ADDRESS", default=30)
APPEALS_PORTAL_PER_PHONE = env.int("APPEALS_PORTAL_PER_PHONE", default=5)
# Photos of a refused portal form kept for its key (decision 109): at most this many a day from one
# network address, removed this many hours after (checked hourly in every akimat).
APPEALS_PORTAL_KEPT_PHOTOS_PER_ADDRESS = env.int("APPEALS_PORTAL_KEPT_PHOTOS_PER_ADDRESS", default=30)
APPEALS_PORTAL_KEPT_PHOTO_HOURS = env.int("APPEALS_PORTAL_KEPT_PHOTO_HOURS", default=24)
CELERY_BEAT_SCHEDULE["appeals-kept-photos"] = {
    "task": "ikomek.tasks.fan_out_to_tenants",
    "schedule": env.float("APPEALS_PORTAL_KEPT_PHOTOS_SECONDS", default=3600.0),
    "args": ("appeals.tasks.expire_kept_photos",),
}
APPEALS_PAGE_SIZE_MAX = 100

SILENCED_SYSTEM_CHECKS = [
    # Debian 12 ships GDAL 3.6; spatial references come only from our own data, never from users.
    "gis.W001",
]

# ---------------------------------------------------------------- production refusals
# Last, so every value above is final; GraphiQL and introspection follow PRODUCTION
# (ikomek/graphql_view.py), so both are off here.
if PRODUCTION:
    GRAPHIQL = False
    check_production_settings(
        debug=DEBUG,
        secret_key=SECRET_KEY,
        allowed_hosts=ALLOWED_HOSTS,
        local_identity=LOCAL_IDENTITY,
        cad_allow_plain_http=EMERGENCY_CAD_ALLOW_PLAIN_HTTP,
        hsts_seconds=SECURE_HSTS_SECONDS,
    )
