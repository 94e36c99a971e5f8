"""Global rate-limit benchmark with real worker processes on Redis + PostgreSQL.

    python -m bench.rate_limit --workers 4 --limit 20/10s --jobs 100

Creates ``jobs`` previews (instant generator), lets ``workers`` dramatiq processes work them
through the real middleware, and prints one JSON object as its last line:
max_starts_in_any_window, limit, utilisation, lost.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import tempfile
import time
import uuid


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--workers", type=int, default=4)
    ap.add_argument("--limit", default="20/10s")
    ap.add_argument("--jobs", type=int, default=100)
    ap.add_argument("--threads", type=int, default=4)
    ap.add_argument("--work-seconds", type=float, default=0.0, help="simulated generation time")
    ap.add_argument("--timeout", type=float, default=600)
    args = ap.parse_args()

    from bench.harness import REDIS_URL, RedisSender, delete_prefix, max_in_any_window, start_workers
    from bench.harness import stop_workers, temp_database, utilisation
    from core.settings import RateLimit

    rate = RateLimit.parse(args.limit)
    prefix = f"ctabs-bench-{uuid.uuid4().hex[:8]}"
    media = tempfile.mkdtemp(prefix="ctabs-bench-")
    per_url = 10
    n_urls = math.ceil(args.jobs / per_url)
    with temp_database() as db_url:
        env = {
            "DATABASE_URL": db_url, "REDIS_URL": REDIS_URL, "REDIS_PREFIX": prefix,
            "GENERATION_RATE_LIMIT": args.limit, "PIPELINE_STAGES": "bench.instant_stages:install",
            "BENCH_WORK_SECONDS": str(args.work_seconds), "MEDIA_ROOT": media,
            "MAX_URLS_PER_BATCH": str(max(n_urls, 5)), "BATCH_SIZE_MAX": "10",
            "RECONCILE_GRACE_SECONDS": "600",
        }
        os.environ.update(env)
        from core import dispatch
        from core.batches import create_batch
        from core.settings import reset_settings

        reset_settings()
        sender = RedisSender(REDIS_URL, prefix)
        dispatch.register(lambda kind, a: sender(kind, a))
        procs = start_workers(args.workers, env, threads=args.threads)
        try:
            time.sleep(3)  # let the workers boot
            sizes = [per_url] * (args.jobs // per_url) + ([args.jobs % per_url] if args.jobs % per_url else [])
            info = create_batch("bench", "bench", [
                {"url": f"https://shop.example.com/p/{i}", "batch_size": s} for i, s in enumerate(sizes)
            ])
            starts, lost = _wait(info.id, args.jobs, args.timeout)
        finally:
            stop_workers(procs)
            sender.close()
            delete_prefix(REDIS_URL, prefix)
    times = [t.timestamp() for t in starts]
    if os.environ.get("BENCH_DUMP"):
        t0 = min(times)
        print("starts:", " ".join(f"{t - t0:.2f}" for t in sorted(times)))
    result = {
        "workers": args.workers, "jobs": args.jobs, "limit": args.limit,
        "max_starts_in_any_window": max_in_any_window(times, rate.window_seconds),
        "utilisation": round(utilisation(times, rate.limit, rate.window_seconds) or 0, 4),
        "lost": lost, "elapsed_s": round(max(times) - min(times), 2) if times else None,
    }
    print(json.dumps(result))


def _wait(batch_id, jobs: int, timeout: float):
    import sqlalchemy as sa

    from db.engine import unit_of_work
    from db.models import Preview

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with unit_of_work() as s:
            rows = s.execute(sa.select(Preview.status, Preview.started_at, Preview.error_message).where(Preview.batch_id == batch_id)).all()
        done = [r for r in rows if r.status == "done"]
        print(f"progress: {len(done)}/{jobs} done {sorted(set((r.status, r.error_message) for r in rows))}", flush=True)
        if len(done) == jobs or all(r.status in ("done", "failed", "cancelled") for r in rows):
            return [r.started_at for r in done], jobs - len(done)
        time.sleep(2)
    with unit_of_work() as s:
        rows = s.execute(sa.select(Preview.status, Preview.started_at, Preview.error_message).where(Preview.batch_id == batch_id)).all()
    done = [r for r in rows if r.status == "done"]
    return [r.started_at for r in done], jobs - len(done)


if __name__ == "__main__":
    main()
