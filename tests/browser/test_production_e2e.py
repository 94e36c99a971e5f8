"""Production mode as the README runs it, driven in chromium: the dashboard as
``streamlit run app.py`` in its own process, two ``dramatiq actors.worker`` processes,
PostgreSQL and Redis. A batch created in the UI has its first preview running within 5 s
(the dashboard sends the message right after its commit — nothing waits for a worker's
reconciler) and finishes; ``/healthz`` and ``/metrics`` answer beside the dashboard.
"""

from __future__ import annotations

import json
import re
import time
import urllib.request

import pytest
import sqlalchemy as sa

from tests.browser.harness import dashboard, wait_ready
from tests.productsite import ProductSite


def previews(url, batch_id):
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            return conn.execute(sa.text(
                "SELECT status, started_at FROM previews WHERE batch_id = :b"), {"b": batch_id}).all()
    finally:
        engine.dispose()


def test_production_dashboard_sends_at_once_and_the_batch_finishes(browser, fleet, tmp_path):
    env, _workers = fleet
    with ProductSite() as shop, dashboard(extra_env=env, workdir=tmp_path / "dash") as base:
        health = json.loads(urllib.request.urlopen(f"{base}/healthz", timeout=10).read())
        assert health["status"] == "ok" and health["mode"] == "production", health
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.goto(f"{base}/new_batch")
        wait_ready(page, 60_000)
        page.wait_for_selector("text=New batch", timeout=30_000)
        csv = f"url,batch_size\n{shop.product_urls[0]},2\n".encode()
        page.locator("[data-testid='stFileUploader'] input[type='file']").set_input_files(
            files=[{"name": "urls.csv", "mimeType": "text/csv", "buffer": csv}])
        page.wait_for_selector("text=1 URL → 2 previews", timeout=30_000)
        wait_ready(page)
        page.get_by_role("button", name="Generate").click()
        clicked = time.monotonic()
        page.wait_for_url(re.compile(r".*/previews\?batch=[0-9a-f-]{36}"), timeout=30_000)
        batch_id = page.url.rsplit("=", 1)[1]

        first_running = None
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            rows = previews(env["DATABASE_URL"], batch_id)
            if first_running is None and any(r.started_at for r in rows):
                first_running = time.monotonic() - clicked
            if rows and all(r.status in ("done", "failed") for r in rows):
                break
            time.sleep(0.2)
        assert first_running is not None and first_running < 5.0, (
            f"first preview running {first_running} s after Generate (bound 5 s)")
        assert [r.status for r in rows] == ["done", "done"], rows
        page.wait_for_selector("text=2/2 finished · 2 done", timeout=60_000)

        health = json.loads(urllib.request.urlopen(f"{base}/healthz", timeout=10).read())
        assert health["workers"] == 2, health
        metrics = urllib.request.urlopen(f"{base}/metrics", timeout=10).read().decode()
        assert 'ctabs_previews{status="done"} 2' in metrics
        assert "ctabs_workers_alive 2" in metrics
        page.close()
