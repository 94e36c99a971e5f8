"""The CLIP model of a worker process, loaded once at boot (not on its first preview).

``ClipModelBoot`` (registered in ``actors/worker.py``) runs ``core.rank.warm_up`` after the
worker boots: with ``CLIP_FETCH_AT_BOOT`` it first downloads the configured weights
(``core.models.fetch_weights``: open_clip / huggingface_hub, honouring ``HF_ENDPOINT`` and
``HF_HOME``), then builds the model when weights are available. Rankings that start meanwhile
wait for it. Without weights nothing heavy is imported: the worker ranks by the heuristic
and stays small.

Production workers load in the boot thread. The embedded worker (inside the dashboard
process) loads in a thread of its own so the dashboard answers at once; it imports torch
only when there are weights to rank with.
"""

from __future__ import annotations

import logging

from dramatiq.middleware import Middleware

log = logging.getLogger(__name__)


class ClipModelBoot(Middleware):
    def __init__(self) -> None:
        self.warm_up_thread = None

    def after_worker_boot(self, broker, worker) -> None:
        from core import rank
        from core.settings import get_settings

        settings = get_settings()
        if not settings.clip_fetch_at_boot and rank.weights_source(settings) is None:
            log.info("models.boot_without_weights", extra={"model": settings.clip_model})
            return  # heuristic ranking: no torch in this process
        background = settings.embedded
        got = rank.warm_up(fetch=settings.clip_fetch_at_boot, background=background)
        if background:
            self.warm_up_thread = got
        else:
            log.info("models.boot_loaded", extra={"model": settings.clip_model, "loaded": got is not None})
