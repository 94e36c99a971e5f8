"""Entry point for production workers: ``dramatiq actors.worker`` (any number, any host)."""

from core.logs import configure_logging

configure_logging("worker")

from actors.broker import broker  # noqa: E402  (first actor-side import: selects the broker)
from actors.liveness import Liveness  # noqa: E402
from actors.reconciler import Reconciler  # noqa: E402
from core.settings import get_settings  # noqa: E402

broker.add_middleware(Reconciler())
broker.add_middleware(Liveness())

import actors.pipeline  # noqa: E402,F401  (declares the batch pipeline's actors)
import actors.media  # noqa: E402,F401  (declares the media queue's actor)

if get_settings().pipeline_stages:  # benchmarks/tests only: swap a pipeline stage
    import importlib

    _module, _func = get_settings().pipeline_stages.split(":")
    getattr(importlib.import_module(_module), _func)()
