"""Review workflow benchmarks (issue 14): ``python -m bench.review [approve|page|day|all]``.

* ``approve`` — "Approve all shown" of a batch of 100 finished previews
  (``core.review.review_matching``: one UPDATE), on SQLite and on PostgreSQL (a fresh
  database on the machine's server): median / p90 ms and SQL statements per call; and the
  one-by-one path (100 × ``set_review``) for comparison.
* ``approve_page`` — the same click on the Previews page (AppTest): the whole page run.
* ``page`` — the Previews page at 1280 × 800 in chromium on a batch of 100 finished
  previews (24 on the first screen): time from navigation to the first banner visible in
  the viewport and to all 24 banners drawn, cold (a fresh server: nothing rendered or
  cached yet) and warm (the same page loaded again).
* ``day`` — the browser day-in-the-life test's wall time (tests/browser/test_day_in_the_life.py,
  measured inside the test from its first page to the checked ZIP, and pytest's total).

Prints one JSON object per part, then one with everything as the last line.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _stats(values: list[float]) -> dict:
    values = sorted(values)
    return {"median_ms": round(statistics.median(values) * 1000, 1),
            "p90_ms": round(values[int(0.9 * (len(values) - 1))] * 1000, 1), "runs": len(values)}


# --- approve-all ------------------------------------------------------------------------------

def _approve_on(url: str, repeats: int) -> dict:
    os.environ["DATABASE_URL"] = url
    from core import dispatch
    from core.settings import reset_settings

    reset_settings()
    dispatch.register(lambda kind, args: None)
    from db.migrate import upgrade

    upgrade()
    import sqlalchemy as sa

    from core.batches import create_batch
    from core.previews import list_previews
    from core.review import review_matching, set_review
    from db.base import utcnow
    from db.engine import get_engine, unit_of_work
    from db.models import Preview
    from tests.factories import a_prefill

    # 100 previews: 10 URLs × 10 (MAX_URLS_PER_BATCH may be 5: two calls' worth in one batch)
    os.environ["MAX_URLS_PER_BATCH"] = "10"
    reset_settings()
    batch = create_batch("bench", "local", [
        {"url": f"https://shop.example.com/p/{i}-{time.time_ns()}", "batch_size": 10}
        for i in range(10)])
    ids = [p.id for p in list_previews("bench", batch.id, page_size=500).items]
    assert len(ids) == 100
    now = utcnow()
    with unit_of_work() as s:
        s.execute(sa.update(Preview).where(Preview.batch_id == batch.id).values(
            status="done", finished_at=now, prefill=a_prefill()))
    statements = []
    engine = get_engine()
    sa.event.listen(engine, "before_cursor_execute",
                    lambda *a, **k: statements.append(1))
    bulk, stmts = [], []
    for i in range(repeats):
        decision = "approved" if i % 2 == 0 else "rejected"
        statements.clear()
        t = time.perf_counter()
        n = review_matching("bench", batch.id, decision)
        bulk.append(time.perf_counter() - t)
        stmts.append(len(statements))
        assert n == 100
    one_by_one = []
    for i in range(3):
        t = time.perf_counter()
        for pid in ids:
            set_review("bench", pid, "approved" if i % 2 else "rejected")
        one_by_one.append(time.perf_counter() - t)
    from db.engine import dispose_engines

    dispose_engines()
    return {"approve_all_100": {**_stats(bulk), "sql_statements": max(stmts)},
            "one_by_one_100": _stats(one_by_one)}


def approve(repeats: int = 15) -> dict:
    out = {}
    with tempfile.TemporaryDirectory() as tmp:
        out["sqlite"] = _approve_on(f"sqlite:///{tmp}/bench.db", repeats)
    try:
        from bench.harness import temp_database

        with temp_database() as url:
            out["postgresql"] = _approve_on(url, repeats)
    except Exception as exc:  # noqa: BLE001 - no server here: say so
        out["postgresql"] = f"not measured: {exc}"[:200]
    return out


def approve_page(repeats: int = 5) -> dict:
    """The same click on the page (AppTest, in process): "Approve all in this batch" on a
    batch of 100 finished previews with backgrounds, 24 on the screen — the whole run the
    click causes (the UPDATE, then the page drawn again with its 24 cards)."""
    os.environ.setdefault("CTABS_BENCH_DIR", tempfile.mkdtemp(prefix="ctabs-bench-review-"))
    from bench import dashboard as dash
    from db.migrate import upgrade

    upgrade()
    batch_id, _ids = dash.seed_preview_batch("done")
    from actors import embedded
    from streamlit.testing.v1 import AppTest

    from core.previews import list_previews

    embedded.start_embedded_worker = lambda: None
    times = []
    for i in range(repeats):
        at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=120)
        at.run()
        at.switch_page("pages/previews.py")
        at.query_params["batch"] = batch_id
        at.run()
        button = at.button(key="review_approve_all" if i % 2 == 0 else "review_reject_all")
        t = time.perf_counter()
        button.click().run()
        times.append(time.perf_counter() - t)
        assert not at.exception, at.exception
        want = "approved" if i % 2 == 0 else "rejected"
        got = {p.review_status for p in list_previews("bench", batch_id, page_size=500).items}
        assert got == {want}, got
    return {"approve_all_100_page_run": _stats(times)}


# --- the Previews page at 1280 × 800 ------------------------------------------------------------

FIRST_VISIBLE = """() => [...document.querySelectorAll('iframe')].some(f => {
    if (!f.src.startsWith('data:')) return false;
    const r = f.getBoundingClientRect();
    return r.width > 0 && r.top < window.innerHeight && r.bottom > 0; })"""
ALL_DRAWN = """(n) => [...document.querySelectorAll('iframe')]
    .filter(f => f.src.startsWith('data:') && f.getBoundingClientRect().width > 0).length >= n"""


def page(warm_runs: int = 5, cold_runs: int = 3) -> dict:
    os.environ.setdefault("CTABS_BENCH_DIR", tempfile.mkdtemp(prefix="ctabs-bench-review-"))
    from bench import dashboard as dash  # sets the environment of its seeded database
    from db.migrate import upgrade

    upgrade()
    batch_id, _ids = dash.seed_preview_batch("done")
    from tests.browser.harness import chromium, dashboard

    cold_first, cold_all, warm_first, warm_all = [], [], [], []
    with chromium() as browser:
        for run in range(cold_runs):
            with dashboard(dash.ENV, workdir=dash.TMP / f"srv-review-{run}") as base:
                target = f"{base}/previews?batch={batch_id}"
                # the banner cache lives in the server process: the first visit is cold
                for visit in range(1 + (warm_runs if run == 0 else 0)):
                    pg = browser.new_page(viewport={"width": 1280, "height": 800})
                    t = time.perf_counter()
                    pg.goto(target)
                    pg.wait_for_function(FIRST_VISIBLE, timeout=120_000, polling=20)
                    first = time.perf_counter() - t
                    pg.wait_for_function(ALL_DRAWN, arg=24, timeout=120_000, polling=20)
                    drawn = time.perf_counter() - t
                    pg.close()
                    (cold_first if visit == 0 else warm_first).append(first)
                    (cold_all if visit == 0 else warm_all).append(drawn)
    return {"batch_previews": 100, "screen": 24, "viewport": "1280x800",
            "cold": {"first_banner": _stats(cold_first), "all_24": _stats(cold_all)},
            "warm": {"first_banner": _stats(warm_first), "all_24": _stats(warm_all)}}


# --- the day in the life ------------------------------------------------------------------------

def day() -> dict:
    timing = Path(tempfile.mkdtemp(prefix="ctabs-day-")) / "day.json"
    t = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
         "tests/browser/test_day_in_the_life.py"], cwd=ROOT, capture_output=True, text=True,
        env={**os.environ, "CTABS_DAY_TIMING": str(timing)}, timeout=900)
    total = time.perf_counter() - t
    if proc.returncode != 0:
        return {"error": proc.stdout[-2000:]}
    return {"in_test_wall_seconds": json.loads(timing.read_text())["wall_seconds"],
            "pytest_total_seconds": round(total, 1)}


def main() -> None:
    parts = sys.argv[1:] or ["all"]
    if parts == ["all"]:
        results = {}
        for part in ("approve", "approve_page", "page", "day"):  # each in a process of its own
            out = subprocess.run([sys.executable, "-m", "bench.review", part], cwd=ROOT,
                                 capture_output=True, text=True, timeout=1800)
            line = (out.stdout.strip().splitlines() or ["{}"])[-1]
            print(line, flush=True)
            try:
                results[part] = json.loads(line)
            except json.JSONDecodeError:
                results[part] = {"error": out.stderr[-1000:]}
        print(json.dumps(results))
        return
    part = parts[0]
    result = {"approve": approve, "approve_page": approve_page, "page": page, "day": day}[part]()
    print(json.dumps(result))


if __name__ == "__main__":
    main()
