"""Servers of one's own for drills: a Redis and a PostgreSQL that a test or a benchmark
starts on a free loopback port, and may flush, stop, start and restart at will.

Never point these drills at the machine's shared servers: flushing or restarting those
would break everyone else's work. Both classes are context managers that leave nothing
running on exit (a PostgreSQL left by a crashed run is stopped by its folder's pid file
the next time ``stop`` runs, and its folder lives under ``/tmp``).

PostgreSQL: ``initdb`` refuses to run as root, so when this process is root the server
binaries run as the ``postgres`` OS user (``runuser``) in a folder that user owns.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path

PG_BIN = Path(os.environ.get("PG_BIN", "/usr/lib/postgresql/15/bin"))
REDIS_SERVER = shutil.which("redis-server") or "/usr/bin/redis-server"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _port_open(port: int) -> bool:
    with socket.socket() as s:
        s.settimeout(0.2)
        return s.connect_ex(("127.0.0.1", port)) == 0


class OwnRedis:
    """``redis-server`` on 127.0.0.1:<free port>, no persistence (so a restart is also an
    empty Redis, as a crashed Redis without AOF would be)."""

    def __init__(self, port: int | None = None) -> None:
        self.port = port or free_port()
        self.dir = Path(tempfile.mkdtemp(prefix="ctabs-redis-", dir="/tmp"))
        self.proc: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def client(self):
        import redis

        return redis.Redis(host="127.0.0.1", port=self.port, socket_timeout=5, socket_connect_timeout=2)

    def start(self, timeout: float = 10) -> "OwnRedis":
        assert self.proc is None or self.proc.poll() is not None, "already running"
        log = open(self.dir / "redis.log", "a")
        self.proc = subprocess.Popen(
            [REDIS_SERVER, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--dir", str(self.dir), "--protected-mode", "yes"],
            stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        )
        deadline = time.monotonic() + timeout
        while True:
            with contextlib.suppress(Exception):
                c = self.client()
                try:
                    if c.ping():
                        return self
                finally:
                    c.close()
            if self.proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"redis-server did not start on port {self.port}: "
                                   f"{(self.dir / 'redis.log').read_text()[-2000:]}")
            time.sleep(0.05)

    def stop(self, timeout: float = 10) -> None:
        """Stop at once (SIGKILL: an outage, not a graceful shutdown; nothing is persisted
        anyway) and wait until the port is closed."""
        if self.proc is None or self.proc.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait(timeout)
        deadline = time.monotonic() + timeout
        while _port_open(self.port) and time.monotonic() < deadline:
            time.sleep(0.05)

    def flushall(self, lists: tuple[str, ...] = ()) -> dict[str, int]:
        """Delete every key of this instance, in one transaction with a look at what is
        deleted: ``{"keys": n, <list key>: its length, …}`` for each key in ``lists``
        (e.g. a Dramatiq queue: the messages no worker had fetched yet)."""
        c = self.client()
        try:
            pipe = c.pipeline(transaction=True)
            pipe.dbsize()
            for key in lists:
                pipe.llen(key)
            pipe.flushall()
            out = pipe.execute()
            return {"keys": out[0], **dict(zip(lists, out[1:-1]))}
        finally:
            c.close()

    def close(self) -> None:
        self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)

    def __enter__(self) -> "OwnRedis":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.close()


class OwnPostgres:
    """A PostgreSQL cluster of its own: ``initdb`` into a temporary folder, its own port,
    trust authentication on loopback only, one database ``ctabs`` migrated with
    ``db.migrate.upgrade``."""

    def __init__(self, port: int | None = None, dbname: str = "ctabs") -> None:
        self.port = port or free_port()
        self.dbname = dbname
        self.root = Path(tempfile.mkdtemp(prefix="ctabs-pg-", dir="/tmp"))
        self.data = self.root / "data"
        self.log = self.root / "postgres.log"
        self._as_postgres = os.geteuid() == 0
        if self._as_postgres:
            shutil.chown(self.root, "postgres", "postgres")

    @property
    def url(self) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{self.dbname}"

    @property
    def admin_url(self) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"

    def _run(self, *args: str, timeout: float = 60) -> subprocess.CompletedProcess:
        cmd = [str(PG_BIN / args[0]), *args[1:]]
        if self._as_postgres:
            cmd = ["runuser", "-u", "postgres", "--", *cmd]
        res = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, cwd=self.root)
        if res.returncode != 0:
            raise RuntimeError(f"{' '.join(cmd)} failed ({res.returncode}): {res.stdout}{res.stderr}"
                               f"\n{self.tail_log()}")
        return res

    def tail_log(self, n: int = 3000) -> str:
        try:
            return self.log.read_text(errors="replace")[-n:]
        except OSError:
            return ""

    def init(self) -> "OwnPostgres":
        self._run("initdb", "-D", str(self.data), "-A", "trust", "-U", "postgres", "-E", "UTF8",
                  "--no-sync")
        return self

    def start(self, timeout: float = 30) -> None:
        opts = f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1"
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.log), "-o", opts, "-w",
                  "-t", str(int(timeout)), "start", timeout=timeout + 10)

    def stop(self, mode: str = "fast", timeout: float = 30) -> None:
        """``fast``: what a restart does (sessions are terminated, a checkpoint is written)."""
        if not (self.data / "postmaster.pid").exists():
            return
        self._run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "-t", str(int(timeout)),
                  "stop", timeout=timeout + 10)

    def restart(self) -> None:
        self.stop()
        self.start()

    def create_database(self) -> str:
        import sqlalchemy as sa

        from db.migrate import upgrade

        admin = sa.create_engine(self.admin_url, isolation_level="AUTOCOMMIT")
        try:
            with admin.connect() as conn:
                conn.execute(sa.text(f'CREATE DATABASE "{self.dbname}"'))
        finally:
            admin.dispose()
        upgrade(self.url)
        return self.url

    def close(self) -> None:
        try:
            self.stop("immediate")
        except Exception:  # noqa: BLE001 - last resort: the postmaster's pid file
            with contextlib.suppress(Exception):
                pid = int((self.data / "postmaster.pid").read_text().split()[0])
                os.kill(pid, signal.SIGKILL)
        shutil.rmtree(self.root, ignore_errors=True)

    def __enter__(self) -> "OwnPostgres":
        self.init()
        try:
            self.start()
            self.create_database()
        except BaseException:
            self.close()
            raise
        return self

    def __exit__(self, *exc) -> None:
        self.close()
