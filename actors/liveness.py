"""Worker liveness: each worker process renews a key every few seconds while it runs.

``/healthz`` and ``/metrics`` count the keys still fresh (``core.health.live_workers``), so
operators see a dead or hung worker host within ``WORKER_TTL_SECONDS``.
"""

from __future__ import annotations

import logging
import os
import socket
import threading

from dramatiq.middleware import Middleware

log = logging.getLogger(__name__)
BEAT_SECONDS = 10.0


class Liveness(Middleware):
    def __init__(self) -> None:
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def after_worker_boot(self, broker, worker) -> None:
        self._stop.clear()
        info = {"host": socket.gethostname(), "pid": os.getpid(),
                "threads": getattr(worker, "worker_threads", None)}
        self._thread = threading.Thread(target=self._loop, args=(info,), name="liveness", daemon=True)
        self._thread.start()

    def before_worker_shutdown(self, broker, worker) -> None:
        self._stop.set()
        from core import health

        try:
            health.worker_gone()
        except Exception:  # noqa: BLE001
            log.warning("liveness.unregister_failed", exc_info=True)

    def _loop(self, info: dict) -> None:
        from core import health

        while True:
            try:
                health.worker_heartbeat(info)
            except Exception:  # noqa: BLE001 - Redis down: the key simply expires
                log.warning("liveness.beat_failed", exc_info=True)
            if self._stop.wait(BEAT_SECONDS):
                return
