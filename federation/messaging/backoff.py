"""How long to wait before the next attempt: exponential, capped, with jitter."""

from __future__ import annotations

import random

from federation.messaging import conf


def retry_delay(attempt: int) -> float:
    """Seconds to wait after failed attempt number `attempt` (1-based).

    "Equal jitter": half of the exponential step is fixed, the other half random. The fixed half
    keeps a failing receiver from being hammered; the random half spreads the retries of many
    messages that failed together (a receiver that was down) so they do not return in one wave.
    """
    base = float(conf.get("FEDERATION_RETRY_BASE_SECONDS"))
    cap = float(conf.get("FEDERATION_RETRY_MAX_SECONDS"))
    step = min(cap, base * 2 ** max(0, attempt - 1))
    return step / 2 + random.uniform(0, step / 2)
