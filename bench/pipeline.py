"""Pipeline benchmarks with real worker processes on Redis + PostgreSQL.

    python -m bench.pipeline                 # orchestration overhead (1,000 previews)
    python -m bench.pipeline --crash         # kill -9 → orphan running again

Overhead: 1,000 previews with an instant generator and no rate limit worked by 2 worker
processes, versus a bare Dramatiq no-op actor on the same Redis in the same run.
Prints one JSON object as its last line.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
import uuid

import sqlalchemy as sa

from bench.harness import REDIS_URL, ROOT, RedisSender, delete_prefix, kill9, start_workers, stop_workers, temp_database


def _noop_rate(n: int, workers: int, threads: int, prefix: str) -> float:
    import redis
    from dramatiq import Message
    from dramatiq.brokers.redis import RedisBroker

    env = {**os.environ, "REDIS_URL": REDIS_URL, "REDIS_PREFIX": prefix}
    procs = [subprocess.Popen([sys.executable, "-m", "dramatiq", "bench.noop_worker", "-p", "1", "-t", str(threads)],
                              cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                              start_new_session=True) for _ in range(workers)]
    try:
        time.sleep(3)
        client = redis.Redis.from_url(REDIS_URL)
        broker = RedisBroker(url=REDIS_URL, namespace=f"{prefix}:noop")
        broker.declare_queue("noop")
        t0 = time.perf_counter()
        for i in range(n):
            broker.enqueue(Message(queue_name="noop", actor_name="noop", args=(i,), kwargs={}, options={}))
        while int(client.get(f"{prefix}:noop:count") or 0) < n:
            time.sleep(0.02)
        return n / (time.perf_counter() - t0)
    finally:
        stop_workers(procs)


def _setup(db_url, prefix, media, **extra):
    env = {"DATABASE_URL": db_url, "REDIS_URL": REDIS_URL, "REDIS_PREFIX": prefix,
           "PIPELINE_STAGES": "bench.instant_stages:install", "MEDIA_ROOT": media,
           "MAX_URLS_PER_BATCH": "100", "BATCH_SIZE_MAX": "10", **extra}
    os.environ.update(env)
    from core import dispatch
    from core.settings import reset_settings

    reset_settings()
    sender = RedisSender(REDIS_URL, prefix)
    dispatch.register(lambda kind, a: sender(kind, a))
    return env, sender


def overhead(previews: int, workers: int, threads: int) -> dict:
    from core.batches import create_batch, get_batch

    prefix = f"ctabs-bench-{uuid.uuid4().hex[:8]}"
    media = tempfile.mkdtemp(prefix="ctabs-bench-")
    try:
        noop = _noop_rate(previews, workers, threads, prefix)
        with temp_database() as db_url:
            env, sender = _setup(db_url, prefix, media, GENERATION_RATE_LIMIT="0/m")
            procs = start_workers(workers, env, threads=threads)
            try:
                time.sleep(4)
                n_urls = previews // 10
                t0 = time.perf_counter()
                info = create_batch("bench", "bench", [{"url": f"https://s.example.com/p/{i}", "batch_size": 10} for i in range(n_urls)])
                while get_batch("bench", info.id).batch.status not in ("done", "failed"):
                    time.sleep(0.1)
                elapsed = time.perf_counter() - t0
                done = get_batch("bench", info.id).batch.progress.done
            finally:
                stop_workers(procs)
                sender.close()
    finally:
        delete_prefix(REDIS_URL, prefix)
    rate = done / elapsed
    return {"previews": previews, "done": done, "workers": workers, "threads": threads,
            "seconds": round(elapsed, 2), "previews_per_s": round(rate, 1),
            "noop_messages_per_s": round(noop, 1),
            "ratio_to_noop": round(rate / noop, 3),
            "note": "per preview: 1 generate message + claim, heartbeat, media and finish transactions; per URL: 1 source message"}


def crash(work_seconds: float) -> dict:
    from core.batches import create_batch
    from db.engine import unit_of_work
    from db.models import Preview

    prefix = f"ctabs-bench-{uuid.uuid4().hex[:8]}"
    media = tempfile.mkdtemp(prefix="ctabs-bench-")
    try:
        with temp_database() as db_url:
            env, sender = _setup(db_url, prefix, media, GENERATION_RATE_LIMIT="0/m",
                                 BENCH_WORK_SECONDS=str(work_seconds))
            procs = start_workers(2, env, threads=4)
            try:
                time.sleep(4)
                info = create_batch("bench", "bench", [{"url": "https://s.example.com/crash", "batch_size": 2}])
                victim = None
                while victim is None:
                    with unit_of_work() as s:
                        victim = s.scalars(sa.select(Preview).where(Preview.batch_id == info.id, Preview.status == "running")).first()
                    time.sleep(0.05)
                pid = int(victim.lease_owner.split(":")[1])
                group = next(p for p in procs if os.getpgid(pid) == p.pid)
                kill9(group)
                t_kill = time.time()
                while True:
                    with unit_of_work() as s:
                        p = s.get(Preview, victim.id)
                    if p.status in ("running", "done") and p.started_at > victim.started_at:
                        break
                    time.sleep(0.1)
                recovered = p.started_at.timestamp() - t_kill
            finally:
                stop_workers(procs)
                sender.close()
    finally:
        delete_prefix(REDIS_URL, prefix)
    from core.settings import get_settings

    s = get_settings()
    return {"kill9_to_running_again_s": round(recovered, 1), "lease_seconds": s.lease_seconds,
            "reconcile_interval_seconds": s.reconcile_interval_seconds}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--previews", type=int, default=1000)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--threads", type=int, default=4)
    ap.add_argument("--crash", action="store_true")
    ap.add_argument("--work-seconds", type=float, default=60)
    args = ap.parse_args()
    print(json.dumps(crash(args.work_seconds) if args.crash else overhead(args.previews, args.workers, args.threads)))


if __name__ == "__main__":
    main()
