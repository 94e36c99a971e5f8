"""Entry point for production workers: ``dramatiq actors.worker`` (any number, any host)."""

from core.logs import configure_logging

configure_logging("worker")

from actors.broker import broker  # noqa: E402  (first actor-side import: selects the broker)
from actors.liveness import Liveness  # noqa: E402
from actors.models import ClipModelBoot  # noqa: E402
from actors.reconciler import Reconciler  # noqa: E402
from core.settings import get_settings  # noqa: E402

broker.add_middleware(Reconciler())
broker.add_middleware(Liveness())


def _prometheus() -> None:
    """Dramatiq's Prometheus middleware, on when ``dramatiq_prom_port`` is set (production).

    Dramatiq's own variables configure it, and they must be in the environment of the
    ``dramatiq`` command itself (its exposition server is a fork of the parent process,
    which never imports this module): ``dramatiq_prom_port``, ``dramatiq_prom_host``
    (default 0.0.0.0: set 127.0.0.1 or a private address) and ``dramatiq_prom_db`` (the
    multi-process metrics folder). Every worker program on a host may share one folder and
    port: one exposition server answers for all (the others find the port taken and stop;
    dramatiq does not watch its fork processes, so that is harmless).
    """
    import os

    if not os.environ.get("dramatiq_prom_port") or get_settings().embedded:
        return
    from dramatiq.middleware.prometheus import Prometheus

    broker.add_middleware(Prometheus())


_prometheus()
broker.add_middleware(ClipModelBoot())  # last: CLIP loaded once at boot (actors/models.py)

import actors.pipeline  # noqa: E402,F401  (declares the batch pipeline's actors)
import actors.media  # noqa: E402,F401  (declares the media queue's actor)
import actors.webhooks  # noqa: E402,F401  (declares the webhook delivery actor)

if get_settings().pipeline_stages:  # benchmarks/tests only: swap a pipeline stage
    import importlib

    _module, _func = get_settings().pipeline_stages.split(":")
    getattr(importlib.import_module(_module), _func)()
