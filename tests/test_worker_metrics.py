"""Production workers export Dramatiq's Prometheus metrics when dramatiq_prom_port is set."""

from __future__ import annotations

import time
import urllib.request

from core.batches import create_batch, get_batch
from tests.browser.harness import free_port


def test_a_worker_exports_dramatiq_metrics(production, workspace, tmp_path):
    port = free_port()
    prom_db = tmp_path / "prom"
    prom_db.mkdir()
    production(1, threads=2, dramatiq_prom_port=port, dramatiq_prom_host="127.0.0.1",
               dramatiq_prom_db=str(prom_db), GENERATION_RATE_LIMIT="0/m")
    info = create_batch(workspace, "alice", [{"url": f"https://shop.example.com/{workspace}/m", "batch_size": 3}])
    deadline = time.monotonic() + 60
    while get_batch(workspace, info.id).batch.status != "done":
        assert time.monotonic() < deadline, "batch did not finish"
        time.sleep(0.3)
    text = ""
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            text = urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5).read().decode()
            if 'actor_name="generate_preview"' in text:
                break
        except OSError:
            pass
        time.sleep(0.5)
    assert text, "no metrics answered"
    line = next(x for x in text.splitlines()
                if x.startswith("dramatiq_messages_total") and 'actor_name="generate_preview"' in x)
    assert float(line.rsplit(" ", 1)[1]) >= 3
