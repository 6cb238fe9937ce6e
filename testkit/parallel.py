"""What each pytest-xdist process of `make test` has to itself (decision 88).

The first process (gw0) keeps the profile's own settings; each further one gets, before Django reads
its settings, a PostgreSQL server of its own (platform/bin/lib.sh `services_start`: a transaction
open in one process would otherwise hold back the other's change feed, whose horizon spans the
server), a Keycloak realm of its own (imported at Keycloak's start, platform/bin/lib.sh
`kc_dev_realm`), a web port of its own (the one its realm's sign-in redirects name, as onboarding
registers them), Redis databases of its own (the broker, the cache and the relay's marks), and its
own media, mail and beat files. pytest-django names each one's test database `test_<name>_gwN`.
The child processes a test starts (gunicorn, Celery, manage.py) inherit the same environment."""

from __future__ import annotations

import os
import re
from urllib.parse import urlsplit

# Redis databases from here: 0 and 1 are the first process's, 5 and 6 a backup test's second deployment,
# 7 the beat lock test's broker (tests/ikomek/test_beat_lock.py), which it flushes.
FIRST_REDIS_DB = 8
# Web and PostgreSQL ports of further processes: the profile's plus 10 for each process's number.
PORT_STEP = 10


def worker_number(worker_id: str) -> int:
    """gw0 → 0, gw1 → 1 (pytest-xdist's ids)."""
    match = re.fullmatch(r"gw(\d+)", worker_id)
    if match is None:
        raise ValueError(f"not a pytest-xdist worker id: {worker_id!r}")
    return int(match.group(1))


def realm_name(number: int) -> str:
    """The realm platform/bin/lib.sh imports for this process (the profile's own for the first)."""
    return "ikomek" if number == 0 else f"ikomek-gw{number}"


def worker_environment(worker_id: str, environ: dict[str, str] | None = None) -> dict[str, str]:
    """The variables that make worker `worker_id` independent of the others (none for gw0)."""
    env = dict(os.environ if environ is None else environ)
    number = worker_number(worker_id)
    if number == 0:
        return {}
    workers = int(env.get("TEST_WORKERS", "1"))
    if number >= workers:
        raise ValueError(f"{worker_id}: Keycloak imported realms for TEST_WORKERS={workers} processes only")
    redis_base = env["REDIS_URL"].rsplit("/", 1)[0]
    broker_db = FIRST_REDIS_DB + 2 * (number - 1)
    if broker_db + 1 > 15:
        raise ValueError(f"{worker_id}: Redis has 16 databases, not enough for {workers} processes")
    suffix = f"-gw{number}"
    return {
        "KEYCLOAK_REALM": realm_name(number),
        "IKOMEK_WEB_PORT": str(int(env["IKOMEK_WEB_PORT"]) + PORT_STEP * number),
        "DATABASE_URL": _with_port_step(env["DATABASE_URL"], number),
        "REDIS_URL": f"{redis_base}/{broker_db}",
        "CACHE_REDIS_URL": f"{redis_base}/{broker_db + 1}",
        "MEDIA_ROOT": env["MEDIA_ROOT"] + suffix,
        "EMAIL_FILE_PATH": env["EMAIL_FILE_PATH"] + suffix,
        "CELERY_BEAT_SCHEDULE_FILENAME": env["CELERY_BEAT_SCHEDULE_FILENAME"] + suffix,
    }


def _with_port_step(url: str, number: int) -> str:
    parts = urlsplit(url)
    port = (parts.port or 5432) + PORT_STEP * number
    return parts._replace(netloc=f"{parts.netloc.rsplit(':', 1)[0]}:{port}").geturl()
