"""Fair share benchmark (issue 16) with real worker processes on Redis + PostgreSQL.

    python -m bench.fair_queue [--workers 4] [--limit 20/10s] [--big 100] [--small 5]

Three workspaces: one submits ``big`` previews, the two others ``small`` each one second
later; ``workers`` dramatiq processes work them through the real middleware (instant
generator). Run twice in the same invocation, each on a fresh database and Redis prefix:
``FAIR_QUEUE=false`` (first come, first served, as before issue 16) and the fair queue.
Prints one JSON object as its last line: small_done_s_fair, small_done_s_fifo (seconds from
the small submissions until their last preview finished), max_starts_in_any_window (both
runs), limit, utilisation (fair run), lost (previews not done, both runs).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import tempfile
import time
import uuid


def run(mode: str, args) -> dict:
    from bench.harness import REDIS_URL, RedisSender, delete_prefix, max_in_any_window, start_workers
    from bench.harness import stop_workers, temp_database, utilisation
    from core.settings import RateLimit

    rate = RateLimit.parse(args.limit)
    prefix = f"ctabs-bench-fair-{uuid.uuid4().hex[:8]}"
    media = tempfile.mkdtemp(prefix="ctabs-bench-fair-")
    per_url = 10
    n_urls = math.ceil(args.big / per_url)
    with temp_database() as db_url:
        env = {
            "DATABASE_URL": db_url, "REDIS_URL": REDIS_URL, "REDIS_PREFIX": prefix,
            "GENERATION_RATE_LIMIT": args.limit, "PIPELINE_STAGES": "bench.instant_stages:install",
            "BENCH_WORK_SECONDS": "0", "MEDIA_ROOT": media,
            "MAX_URLS_PER_BATCH": str(max(n_urls, 5)), "BATCH_SIZE_MAX": "10",
            "RECONCILE_GRACE_SECONDS": "600", "FAIR_QUEUE": "true" if mode == "fair" else "false",
        }
        os.environ.update(env)
        from core import dispatch
        from core.batches import create_batch
        from core.settings import reset_settings
        from db.engine import dispose_engines

        dispose_engines()
        reset_settings()
        sender = RedisSender(REDIS_URL, prefix)
        dispatch.register(lambda kind, a: sender(kind, a))
        procs = start_workers(args.workers, env, threads=args.threads)
        try:
            time.sleep(3)  # let the workers boot
            sizes = [per_url] * (args.big // per_url) + ([args.big % per_url] if args.big % per_url else [])
            big = create_batch("big", "bench", [
                {"url": f"https://shop.example.com/big/{i}", "batch_size": s} for i, s in enumerate(sizes)])
            time.sleep(1.0)
            t_small = time.time()
            smalls = [create_batch(ws, "bench", [{"url": f"https://shop.example.com/{ws}/0",
                                                  "batch_size": args.small}]) for ws in ("small-a", "small-b")]
            rows = _wait([big.id] + [s.id for s in smalls], args.big + 2 * args.small, args.timeout)
        finally:
            stop_workers(procs)
            sender.close()
            delete_prefix(REDIS_URL, prefix)
            dispatch.unregister()
            dispose_engines()
    done = [r for r in rows if r.status == "done"]
    starts = [r.started_at.timestamp() for r in done]
    small_done = [r.finished_at.timestamp() for r in done if r.workspace != "big"]
    big_done = [r.finished_at.timestamp() for r in done if r.workspace == "big"]
    return {
        "mode": mode,
        "small_done_s": round(max(small_done) - t_small, 2) if small_done else None,
        "big_done_s": round(max(big_done) - t_small + 1.0, 2) if big_done else None,
        "max_starts_in_any_window": max_in_any_window(starts, rate.window_seconds),
        "utilisation": round(utilisation(starts, rate.limit, rate.window_seconds) or 0, 4),
        "lost": len(rows) - len(done),
    }


def _wait(batch_ids, total: int, timeout: float):
    import sqlalchemy as sa

    from db.engine import unit_of_work
    from db.models import Preview

    deadline = time.monotonic() + timeout
    while True:
        with unit_of_work() as s:
            rows = s.execute(sa.select(Preview.workspace, Preview.status, Preview.started_at,
                                       Preview.finished_at).where(Preview.batch_id.in_(batch_ids))).all()
        n_done = sum(r.status == "done" for r in rows)
        print(f"progress: {n_done}/{total} done", flush=True)
        if (len(rows) == total and all(r.status in ("done", "failed", "cancelled") for r in rows)) \
                or time.monotonic() > deadline:
            return rows
        time.sleep(2)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--workers", type=int, default=4)
    ap.add_argument("--threads", type=int, default=4)
    ap.add_argument("--limit", default="20/10s")
    ap.add_argument("--big", type=int, default=100)
    ap.add_argument("--small", type=int, default=5)
    ap.add_argument("--timeout", type=float, default=600)
    args = ap.parse_args()
    fifo = run("fifo", args)
    print(json.dumps(fifo), flush=True)
    fair = run("fair", args)
    print(json.dumps(fair), flush=True)
    print(json.dumps({
        "workers": args.workers, "big": args.big, "small": args.small,
        "small_done_s_fair": fair["small_done_s"], "small_done_s_fifo": fifo["small_done_s"],
        "big_done_s_fair": fair["big_done_s"], "big_done_s_fifo": fifo["big_done_s"],
        "max_starts_in_any_window": max(fair["max_starts_in_any_window"], fifo["max_starts_in_any_window"]),
        "limit": args.limit, "utilisation": fair["utilisation"], "utilisation_fifo": fifo["utilisation"],
        "lost": fair["lost"] + fifo["lost"],
    }))


if __name__ == "__main__":
    main()
