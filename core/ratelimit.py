"""One global generation rate limit: a sliding log of start times, plus a waiting line.

``acquire()`` either records a start and returns 0, or returns how many seconds to wait.
Never more than ``limit`` starts fall in any rolling window of ``window`` seconds — exact,
not bucketed (a per-second bucket counter lets up to twice the limit through across a
bucket edge).

Refused callers are not all told "come back when the oldest start expires" (they would
all come back at once, one would win and the rest would go round again, wasting the
budget). Each refused caller gets a ticket for a distinct future slot — the k-th waiter
the k-th expiry — and presents the ticket when it returns; a returning waiter that is
refused again (it came back a little early) keeps its place in the line. Tickets only
spread arrivals: every start is still checked against the log, so they can never break
the limit.

Two backends with one behaviour: Redis (one atomic Lua script, Redis' own clock, shared
by every process on every host) and memory (one process: the embedded mode and tests).
"""

from __future__ import annotations

import threading
import time
import uuid
from typing import Protocol

from core.settings import RateLimit

_LUA = """
local log, waiters = KEYS[1], KEYS[2]
local limit = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local member, ticket = ARGV[3], ARGV[4]
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
redis.call('ZREMRANGEBYSCORE', log, '-inf', now - window)
redis.call('ZREMRANGEBYSCORE', waiters, '-inf', now - window)
local ttl = math.ceil(window / 1000) * 2 + 1000
if redis.call('ZCARD', log) < limit then
  redis.call('ZADD', log, now, member)
  redis.call('PEXPIRE', log, ttl)
  if ticket ~= '' then redis.call('ZREM', waiters, ticket) end
  return {1, 0, now}
end
if ticket == '' then ticket = member end
-- A returning waiter keeps its place: only waiters due before its old slot are ahead.
local old = redis.call('ZSCORE', waiters, ticket)
redis.call('ZREM', waiters, ticket)
local ahead
if old then
  ahead = redis.call('ZCOUNT', waiters, now, '(' .. old)
else
  ahead = redis.call('ZCOUNT', waiters, now, '+inf')
end
local starts = redis.call('ZRANGE', log, 0, -1, 'WITHSCORES')
-- (a lowered limit can leave more starts in the log than it allows: the surplus leaves first)
local n = limit
local offset = #starts / 2 - limit
local slot = tonumber(starts[(offset + ahead % n) * 2 + 2]) + window * (1 + math.floor(ahead / n))
redis.call('ZADD', waiters, slot, ticket)
redis.call('PEXPIRE', waiters, ttl + window / 1000 * math.floor(ahead / n))
return {0, slot - now, now}
"""

_grants = threading.local()


def last_grant_time() -> float | None:
    """Wall-clock time (seconds) of the slot this thread was last granted, if any."""
    return getattr(_grants, "at", None)


def set_grant_time(at: float | None) -> None:
    _grants.at = at


def start_time(default):
    """When this thread's work started for the limit: the moment its slot was granted (the
    limiter's own clock), else ``default`` (a timezone-aware datetime)."""
    import datetime as dt

    granted = last_grant_time()
    return dt.datetime.fromtimestamp(granted, dt.timezone.utc) if granted else default


def new_ticket() -> str:
    return uuid.uuid4().hex


class RateLimiter(Protocol):
    def acquire(self, ticket: str = "", limit: int | None = None) -> float:
        """Take a slot: 0.0 when granted, else the seconds to wait (holding ``ticket``).
        ``limit`` lowers the limit for this call (the provider's shared backoff)."""


class Unlimited:
    def release(self, ticket: str) -> None:
        pass

    def acquire(self, ticket: str = "", limit: int | None = None) -> float:
        set_grant_time(time.time())
        return 0.0


class MemoryRateLimiter:
    """Sliding log and waiting line in this process (same algorithm as the Lua script)."""

    def __init__(self, rate: RateLimit, clock=time.monotonic) -> None:
        self.rate = rate
        self._clock = clock
        self._starts: list[float] = []
        self._waiters: dict[str, float] = {}
        self._lock = threading.Lock()

    def release(self, ticket: str) -> None:
        """Leave the waiting line (the ticket's message will not come back)."""
        with self._lock:
            self._waiters.pop(ticket, None)

    def acquire(self, ticket: str = "", limit: int | None = None) -> float:
        window = self.rate.window_seconds
        limit = max(1, min(limit or self.rate.limit, self.rate.limit))
        with self._lock:
            now = self._clock()
            self._starts = [t for t in self._starts if t > now - window]
            self._waiters = {k: v for k, v in self._waiters.items() if v > now - window}
            if len(self._starts) < limit:
                self._starts.append(now)
                self._waiters.pop(ticket, None)
                set_grant_time(time.time())
                return 0.0
            old = self._waiters.pop(ticket, None)
            # A returning waiter keeps its place: only waiters due before its old slot are ahead.
            ahead = sum(1 for v in self._waiters.values() if v >= now and (old is None or v < old))
            n, offset = limit, len(self._starts) - limit
            slot = self._starts[offset + ahead % n] + window * (1 + ahead // n)
            self._waiters[ticket or new_ticket()] = slot
            return max(slot - now, 0.001)


class RedisRateLimiter:
    """Sliding log in a Redis sorted set: global across processes and hosts."""

    def __init__(self, client, key: str, rate: RateLimit) -> None:
        self.rate = rate
        self.key = key
        self._client = client
        self._script = client.register_script(_LUA)

    def release(self, ticket: str) -> None:
        """Leave the waiting line (the ticket's message will not come back)."""
        if ticket:
            self._client.zrem(self.key + ":waiting", ticket)

    def acquire(self, ticket: str = "", limit: int | None = None) -> float:
        limit = max(1, min(limit or self.rate.limit, self.rate.limit))
        granted, wait_us, now_us = self._script(
            keys=[self.key, self.key + ":waiting"],
            args=[limit, int(self.rate.window_seconds * 1_000_000), new_ticket(), ticket],
        )
        if int(granted):
            set_grant_time(int(now_us) / 1_000_000)  # Redis' clock: one reference for all hosts
            return 0.0
        return max(int(wait_us) / 1_000_000, 0.001)


_current = None  # () -> this process's generation limiter (set by the worker's middleware)


def use_limiter(source) -> None:
    """Name where this process's generation limiter comes from (a callable returning it): the
    broker's rate-limit middleware registers itself, so a Gemini call made outside a
    rate-limited actor (the extraction pass) takes its start from the same limit."""
    global _current
    _current = source


def current_limiter():
    """This process's generation limiter, or None where no worker runs (the scrape CLI)."""
    return _current() if _current is not None else None


def take_slot(max_wait: float, *, sleep=time.sleep, clock=time.monotonic) -> bool:
    """One start of the generation limit for a call that cannot be deferred as a message:
    waits in the line (its ticket keeps its place) at most ``max_wait`` seconds. False when
    the slot would come later (the caller goes without the call); True with no limiter.
    The thread's grant time (a preview's start) is left as it was."""
    limiter = current_limiter()
    if limiter is None:
        return True
    before = last_grant_time()
    ticket = new_ticket()
    deadline = clock() + max_wait
    try:
        while True:
            wait = limiter.acquire(ticket)
            if wait <= 0:
                return True
            if clock() + wait > deadline:
                limiter.release(ticket)
                return False
            sleep(wait)
    finally:
        set_grant_time(before)


def make_rate_limiter(rate: RateLimit, redis_client=None, key: str = "ctabs:ratelimit:generation"):
    """The limiter for this deployment: Redis when a client is given, else in-process."""
    if rate.unlimited:
        return Unlimited()
    if redis_client is not None:
        return RedisRateLimiter(redis_client, key, rate)
    return MemoryRateLimiter(rate)
