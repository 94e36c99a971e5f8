"""Production mode: real dramatiq worker processes on Redis + PostgreSQL.

Slow-ish (real processes); each test bounds its own waiting.
"""

from __future__ import annotations

import os
import time

import pytest
import sqlalchemy as sa

from bench.harness import delete_prefix, kill9, max_in_any_window
from core.batches import create_batch, get_batch
from db.engine import unit_of_work
from db.models import Preview


def rows(batch_id):
    with unit_of_work() as s:
        return s.execute(sa.select(Preview).where(Preview.batch_id == batch_id)).scalars().all()


def wait_batch(workspace, batch_id, timeout):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        status = get_batch(workspace, batch_id).batch.status
        if status in ("done", "failed", "cancelled"):
            return status
        time.sleep(0.5)
    raise AssertionError(f"batch not finished in {timeout}s: {[p.status for p in rows(batch_id)]}")


def test_three_workers_never_exceed_the_global_limit(production, workspace):
    production(3, GENERATION_RATE_LIMIT="10/5s")
    info = create_batch(workspace, "alice", [{"url": f"https://shop.example.com/{workspace}/{i}", "batch_size": 10} for i in range(3)])
    assert wait_batch(workspace, info.id, 90) == "done"
    starts = [p.started_at.timestamp() for p in rows(info.id)]
    assert len(starts) == 30
    assert max_in_any_window(starts, 5.0) <= 10
    assert max(starts) - min(starts) >= 10.0  # 30 starts at 10 per 5 s need two more windows
    owners = {p.status for p in rows(info.id)}
    assert owners == {"done"}


def test_a_worker_killed_mid_generation_loses_nothing(production, workspace):
    procs = production(2, threads=2, BENCH_WORK_SECONDS="3", LEASE_SECONDS="2",
                       RECONCILE_INTERVAL_SECONDS="1", GENERATION_RATE_LIMIT="0/m")
    info = create_batch(workspace, "alice", [{"url": f"https://shop.example.com/{workspace}/k", "batch_size": 4}])
    deadline = time.monotonic() + 30
    victim = None
    while victim is None and time.monotonic() < deadline:
        running = [p for p in rows(info.id) if p.status == "running" and p.lease_owner]
        if running:
            victim = running[0]
        time.sleep(0.1)
    assert victim is not None
    pid = int(victim.lease_owner.split(":")[1])
    group = next(p for p in procs if os.getpgid(pid) == p.pid)
    kill9(group)
    killed_at = time.monotonic()
    assert wait_batch(workspace, info.id, 60) == "done"
    final = rows(info.id)
    assert [p.status for p in final] == ["done"] * 4
    again = next(p for p in final if p.id == victim.id)
    assert again.retry_count == 0  # a lost lease is not a failure of the item
    assert again.started_at > victim.started_at
    assert time.monotonic() - killed_at < 45


def test_an_emptied_redis_mid_batch_still_finishes_every_preview_once(production, workspace, redis_url, redis_prefix):
    production(2, threads=2, GENERATION_RATE_LIMIT="4/2s", RECONCILE_INTERVAL_SECONDS="1",
               RECONCILE_GRACE_SECONDS="2")
    info = create_batch(workspace, "alice", [{"url": f"https://shop.example.com/{workspace}/{i}", "batch_size": 6} for i in range(2)])
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and sum(p.status == "done" for p in rows(info.id)) < 2:
        time.sleep(0.1)
    assert delete_prefix(redis_url, redis_prefix) > 0  # queued and delayed messages are gone
    assert wait_batch(workspace, info.id, 90) == "done"
    final = rows(info.id)
    assert [p.status for p in final] == ["done"] * 12
    assert get_batch(workspace, info.id).batch.progress.done == 12
