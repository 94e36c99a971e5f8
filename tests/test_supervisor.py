"""The production fleet as `make fleet` runs it: supervisord with deploy/supervisord.conf,
two `dramatiq actors.worker` programs and the dashboard, on PostgreSQL + Redis, with the real
pipeline (a local shop over HTTP, offline generators).

The drill: kill -9 a dramatiq worker *child* while it holds a preview's lease. Its dramatiq
parent then exits ("exited unexpectedly. Shutting down"); supervisord must start the program
again and the batch must still finish, every preview done once. Then the same for the
dashboard, and for a dramatiq *parent* (its child must not live on as an orphan). Slow-ish
(real processes); every wait is bounded.
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
import xmlrpc.client
from pathlib import Path

import pytest
import sqlalchemy as sa

from core import dispatch as dispatch_mod
from core.batches import create_batch, get_batch
from core.settings import reset_settings
from db.engine import unit_of_work
from db.models import Preview
from tests.productsite import ProductSite

ROOT = Path(__file__).resolve().parent.parent
CONFIG = ROOT / "deploy" / "supervisord.conf"
BIN = Path(sys.prefix) / "bin"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _stat(pid: int) -> list[str]:
    """/proc/PID/stat after "pid (comm)": state, ppid, pgrp, … (comm may hold spaces)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return []


def ppid_of(pid: int) -> int | None:
    fields = _stat(pid)
    return int(fields[1]) if fields else None


def group_members(pgids: set[int]) -> list[int]:
    """Live processes in any of these process groups."""
    out = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            fields = _stat(int(entry.name))
            if fields and fields[0] != "Z" and int(fields[2]) in pgids:
                out.append(int(entry.name))
    return out


def children_of(pid: int) -> list[int]:
    out = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and ppid_of(int(entry.name)) == pid:
            out.append(int(entry.name))
    return sorted(out)


def alive(pid: int) -> bool:
    """Running (a zombie, dead but not yet reaped, counts as gone)."""
    fields = _stat(pid)
    return bool(fields) and fields[0] != "Z"


class Fleet:
    """supervisord in the foreground with the repo's config, in a run folder of its own."""

    def __init__(self, env: dict[str, str]) -> None:
        # a short path: a unix socket's path is limited to ~107 bytes
        self.run_dir = Path(tempfile.mkdtemp(prefix="ctabs-fleet-", dir="/tmp"))
        self.port = free_port()
        self.env = {
            **os.environ, **env, "CTABS_VENV": sys.prefix, "CTABS_RUN_DIR": str(self.run_dir),
            "CTABS_WORKERS": "2", "CTABS_WORKER_THREADS": "2", "CTABS_DASHBOARD": "true",
            "PORT": str(self.port), "STREAMLIT_SERVER_ADDRESS": "127.0.0.1",
        }
        self.proc: subprocess.Popen | None = None
        self.seen_pids: set[int] = set()

    def start(self) -> "Fleet":
        log = open(self.run_dir / "supervisord.out", "w")
        self.proc = subprocess.Popen([str(BIN / "supervisord"), "-c", str(CONFIG)], cwd=ROOT,
                                     env=self.env, stdout=log, stderr=subprocess.STDOUT,
                                     start_new_session=True)
        return self

    @property
    def rpc(self):
        from supervisor.xmlrpc import SupervisorTransport

        transport = SupervisorTransport(None, None, f"unix://{self.run_dir}/supervisor.sock")
        return xmlrpc.client.ServerProxy("http://127.0.0.1", transport=transport).supervisor

    def programs(self) -> dict[str, dict]:
        """``{"ctabs-worker:ctabs-worker-0": info, …}`` with supervisord's state and pid."""
        infos = {f"{i['group']}:{i['name']}": i for i in self.rpc.getAllProcessInfo()}
        self.seen_pids.update(i["pid"] for i in infos.values() if i["pid"])
        return infos

    def wait_running(self, names: list[str], timeout: float, not_pids=()) -> dict[str, int]:
        """Wait until every program in ``names`` is RUNNING (with a pid not in ``not_pids``)."""
        deadline = time.monotonic() + timeout
        last: dict = {}
        while time.monotonic() < deadline:
            assert self.proc.poll() is None, f"supervisord exited: {self.log('supervisord.out')}"
            with contextlib.suppress(OSError, xmlrpc.client.Fault):
                last = self.programs()
                pids = {n: last[n]["pid"] for n in names
                        if n in last and last[n]["statename"] == "RUNNING"}
                if len(pids) == len(names) and not set(pids.values()) & set(not_pids):
                    return pids
            time.sleep(0.2)
        raise AssertionError(f"programs not running in {timeout}s: "
                             f"{ {n: i.get('statename') for n, i in last.items()} }\n"
                             + self.log("supervisord.log"))

    def log(self, name: str, tail: int | None = 3000) -> str:
        path = self.run_dir / name
        if not path.exists():
            return f"({name}: none)"
        text = path.read_text(errors="replace")
        return text[-tail:] if tail else text

    def stop(self) -> None:
        """Stop supervisord (it stops its programs); kill what is left in any case."""
        if self.proc is None:
            return
        if self.proc.poll() is None:
            with contextlib.suppress(OSError, xmlrpc.client.Fault):
                self.programs()  # the pids to make sure of afterwards
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(60)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        # each program was its own process group: kill what is left of them (an orphan)
        for pid in group_members(self.seen_pids):
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.kill(pid, signal.SIGKILL)
        import shutil

        shutil.rmtree(self.run_dir, ignore_errors=True)


@pytest.fixture
def shop():
    with ProductSite() as site:
        yield site


@pytest.fixture
def fleet(own_database, redis_url, redis_prefix, monkeypatch):
    """The fleet on a database and a Redis prefix of this test's own; this process sends the
    pipeline's messages to the same broker (as the dashboard does)."""
    from bench.harness import RedisSender, delete_prefix

    env = {
        "DATABASE_URL": own_database, "REDIS_URL": redis_url, "REDIS_PREFIX": redis_prefix,
        "ALLOW_PRIVATE_FETCH": "true", "GENERATION_RATE_LIMIT": "0/m",
        "CLIP_PRETRAINED": "none", "CLIP_WEIGHTS_PATH": "", "HF_HUB_OFFLINE": "1",
        "RETRY_SCHEDULE_SECONDS": "1,1,1",
        # a killed child's item returns to the queue within a few seconds
        "LEASE_SECONDS": "3", "RECONCILE_INTERVAL_SECONDS": "1", "RECONCILE_GRACE_SECONDS": "3",
    }
    for key in ("GEMINI_API_KEY", "PIPELINE_STAGES"):
        monkeypatch.delenv(key, raising=False)
    monkeypatch.setenv("DATABASE_URL", own_database)
    monkeypatch.setenv("ALLOW_PRIVATE_FETCH", "true")  # this process validates the shop's URLs
    reset_settings()
    sender = RedisSender(redis_url, redis_prefix)
    dispatch_mod.register(lambda kind, args: sender(kind, args))
    fleet = Fleet(env)
    try:
        yield fleet.start()
    finally:
        fleet.stop()
        dispatch_mod.unregister()
        sender.close()
        delete_prefix(redis_url, redis_prefix)
        reset_settings()


WORKERS = ["ctabs-worker:ctabs-worker-0", "ctabs-worker:ctabs-worker-1"]
DASHBOARD = "ctabs-dashboard:ctabs-dashboard"


def rows(batch_id):
    with unit_of_work() as s:
        return s.execute(sa.select(Preview).where(Preview.batch_id == batch_id)
                         .order_by(Preview.source_url, Preview.variant_index)).scalars().all()


def wait_batch(workspace, batch_id, timeout):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        status = get_batch(workspace, batch_id).batch.status
        if status in ("done", "failed", "cancelled"):
            return status
        time.sleep(0.3)
    raise AssertionError(f"batch not finished in {timeout}s: {[p.status for p in rows(batch_id)]}")


def wait_ready(fleet: Fleet, name: str, timeout: float, boots: int = 1) -> None:
    """Wait until a worker program's log says, ``boots`` times, that its child consumes."""
    deadline = time.monotonic() + timeout
    while fleet.log(name, tail=None).count("Worker process is ready for action") < boots:
        assert time.monotonic() < deadline, f"{name} not ready in {timeout}s:\n{fleet.log(name)}"
        time.sleep(0.2)


def dashboard_health(port: int) -> str:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=5) as r:
        return r.read().decode()


def wait_health(port: int, timeout: float) -> str:
    deadline = time.monotonic() + timeout
    while True:
        try:
            return dashboard_health(port)
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.3)


def test_a_killed_worker_child_is_restarted_and_the_batch_finishes(fleet, shop, workspace):
    started = time.monotonic()
    parents = fleet.wait_running(WORKERS + [DASHBOARD], timeout=60)
    for i in range(2):
        wait_ready(fleet, f"ctabs-worker-{i}.log", timeout=60)
    assert wait_health(fleet.port, 30) == "ok"
    children = {name: children_of(pid) for name, pid in parents.items() if name in WORKERS}
    assert all(len(c) == 1 for c in children.values()), children  # --processes 1

    urls = shop.product_urls
    info = create_batch(workspace, "alice", [{"url": u, "batch_size": 6} for u in urls])
    total = 6 * len(urls)

    # the victim: the worker child holding a running preview's lease (host:pid:thread:…)
    child_to_program = {pid: name for name, pids in children.items() for pid in pids}
    victim = victim_pid = None
    deadline = time.monotonic() + 60
    while victim is None and time.monotonic() < deadline:
        for p in rows(info.id):
            owner_pid = p.lease_owner and p.lease_owner.split(":")[1]
            if p.status == "running" and owner_pid and int(owner_pid) in child_to_program:
                victim, victim_pid = p, int(owner_pid)
                break
        else:
            time.sleep(0.05)
    assert victim is not None, f"no preview ran in 60 s: {[p.status for p in rows(info.id)]}"
    program = child_to_program[victim_pid]
    old_parent = parents[program]
    assert ppid_of(victim_pid) == old_parent  # a child of the supervised dramatiq parent

    os.kill(victim_pid, signal.SIGKILL)
    killed_at = time.monotonic()

    # dramatiq's parent gives up on a dead child and exits; supervisord starts it again
    new = fleet.wait_running([program], timeout=40, not_pids=[old_parent])
    restarted_in = time.monotonic() - killed_at
    assert not alive(old_parent) and not alive(victim_pid)
    # supervisord's own log says the old parent exited and that this was not expected (the
    # parent's "exited unexpectedly" line itself is not a proof: dramatiq's log thread can stop
    # before it copies that last line out of its pipe)
    exited = re.compile(rf"exited: {re.escape(program.split(':')[1])} \(exit status \d+; not expected\)")
    deadline = time.monotonic() + 10
    while not exited.search(fleet.log("supervisord.log", tail=None)):
        assert time.monotonic() < deadline, fleet.log("supervisord.log")
        time.sleep(0.2)
    assert len(children_of(new[program])) == 1
    other = next(n for n in WORKERS if n != program)
    assert fleet.programs()[other]["pid"] == parents[other]  # the other program ran on

    assert wait_batch(workspace, info.id, 120) == "done"
    finished_in = time.monotonic() - killed_at
    final = rows(info.id)
    assert [p.status for p in final] == ["done"] * total
    again = next(p for p in final if p.id == victim.id)
    assert again.retry_count == 0  # a lost lease is not a failure of the item
    assert again.started_at > victim.started_at  # it ran again, after the kill
    assert all((p.prefill or {}).get("generated_background_url") for p in final)

    # a killed dramatiq *parent*: its child must not live on as an orphan (orphan_guard)
    survivor = fleet.programs()[other]["pid"]
    orphan = children_of(survivor)
    assert len(orphan) == 1
    os.kill(survivor, signal.SIGKILL)
    fleet.wait_running([other], timeout=40, not_pids=[survivor])
    deadline = time.monotonic() + 30
    while alive(orphan[0]):
        assert time.monotonic() < deadline, f"orphaned worker child {orphan[0]} still runs"
        time.sleep(0.2)
    wait_ready(fleet, other.split(":")[1] + ".log", timeout=60, boots=2)
    second = create_batch(workspace, "alice", [{"url": urls[0], "batch_size": 2}])
    assert wait_batch(workspace, second.id, 60) == "done"

    # the dashboard, killed, is restarted too
    old_dash = fleet.programs()[DASHBOARD]["pid"]
    os.kill(old_dash, signal.SIGKILL)
    fleet.wait_running([DASHBOARD], timeout=40, not_pids=[old_dash])
    assert wait_health(fleet.port, 30) == "ok"
    print(f"\nfleet up + batch: worker restarted {restarted_in:.1f} s after kill -9, "
          f"batch of {total} done {finished_in:.1f} s after it; test {time.monotonic() - started:.0f} s")
