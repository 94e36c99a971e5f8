"""bench.instant_stages, plus one line per generation attempt in the file ``DRILL_LOG``.

``PIPELINE_STAGES=bench.counted_stages:install`` in worker processes. Each attempt (a
preview's copy half starting, whether or not its result is kept later) appends
``{"url", "variant", "pid", "t"}`` to ``DRILL_LOG`` — one short ``O_APPEND`` write, so lines
of concurrent workers never interleave. Drills count the lines per preview: "done exactly
once" means one attempt per preview, not only one ``done`` row.
"""

from __future__ import annotations

import json
import os
import time

from bench import instant_stages


def install() -> None:
    instant_stages.install()
    path = os.environ.get("DRILL_LOG")
    if not path:
        return
    original = instant_stages._Copy.write_prefill

    def write_prefill(brief, image, *, variant_index, batch_size, other_headlines):
        line = json.dumps({"url": brief.url, "variant": variant_index, "pid": os.getpid(),
                           "t": time.time()}) + "\n"
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        try:
            os.write(fd, line.encode())
        finally:
            os.close(fd)
        return original(brief, image, variant_index=variant_index, batch_size=batch_size,
                        other_headlines=other_headlines)

    instant_stages._Copy.write_prefill = staticmethod(write_prefill)


def attempts(path: str) -> list[dict]:
    try:
        with open(path) as f:
            return [json.loads(line) for line in f if line.strip()]
    except FileNotFoundError:
        return []
