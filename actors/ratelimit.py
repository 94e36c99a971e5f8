"""The global generation rate limit as a Dramatiq middleware.

Actors declared with ``rate_limited=True`` start only when the deployment-wide limiter
grants a slot. Otherwise the message is re-enqueued with a delay until the slot frees and
skipped: never failed, never burning a retry, never blocking a worker thread.

Fair share (issue 16): a message is a wake-up call, and a granted slot goes to the item the
fair scheduler picks from the database's waiting line (:mod:`core.fairshare`: least-served
workspace first, round-robin across its batches) — the message's own item, or another one,
which this thread then runs in its place (the message is re-pointed at that item's actor;
same id and queue) while the message's own item goes back into the line. A message whose item no longer waits is dropped without using a slot. Blocked
items (a workspace quota, a provider's 429 backoff) are skipped; the provider's backoff
also lowers the limit granted under. When the limiter (or the database) cannot answer,
the message is deferred, never run: an unknown answer is not a grant.
"""

from __future__ import annotations

import logging
import math
import threading
from collections.abc import Callable

import dramatiq
from dramatiq.middleware import Middleware, SkipMessage

from core.ratelimit import make_rate_limiter, new_ticket, set_grant_time, use_limiter
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
        # Gemini's extraction pass (scrape stage, not a rate-limited actor) counts against
        # this limit too: core.ratelimit.take_slot() finds it here (the newest broker's)
        use_limiter(lambda: self.limiter)

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

    HOLD_SECONDS = 10.0  # a fair pick stays reserved this long (two threads never pick one item)

    def before_process_message(self, broker: dramatiq.Broker, message) -> None:
        set_grant_time(None)
        actor = broker.get_actor(message.actor_name)
        if not actor.options.get("rate_limited"):
            return
        ticket = message.options.get("rate_limit_ticket") or new_ticket()
        try:
            self._admit(broker, message, ticket)
        except SkipMessage:
            raise
        except Exception:  # noqa: BLE001 - an unknown answer defers, it never grants
            log.warning("ratelimit.unavailable", exc_info=True,
                        extra={"actor": message.actor_name})
            try:  # best effort: when the broker is down too, the reconciler re-sends the row
                self._defer(broker, message, ticket, self.RETRY_UNAVAILABLE_SECONDS)
            except Exception:  # noqa: BLE001
                log.warning("ratelimit.defer_failed", exc_info=True)
            raise SkipMessage("rate limiter unavailable") from None

    RETRY_UNAVAILABLE_SECONDS = 5.0

    def _admit(self, broker, message, ticket: str) -> None:
        """Return to run this message; raise SkipMessage when it was deferred or dropped."""
        from core import fairshare, provider_backoff

        s = get_settings()
        kind = fairshare.ACTOR_KIND.get(message.actor_name)
        if kind is None or not message.args or s.generation_rate_limit.unlimited:
            return self._plain(broker, message, ticket)
        key = fairshare.item_key(kind, message.args[0])
        snap = fairshare.snapshot()
        own_waiting = snap.has(key)
        if not own_waiting and (snap.fifo or not snap.eligible()):
            # a stale wake-up: the item runs, finished, was cancelled or ran in another
            # message's slot, and nothing else may start: no slot is used, and its place in
            # the waiting line goes to the others. (With work waiting, a stale message still
            # arrives at a slot the line counted on: it runs the fair pick there, below.)
            if message.options.get("rate_limit_ticket"):
                self.limiter.release(ticket)
            raise SkipMessage("item is not waiting")
        if snap.fifo:  # FAIR_QUEUE=false: first come, first served (the old behaviour)
            block = snap.blocked(next(w for w in snap.waiting if w.key == key))
            if block is not None:
                self._defer(broker, message, ticket, block[0] - snap.now)
                raise SkipMessage("blocked")
            limit = provider_backoff.effective_limit(snap.limit, snap.factor(
                [w for w in snap.waiting if w.key == key]))
            return self._plain(broker, message, ticket, limit)
        shared = provider_backoff.backend()
        eligible = snap.eligible()
        held = shared.reserved([w.key for w in eligible])
        order = snap.order([w for w in eligible if w.key not in held])
        if not order and not own_waiting:
            self.limiter.release(ticket)
            raise SkipMessage("item is not waiting")
        if not order:  # nothing may start now: come back when the first block lifts
            until = snap.next_unblock()
            self._defer(broker, message, ticket, (until - snap.now) if until else 1.0)
            raise SkipMessage("nothing may start now")
        limit = provider_backoff.effective_limit(snap.limit, snap.factor(order[:1]))
        wait = self.limiter.acquire(ticket, limit=limit)
        if wait > 0:
            self._defer(broker, message, ticket, wait)
            raise SkipMessage("rate limited")

        def take(cand) -> bool:
            """Reserve ``cand``; picks in flight count against its workspace's quota."""
            if not shared.reserve(cand.key, self.HOLD_SECONDS):
                return False
            if snap.quotas:
                now_held = shared.reserved([w.key for w in snap.waiting if w.workspace == cand.workspace])
                if snap.over_quota_with(now_held, cand.workspace):
                    shared.release(cand.key)
                    return False
            return True

        pick = next((cand for cand in order if take(cand)), None)
        if pick is not None and pick.key == key:
            return None  # its own turn
        if pick is None:  # every candidate was taken meanwhile: the slot stays used
            own = next((w for w in snap.waiting if w.key == key), None)
            if own is not None and snap.blocked(own) is None and key not in held and take(own):
                return None  # run its own item rather than waste the slot
            if own_waiting:
                self._defer(broker, message, ticket, 1.0)
            raise SkipMessage("nothing left to run in this slot")
        # The slot is this thread's now: it runs the fair pick instead, and this message's
        # own item (if it still waits) goes back into the line at once.
        if own_waiting:
            try:
                self._defer(broker, message, new_ticket(), 0.01)
            except Exception:  # noqa: BLE001 - cannot requeue it: keep the slot for its own item
                shared.release(pick.key)
                log.warning("ratelimit.fair_requeue_failed", exc_info=True)
                return None
        if not self._swap(message, pick.key):
            shared.release(pick.key)
        return None

    @staticmethod
    def _swap(message, key: str) -> bool:
        """Make the message being processed run ``key``'s actor instead (same id and queue,
        so its acknowledgement is unchanged; both actors live on the ``generation`` queue)."""
        from actors.routes import ROUTES

        kind, item_id = key.split(":", 1)
        queue, actor_name = ROUTES[kind]
        inner = getattr(message, "_message", None)
        if inner is None or queue != message.queue_name:
            return False
        options = {k: v for k, v in inner.options.items() if k != "rate_limit_ticket"}
        message._message = inner.copy(actor_name=actor_name, args=(item_id,), kwargs={},
                                      options={**options, "fair_share_for": inner.args[0]})
        return True

    def _plain(self, broker, message, ticket: str, limit: int | None = None) -> None:
        wait = self.limiter.acquire(ticket, limit=limit)
        if wait <= 0:
            return None
        self._defer(broker, message, ticket, wait)
        raise SkipMessage("rate limited")

    def _defer(self, broker, message, ticket: str, seconds: float) -> None:
        """Re-enqueue ``message`` (a new id, the same ticket) ``seconds`` from now."""
        seconds = min(max(seconds, 0.001), 60.0)
        # The ticket holds this message's place in the waiting line across deferrals.
        delay_ms = math.ceil(seconds * 1000) + 2
        deferred = message.copy(message_id=dramatiq.message.generate_unique_id(),
                                options={"rate_limit_ticket": ticket})
        broker.enqueue(deferred, delay=delay_ms)
        hook = self.on_defer.get(message.actor_name)
        if hook is not None:
            try:
                hook(message, delay_ms / 1000)
            except Exception:  # the deferral itself already happened
                log.exception("ratelimit.defer_hook_failed")

    def after_process_message(self, broker, message, *, result=None, exception=None) -> None:
        set_grant_time(None)
