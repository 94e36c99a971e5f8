"""The pipeline's actors: thin — take ids, call core, send the next messages after commit."""

from __future__ import annotations

import datetime as dt
import logging

import dramatiq

from actors.broker import broker
from actors.ratelimit import GenerationRateLimit
from actors.send import install, send, send_all  # noqa: F401  (re-exported)
from core.pipeline import generate, reconcile, sources
from core.settings import get_settings

log = logging.getLogger(__name__)

_settings = get_settings()
_GEN_TIME_LIMIT_MS = int((_settings.generation_timeout_seconds + 120) * 1000)


@dramatiq.actor(queue_name="pipeline", max_retries=5, min_backoff=2_000, max_backoff=60_000)
def process_batch(batch_id: str) -> None:
    send_all(sources.start_batch(batch_id))


@dramatiq.actor(queue_name="pipeline", max_retries=5, min_backoff=2_000, max_backoff=60_000,
                time_limit=900_000)
def process_source(batch_id: str, url: str) -> None:
    send_all(sources.prepare_source(batch_id, url))


@dramatiq.actor(queue_name="generation", rate_limited=True, max_retries=5, min_backoff=2_000,
                max_backoff=60_000, time_limit=_GEN_TIME_LIMIT_MS)
def generate_preview(preview_id: str) -> None:
    from core.usage import bind

    with bind(preview_id=preview_id):  # the usage ledger's calls belong to this preview
        send_all(generate.generate(preview_id))


@dramatiq.actor(queue_name="pipeline", max_retries=0)
def reconcile_now() -> None:
    reconcile.reconcile(send=send)


def _deferred_preview(message, due_in: float) -> None:
    due = dt.datetime.now(dt.timezone.utc) + dt.timedelta(seconds=due_in)
    generate.wake(message.args[0], due)


for _m in broker.middleware:
    if isinstance(_m, GenerationRateLimit):
        _m.on_defer["generate_preview"] = _deferred_preview

install()
