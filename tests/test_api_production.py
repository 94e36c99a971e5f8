"""The API as production serves it: the dashboard's server (``streamlit run app.py``) on
PostgreSQL + Redis with two separate ``dramatiq actors.worker`` processes."""

from __future__ import annotations

import time

from tests.browser.harness import dashboard
from tests.productsite import ProductSite
from tests.test_api import CTA, Client, new_key


def test_create_poll_edit_delete_in_production(fleet, tmp_path):
    env, _workers = fleet
    with ProductSite() as shop, dashboard(extra_env=env, workdir=tmp_path / "dash") as base:
        api = Client(base, new_key(env, "prod"))
        status, created, _ = api("POST", f"{CTA}/batch/", {"sources": [{"url": shop.product_urls[2], "batch_size": 3}]})
        assert status == 201, created
        t0 = time.monotonic()
        first_running = None
        while True:
            status, b, _ = api("GET", f"{CTA}/batch/{created['id']}/")
            if first_running is None and (b["progress"]["running"] or b["progress"]["done"]):
                first_running = time.monotonic() - t0
            if b["is_completed"]:
                break
            assert time.monotonic() - t0 < 120, b["progress"]
            time.sleep(0.25)
        assert b["status"] == "done" and b["success_count"] == 3
        assert first_running is not None and first_running < 5, first_running  # sent at once
        status, page, _ = api("GET", f"{CTA}/previews/?bulk_task_id={created['id']}")
        pid = page["results"][0]["id"]
        status, edited, _ = api("PATCH", f"{CTA}/previews/{pid}/", {"prefill": {"cta_text": "Buy it"}})
        assert status == 200 and edited["prefill"]["cta_text"] == "Buy it"
        status, png, _ = api("GET", f"{CTA}/previews/{pid}/banner.png", raw=True)
        assert status == 200 and png.startswith(b"\x89PNG")
        status, _body, _ = api("DELETE", f"{CTA}/batch/{created['id']}/", raw=True)
        assert status == 204
