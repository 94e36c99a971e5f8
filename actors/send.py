"""The one sender: every hand-off is ``(kind, args, delay)`` → one Dramatiq message.

``kind`` names a route in :mod:`actors.routes` (queue, actor name). Messages are built
here, so a process that only *sends* — the dashboard, an API host — needs the broker but
not the actor modules (and none of their imports). Workers, the dashboard, the API and the
reconciler all send through :func:`send`; ``core`` reaches it through
:func:`core.dispatch.dispatch` once :func:`install` has registered it.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from actors.broker import broker
from actors.routes import message
from core import dispatch

log = logging.getLogger(__name__)

Send = tuple[str, tuple, float]


def send(kind: str, args: tuple, delay_seconds: float = 0.0) -> None:
    """Enqueue one message (raises when the broker cannot take it)."""
    msg = message(kind, args)
    if msg.queue_name not in broker.get_declared_queues():
        broker.declare_queue(msg.queue_name)
    delay = int(delay_seconds * 1000) if delay_seconds > 0 else None
    broker.enqueue(msg, delay=delay)


def send_all(sends: Iterable[Send]) -> list[Send]:
    """Send each; returns the ones that were sent (a failure is logged and skipped: the
    reconciler finds the row again, since it records a re-send only after it was sent)."""
    done: list[Send] = []
    for kind, args, delay in sends:
        try:
            send(kind, args, delay)
        except Exception:  # noqa: BLE001 - the database is the truth; this was a wake-up call
            log.exception("send.failed", extra={"kind": kind})
            continue
        done.append((kind, tuple(args), delay))
    return done


def install() -> None:
    """Make :func:`core.dispatch.dispatch` send through this process's broker."""
    dispatch.register(lambda kind, args: send(kind, args))
