"""112's lane when the broker cannot be reached: the process that committed the emergency drains
it itself, aside from the request. Through the broker, a Redis outage held an emergency for the
whole outage and the sweep's next round after it; here it reaches 112 as it would with a worker.

The drain's lock keeps it to one deliverer at a time, so the workers and the sweep, once the broker
is back, find nothing left of it; the request never waits for it (a thread of its own, with its own
database connection, closed when it is done).
"""

from __future__ import annotations

import logging
import threading

from django.db import connection

from federation.messaging.drains import drain
from federation.messaging.models import DeliveredVia

logger = logging.getLogger(__name__)


def _drain_here(target: str, lane: str) -> None:
    try:
        drain(target, lane, via=DeliveredVia.DIRECT)
    except Exception:
        logger.warning("federation: the drain aside failed; the sweep delivers", exc_info=True)
    finally:
        connection.close()  # this thread's own connection


def drain_aside(target: str, lane: str) -> None:
    threading.Thread(target=_drain_here, args=(target, lane), name="urgent-drain", daemon=True).start()
