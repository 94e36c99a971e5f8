"""Drills with real processes (issue 11, "Tests"): two ``dramatiq actors.worker`` processes
work a batch of 20 previews while the broker or the database is taken away from them.

- Redis flushed (every key of the instance) mid-batch;
- Redis stopped for 10 s and started again on the same port (empty: no persistence);
- PostgreSQL restarted (stopped 3 s, started again) mid-batch.

Each drill runs on servers the test starts itself — a ``redis-server`` on a free port, and
for the PostgreSQL drill a cluster made with ``initdb`` in a temporary folder — never the
machine's shared ones. The pipeline's stages are instant (``bench.counted_stages``: no
network), and every generation attempt is logged, so "every preview done exactly once"
is checked on the work itself, not only on the rows. Recovery is fast because the workers
run with LEASE_SECONDS=3, RECONCILE_INTERVAL_SECONDS=1, RECONCILE_GRACE_SECONDS=2.
Every wait is bounded. About 2 minutes in all.
"""

from __future__ import annotations

import collections
import datetime as dt
import os
import shutil
import time
from pathlib import Path

import pytest
import sqlalchemy as sa

from bench.counted_stages import attempts
from bench.harness import RedisSender, start_workers, stop_workers
from bench.servers import PG_BIN, REDIS_SERVER, OwnPostgres, OwnRedis
from core import dispatch as dispatch_mod
from core.batches import create_batch, get_batch
from core.settings import reset_settings
from db.engine import dispose_engines, unit_of_work
from db.models import Batch, Preview
from tests.conftest import unavailable

URLS, PER_URL = 4, 5
TOTAL = URLS * PER_URL
PREFIX = "ctabs-drill"


@pytest.fixture
def own_redis():
    if not Path(REDIS_SERVER).exists():
        unavailable(f"redis-server is not installed ({REDIS_SERVER})")
    with OwnRedis() as server:
        yield server


@pytest.fixture
def own_postgres():
    if not (PG_BIN / "initdb").exists():
        unavailable(f"PostgreSQL server binaries are not installed under {PG_BIN}")
    if os.geteuid() == 0 and shutil.which("runuser") is None:
        unavailable("running as root without runuser: initdb cannot run as root")
    with OwnPostgres() as server:
        yield server


class Drill:
    """This process as the dashboard (creates batches, sends to the workers' Redis) and two
    real worker processes, on the given database and Redis."""

    def __init__(self, db_url: str, redis: OwnRedis, tmp: Path, monkeypatch) -> None:
        self.db_url, self.redis, self.tmp = db_url, redis, tmp
        self.log = tmp / "attempts.jsonl"
        self.env = {
            "DATABASE_URL": db_url, "REDIS_URL": redis.url, "REDIS_PREFIX": PREFIX,
            "PIPELINE_STAGES": "bench.counted_stages:install", "DRILL_LOG": str(self.log),
            # 4 threads in all, 1 s per preview: 20 previews take ~6 s, and while the first
            # ones run, the rest wait in Redis (a worker prefetches 2 × threads messages),
            # where a flush or a restart destroys them
            "BENCH_WORK_SECONDS": "1.0", "MEDIA_ROOT": str(tmp),
            # the Redis limiter is in play (its Lua script and keys), but never defers
            "GENERATION_RATE_LIMIT": "100/s",
            "RETRY_SCHEDULE_SECONDS": "1,1,1", "LEASE_SECONDS": "3",
            "RECONCILE_INTERVAL_SECONDS": "1", "RECONCILE_GRACE_SECONDS": "2",
        }
        monkeypatch.setenv("DATABASE_URL", db_url)
        reset_settings()
        self.sender = RedisSender(redis.url, PREFIX)
        dispatch_mod.register(lambda kind, args: self.sender(kind, args))
        self.workers: list = []
        self.workspace = f"drill-{os.getpid()}-{time.monotonic_ns() % 10**8}"

    def start(self, n: int = 2, threads: int = 2, timeout: float = 60, **env: str) -> None:
        self.workers = start_workers(n, {**self.env, **env}, threads=threads)
        deadline = time.monotonic() + timeout
        for i, proc in enumerate(self.workers):
            path = self.tmp / f"worker-{i}.log"
            while "Worker process is ready for action" not in path.read_text(errors="replace"):
                assert proc.poll() is None, f"worker {i} exited at boot:\n{self.worker_log(i)}"
                assert time.monotonic() < deadline, f"worker {i} not ready:\n{self.worker_log(i)}"
                time.sleep(0.1)

    def worker_log(self, i: int, tail: int | None = 4000) -> str:
        text = (self.tmp / f"worker-{i}.log").read_text(errors="replace")
        return text[-tail:] if tail else text

    def all_logs(self, tail: int | None = 4000) -> str:
        return "\n".join(f"--- worker {i}\n{self.worker_log(i, tail)}" for i in range(len(self.workers)))

    def create(self, urls: int = URLS, per_url: int = PER_URL):
        return create_batch(self.workspace, "alice", [
            {"url": f"https://shop.example.com/{self.workspace}/p{u}", "batch_size": per_url}
            for u in range(urls)
        ])

    def rows(self, batch_id) -> list[Preview]:
        with unit_of_work() as s:
            return s.execute(sa.select(Preview).where(Preview.batch_id == batch_id)
                             .order_by(Preview.source_url, Preview.variant_index)).scalars().all()

    def wait_done_count(self, batch_id, at_least: int, timeout: float) -> int:
        deadline = time.monotonic() + timeout
        while True:
            done = sum(p.status == "done" for p in self.rows(batch_id))
            if done >= at_least:
                return done
            assert time.monotonic() < deadline, (
                f"{done} done after {timeout}s: {collections.Counter(p.status for p in self.rows(batch_id))}"
                f"\n{self.all_logs()}")
            time.sleep(0.1)

    def wait_batch(self, batch_id, timeout: float) -> str:
        deadline = time.monotonic() + timeout
        last = None
        while time.monotonic() < deadline:
            try:
                status = get_batch(self.workspace, batch_id).batch.status
            except sa.exc.OperationalError:  # the database is coming back
                status = None
            if status in ("done", "failed", "cancelled"):
                return status
            last = status
            time.sleep(0.3)
        raise AssertionError(
            f"batch {last} after {timeout}s: {collections.Counter(p.status for p in self.rows(batch_id))}"
            f"\n{self.all_logs()}")

    def close(self) -> None:
        stop_workers(self.workers)
        dispatch_mod.unregister()
        self.sender.close()
        reset_settings()


@pytest.fixture
def drill_on(tmp_path, monkeypatch):
    made: list[Drill] = []

    def make(db_url: str, redis: OwnRedis) -> Drill:
        d = Drill(db_url, redis, tmp_path, monkeypatch)
        made.append(d)
        return d

    yield make
    for d in made:
        d.close()
    dispose_engines()


def assert_every_preview_done_once(drill: Drill, info, *, struck_at: dt.datetime,
                                   single_attempt: bool = True, hit=frozenset()) -> list[Preview]:
    """The batch finished, each of its 20 previews is done exactly once, and work went on
    after the fault (the drill really struck mid-batch). ``hit``: previews in flight when
    the fault struck, whose own work failed (they may count one retry)."""
    batch = get_batch(drill.workspace, info.id).batch
    assert batch.status == "done"
    assert batch.progress.done == TOTAL
    with unit_of_work() as s:  # no second batch appeared (a re-sent "batch" message)
        assert s.scalar(sa.select(sa.func.count()).select_from(Batch)
                        .where(Batch.workspace == drill.workspace)) == 1
    final = drill.rows(info.id)
    assert len(final) == TOTAL
    assert len({(p.source_url, p.variant_index) for p in final}) == TOTAL
    slack = dt.timedelta(seconds=1)  # started_at is the limiter's grant time (Redis' clock)
    for p in final:
        assert p.status == "done", (p.id, p.status, p.error_message)
        assert p.retry_count <= (1 if p.id in hit else 0), (p.id, p.retry_count)
        assert p.error_message is None, (p.id, p.error_message)
        assert p.lease_owner is None and p.lease_expires_at is None and p.next_retry_at is None
        assert p.started_at is not None and p.finished_at is not None
        assert batch.created_at - slack <= p.started_at <= p.finished_at, (p.started_at, p.finished_at)
        assert p.finished_at <= batch.finished_at + slack
        assert (p.prefill or {}).get("generated_background_url"), p.id
    assert any(p.started_at > struck_at for p in final), "nothing started after the fault"
    # the work itself: one generation attempt per preview (none lost, none run twice)
    per_preview = collections.Counter((a["url"], a["variant"]) for a in attempts(str(drill.log)))
    assert set(per_preview) == {(p.source_url, p.variant_index) for p in final}
    if single_attempt:
        twice = {k: n for k, n in per_preview.items() if n != 1}
        assert not twice, f"previews generated more than once: {twice}"
    return final


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def test_redis_flushed_mid_batch_every_preview_done_once(own_database, own_redis, drill_on):
    started = time.monotonic()
    drill = drill_on(own_database, own_redis)
    drill.start()
    info = drill.create()
    done_before = drill.wait_done_count(info.id, 4, timeout=30)
    struck_at = utc_now()
    queue = f"{PREFIX}:dramatiq:generation"
    flushed = own_redis.flushall(lists=(queue,))
    assert done_before < TOTAL, "the batch finished before the flush"
    # messages no worker had fetched yet: only the reconciler can bring those previews back
    assert flushed[queue] > 0, flushed
    assert drill.wait_batch(info.id, timeout=60) == "done"
    assert_every_preview_done_once(drill, info, struck_at=struck_at)
    assert all(w.poll() is None for w in drill.workers), drill.all_logs()
    print(f"\nflush: {flushed['keys']} keys flushed ({flushed[queue]} generation messages not "
          f"yet fetched) with {done_before}/{TOTAL} done; batch done "
          f"{time.monotonic() - started:.1f} s after start")


def test_redis_stopped_10s_mid_batch_workers_reconnect_and_finish(own_database, own_redis, drill_on):
    drill = drill_on(own_database, own_redis)
    drill.start()
    info = drill.create()
    done_before = drill.wait_done_count(info.id, 4, timeout=30)
    struck_at = utc_now()
    own_redis.stop()
    stopped = time.monotonic()
    assert done_before < TOTAL
    # dramatiq 2.2.1 keeps its worker processes up without a broker: consumers log
    # "Consumer encountered a connection error" and restart every 3 s; acks are retried
    # every 5 s. Nothing here restarts a worker, so both must still be the ones we started.
    while time.monotonic() - stopped < 10:
        dead = [i for i, w in enumerate(drill.workers) if w.poll() is not None]
        assert not dead, f"workers {dead} exited while Redis was down:\n{drill.all_logs()}"
        time.sleep(0.5)
    own_redis.start()  # same port, empty (no persistence): an outage and a flush in one
    back = time.monotonic()
    assert drill.wait_batch(info.id, timeout=90) == "done"
    finished_in = time.monotonic() - back
    assert_every_preview_done_once(drill, info, struck_at=struck_at)
    assert all(w.poll() is None for w in drill.workers), drill.all_logs()
    assert "connection error" in drill.all_logs(tail=None).lower()  # they did notice the outage
    print(f"\nredis outage: {done_before}/{TOTAL} done at stop; batch done {finished_in:.1f} s "
          f"after Redis was back")


def test_the_rate_limit_holds_a_message_back_when_redis_is_unreachable(settings_env):
    """The outage drill's race, made deterministic: the limiter's Redis is unreachable when
    a worker thread starts a rate-limited message. It must not run."""
    import dramatiq
    from dramatiq.brokers.stub import StubBroker
    from dramatiq.middleware import SkipMessage

    from actors.ratelimit import GenerationRateLimit
    from bench.servers import free_port

    settings_env(REDIS_URL=f"redis://127.0.0.1:{free_port()}/0", GENERATION_RATE_LIMIT="10/m")
    broker = StubBroker()
    broker.add_middleware(GenerationRateLimit())
    ran = []

    @dramatiq.actor(broker=broker, rate_limited=True)
    def generate(x):
        ran.append(x)

    # what dramatiq's WorkerThread.process_message does before calling the actor
    with pytest.raises(SkipMessage):
        broker.emit_before("process_message", generate.message(1))


def test_postgres_restarted_mid_batch_nothing_lost(own_postgres, own_redis, drill_on):
    drill = drill_on(own_postgres.url, own_redis)
    drill.start()
    info = drill.create()
    done_before = drill.wait_done_count(info.id, 4, timeout=30)
    in_flight = {p.id for p in drill.rows(info.id) if p.status == "running"}
    struck_at = utc_now()
    own_postgres.stop("fast")  # what a restart does: sessions terminated, checkpoint
    stopped = time.monotonic()
    assert done_before < TOTAL
    time.sleep(3)
    own_postgres.start()
    down_for = time.monotonic() - stopped
    assert drill.wait_batch(info.id, timeout=90) == "done"
    # a preview whose heartbeat or finish hit the closed database is run again: after its
    # lease expires (no retry counted) or, when the failure could still be written, as a
    # transient failure (one retry counted). Every preview still ends done, with its result.
    final = assert_every_preview_done_once(drill, info, struck_at=struck_at, single_attempt=False,
                                           hit=in_flight)
    redone = {k: n for k, n in collections.Counter(
        (a["url"], a["variant"]) for a in attempts(str(drill.log))).items() if n > 1}
    assert len(redone) <= 4, f"more re-runs than threads in flight: {redone}"
    assert all(w.poll() is None for w in drill.workers), drill.all_logs()
    print(f"\npostgres restart: down {down_for:.1f} s with {done_before}/{TOTAL} done; "
          f"{len(redone)} preview(s) generated twice; {len(final)} done")
