"""The cache's Redis stalled (it accepts and never answers: frozen, partitioned): the first read
waits its socket timeout and fails; the process then does not ask it again for a moment, so the
requests after it go on without the cache at once instead of each waiting the timeout."""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator

import pytest
import redis

from ikomek import redis_cache
from ikomek.redis_cache import RedisCache


@pytest.fixture
def stalled() -> Iterator[str]:
    listener = socket.create_server(("127.0.0.1", 0), backlog=64)  # accepts, never answers
    try:
        yield f"redis://127.0.0.1:{listener.getsockname()[1]}/1"
    finally:
        listener.close()


def test_a_stalled_redis_costs_one_timeout_then_fails_at_once_until_the_pause_ends(stalled, monkeypatch):
    monkeypatch.setattr(redis_cache, "PAUSE_SECONDS", 0.6)
    cache = RedisCache(stalled, {"OPTIONS": {"socket_connect_timeout": 0.25, "socket_timeout": 0.3}})
    started = time.monotonic()
    with pytest.raises(redis.exceptions.TimeoutError):
        cache.get("catalogue-generation")
    assert time.monotonic() - started >= 0.25  # the first read waited its timeout
    started = time.monotonic()
    for _ in range(20):
        with pytest.raises(redis_cache.Paused):  # a ConnectionError, as callers expect
            cache.count("rate:x", 60)
    assert time.monotonic() - started < 0.25  # not asked: twenty refusals cost less than one timeout
    time.sleep(0.6)
    started = time.monotonic()
    with pytest.raises(redis.exceptions.TimeoutError):
        cache.get("catalogue-generation")  # asked again once the pause ended
    assert time.monotonic() - started >= 0.25
