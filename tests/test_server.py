"""The dashboard's server (``app.py``'s ``st.App``): what its lifespan starts, /healthz,
/metrics, migrations that several hosts may start at once, and the process's logging."""

from __future__ import annotations

import json
import logging
import threading
import time
import urllib.request
import uuid

import pytest
import sqlalchemy as sa

from tests.browser.harness import dashboard
from tests.conftest import PG_ADMIN_URL
from tests.productsite import ProductSite


def test_embedded_server_works_queued_work_before_anyone_opens_a_page(tmp_path, workspace,
                                                                        monkeypatch, sent):
    """A nightly restart must not leave queued work idle until someone opens a page: the
    lifespan starts the embedded worker (and migrations) with the server."""
    from core.batches import create_batch, get_batch
    from core.settings import reset_settings
    from db.engine import dispose_engines
    from db.migrate import upgrade

    db_url = f"sqlite:///{tmp_path / 'app.db'}"
    upgrade(db_url)
    monkeypatch.setenv("DATABASE_URL", db_url)
    monkeypatch.setenv("ALLOW_PRIVATE_FETCH", "true")
    reset_settings()
    with ProductSite() as shop:
        info = create_batch(workspace, "alice", [{"url": shop.product_urls[0], "batch_size": 2}])
        assert sent  # recorded here, not sent: the batch waits for the server's worker
        env = {"DATABASE_URL": db_url, "RECONCILE_INTERVAL_SECONDS": "1",
               "RECONCILE_GRACE_SECONDS": "1", "MEDIA_ROOT": str(tmp_path / "media")}
        with dashboard(extra_env=env, workdir=tmp_path / "srv") as base:
            # only the health endpoints are asked: no page is ever rendered
            health = json.loads(urllib.request.urlopen(f"{base}/healthz", timeout=10).read())
            assert health == {"status": "ok", "mode": "embedded", "database": "ok",
                              "broker": "ok (in-process)", "workers": 1, "processing": "ok"}
            deadline = time.monotonic() + 90
            status = None
            while time.monotonic() < deadline:
                status = get_batch(workspace, info.id).batch.status
                if status in ("done", "failed"):
                    break
                time.sleep(0.5)
            log = (tmp_path / "srv" / "streamlit.log").read_text(errors="replace")
            assert status == "done", log[-3000:]
    dispose_engines()
    # the server's log is JSON lines with the process role
    lines = [json.loads(line) for line in log.splitlines() if line.startswith("{")]
    assert any(x["msg"] == "dashboard.started" and x.get("mode") == "embedded"
               and x["role"] == "dashboard" for x in lines)


def test_migrations_started_by_several_hosts_at_once_run_once(pg_url):
    """Dashboards and the migrate step starting together on PostgreSQL: the advisory lock
    lets one migrate while the others wait, then find the schema current."""
    from db.migrate import upgrade

    admin = sa.create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    name = f"ctabs_mig_{uuid.uuid4().hex[:8]}"
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    url = PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    errors: list[BaseException] = []

    def run():
        try:
            upgrade(url)
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)

    try:
        threads = [threading.Thread(target=run) for _ in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(120)
        assert not errors, errors
        eng = sa.create_engine(url)
        with eng.connect() as conn:
            versions = conn.execute(sa.text("SELECT version_num FROM alembic_version")).all()
            tables = set(sa.inspect(conn).get_table_names())
        eng.dispose()
        assert len(versions) == 1
        assert {"batches", "previews", "products", "generation_jobs"} <= tables
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _client():
    from starlette.applications import Starlette
    from starlette.testclient import TestClient

    from api.server import routes

    return TestClient(Starlette(routes=routes()))


def test_healthz_says_in_words_what_is_down_and_answers_503(settings_env, caplog):
    settings_env(DATABASE_URL="postgresql+psycopg://nobody:s3cretpw@127.0.0.1:1/nothing")
    with caplog.at_level(logging.WARNING):
        resp = _client().get("/healthz")
    assert resp.status_code == 503
    body = resp.json()
    assert body["status"] == "unavailable" and body["database"] == "unreachable"
    assert "s3cretpw" not in resp.text and "Error" not in resp.text and "SQL" not in resp.text
    assert any("health.database_unreachable" in r.getMessage() for r in caplog.records)


def _pending(text: str) -> int:
    import re

    m = re.search(r'^ctabs_previews\{status="pending"\} (\d+)$', text, re.M)
    return int(m.group(1)) if m else 0


def test_healthz_and_metrics_in_production_mode(db, settings_env, redis_url, redis_prefix, workspace):
    from core import dispatch, health
    from core.batches import create_batch

    settings_env(REDIS_URL=redis_url, REDIS_PREFIX=redis_prefix, GENERATION_RATE_LIMIT="7/m")
    before = _pending(_client().get("/metrics").text)  # the database is shared with other tests
    dispatch.register(lambda kind, args: None)
    try:
        create_batch(workspace, "alice", [{"url": f"https://shop.example.com/{workspace}", "batch_size": 3}])
    finally:
        dispatch.unregister()
    health.worker_heartbeat({"threads": 4})
    try:
        resp = _client().get("/healthz")
        assert resp.status_code == 200
        assert resp.json() == {"status": "ok", "mode": "production", "database": "ok",
                               "broker": "ok", "workers": 1, "processing": "ok"}
        assert _client().get("/healthz?require=workers").status_code == 200
        text = _client().get("/metrics").text
    finally:
        health.worker_gone()
    # an operator: /healthz said "ok" while no worker ran and every batch waited
    resp = _client().get("/healthz")
    assert resp.status_code == 200 and resp.json()["workers"] == 0  # the dashboard itself serves
    assert resp.json()["processing"] == "stopped: no worker process is running, batches wait until one starts"
    resp = _client().get("/healthz?require=workers")
    assert resp.status_code == 503 and resp.json()["processing"].startswith("stopped")
    # (a review) the broker answered but the workers could not be counted: said so, not "the broker does not answer"
    def unreadable():
        raise RuntimeError("scan failed")
    real, health.live_workers = health.live_workers, unreadable
    try:
        body = _client().get("/healthz").json()
    finally:
        health.live_workers = real
    assert body["broker"] == "ok" and body["processing"] == "unknown: the workers could not be counted"
    assert resp.json()["status"] == "unavailable"  # a 503 whose body said "ok" (walk-through)
    assert _pending(text) == before + 3
    assert "ctabs_rate_limit_limit 7" in text
    assert 'ctabs_queue_depth{queue="generation"} 0' in text
    assert "ctabs_workers_alive 1" in text


def test_log_lines_are_json_with_extra_fields_and_no_secrets(monkeypatch):
    from core.logs import JsonFormatter

    monkeypatch.setenv("GEMINI_API_KEY", "AIzaSECRETKEY123")
    fmt = JsonFormatter("worker")
    logger = logging.getLogger("ctabs.test")
    record = logger.makeRecord(
        "ctabs.test", logging.INFO, __file__, 1,
        "calling gemini with key=%s at %s", ("AIzaSECRETKEY123", "postgresql://u:hunter2@db/x"),
        None, extra={"preview_id": "p-1", "attempt": 2})
    line = json.loads(fmt.format(record))
    assert line["preview_id"] == "p-1" and line["attempt"] == 2 and line["role"] == "worker"
    assert "AIzaSECRETKEY123" not in json.dumps(line) and "hunter2" not in json.dumps(line)
    assert "key=***" in line["msg"] and "u:***@db" in line["msg"]


def test_metrics_ask_for_the_token_when_one_is_set(db, settings_env):
    # a walk-through: /metrics answered anyone with figures that span every workspace
    settings_env(METRICS_TOKEN="m3trics-s3cret")
    assert _client().get("/metrics").status_code == 401
    assert _client().get("/metrics", headers={"Authorization": "Bearer wrong"}).status_code == 401
    resp = _client().get("/metrics", headers={"Authorization": "Bearer m3trics-s3cret"})
    assert resp.status_code == 200 and "ctabs_up" in resp.text
    from core.logs import redact

    assert "m3trics-s3cret" not in redact("scraping with m3trics-s3cret")
    settings_env(METRICS_TOKEN="")
    assert _client().get("/metrics").status_code == 200  # not set: open, as before


def test_the_metrics_token_s_scheme_is_case_insensitive(db, settings_env):
    settings_env(METRICS_TOKEN="m3trics-s3cret")
    assert _client().get("/metrics", headers={"Authorization": "bearer m3trics-s3cret"}).status_code == 200
