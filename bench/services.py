"""Service-layer benchmark on PostgreSQL: ``python -m bench.services``.

Seeds one workspace with 10,000 batches / 100,000 previews, then measures ``create_batch``
(5 URLs × 10 variants) and ``list_batches`` (page of 50 with progress): median ms and the
number of SQL statements per call. Prints one JSON object as its last line.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import statistics
import time
import uuid


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--batches", type=int, default=10_000)
    ap.add_argument("--previews-per-batch", type=int, default=10)
    ap.add_argument("--repeat", type=int, default=30)
    args = ap.parse_args()

    from bench.harness import temp_database

    with temp_database() as url:
        os.environ["DATABASE_URL"] = url
        os.environ["DUPLICATE_WINDOW_SECONDS"] = "0"
        from core.settings import reset_settings

        reset_settings()
        seconds = _seed(url, "bench", args.batches, args.previews_per_batch)
        result = {"seed": {"batches": args.batches, "previews": args.batches * args.previews_per_batch,
                           "seconds": round(seconds, 1)}}
        result["create_batch_5x10"] = _measure(args.repeat, lambda i: _create(i))
        result["list_batches_page50"] = _measure(args.repeat, lambda i: _list())
        _list(deep=True)  # walk 20 pages in once, outside the measurement
        result["list_batches_page50_deep"] = _measure(args.repeat, lambda i: _list(deep=True))
    print(json.dumps(result))


_cursor_deep = None


def _create(i: int):
    from core.batches import create_batch

    create_batch("bench", f"user-{i}", [
        {"url": f"https://shop.example.com/run/{uuid.uuid4().hex}", "batch_size": 10} for _ in range(5)
    ])


def _list(deep: bool = False):
    global _cursor_deep
    from core.batches import list_batches

    if deep and _cursor_deep is None:
        page = None
        for _ in range(20):  # 20 pages in: ~1,000 batches deep
            page = list_batches("bench", page_size=50, cursor=page.next_cursor if page else None)
        _cursor_deep = page.next_cursor
    page = list_batches("bench", page_size=50, cursor=_cursor_deep if deep else None)
    assert len(page.items) == 50


def _measure(repeat: int, fn) -> dict:
    import sqlalchemy as sa

    from db.engine import get_engine

    engine = get_engine()
    counts, times = [], []
    for i in range(repeat):
        stmts = []

        def count(*_a):
            stmts.append(1)

        sa.event.listen(engine, "before_cursor_execute", count)
        t0 = time.perf_counter()
        fn(i)
        times.append((time.perf_counter() - t0) * 1000)
        sa.event.remove(engine, "before_cursor_execute", count)
        counts.append(len(stmts))
    return {"median_ms": round(statistics.median(times), 2), "p95_ms": round(sorted(times)[int(len(times) * 0.95) - 1], 2),
            "queries_per_call": sorted(set(counts))}


def _seed(url: str, workspace: str, n_batches: int, per_batch: int) -> float:
    import psycopg

    t0 = time.perf_counter()
    now = dt.datetime.now(dt.timezone.utc)
    conninfo = url.replace("postgresql+psycopg://", "postgresql://")
    statuses = ["done", "done", "done", "failed", "running", "queued", "pending", "cancelled", "retrying", "done"]
    with psycopg.connect(conninfo) as conn, conn.cursor() as cur:
        with cur.copy("COPY batches (id, workspace, user_id, name, status, sources, submission_hash, "
                      "source_stages, created_at, updated_at) FROM STDIN") as copy:
            batch_ids = []
            for i in range(n_batches):
                bid = uuid.uuid4()
                batch_ids.append(bid)
                at = now - dt.timedelta(minutes=n_batches - i)
                copy.write_row((bid, workspace, "seed", f"Batch {i}", "done",
                                json.dumps([{"url": f"https://s.example.com/{i}", "batch_size": per_batch}]),
                                uuid.uuid4().hex, "{}", at, at))
        with cur.copy("COPY previews (id, workspace, batch_id, source_url, variant_index, status, "
                      "retry_count, prefill_version, created_at, updated_at) FROM STDIN") as copy:
            for i, bid in enumerate(batch_ids):
                at = now - dt.timedelta(minutes=n_batches - i)
                for v in range(per_batch):
                    copy.write_row((uuid.uuid4(), workspace, bid, f"https://s.example.com/{i}", v,
                                    statuses[(i + v) % len(statuses)], 0, 0, at, at))
        conn.commit()
        cur.execute("ANALYZE")
    return time.perf_counter() - t0


if __name__ == "__main__":
    main()
