"""Dashboard benchmarks: ``python -m bench.dashboard`` (figures go to docs/BENCHMARKS.md).

1. First full render (AppTest, in-process): Batches page with 1,000 batches; Previews page
   with 100 finished previews (cold: banners rendered and thumbnails made; warm: cached).
2. Status change in the database → visible in a real browser (chromium), on a running
   100-preview batch.
3. The same while 5 browser sessions watch the batch: first-render time of a new session,
   change → visible for it and for each watcher, and the server's own render times,
   compared with a single session. The watchers run in a process of their own
   (bench.watchers) on one core, the server and the measured browser on the other: users'
   browsers run on their own machines. The same with everything sharing both cores is
   measured too.

The pipeline is replaced by direct row updates (one preview finishes every 0.5 s, and every
3 s as at the default 20/min) so the figures measure the dashboard, not generation.
``--browser-only``: parts 2 and 3 alone (a few minutes); ``--apptest-only``: part 1 alone.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

# a child process measuring a cold render is pointed at its parent's folder
TMP = Path(os.environ.get("CTABS_BENCH_DIR") or tempfile.mkdtemp(prefix="ctabs-bench-dash-"))
ENV = {
    "DATABASE_URL": f"sqlite:///{TMP / 'bench.db'}", "MEDIA_ROOT": str(TMP / "media"),
    "CTABS_SECRETS_FILE": str(TMP / "none.toml"), "DEFAULT_WORKSPACE": "bench",
    "BATCH_SIZE_MAX": "20", "GENERATION_RATE_LIMIT": "0/m", "ALLOW_PRIVATE_FETCH": "true",
}
os.environ.update(ENV)
for var in ("REDIS_URL", "GEMINI_API_KEY"):
    os.environ.pop(var, None)

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from PIL import Image  # noqa: E402

from core import dispatch  # noqa: E402
from core.batches import create_batch  # noqa: E402
from core.previews import list_previews  # noqa: E402
from db.base import utcnow  # noqa: E402
from db.engine import unit_of_work  # noqa: E402
from db.migrate import upgrade  # noqa: E402
from db.models import Preview  # noqa: E402
from tests.factories import a_prefill  # noqa: E402

dispatch.register(lambda kind, args: None)  # no pipeline: rows are driven by hand


def _background(i: int, batch_id, preview_id) -> str:
    """Stored exactly as the pipeline stores a generated background (with its thumbnail)."""
    from core.pipeline.generate import store_background

    img = Image.new("RGB", (1080, 1080), ((i * 37) % 255, 120, 200))
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=88)
    return store_background(batch_id, preview_id, buf.getvalue())


def seed_batches(n: int) -> None:
    for i in range(n):
        create_batch("bench", "local", [{"url": f"https://shop.example.com/p/{i}-{uuid.uuid4().hex[:6]}",
                                         "batch_size": 1}])


def seed_preview_batch(status: str = "done") -> tuple[str, list[str]]:
    """A batch of 5 URLs × 20 previews; ``done`` with prefill and background, or ``running``."""
    batch = create_batch("bench", "local", [
        {"url": f"https://shop.example.com/p/big-{i}-{uuid.uuid4().hex[:6]}", "batch_size": 20}
        for i in range(5)])
    order = {s["url"]: i for i, s in enumerate(batch.sources)}
    ids = [p.id for p in sorted(list_previews("bench", batch.id, page_size=500).items,
                                key=lambda p: (order[p.source_url], p.variant_index))]
    now = utcnow()
    with unit_of_work() as session:
        for i, pid in enumerate(ids):
            p = session.get(Preview, pid)
            if status == "done":
                p.status, p.finished_at, p.prefill_version = "done", now, 1
                p.prefill = a_prefill(headline=f"Banner number {i}",
                                      generated_background_url=_background(i, batch.id, pid))
            else:  # held by a "worker" whose lease never expires: the reconciler leaves it
                p.status, p.started_at, p.stage = "running", now, "generating background"
                p.lease_owner, p.lease_expires_at = "bench", now.replace(year=now.year + 1)
        from db.models import Batch

        session.get(Batch, batch.id).status = "running" if status != "done" else "done"
    return str(batch.id), [str(i) for i in ids]


def finish(preview_id: str, i: int) -> None:
    with unit_of_work() as session:
        p = session.get(Preview, uuid.UUID(preview_id))
        p.status, p.finished_at, p.stage, p.prefill_version = "done", utcnow(), None, 1
        p.prefill = a_prefill(headline=f"Finished {i}")
        p.lease_owner = p.lease_expires_at = None


def apptest_render(page: str, repeats: int = 5, **query) -> list[float]:
    from actors import embedded
    from streamlit.testing.v1 import AppTest

    embedded.start_embedded_worker = lambda: None
    times = []
    for _ in range(repeats):
        at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=120)
        at.run()
        at.switch_page(page)
        for k, v in query.items():
            at.query_params[k] = v
        t = time.perf_counter()
        at.run()
        times.append(time.perf_counter() - t)
        assert not at.exception, at.exception
    return times


RENDERS = 7  # first renders measured per case (renders overlapping watchers' redraws vary)
SCREEN = 24  # cards on the previews page's first screen (its default "Per page")
CARDS_DRAWN = f"document.querySelectorAll(\"[class*='st-key-preview_']\").length === {SCREEN}"


def _cores() -> tuple[set[int], set[int]] | None:
    """(server's core, watchers' core) when this process may use two or more CPUs."""
    cpus = sorted(os.sched_getaffinity(0))
    return ({cpus[0]}, set(cpus[1:])) if len(cpus) >= 2 else None


@contextlib.contextmanager
def _pinned(cpus: set[int] | None):
    """Run this thread, and every process and thread it starts meanwhile, on ``cpus``."""
    before = os.sched_getaffinity(0)
    if cpus:
        os.sched_setaffinity(0, cpus)
    try:
        yield
    finally:
        os.sched_setaffinity(0, before)


@contextlib.contextmanager
def _watchers(target: str, n: int, cpus: set[int] | None):
    """``n`` browser sessions watching ``target`` from their own process (bench.watchers);
    yields a function returning, per watcher, when it first showed each finished banner."""
    if not n:
        yield lambda: []
        return
    proc = subprocess.Popen(
        [sys.executable, "-m", "bench.watchers", target, str(n), CARDS_DRAWN,
         *[str(c) for c in sorted(cpus or ())]],
        cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        if proc.stdout.readline().strip() != "ready":
            raise RuntimeError("the watching browsers did not start")
        seen: list = []

        def collect() -> list:
            if not seen:
                proc.stdin.write("\n")
                proc.stdin.flush()
                seen.extend(json.loads(proc.stdout.readline()))
            return seen

        yield collect
    finally:
        proc.kill()
        proc.wait()


def browser_figures(watchers: int, every: float = 0.5, separate: bool = True) -> dict:
    """First-render time of a fresh session and change → visible latency with ``watchers``
    other sessions watching the same running 100-preview batch (a fresh one per call).

    ``separate``: the watchers' browsers run on one core and the server with the measured
    browser on the other — users' browsers run on their own machines, and on one 2-core
    machine six chromium processes otherwise measure each other more than the dashboard.
    Without it everything shares every core."""
    batch_id, ids = seed_preview_batch("running")
    from tests.browser.harness import chromium, dashboard

    cores = _cores() if separate else None
    log = TMP / f"renders-{watchers}-{every}-{separate}.jsonl"
    url_env = {**ENV, "RENDER_TIMING_LOG": str(log)}
    result: dict = {}
    with _pinned(cores and cores[0]), \
            dashboard(url_env, workdir=TMP / f"srv-{watchers}-{every}-{separate}") as base, \
            chromium() as browser:
        target = f"{base}/previews?batch={batch_id}"
        finished_at: dict[int, float] = {}  # epoch ms
        with _watchers(target, watchers, cores and cores[1]) as watcher_seen:
            stop = threading.Event()

            def runner():  # the "pipeline": one preview finishes every ``every`` seconds
                i = 5
                while not stop.wait(every) and i < 95:
                    finish(ids[i], i)
                    finished_at[i] = time.time() * 1000
                    i += 1

            watcher_sessions = {json.loads(x)["session"] for x in log.read_text().splitlines()} \
                if log.exists() else set()
            window_start = time.time()
            thread = threading.Thread(target=runner, daemon=True)
            thread.start()
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            renders = []
            for _ in range(RENDERS):
                t = time.perf_counter()
                page.goto(target)
                # every card drawn (a live page is rarely "notRunning": its fragment polls)
                page.wait_for_function(CARDS_DRAWN, timeout=120_000)
                renders.append(time.perf_counter() - t)
            stop.set()
            thread.join()
            latencies = []
            for i in range(5):  # on the first screen, finished while everyone watches
                finish(ids[i], i)
                finished_at[i] = time.time() * 1000
                t = time.perf_counter()
                page.wait_for_function(
                    f"[...document.querySelectorAll('iframe')].some(f => f.src.startsWith('data:')"
                    f" && atob(f.src.split(',')[1]).includes('Finished {i}<'))", timeout=30_000)
                latencies.append(time.perf_counter() - t)
            time.sleep(3)  # the watchers' last polls
            # the watchers: from a preview finishing to its banner on each watcher's screen
            watcher_latency = [(at - finished_at[int(i)]) / 1000 for seen in watcher_seen()
                               for i, at in seen.items() if int(i) in finished_at]
        rows = [json.loads(x) for x in log.read_text().splitlines()]
        rows = [r for r in rows if r["at"] >= window_start and r["page"] == "previews"]
        firsts: dict[str, float] = {}
        for r in rows:  # the measuring page's sessions: their first full render
            if r["session"] not in watcher_sessions:
                firsts.setdefault(r["session"], r["seconds"])
        result = {
            "first_render": renders, "latency": latencies, "watcher_latency": watcher_latency,
            "cores": {"server_and_measured_browser": sorted(cores[0]),
                      "watchers": sorted(cores[1])} if cores else "shared",
            # the server's side of it (RENDER_TIMING_LOG): a new session's first full
            # render, and every full render of the page during the run (watchers' redraws)
            "server_first_render": list(firsts.values()),
            "server_full_renders": [r["seconds"] for r in rows],
        }
    return result


def cold_render(batch_id: str, per_page: str = "24") -> float:
    """The previews page's first render in a new process (nothing imported or cached yet
    beyond the app's own first run), as a server's first visitor of the page sees it."""
    code = ("import json, bench.dashboard as bd; "
            f"print(json.dumps(bd.apptest_render('pages/previews.py', repeats=1, batch='{batch_id}', per_page='{per_page}')))")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                         env={**os.environ, "CTABS_BENCH_DIR": str(TMP), "PYTHONPATH": str(ROOT)},
                         check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])[0]


def fmt(values: list[float]) -> str:
    return f"median {statistics.median(values):.2f} s (min {min(values):.2f}, max {max(values):.2f})"


def _ratio(five: dict, one: dict, key: str) -> float:
    return statistics.median(five[key]) / statistics.median(one[key])


def watching_case(every: float, separate: bool) -> dict:
    """One session alone, then with 5 watching: the figures and their ratios."""
    one, five = browser_figures(0, every, separate), browser_figures(5, every, separate)
    case = {"browser_1": one, "browser_5_watchers": five,
            "first_render_ratio": _ratio(five, one, "first_render"),
            "server_full_render_ratio": _ratio(five, one, "server_full_renders"),
            "server_first_render_ratio": _ratio(five, one, "server_first_render")}
    where = ("watchers on their own core" if five["cores"] != "shared"
             else "every browser and the server on the same cores")
    print(f"A preview finishing every {every:g} s, {where}:\n"
          f"  first render: 1 session {fmt(one['first_render'])}; with 5 watching "
          f"{fmt(five['first_render'])} (× {case['first_render_ratio']:.2f})\n"
          f"  change → visible, measured session: {fmt(one['latency'])} vs "
          f"{fmt(five['latency'])}; the 5 watchers: {fmt(five['watcher_latency'])}\n"
          f"  server, every full render: {fmt(one['server_full_renders'])} vs "
          f"{fmt(five['server_full_renders'])} (× {case['server_full_render_ratio']:.2f}); "
          f"a new session's first: × {case['server_first_render_ratio']:.2f}", flush=True)
    return case


def watching_figures() -> dict:
    """5 sessions watching a running batch: at one change every 0.5 s and at the default
    20/min (one every 3 s) with the watchers on their own core, and at 0.5 s with every
    browser sharing the cores with the server."""
    return {"every_0.5s": watching_case(0.5, separate=True),
            "every_3s_20_per_min": watching_case(3.0, separate=True),
            "every_0.5s_shared_cores": watching_case(0.5, separate=False)}


def main() -> None:
    upgrade()
    if "--browser-only" in sys.argv:  # the browser figures alone (a few minutes)
        print(json.dumps(watching_figures()))
        return
    seed_batches(1000)
    done_batch, _ = seed_preview_batch("done")
    out: dict = {"batches_1000_first_render_s": apptest_render("pages/batches.py")}
    print(f"Batches page, 1,000 batches (AppTest first full render): "
          f"{fmt(out['batches_1000_first_render_s'])}", flush=True)
    # cold: a new process (banners laid out, page modules imported, caches empty)
    out["previews_100_cold_s"] = [cold_render(done_batch) for _ in range(3)]
    out["previews_100_all_on_one_screen_cold_s"] = [cold_render(done_batch, "all")
                                                    for _ in range(3)]
    out["previews_100_warm_s"] = apptest_render("pages/previews.py", batch=done_batch)
    out["previews_100_all_on_one_screen_warm_s"] = apptest_render(
        "pages/previews.py", per_page="all", batch=done_batch)
    print(f"Previews page, 100 previews (AppTest, first screen of {SCREEN}): cold "
          f"{fmt(out['previews_100_cold_s'])} (new process); warm {fmt(out['previews_100_warm_s'])}; "
          f"all 100 on one screen: cold {fmt(out['previews_100_all_on_one_screen_cold_s'])}, "
          f"warm {fmt(out['previews_100_all_on_one_screen_warm_s'])}",
          flush=True)
    if "--apptest-only" not in sys.argv:
        out.update(watching_figures())
    print(json.dumps(out))


if __name__ == "__main__":
    main()
