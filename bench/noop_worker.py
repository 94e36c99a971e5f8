"""A bare Dramatiq no-op actor on the same Redis, for the orchestration-overhead baseline."""

import os

import dramatiq
import redis
from dramatiq.brokers.redis import RedisBroker

_prefix = os.environ["REDIS_PREFIX"]
broker = RedisBroker(url=os.environ["REDIS_URL"], namespace=f"{_prefix}:noop")
dramatiq.set_broker(broker)
_client = redis.Redis.from_url(os.environ["REDIS_URL"])


@dramatiq.actor(queue_name="noop", max_retries=0)
def noop(i: int) -> None:
    _client.incr(f"{_prefix}:noop:count")
