"""The broker, chosen once per process before any actor is declared.

REDIS_URL set → Redis broker (production: any number of worker processes and hosts);
unset → Dramatiq's stub broker, worked by an in-process worker (embedded mode).
"""

from __future__ import annotations

import dramatiq
from dramatiq.brokers.redis import RedisBroker
from dramatiq.brokers.stub import StubBroker
from dramatiq.middleware import CurrentMessage, Retries

from actors.ratelimit import GenerationRateLimit
from core.settings import get_settings


class PromptRedisBroker(RedisBroker):
    """A Redis broker whose idle consumers poll at least every 100 ms.

    Dramatiq backs idle polling off up to the worker timeout (1 s); a message deferred by
    the rate limiter to its exact slot would then start up to ~2 s late (delay queue, then
    work queue), wasting the budget. 100 ms costs a few cheap Redis calls per second.
    """

    def consume(self, queue_name: str, prefetch: int = 1, timeout: int = 5000):
        return super().consume(queue_name, prefetch, min(timeout, 100))


def build_broker(settings=None) -> dramatiq.Broker:
    settings = settings or get_settings()
    if settings.redis_url:
        # A killed worker's prefetched messages go back to the queue once its heartbeat is
        # 15 s old; maintenance runs on ~10% of broker commands (default 0.1%) so that
        # happens within seconds, not minutes.
        broker: dramatiq.Broker = PromptRedisBroker(
            url=settings.redis_url, namespace=f"{settings.redis_prefix}:dramatiq",
            heartbeat_timeout=15_000, maintenance_chance=100_000,
        )
    else:
        broker = StubBroker()
        broker.emit_after("process_boot")  # the CLI does this for real workers
    broker.add_middleware(CurrentMessage())
    broker.add_middleware(GenerationRateLimit(), before=Retries)
    return broker


broker = build_broker()
dramatiq.set_broker(broker)
