"""The API's per-key request limit (API_RATE_LIMIT, default 600/m): fixed windows, one
counter per key and window — in Redis (every API host shares it) or in process."""

from __future__ import annotations

import math
import threading
import time

from core.settings import get_settings

_lock = threading.Lock()
_counts: dict[tuple[str, int], int] = {}


def over_limit(key_id: str) -> float | None:
    """None when this request may go ahead, else the seconds until it may (Retry-After)."""
    s = get_settings()
    rate = s.api_rate_limit
    if rate.unlimited:
        return None
    now = time.time()
    window = int(now // rate.window_seconds)
    retry_after = (window + 1) * rate.window_seconds - now
    if s.redis_url:
        from core.health import redis_client

        client = redis_client()
        key = f"{s.redis_prefix}:api:limit:{key_id}:{window}"
        try:
            pipe = client.pipeline()
            pipe.incr(key)
            pipe.expire(key, rate.window_seconds + 5)
            count = pipe.execute()[0]
        except Exception:  # noqa: BLE001 - Redis down: the API still answers (limit not kept)
            return None
    else:
        with _lock:
            for k in [k for k in _counts if k[1] < window]:
                del _counts[k]
            count = _counts[(key_id, window)] = _counts.get((key_id, window), 0) + 1
    if count > rate.limit:
        return max(1.0, math.ceil(retry_after))
    return None
