"""Entry point for production workers: ``dramatiq actors.worker`` (any number, any host)."""

from actors.broker import broker  # noqa: F401  (first: selects the broker)
from actors.reconciler import Reconciler
from core.settings import get_settings

broker.add_middleware(Reconciler())

import actors.pipeline  # noqa: E402,F401  (declares the batch pipeline's actors)
import actors.media  # noqa: E402,F401  (declares the media queue's actor)

if get_settings().pipeline_stages:  # benchmarks/tests only: swap a pipeline stage
    import importlib

    _module, _func = get_settings().pipeline_stages.split(":")
    getattr(importlib.import_module(_module), _func)()
