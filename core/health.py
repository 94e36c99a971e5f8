"""Health and metrics of a deployment, for ``/healthz`` and ``/metrics`` (see README).

Every check answers in words ("ok", "unreachable"); the exception detail goes to the log
only — a health endpoint is often public.
"""

from __future__ import annotations

import json
import logging
import os
import socket
import threading
import time

from core.settings import get_settings

log = logging.getLogger(__name__)

WORKER_TTL_SECONDS = 30
QUEUES = ("pipeline", "generation")
_clients: dict[str, object] = {}
_clients_lock = threading.Lock()


def redis_client(url: str | None = None):
    """One small client per URL and process, with short timeouts (health must answer)."""
    import redis

    url = url or get_settings().redis_url
    with _clients_lock:
        client = _clients.get(url)
        if client is None:
            client = _clients[url] = redis.Redis.from_url(
                url, socket_timeout=2, socket_connect_timeout=2)
        return client


def worker_key_prefix() -> str:
    return f"{get_settings().redis_prefix}:workers:"


def worker_heartbeat(info: dict) -> None:
    """A worker process says it is alive (expires after WORKER_TTL_SECONDS)."""
    s = get_settings()
    if s.embedded:
        _embedded_beats[f"{socket.gethostname()}:{os.getpid()}"] = time.time()
        return
    key = f"{worker_key_prefix()}{socket.gethostname()}:{os.getpid()}"
    redis_client().set(key, json.dumps({**info, "at": time.time()}), ex=WORKER_TTL_SECONDS)


def worker_gone() -> None:
    s = get_settings()
    if s.embedded:
        _embedded_beats.pop(f"{socket.gethostname()}:{os.getpid()}", None)
        return
    redis_client().delete(f"{worker_key_prefix()}{socket.gethostname()}:{os.getpid()}")


_embedded_beats: dict[str, float] = {}


def live_workers() -> list[dict]:
    """Worker processes that sent a heartbeat in the last WORKER_TTL_SECONDS."""
    s = get_settings()
    if s.embedded:
        now = time.time()
        return [{"worker": k} for k, at in _embedded_beats.items() if now - at < WORKER_TTL_SECONDS]
    client = redis_client()
    out = []
    for key in client.scan_iter(f"{worker_key_prefix()}*", count=500):
        raw = client.get(key)
        if raw:
            try:
                out.append({"worker": key.decode().rsplit(":workers:", 1)[-1], **json.loads(raw)})
            except ValueError:
                continue
    return out


def _check_database() -> str:
    from db.engine import unit_of_work
    from db.repositories import ops

    try:
        with unit_of_work() as session:
            ops.ping(session)
        return "ok"
    except Exception:  # noqa: BLE001
        log.warning("health.database_unreachable", exc_info=True)
        return "unreachable"


def _check_broker() -> str:
    s = get_settings()
    if s.embedded:
        return "ok (in-process)"
    try:
        redis_client().ping()
        return "ok"
    except Exception:  # noqa: BLE001
        log.warning("health.broker_unreachable", exc_info=True)
        return "unreachable"


def check() -> dict:
    """{"status": "ok"|"unavailable", "database": …, "broker": …, "workers": n}."""
    s = get_settings()
    database = _check_database()
    broker = _check_broker()
    ok = database == "ok" and broker.startswith("ok")
    workers = None
    if broker.startswith("ok"):
        try:
            workers = len(live_workers())
        except Exception:  # noqa: BLE001
            workers = None
    processing = _processing(workers) if workers is not None or not broker.startswith("ok") \
        else "unknown: the workers could not be counted"
    return {"status": "ok" if ok else "unavailable", "mode": "embedded" if s.embedded else "production",
            "database": database, "broker": broker, "workers": workers, "processing": processing}


NO_WORKERS = "stopped: no worker process is running, batches wait until one starts"


def _processing(workers: int | None) -> str:
    """Whether queued work is being done: the dashboard may serve ("ok") while no worker runs
    (an operator saw /healthz say "ok" with every batch waiting). Embedded mode's worker is
    this process's own thread, counted the same way."""
    if workers is None:
        return "unknown: the broker does not answer"
    return NO_WORKERS if workers == 0 else "ok"


def queue_depths() -> dict[str, int]:
    """Messages waiting per Dramatiq queue (ready and delayed), production only."""
    s = get_settings()
    if s.embedded:
        return {}
    client = redis_client()
    ns = f"{s.redis_prefix}:dramatiq"
    out = {}
    for q in QUEUES:
        out[q] = int(client.llen(f"{ns}:{q}") or 0)
        out[f"{q}.delayed"] = int(client.llen(f"{ns}:{q}.DQ") or 0)
    return out


def rate_limit_use() -> tuple[int, int, float]:
    """(starts in the current window, limit, window seconds) of the global generation limit."""
    s = get_settings()
    rate = s.generation_rate_limit
    if s.embedded or rate.unlimited:  # the in-process limiter is not shared: not reported
        return -1, rate.limit, rate.window_seconds
    client = redis_client()
    key = f"{s.redis_prefix}:ratelimit:generation"
    now_us = time.time() * 1_000_000
    used = client.zcount(key, now_us - rate.window_seconds * 1_000_000, "+inf")
    return int(used), rate.limit, rate.window_seconds


def _line(name: str, value, labels: dict | None = None) -> str:
    if labels:
        inner = ",".join(f'{k}="{str(v)}"' for k, v in sorted(labels.items()))
        return f"{name}{{{inner}}} {value}"
    return f"{name} {value}"


def prometheus_text() -> str:
    """Metrics in Prometheus' text exposition format."""
    from db.engine import unit_of_work
    from db.repositories import ops

    lines: list[str] = []
    health = check()
    lines += ["# HELP ctabs_up 1 when the database and the broker answer.", "# TYPE ctabs_up gauge",
              _line("ctabs_up", 1 if health["status"] == "ok" else 0)]
    if health["database"] == "ok":
        with unit_of_work() as session:
            previews = ops.previews_by_status(session)
            jobs = ops.jobs_by_status(session)
        lines += ["# HELP ctabs_previews Previews by status (all workspaces).", "# TYPE ctabs_previews gauge"]
        lines += [_line("ctabs_previews", n, {"status": st}) for st, n in sorted(previews.items())]
        lines += ["# HELP ctabs_media_jobs Image/video jobs by status.", "# TYPE ctabs_media_jobs gauge"]
        lines += [_line("ctabs_media_jobs", n, {"status": st}) for st, n in sorted(jobs.items())]
    if health["broker"] == "ok":
        lines += ["# HELP ctabs_queue_depth Messages waiting per broker queue.", "# TYPE ctabs_queue_depth gauge"]
        lines += [_line("ctabs_queue_depth", n, {"queue": q}) for q, n in sorted(queue_depths().items())]
        used, limit, window = rate_limit_use()
        lines += ["# HELP ctabs_rate_limit_used Generation starts in the current window.",
                  "# TYPE ctabs_rate_limit_used gauge", _line("ctabs_rate_limit_used", used),
                  "# HELP ctabs_rate_limit_limit Generation starts allowed per window.",
                  "# TYPE ctabs_rate_limit_limit gauge", _line("ctabs_rate_limit_limit", limit),
                  "# TYPE ctabs_rate_limit_window_seconds gauge",
                  _line("ctabs_rate_limit_window_seconds", window)]
    if health["workers"] is not None:
        lines += ["# HELP ctabs_workers_alive Worker processes with a fresh heartbeat.",
                  "# TYPE ctabs_workers_alive gauge", _line("ctabs_workers_alive", health["workers"])]
    return "\n".join(lines) + "\n"
