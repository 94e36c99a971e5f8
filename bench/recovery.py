"""Production hand-off latency and recovery times (issue 11, "Measured").

    python -m bench.recovery [--batches 20] [--repeats 3] [--profiles fast,defaults]

Everything runs on servers of its own (``bench.servers``): a ``redis-server`` on a free
loopback port and a PostgreSQL cluster made with ``initdb`` in a temporary folder — never
the machine's shared ones, since this bench flushes, stops and restarts them. Workers are
real ``dramatiq actors.worker`` processes (``bench.harness.start_workers``); pipeline stages
are instant (``bench.counted_stages``: no network; each generation attempt is logged).

1. **Generate → first preview running.** This process plays the dashboard: the settings
   point at the servers, then ``actors.send.install()`` registers the real sender — what
   ``actors.boot.start_dashboard()`` does in production — and batches are created with
   ``core.batches.create_batch``. 2 workers × 4 threads, production defaults for lease and
   reconciler (so a batch whose message was never sent would wait ~60 s). One batch at a
   time (1 URL × 3 previews), each finished before the next. Figure: the first preview's
   ``started_at`` (the rate limiter's grant time) minus the moment ``create_batch`` returned.

2. **Recovery.** A batch of 20 previews (4 URLs × 5), 2 workers × 2 threads, 1 s per
   preview (``BENCH_WORK_SECONDS``), ``GENERATION_RATE_LIMIT=100/s`` (the Redis limiter runs
   but never defers): undisturbed ~6 s. When 4 previews are done the fault strikes:

   - ``kill9``: SIGKILL to the worker process group (dramatiq parent and child) holding a
     running preview's lease. Not restarted (supervision would restart it in ~5 s; the
     other worker carries on alone).
   - ``redis_flush``: FLUSHALL on the bench's Redis (queued messages, acks, limiter keys).
   - ``redis_outage``: redis-server killed, started again on the same port 10 s later
     (empty: no persistence).
   - ``pg_restart``: ``pg_ctl stop -m fast`` then ``start`` (sessions terminated).

   Per run: ``batch_s`` (create → batch finished), ``extra_s`` (minus the profile's median
   undisturbed run), ``fault_to_done_s``, ``first_start_after_back_s`` (first generation
   starting after the server was back, or after the kill/flush), ``longest_gap_s`` (the
   longest time after the fault with no generation starting), ``victim_rerun_s`` (kill:
   the killed preview's second start after the kill), and the checks: every preview done,
   retries counted, previews generated twice.

   Two settings profiles: ``fast`` = the drills' LEASE_SECONDS=3,
   RECONCILE_INTERVAL_SECONDS=1, RECONCILE_GRACE_SECONDS=2; ``defaults`` = production
   defaults 30 / 15 / 60.

Prints progress on stderr and one JSON object as its last line on stdout. Worker logs live in a
temporary folder per run, removed afterwards unless BENCH_KEEP_LOGS=1.
"""

from __future__ import annotations

import argparse
import collections
import json
import math
import os
import shutil
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

from bench.counted_stages import attempts
from bench.harness import kill9, start_workers, stop_workers
from bench.servers import OwnPostgres, OwnRedis

PREFIX = "ctabs-bench-recovery"
PROFILES = {
    "fast": {"LEASE_SECONDS": "3", "RECONCILE_INTERVAL_SECONDS": "1", "RECONCILE_GRACE_SECONDS": "2"},
    "defaults": {"LEASE_SECONDS": "30", "RECONCILE_INTERVAL_SECONDS": "15", "RECONCILE_GRACE_SECONDS": "60"},
}
URLS, PER_URL = 4, 5
TOTAL = URLS * PER_URL
OUTAGE_SECONDS = 10.0


def say(*parts) -> None:
    print(*parts, file=sys.stderr, flush=True)


def pct(values: list[float], q: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q / 100 * len(ordered)) - 1)]


class Bench:
    def __init__(self, pg: OwnPostgres, redis: OwnRedis) -> None:
        self.pg, self.redis = pg, redis
        self.procs: list = []
        self.tmp: Path | None = None

    # --- workers ------------------------------------------------------------------------
    def start_workers(self, n: int, threads: int, **env: str) -> Path:
        self.tmp = Path(tempfile.mkdtemp(prefix="ctabs-bench-recovery-"))
        full = {"DATABASE_URL": self.pg.url, "REDIS_URL": self.redis.url, "REDIS_PREFIX": PREFIX,
                "PIPELINE_STAGES": "bench.counted_stages:install",
                "DRILL_LOG": str(self.tmp / "attempts.jsonl"), "MEDIA_ROOT": str(self.tmp),
                "RETRY_SCHEDULE_SECONDS": "1,1,1", "GEMINI_API_KEY": "", **env}
        self.procs = start_workers(n, full, threads=threads)
        deadline = time.monotonic() + 90
        for i, p in enumerate(self.procs):
            log = self.tmp / f"worker-{i}.log"
            while "Worker process is ready for action" not in log.read_text(errors="replace"):
                if p.poll() is not None or time.monotonic() > deadline:
                    raise SystemExit(f"worker {i} did not boot:\n{log.read_text()[-3000:]}")
                time.sleep(0.1)
        time.sleep(1)  # the boot reconcile has run
        return self.tmp

    def stop_workers(self) -> None:
        stop_workers(self.procs)
        self.procs = []
        if self.tmp is not None and not os.environ.get("BENCH_KEEP_LOGS"):
            shutil.rmtree(self.tmp, ignore_errors=True)  # worker logs + attempts (keep: BENCH_KEEP_LOGS=1)

    # --- the dashboard side ---------------------------------------------------------------
    @staticmethod
    def broker_ready(timeout: float = 20) -> None:
        """The sender's Redis connection works again (after an outage) before a create."""
        from actors.broker import broker

        deadline = time.monotonic() + timeout
        while True:
            try:
                broker.client.ping()
                return
            except Exception:  # noqa: BLE001
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)

    @staticmethod
    def create(workspace: str, urls: int, per_url: int):
        from core.batches import create_batch

        return create_batch(workspace, "bench", [
            {"url": f"https://shop.example.com/{workspace}/p{u}", "batch_size": per_url}
            for u in range(urls)])

    @staticmethod
    def rows(batch_id):
        import sqlalchemy as sa

        from db.engine import unit_of_work
        from db.models import Preview

        with unit_of_work() as s:
            return s.execute(sa.select(Preview).where(Preview.batch_id == batch_id)).scalars().all()

    @staticmethod
    def batch(batch_id):
        from db.engine import unit_of_work
        from db.models import Batch

        with unit_of_work() as s:
            return s.get(Batch, batch_id)

    def wait(self, predicate, timeout: float, what: str, every: float = 0.05):
        deadline = time.monotonic() + timeout
        while True:
            try:
                value = predicate()
            except Exception:  # noqa: BLE001 - the database is restarting
                value = None
            if value:
                return value
            if time.monotonic() > deadline:
                raise SystemExit(f"timed out after {timeout}s waiting for {what}")
            time.sleep(every)

    def wait_finished(self, batch_id, timeout: float):
        return self.wait(lambda: (b := self.batch(batch_id)) and b.status in ("done", "failed", "cancelled") and b,
                         timeout, f"batch {batch_id} to finish", every=0.2)

    # --- 1. Generate → first preview running ---------------------------------------------
    def latency(self, batches: int) -> dict:
        self.start_workers(2, 4, GENERATION_RATE_LIMIT="1000/m", BENCH_WORK_SECONDS="0.2",
                           **PROFILES["defaults"])
        try:
            values, whole = [], []
            for i in range(batches):
                self.broker_ready()
                ws = f"lat-{uuid.uuid4().hex[:8]}"
                info = self.create(ws, 1, 3)
                returned = time.time()
                first = self.wait(lambda: min((p.started_at for p in self.rows(info.id) if p.started_at),
                                              default=None), 90, "the first preview to start", every=0.02)
                values.append(first.timestamp() - returned)
                done = self.wait_finished(info.id, 60)
                whole.append(done.finished_at.timestamp() - returned)
                say(f"  batch {i + 1}/{batches}: first preview running after {values[-1]:.3f} s")
                time.sleep(0.3)
        finally:
            self.stop_workers()
        return {"batches": batches, "workers": "2 x 4 threads", "previews_per_batch": 3,
                "first_running_s": {"median": round(statistics.median(values), 3),
                                    "p95": round(pct(values, 95), 3), "min": round(min(values), 3),
                                    "max": round(max(values), 3)},
                "batch_done_s_median": round(statistics.median(whole), 3),
                "values_s": [round(v, 3) for v in values]}

    # --- 2. recovery --------------------------------------------------------------------
    def scenario(self, fault: str, profile: str) -> dict:
        tmp = self.start_workers(2, 2, GENERATION_RATE_LIMIT="100/s", BENCH_WORK_SECONDS="1.0",
                                 **PROFILES[profile])
        log = str(tmp / "attempts.jsonl")
        try:
            self.broker_ready()
            ws = f"rec-{fault}-{uuid.uuid4().hex[:6]}"
            info = self.create(ws, URLS, PER_URL)
            created = time.time()
            out: dict = {"fault": fault, "profile": profile}
            victim = None
            if fault != "none":
                out["done_at_fault"] = self.wait(
                    lambda: (n := sum(p.status == "done" for p in self.rows(info.id))) >= 4 and n,
                    60, "4 previews done")
                fault_at = back_at = time.time()
                if fault == "kill9":
                    running = self.wait(lambda: [p for p in self.rows(info.id)
                                                 if p.status == "running" and p.lease_owner], 30,
                                        "a running preview")
                    victim = running[0]
                    pid = int(victim.lease_owner.split(":")[1])
                    group = next(p for p in self.procs if p.poll() is None and os.getpgid(pid) == p.pid)
                    fault_at = back_at = time.time()
                    kill9(group)
                elif fault == "redis_flush":
                    out["flushed"] = self.redis.flushall(lists=(f"{PREFIX}:dramatiq:generation",))
                elif fault == "redis_outage":
                    self.redis.stop()
                    time.sleep(OUTAGE_SECONDS)
                    self.redis.start()
                    back_at = time.time()
                    out["down_s"] = round(back_at - fault_at, 2)
                elif fault == "pg_restart":
                    self.pg.stop("fast")
                    self.pg.start()
                    back_at = time.time()
                    out["down_s"] = round(back_at - fault_at, 2)
            batch = self.wait_finished(info.id, 300)
            final = self.rows(info.id)
            tries = attempts(log)
            starts = sorted(a["t"] for a in tries)
            per_preview = collections.Counter((a["url"], a["variant"]) for a in tries)
            out.update({
                "status": batch.status,
                "done": sum(p.status == "done" for p in final),
                "retries_counted": sum(p.retry_count for p in final),
                "attempts": len(tries),
                "previews_run_twice": sum(1 for n in per_preview.values() if n > 1),
                "batch_s": round(batch.finished_at.timestamp() - created, 2),
            })
            if fault != "none":
                after = [t for t in starts if t > back_at]
                out["fault_to_done_s"] = round(batch.finished_at.timestamp() - fault_at, 2)
                out["first_start_after_back_s"] = round(after[0] - back_at, 2) if after else None
                marks = [fault_at] + [t for t in starts if t > fault_at] + [batch.finished_at.timestamp()]
                out["longest_gap_s"] = round(max(b - a for a, b in zip(marks, marks[1:])), 2)
            if victim is not None:
                again = [a["t"] for a in tries if (a["url"], a["variant"]) ==
                         (victim.source_url, victim.variant_index) and a["t"] > fault_at]
                out["victim_rerun_s"] = round(again[0] - fault_at, 2) if again else None
            return out
        finally:
            self.stop_workers()


def summarize(runs: list[dict]) -> dict:
    """Medians per (profile, fault), extra_s against the profile's undisturbed median."""
    out: dict = {}
    for profile in dict.fromkeys(r["profile"] for r in runs):
        base = [r["batch_s"] for r in runs if r["profile"] == profile and r["fault"] == "none"]
        base_median = statistics.median(base) if base else None
        out[profile] = {}
        for fault in dict.fromkeys(r["fault"] for r in runs if r["profile"] == profile):
            rs = [r for r in runs if r["profile"] == profile and r["fault"] == fault]
            entry: dict = {"runs": len(rs), "all_done": all(r["done"] == TOTAL for r in rs),
                           "retries_counted": sum(r["retries_counted"] for r in rs),
                           "previews_run_twice": [r["previews_run_twice"] for r in rs]}
            for key in ("batch_s", "fault_to_done_s", "first_start_after_back_s", "longest_gap_s",
                        "victim_rerun_s", "down_s"):
                vals = [r[key] for r in rs if r.get(key) is not None]
                if vals:
                    entry[key] = round(statistics.median(vals), 2)
                    if len(vals) > 1:
                        entry[key + "_range"] = [min(vals), max(vals)]
            if base_median is not None:
                entry["extra_s"] = round(statistics.median(r["batch_s"] for r in rs) - base_median, 2)
            out[profile][fault] = entry
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--batches", type=int, default=20, help="batches for the latency figure")
    parser.add_argument("--repeats", type=int, default=3, help="runs per fault in the fast profile")
    parser.add_argument("--defaults-repeats", type=int, default=1, help="runs per fault with production defaults")
    parser.add_argument("--profiles", default="fast,defaults")
    parser.add_argument("--faults", default="none,kill9,redis_flush,redis_outage,pg_restart")
    parser.add_argument("--skip-latency", action="store_true")
    args = parser.parse_args(argv)

    started = time.monotonic()
    with OwnPostgres() as pg, OwnRedis() as redis:
        # this process is the dashboard: settings first, then the broker and the real sender
        os.environ.update({"DATABASE_URL": pg.url, "REDIS_URL": redis.url, "REDIS_PREFIX": PREFIX,
                           "MAX_URLS_PER_BATCH": "5"})
        os.environ.pop("PIPELINE_STAGES", None)
        from core.settings import reset_settings

        reset_settings()
        from actors import send

        send.install()
        bench = Bench(pg, redis)
        result: dict = {"machine": "2 cores, 24 GiB", "postgres": "15, own cluster (initdb)",
                        "redis": "7.0, own instance, no persistence"}
        if not args.skip_latency:
            say("generate -> first preview running")
            result["generate_to_first_running"] = bench.latency(args.batches)
        runs = []
        for profile in args.profiles.split(","):
            repeats = args.repeats if profile == "fast" else args.defaults_repeats
            for r in range(repeats):
                for fault in args.faults.split(","):
                    say(f"recovery: {profile} {fault} run {r + 1}/{repeats}")
                    run = bench.scenario(fault, profile)
                    say("  " + json.dumps(run))
                    runs.append(run)
        result["recovery_settings"] = PROFILES
        result["recovery_batch"] = (f"{URLS} URLs x {PER_URL} previews, 2 workers x 2 threads, "
                                    f"1 s per preview, fault when 4 done, Redis outage "
                                    f"{OUTAGE_SECONDS:.0f} s")
        result["recovery"] = summarize(runs)
        result["recovery_runs"] = runs
        result["bench_seconds"] = round(time.monotonic() - started)
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
