"""Shared by benchmarks and multi-process tests: a throwaway PostgreSQL database, a Redis
key prefix, real ``dramatiq`` worker processes, and a sender that talks to their broker."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
PG_ADMIN_URL = os.environ.get("TEST_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


@contextlib.contextmanager
def temp_database(admin_url: str = PG_ADMIN_URL):
    """A new, migrated PostgreSQL database; dropped on exit."""
    from db.engine import dispose_engines
    from db.migrate import upgrade

    admin = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT")
    name = f"ctabs_bench_{uuid.uuid4().hex[:10]}"
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    url = admin_url.rsplit("/", 1)[0] + f"/{name}"
    try:
        upgrade(url)
        yield url
    finally:
        dispose_engines()
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def delete_prefix(redis_url: str, prefix: str) -> int:
    """Delete every key of ours: what an emptied Redis looks like to this deployment."""
    import redis

    client = redis.Redis.from_url(redis_url)
    keys = list(client.scan_iter(f"{prefix}*", count=1000))
    if keys:
        client.delete(*keys)
    client.close()
    return len(keys)


def start_workers(n: int, env: dict[str, str], threads: int = 4) -> list[subprocess.Popen]:
    """``n`` real ``dramatiq actors.worker`` processes (one OS process group each)."""
    procs = []
    full_env = {**os.environ, **env, "PYTHONUNBUFFERED": "1"}
    for i in range(n):
        log = open(Path(env.get("MEDIA_ROOT", "/tmp")) / f"worker-{i}.log", "w")
        procs.append(subprocess.Popen(
            [sys.executable, "-m", "dramatiq", "actors.worker", "--processes", "1",
             "--threads", str(threads)],
            cwd=ROOT, env=full_env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        ))
    return procs


def stop_workers(procs: list[subprocess.Popen], timeout: float = 20) -> None:
    for p in procs:
        if p.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(p.pid, signal.SIGTERM)
    deadline = time.monotonic() + timeout
    for p in procs:
        try:
            p.wait(max(deadline - time.monotonic(), 0.1))
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(p.pid, signal.SIGKILL)
            p.wait()


def kill9(proc: subprocess.Popen) -> None:
    """SIGKILL the worker's whole process group (the dramatiq parent and its children)."""
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()


class RedisSender:
    """Sends pipeline messages to the workers' Redis broker without declaring actors here."""

    def __init__(self, redis_url: str, prefix: str) -> None:
        from dramatiq.brokers.redis import RedisBroker

        self.broker = RedisBroker(url=redis_url, namespace=f"{prefix}:dramatiq")

    def __call__(self, kind: str, args: tuple, delay_seconds: float = 0.0) -> None:
        from actors.routes import message  # the same message shape as actors.send

        msg = message(kind, args)
        self.broker.declare_queue(msg.queue_name)
        self.broker.enqueue(msg, delay=int(delay_seconds * 1000) or None)

    def close(self) -> None:
        self.broker.close()


def max_in_any_window(times: list[float], window: float) -> int:
    """The most events in any rolling window [t, t + window)."""
    times = sorted(times)
    best, j = 0, 0
    for i in range(len(times)):
        while times[i] - times[j] >= window:
            j += 1
        best = max(best, i - j + 1)
    return best


def utilisation(times: list[float], limit: int, window: float) -> float | None:
    """Achieved start rate ÷ the limit while a backlog existed.

    With a backlog, the k-th start can come no earlier than the (k - limit)-th start plus
    the window, so a perfect limiter spaces every ``limit`` consecutive starts exactly one
    window apart. Utilisation = Σ window ÷ Σ (t[k] − t[k − limit]) over every start after
    the first ``limit`` (the starts that had to wait): 1.0 is perfect, lateness lowers it.
    Call it only with starts that all had a backlog behind them (here: every job is
    submitted before the first window ends).
    """
    times = sorted(times)
    gaps = [times[k] - times[k - limit] for k in range(limit, len(times))]
    if not gaps or sum(gaps) <= 0:
        return None
    return window * len(gaps) / sum(gaps)
