"""The API's per-key request limit (API_RATE_LIMIT, default 600/m): a sliding log — at most
``limit`` requests of a key in ANY window of that length, as README says (fixed calendar windows
let twice the limit through across a boundary: a walk-through sent 10 in 10 s at 5/m) — in Redis
(one sorted set per key, every API host shares it) or in process. Only requests let through
are logged: a client refused and retrying does not push its own wait further."""

from __future__ import annotations

import collections
import threading
import time
import uuid
from typing import NamedTuple

from core.settings import get_settings

_lock = threading.Lock()
_logs: dict[str, collections.deque] = {}
_scripts: dict[int, object] = {}

# KEYS[1] the key's log; ARGV: window (s), limit, member (Redis 5 or later: TIME in a script). Returns {allowed, count, wait ms}:
# count = requests in the window after this one (allowed) or as it stands (refused); wait = ms
# until the oldest logged request leaves the window. Redis's own clock: every host agrees.
_SCRIPT = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local window = tonumber(ARGV[1]) * 1000
local limit = tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
local n = redis.call('ZCARD', KEYS[1])
local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
local first = now
if oldest[2] then first = tonumber(oldest[2]) end
if n < limit then
  redis.call('ZADD', KEYS[1], now, ARGV[3])
  redis.call('PEXPIRE', KEYS[1], window + 1000)
  return {1, n + 1, first + window - now}
end
return {0, n, first + window - now}
"""


class Verdict(NamedTuple):
    """One request's answer: let through or not, the limit, how many more the window allows
    now, and the seconds until the oldest counted request leaves it (the wait when refused)."""

    allowed: bool
    limit: int
    remaining: int
    reset_seconds: float


def check(key_id: str) -> Verdict | None:
    """The verdict for one more request of ``key_id`` (counted when allowed); None when no
    limit is set or Redis does not answer (the API still answers, the limit is not kept)."""
    s = get_settings()
    rate = s.api_rate_limit
    if rate.unlimited:
        return None
    window = float(rate.window_seconds)
    if s.redis_url:
        from core.health import redis_client

        try:
            client = redis_client()
            script = _scripts.get(id(client))
            if script is None:  # sent once per client, then run by its SHA (EVALSHA)
                script = _scripts[id(client)] = client.register_script(_SCRIPT)
            allowed, n, wait_ms = script(keys=[f"{s.redis_prefix}:api:limit:{key_id}"],
                                         args=[window, rate.limit, uuid.uuid4().hex])
        except Exception:  # noqa: BLE001 - Redis down: the API still answers (limit not kept)
            return None
        return Verdict(bool(allowed), rate.limit, max(rate.limit - int(n), 0), max(int(wait_ms), 0) / 1000)
    now = time.monotonic()
    with _lock:
        if len(_logs) > 1000:  # keys idle for a whole window hold nothing: forget them
            for idle in [k for k, log in _logs.items() if not log or log[-1] <= now - window]:
                del _logs[idle]
        log = _logs.setdefault(key_id, collections.deque())
        while log and log[0] <= now - window:
            log.popleft()
        allowed = len(log) < rate.limit
        if allowed:
            log.append(now)
        wait = (log[0] + window - now) if log else window
        return Verdict(allowed, rate.limit, max(rate.limit - len(log), 0), max(wait, 0.0))
