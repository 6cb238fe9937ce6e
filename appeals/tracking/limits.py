"""Counters of wrong tracking answers, in Redis, checked and counted in one atomic step.

An attempt first reserves one unit on each of its counters (a Lua script: refused when any counter
is at its limit, else every counter grows, a new one with its expiry); a right answer gives the
units back. Concurrent guesses therefore cannot slip past a limit between a read and a write, and
the citizen's own right answers never count against anyone. Keys carry the akimat's schema.
"""

from __future__ import annotations

import hashlib
import ipaddress
import logging
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache

import redis
from django.conf import settings
from django.db import connection
from redis.commands.core import Script

log = logging.getLogger(__name__)

# Returns {0, 0} when every counter grew, {i, pttl} when counter i (1-based) is at its limit.
_RESERVE = """
local n = #KEYS
for i = 1, n do
  if tonumber(redis.call('GET', KEYS[i]) or '0') >= tonumber(ARGV[i]) then
    return {i, redis.call('PTTL', KEYS[i])}
  end
end
for i = 1, n do
  redis.call('INCR', KEYS[i])
  if redis.call('PTTL', KEYS[i]) < 0 then
    redis.call('PEXPIRE', KEYS[i], ARGV[n + i])
  end
end
return {0, 0}
"""
# Never brings back a counter that expired meanwhile (a DECR would create one without expiry).
_REFUND = """
for i = 1, #KEYS do
  if redis.call('EXISTS', KEYS[i]) == 1 and redis.call('DECR', KEYS[i]) <= 0 then
    redis.call('DEL', KEYS[i])
  end
end
return 0
"""
# Several units on one counter at once, all or none: {0, 0} when taken, {1, pttl} when they would
# pass the limit (the portal's budget of kept photos, decision 109).
_RESERVE_UNITS = """
if tonumber(redis.call('GET', KEYS[1]) or '0') + tonumber(ARGV[1]) > tonumber(ARGV[2]) then
  return {1, redis.call('PTTL', KEYS[1])}
end
redis.call('INCRBY', KEYS[1], ARGV[1])
if redis.call('PTTL', KEYS[1]) < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[3])
end
return {0, 0}
"""
# Units given back at once, never below nothing nor bringing back an expired counter.
_REFUND_UNITS = """
if redis.call('EXISTS', KEYS[1]) == 1 and redis.call('DECRBY', KEYS[1], ARGV[1]) <= 0 then
  redis.call('DEL', KEYS[1])
end
return 0
"""


class CountersUnavailable(Exception):
    """Redis cannot be reached: tracking refuses rather than guessing without limits."""


@dataclass(frozen=True)
class Counter:
    key: str
    limit: int
    window_seconds: int


@dataclass(frozen=True)
class Blocked:
    counter: Counter
    retry_after: int  # seconds until the counter expires


@dataclass(frozen=True)
class Requester:
    """Who asks: the network address (an IPv6 client by its /64, which one subscriber gets whole)
    and, when the client sends one, its device id (the mobile app's `X-Device-Id`, hashed)."""

    address: str
    device: str = ""


def requester_of(meta: Mapping[str, object]) -> Requester:
    """From a request's META. The address is the one the API's rate limits read: behind nginx the
    header it sets from the connection (RATELIMIT_IP_META_KEY, HTTP_X_REAL_IP, never a header the
    client writes), else REMOTE_ADDR; without it every citizen would be nginx's one address and
    share one counter."""
    key = getattr(settings, "RATELIMIT_IP_META_KEY", None) or "REMOTE_ADDR"
    raw = str(meta.get(key) or meta.get("REMOTE_ADDR") or "")
    try:
        ip = ipaddress.ip_address(raw)
    except ValueError:
        address = "unknown"
    else:
        if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:  # a dual-stack socket's IPv4 client
            ip = ip.ipv4_mapped
        address = str(ipaddress.ip_network(f"{ip}/64", strict=False)) if ip.version == 6 else str(ip)
    device = str(meta.get("HTTP_X_DEVICE_ID") or "").strip()
    hashed = hashlib.sha256(device.encode("utf-8", "replace")).hexdigest()[:32] if device else ""
    return Requester(address, hashed)


def _key(*parts: object) -> str:
    return ":".join(["appeals", "tracking", connection.schema_name, *map(str, parts)])


# Phones behind one carrier address (CGNAT) each send their own device id: the address then counts
# this many clients' wrong answers, each device its own; a guesser inventing device ids still meets
# the address's bound, and the per-number and per-akimat bounds on the phone's digits.
SHARED_ADDRESS_CLIENTS = 10


def client_counters(requester: Requester, limit: int, window_seconds: int) -> list[Counter]:
    if not requester.device:
        return [Counter(_key("address", requester.address), limit, window_seconds)]
    return [
        Counter(_key("address", requester.address), limit * SHARED_ADDRESS_CLIENTS, window_seconds),
        Counter(_key("device", requester.device), limit, window_seconds),
    ]


def appeal_phone_counter(number: int, limit: int, window_seconds: int) -> Counter:
    # Kept for unknown numbers too, so that they answer exactly like real ones.
    return Counter(_key("phone-guesses", number), limit, window_seconds)


def akimat_phone_counter(limit: int, window_seconds: int) -> Counter:
    return Counter(_key("phone-guesses"), limit, window_seconds)


@cache
def _scripts(url: str) -> tuple[Script, Script, Script]:
    # Sent by hash (EVALSHA): one round trip per attempt, the script text only after a restart.
    client = redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=2)
    return (
        client.register_script(_RESERVE),
        client.register_script(_REFUND),
        client.register_script(_RESERVE_UNITS),
        client.register_script(_REFUND_UNITS),
    )


def _url() -> str:
    return getattr(settings, "APPEALS_TRACKING_REDIS_URL", settings.CACHE_REDIS_URL)


def reserve(counters: Sequence[Counter]) -> Blocked | None:
    """One unit on every counter, or the first counter at its limit (nothing counted then)."""
    args = [c.limit for c in counters] + [c.window_seconds * 1000 for c in counters]
    try:
        index, pttl = _scripts(_url())[0](keys=[c.key for c in counters], args=args)
    except redis.RedisError as error:
        raise CountersUnavailable(str(error)) from error
    if index == 0:
        return None
    counter = counters[index - 1]
    return Blocked(counter, math.ceil(pttl / 1000) if pttl > 0 else counter.window_seconds)


def reserve_units(counter: Counter, units: int) -> Blocked | None:
    """`units` on one counter, or the counter when they would pass its limit (nothing counted then)."""
    args = [units, counter.limit, counter.window_seconds * 1000]
    try:
        index, pttl = _scripts(_url())[2](keys=[counter.key], args=args)
    except redis.RedisError as error:
        raise CountersUnavailable(str(error)) from error
    if index == 0:
        return None
    return Blocked(counter, math.ceil(pttl / 1000) if pttl > 0 else counter.window_seconds)


def refund_units(counter: Counter, units: int) -> None:
    """Give back `units` that `reserve_units` took; a failure only leaves them counted until expiry."""
    try:
        _scripts(_url())[3](keys=[counter.key], args=[units])
    except redis.RedisError:
        log.warning("tracking counter not refunded", exc_info=True)


def refund(counters: Sequence[Counter]) -> None:
    """Give back what `reserve` took. A failure here only leaves one unit counted until expiry: the
    right answer is still given, so it is logged, not raised."""
    try:
        _scripts(_url())[1](keys=[c.key for c in counters])
    except redis.RedisError:
        log.warning("tracking counters not refunded", exc_info=True)
