"""Runs the reconciler at worker boot and then every RECONCILE_INTERVAL_SECONDS.

An interval of 0 turns the loop off (tests that drive the reconciler themselves).
"""

from __future__ import annotations

import logging
import threading

from dramatiq.middleware import Middleware

log = logging.getLogger(__name__)


class Reconciler(Middleware):
    def __init__(self) -> None:
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    @property
    def interval(self) -> float:
        from core.settings import get_settings

        return get_settings().reconcile_interval_seconds

    def after_worker_boot(self, broker, worker) -> None:
        if self.interval <= 0:
            log.info("reconcile.disabled")
            return
        self._stop.clear()
        self._thread = threading.Thread(target=self._loop, name="reconciler", daemon=True)
        self._thread.start()

    def before_worker_shutdown(self, broker, worker) -> None:
        self._stop.set()

    def run_once(self) -> int:
        from actors.send import send
        from core.pipeline.jobs import reconcile_jobs
        from core.pipeline.reconcile import reconcile
        from core.webhooks import reconcile_deliveries

        # each message is sent by the reconciler itself and recorded only once it was sent
        sends = reconcile(send=send) + reconcile_jobs(send=send) + reconcile_deliveries(send=send)
        return len(sends)

    def _loop(self) -> None:
        while True:
            try:
                self.run_once()
            except Exception:  # a database blip must not kill the loop
                log.exception("reconcile.failed")
            if self._stop.wait(self.interval):
                return
