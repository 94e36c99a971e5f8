"""The media queue's actor: thin — take a job id, run it in core, send the retry after commit.

Declared ``rate_limited=True``: it shares the one global generation limit with the batch
pipeline's previews.
"""

from __future__ import annotations

import datetime as dt

import dramatiq

from actors.broker import broker
from actors.ratelimit import GenerationRateLimit
from core.pipeline import jobs
from core.settings import get_settings

_TIME_LIMIT_MS = int((get_settings().generation_timeout_seconds + 120) * 1000)


@dramatiq.actor(queue_name="generation", rate_limited=True, max_retries=5, min_backoff=2_000,
                max_backoff=60_000, time_limit=_TIME_LIMIT_MS)
def generate_media_job(job_id: str) -> None:
    """Generate one job's images or video (idempotent: a finished or cancelled job is skipped)."""
    from actors.pipeline import send_all  # late: actors.pipeline resolves this actor by name

    from core.usage import bind

    with bind(job_id=job_id):  # the usage ledger's calls belong to this job
        send_all(jobs.run_job(job_id))


def _deferred_job(message, due_in: float) -> None:
    due = dt.datetime.now(dt.timezone.utc) + dt.timedelta(seconds=due_in)
    jobs.wake(message.args[0], due)


for _m in broker.middleware:
    if isinstance(_m, GenerationRateLimit):
        _m.on_defer["generate_media_job"] = _deferred_job
