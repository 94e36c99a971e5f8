"""The global generation rate limit as a Dramatiq middleware.

Actors declared with ``rate_limited=True`` start only when the deployment-wide limiter
grants a slot. Otherwise the message is re-enqueued with a delay until the slot frees and
skipped: never failed, never burning a retry, never blocking a worker thread.
"""

from __future__ import annotations

import logging
import math
import threading
from collections.abc import Callable

import dramatiq
from dramatiq.middleware import Middleware, SkipMessage

from core.ratelimit import make_rate_limiter, new_ticket, set_grant_time
from core.settings import get_settings

log = logging.getLogger(__name__)


class GenerationRateLimit(Middleware):
    """One sliding-window limit for every ``rate_limited`` actor, in every process."""

    def __init__(self) -> None:
        self._limiter = None
        self._limiter_key: tuple | None = None
        self._lock = threading.Lock()
        # actor name -> callback(message, due_at_seconds_from_now) run when a message is deferred
        self.on_defer: dict[str, Callable] = {}

    @property
    def actor_options(self) -> set[str]:
        return {"rate_limited"}

    @property
    def limiter(self):
        """Built once per process (rebuilt only if the settings change, as in tests)."""
        s = get_settings()
        key = (s.generation_rate_limit, s.redis_url, s.redis_prefix)
        with self._lock:
            if self._limiter is None or key != self._limiter_key:
                client = None
                if s.redis_url:
                    import redis

                    client = redis.Redis.from_url(s.redis_url)
                self._limiter = make_rate_limiter(
                    s.generation_rate_limit, client, key=f"{s.redis_prefix}:ratelimit:generation"
                )
                self._limiter_key = key
            return self._limiter

    def before_process_message(self, broker: dramatiq.Broker, message) -> None:
        set_grant_time(None)
        actor = broker.get_actor(message.actor_name)
        if not actor.options.get("rate_limited"):
            return
        ticket = message.options.get("rate_limit_ticket") or new_ticket()
        wait = self.limiter.acquire(ticket)
        if wait <= 0:
            return
        # The ticket holds this message's place in the waiting line across deferrals.
        delay_ms = math.ceil(wait * 1000) + 2
        deferred = message.copy(message_id=dramatiq.message.generate_unique_id(),
                                options={"rate_limit_ticket": ticket})
        broker.enqueue(deferred, delay=delay_ms)
        hook = self.on_defer.get(message.actor_name)
        if hook is not None:
            try:
                hook(message, delay_ms / 1000)
            except Exception:  # the deferral itself already happened
                log.exception("ratelimit.defer_hook_failed")
        raise SkipMessage("rate limited")

    def after_process_message(self, broker, message, *, result=None, exception=None) -> None:
        set_grant_time(None)
