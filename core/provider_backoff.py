"""Honour the provider: a 429 slows the whole limiter for that model, not only one item.

Per model, shared by every process (Redis hash, or this process in embedded mode):

- ``blocked_until``: a 429 carrying ``RetryInfo.retryDelay`` (e.g. "7s") holds every start
  that needs this model until then (the item itself retries after that delay too:
  :mod:`core.pipeline.retry`);
- ``factor`` (0 < factor ≤ 1): each 429 halves it (down to ``MIN_FACTOR``), each successful
  call raises it by half again (×1.5, up to 1). The limiter grants under
  ``max(1, floor(limit × factor))`` while a model it is about to use is slowed, so repeated
  429s lower the effective rate until calls succeed, then it recovers.

Also here: short *reservations* of a waiting item (the fair scheduler's pick travels to a
worker in a message; meanwhile no other worker picks it).
"""

from __future__ import annotations

import json
import logging
import math
import re
import threading
import time
from dataclasses import dataclass

log = logging.getLogger(__name__)

MIN_FACTOR = 1 / 16
RECOVER = 1.5
DEFAULT_DELAY = 2.0  # a 429 without RetryInfo still pauses its model this long
MAX_DELAY = 600.0


@dataclass(frozen=True)
class ModelState:
    model: str
    blocked_until: float = 0.0
    factor: float = 1.0
    throttled: int = 0  # 429s seen (lifetime of the state key)
    last_429: float = 0.0

    def blocked(self, now: float) -> bool:
        return self.blocked_until > now


_LUA_429 = """
local k = KEYS[1]
local now, delay, minf = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local f = tonumber(redis.call('HGET', k, 'factor') or '1')
local b = tonumber(redis.call('HGET', k, 'blocked_until') or '0')
f = math.max(minf, f / 2)
if now + delay > b then b = now + delay end
redis.call('HSET', k, 'factor', tostring(f), 'blocked_until', tostring(b), 'last_429', tostring(now))
redis.call('HINCRBY', k, 'throttled', 1)
redis.call('EXPIRE', k, 86400)
return tostring(f)
"""
_LUA_OK = """
local k = KEYS[1]
local f = tonumber(redis.call('HGET', k, 'factor') or '1')
if f >= 1 then return '1' end
f = math.min(1, f * tonumber(ARGV[1]))
redis.call('HSET', k, 'factor', tostring(f))
return tostring(f)
"""


class _Memory:
    def __init__(self) -> None:
        self._states: dict[str, ModelState] = {}
        self._held: dict[str, float] = {}
        self._lock = threading.Lock()

    def note_429(self, model: str, delay: float, now: float) -> float:
        with self._lock:
            s = self._states.get(model, ModelState(model))
            f = max(MIN_FACTOR, s.factor / 2)
            self._states[model] = ModelState(model, max(s.blocked_until, now + delay), f,
                                             s.throttled + 1, now)
            return f

    def note_success(self, model: str) -> float:
        with self._lock:
            s = self._states.get(model)
            if s is None or s.factor >= 1:
                return 1.0
            f = min(1.0, s.factor * RECOVER)
            self._states[model] = ModelState(model, s.blocked_until, f, s.throttled, s.last_429)
            return f

    def states(self) -> dict[str, ModelState]:
        with self._lock:
            return dict(self._states)

    def reserve(self, key: str, seconds: float) -> bool:
        now = time.monotonic()
        with self._lock:
            if self._held.get(key, 0) > now:
                return False
            self._held[key] = now + seconds
            if len(self._held) > 10_000:
                self._held = {k: v for k, v in self._held.items() if v > now}
            return True

    def release(self, key: str) -> None:
        with self._lock:
            self._held.pop(key, None)

    def reserved(self, keys) -> set[str]:
        now = time.monotonic()
        with self._lock:
            return {k for k in keys if self._held.get(k, 0) > now}


class _Redis:
    def __init__(self, client, prefix: str) -> None:
        self._c = client
        self._p = prefix
        self._429 = client.register_script(_LUA_429)
        self._ok = client.register_script(_LUA_OK)

    def _key(self, model: str) -> str:
        return f"{self._p}:provider:{model}"

    def note_429(self, model: str, delay: float, now: float) -> float:
        return float(self._429(keys=[self._key(model)], args=[now, delay, MIN_FACTOR]))

    def note_success(self, model: str) -> float:
        return float(self._ok(keys=[self._key(model)], args=[RECOVER]))

    def states(self) -> dict[str, ModelState]:
        out = {}
        for key in self._c.scan_iter(match=f"{self._p}:provider:*", count=100):
            key = key.decode() if isinstance(key, bytes) else key
            h = {(k.decode() if isinstance(k, bytes) else k): (v.decode() if isinstance(v, bytes) else v)
                 for k, v in self._c.hgetall(key).items()}
            model = key[len(f"{self._p}:provider:"):]
            out[model] = ModelState(model, float(h.get("blocked_until", 0)), float(h.get("factor", 1)),
                                    int(h.get("throttled", 0)), float(h.get("last_429", 0)))
        return out

    def reserve(self, key: str, seconds: float) -> bool:
        return bool(self._c.set(f"{self._p}:fair:held:{key}", "1", nx=True,
                                px=max(1, int(seconds * 1000))))

    def release(self, key: str) -> None:
        self._c.delete(f"{self._p}:fair:held:{key}")

    def reserved(self, keys) -> set[str]:
        keys = list(keys)
        if not keys:
            return set()
        vals = self._c.mget([f"{self._p}:fair:held:{k}" for k in keys])
        return {k for k, v in zip(keys, vals) if v is not None}


_backend = None
_backend_key: object = None
_lock = threading.Lock()


def backend():
    """This deployment's shared state (Redis when configured, else this process)."""
    global _backend, _backend_key
    from core.settings import get_settings

    s = get_settings()
    key = s  # the settings object: built once per process (tests get a fresh one each)
    with _lock:
        if _backend is None or key is not _backend_key:
            if s.redis_url:
                import redis

                _backend = _Redis(redis.Redis.from_url(s.redis_url, socket_timeout=5,
                                                       socket_connect_timeout=5), s.redis_prefix)
            else:
                _backend = _Memory()
            _backend_key = key
        return _backend


def reset() -> None:
    """Forget this process's state (tests)."""
    global _backend
    with _lock:
        _backend = None


def note_429(model: str, delay: float | None) -> None:
    d = min(max(float(delay if delay is not None else DEFAULT_DELAY), 0.0), MAX_DELAY)
    try:
        f = backend().note_429(model, d, time.time())
        log.warning("provider.throttled", extra={"model": model, "retry_delay": d, "factor": f})
    except Exception:  # noqa: BLE001 - the item's own retry still honours the delay
        log.warning("provider.backoff_not_recorded", exc_info=True)


def note_success(model: str) -> None:
    try:
        backend().note_success(model)
    except Exception:  # noqa: BLE001
        log.debug("provider.recovery_not_recorded", exc_info=True)


def states() -> dict[str, ModelState]:
    return backend().states()


def effective_limit(limit: int, factor: float) -> int:
    return max(1, int(math.floor(limit * min(max(factor, MIN_FACTOR), 1.0) + 1e-9)))


_DELAY_RE = re.compile(r'"?retry_?[dD]elay"?\s*[:=]\s*"?(\d+(?:\.\d+)?)s', re.IGNORECASE)


def retry_delay(exc: BaseException) -> float | None:
    """``RetryInfo.retryDelay`` of a Gemini 429 in seconds ("7s" → 7.0), if it carries one.

    google-genai keeps the error body in ``APIError.details`` (the whole response JSON);
    ``{"error": {"details": [{"@type": ".../google.rpc.RetryInfo", "retryDelay": "7s"}]}}``.
    """
    seen = []
    for obj in (getattr(exc, "details", None), getattr(exc, "response_json", None)):
        if obj:
            seen.append(obj)
    for obj in seen:
        found = _find_delay(obj)
        if found is not None:
            return found
    m = _DELAY_RE.search(str(exc))
    return float(m.group(1)) if m else None


def _find_delay(obj) -> float | None:
    if isinstance(obj, str):
        try:
            obj = json.loads(obj)
        except ValueError:
            m = _DELAY_RE.search(obj)
            return float(m.group(1)) if m else None
    if isinstance(obj, dict):
        for k, v in obj.items():
            if k in ("retryDelay", "retry_delay") and isinstance(v, str) and v.endswith("s"):
                try:
                    return float(v[:-1])
                except ValueError:
                    pass
            found = _find_delay(v) if isinstance(v, (dict, list)) else None
            if found is not None:
                return found
    if isinstance(obj, list):
        for v in obj:
            found = _find_delay(v)
            if found is not None:
                return found
    return None
