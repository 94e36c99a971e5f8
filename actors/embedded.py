"""The embedded mode's in-process worker (stub broker) plus its reconciler."""

from __future__ import annotations

import logging
import threading

import dramatiq

log = logging.getLogger(__name__)
_lock = threading.Lock()
_worker: dramatiq.Worker | None = None


def start_embedded_worker() -> dramatiq.Worker:
    """Start (once per process) a worker on the stub broker; returns it."""
    global _worker
    with _lock:
        if _worker is not None:
            return _worker
        import actors.worker  # noqa: F401  (broker, reconciler and actors)
        from actors.broker import broker
        from core.settings import get_settings

        _worker = dramatiq.Worker(broker, worker_threads=get_settings().worker_threads,
                                  worker_timeout=100)
        _worker.start()
        log.info("worker.embedded_started threads=%d", get_settings().worker_threads)
        return _worker


def stop_embedded_worker() -> None:
    global _worker
    with _lock:
        if _worker is not None:
            _worker.stop()
            _worker = None
