"""The JSON API through HTTP beside the same service calls in process: ``python -m bench.api``.

A temporary PostgreSQL database seeded with 10,000 batches (10 previews each) in one
workspace; the dashboard's server started as production starts it (``streamlit run
app.py`` with DATABASE_URL + REDIS_URL, its own Redis prefix; no workers, so new batches
wait). 8 concurrent clients (threads, keep-alive connections) then:
- ``POST /api/llm-editor/cta/batch/`` (5 URLs × 10 variants, unique URLs),
- ``GET /api/llm-editor/cta/batch/?page_size=50`` (a page of 50 with progress),
and the same ``create_batch`` / ``list_batches`` calls from 8 threads in this process.
Prints one JSON object as its last line: median/p95 ms and requests/s of each, and the
HTTP/in-process ratio.
"""

from __future__ import annotations

import argparse
import concurrent.futures as cf
import json
import os
import statistics
import subprocess
import sys
import time
import uuid

import httpx

from bench.harness import REDIS_URL, ROOT, delete_prefix, temp_database

WORKSPACE = "bench"


def _sources() -> list[dict]:
    return [{"url": f"https://shop.example.com/run/{uuid.uuid4().hex}", "batch_size": 10} for _ in range(5)]


def _run(fn, clients: int, per_client: int) -> dict:
    """``fn(client_index)`` ``per_client`` times on each of ``clients`` threads."""
    times: list[float] = []

    def worker(c: int) -> list[float]:
        out = []
        for _ in range(per_client):
            t0 = time.perf_counter()
            fn(c)
            out.append((time.perf_counter() - t0) * 1000)
        return out

    t0 = time.perf_counter()
    with cf.ThreadPoolExecutor(clients) as pool:
        for part in pool.map(worker, range(clients)):
            times.extend(part)
    wall = time.perf_counter() - t0
    times.sort()
    return {"requests": len(times), "median_ms": round(statistics.median(times), 1),
            "p95_ms": round(times[int(len(times) * 0.95) - 1], 1),
            "per_second": round(len(times) / wall, 1)}


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--batches", type=int, default=10_000)
    ap.add_argument("--clients", type=int, default=8)
    ap.add_argument("--per-client", type=int, default=25)
    args = ap.parse_args()
    prefix = f"ctabs-bench-{uuid.uuid4().hex[:8]}"
    with temp_database() as url:
        from bench.services import _seed

        seed_s = _seed(url, WORKSPACE, args.batches, 10)
        env = {**os.environ, "DATABASE_URL": url, "REDIS_URL": REDIS_URL, "REDIS_PREFIX": prefix,
               "API_RATE_LIMIT": "0/m", "DUPLICATE_WINDOW_SECONDS": "0", "LOG_LEVEL": "WARNING",
               "CTABS_SECRETS_FILE": "/nonexistent/secrets.toml", "PYTHONUNBUFFERED": "1"}
        os.environ.update({k: env[k] for k in ("DATABASE_URL", "REDIS_URL", "REDIS_PREFIX",
                                                "API_RATE_LIMIT", "DUPLICATE_WINDOW_SECONDS",
                                                "CTABS_SECRETS_FILE")})
        from core.settings import reset_settings

        reset_settings()
        from core import dispatch
        from core.api_keys import create_key
        from core.batches import create_batch, list_batches

        dispatch.register(lambda kind, args: None)  # in process: nothing is sent (no workers)
        _view, key = create_key(WORKSPACE, "bench")
        port = _free_port()
        log = open(f"/tmp/{prefix}-server.log", "w")
        server = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true",
             "--server.port", str(port), "--server.fileWatcherType", "none"],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        base = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 60
            while True:
                try:
                    if httpx.get(f"{base}/healthz", timeout=2).status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                if time.monotonic() > deadline:
                    raise SystemExit("the server did not start")
                time.sleep(0.3)
            clients = [httpx.Client(base_url=base, headers={"Authorization": f"Bearer {key}"}, timeout=60)
                       for _ in range(args.clients)]

            def http_post(c: int) -> None:
                r = clients[c].post("/api/llm-editor/cta/batch/", json={"sources": _sources()})
                assert r.status_code == 201, r.text

            def http_list(c: int) -> None:
                r = clients[c].get("/api/llm-editor/cta/batch/", params={"page_size": 50})
                assert r.status_code == 200 and len(r.json()["results"]) == 50, r.text

            def local_post(c: int) -> None:
                create_batch(WORKSPACE, f"user-{c}", _sources())

            def local_list(c: int) -> None:
                assert len(list_batches(WORKSPACE, page_size=50).items) == 50

            for fn in (http_list, local_list):  # warm both paths
                fn(0)
            result = {"seed": {"batches": args.batches, "previews": args.batches * 10,
                               "seconds": round(seed_s, 1)},
                      "clients": args.clients}
            result["http_post_batch"] = _run(http_post, args.clients, args.per_client)
            result["inprocess_create_batch"] = _run(local_post, args.clients, args.per_client)
            result["http_list_page50"] = _run(http_list, args.clients, args.per_client)
            result["inprocess_list_page50"] = _run(local_list, args.clients, args.per_client)
            for name, http, local in (("post", "http_post_batch", "inprocess_create_batch"),
                                      ("list", "http_list_page50", "inprocess_list_page50")):
                result[f"{name}_http_over_inprocess_median"] = round(
                    result[http]["median_ms"] / result[local]["median_ms"], 2)
            for c in clients:
                c.close()
        finally:
            server.terminate()
            try:
                server.wait(20)
            except subprocess.TimeoutExpired:
                server.kill()
            log.close()
            from db.engine import dispose_engines

            dispose_engines()
            delete_prefix(REDIS_URL, prefix)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
