"""112's lane without a broker: when the broker cannot be reached, the process that committed an
urgent message delivers it itself, aside from the commit, so an emergency does not wait out a Redis
outage; ordinary messages wait for the sweep, as before. No worker runs here."""

from __future__ import annotations

import socket
import time

import redis

from federation.messaging import kicks
from federation.messaging.models import Message, MessageState
from federation.messaging.probe import KIND as PROBE
from tests.federation.conftest import probes, send_committed, token, wait_for_state
from tests.federation.kinds import URGENT


def test_with_the_broker_unreachable_the_committing_process_delivers_112s_lane_itself(committed):
    """No worker and no broker (its port refuses): an urgent message is delivered by the process
    that committed it, aside from the commit; an ordinary one waits for the sweep, as before."""
    unreachable = socket.create_server(("127.0.0.1", 0))
    port = unreachable.getsockname()[1]
    unreachable.close()  # the port refuses from here on
    kept = kicks._client
    kicks._client = redis.Redis.from_url(
        f"redis://127.0.0.1:{port}/0", socket_connect_timeout=0.2, socket_timeout=0.2
    )
    kicks.resume_kicks()
    try:
        marker = token()
        started = time.monotonic()
        urgent_id = send_committed("petropavlovsk", URGENT, {"token": marker}, target="public")
        committed_in = time.monotonic() - started
        ordinary_id = send_committed("petropavlovsk", PROBE, {"token": token()}, target="public")
        wait_for_state(urgent_id, MessageState.DELIVERED, timeout=10)
        assert Message.objects.get(pk=urgent_id).delivered_via == "direct"
        assert len(probes("public", marker)) == 1  # applied once
        time.sleep(0.5)
        assert Message.objects.get(pk=ordinary_id).state == MessageState.PENDING  # the sweep's
    finally:
        kicks._client = kept
        kicks.resume_kicks()
    assert committed_in < 1.0, committed_in  # the commit did not wait for the delivery
