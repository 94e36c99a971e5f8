"""The webhook delivery actor: thin — take a delivery id, make one attempt in core, send the
delayed retry after the attempt was recorded.

Not rate limited (a POST to a customer's URL is not a generation). One attempt takes at
most FETCH_TIMEOUT_SECONDS (the total deadline of the POST).
"""

from __future__ import annotations

import dramatiq

from actors.send import send_all
from core import webhooks
from core.settings import get_settings

_TIME_LIMIT_MS = int((get_settings().fetch_timeout_seconds + 60) * 1000)


@dramatiq.actor(queue_name="pipeline", max_retries=5, min_backoff=2_000, max_backoff=60_000,
                time_limit=_TIME_LIMIT_MS)
def deliver_webhook(delivery_id: str) -> None:
    """Deliver one event to one webhook (idempotent: a delivery that is done, failed, not
    due or held by another worker is skipped)."""
    send_all(webhooks.deliver(delivery_id))
