"""Issue 16: the fair scheduler as a pure function (property tests), quotas, positions and
ETAs from the database, the provider's 429 backoff, and the usage ledger against the fake
Gemini server's usage."""

from __future__ import annotations

import datetime as dt
import time
from collections import Counter

import pytest
import sqlalchemy as sa
from hypothesis import given, settings
from hypothesis import strategies as st

from bench.harness import max_in_any_window
from core import fairqueue as fq
from core import provider_backoff
from tests.stages import own_the_line

# --- the scheduler, pure ---------------------------------------------------------------

arrival = st.tuples(st.floats(0, 30, allow_nan=False).map(lambda t: round(t, 2)),
                    st.sampled_from(["a", "b", "c", "d"]), st.sampled_from(["1", "2", "3"]))


@settings(max_examples=150, deadline=None)
@given(st.lists(arrival, min_size=1, max_size=80), st.integers(1, 8), st.integers(1, 12))
def test_no_window_exceeds_the_limit_and_every_item_is_granted(arrivals, limit, window):
    grants = fq.simulate(arrivals, limit, float(window))
    assert sorted(w.key for _, w in grants) == sorted(f"item:{i}" for i in range(len(arrivals)))
    times = [t for t, _ in grants]
    assert max_in_any_window(times, window - 1e-6) <= limit
    for (t, w) in grants:  # nothing starts before it arrived
        assert t >= w.since


@settings(max_examples=100, deadline=None)
@given(st.integers(2, 4), st.integers(2, 12), st.lists(st.integers(0, 40), min_size=4, max_size=4))
def test_k_backlogged_workspaces_each_get_their_share_of_every_window(k, limit, extra):
    window = 10.0
    backlog = 6 * limit  # every workspace still has work through the windows checked
    arrivals = [(0.0, f"ws{j}", f"batch{i % 3}") for j in range(k) for i in range(backlog + extra[j])]
    grants = fq.simulate(arrivals, limit, window)
    busy_until = min(max(t for t, w in grants if w.workspace == f"ws{j}") for j in range(k))
    t = 0.0
    while t + window <= busy_until:
        got = Counter(w.workspace for s, w in grants if t <= s < t + window)
        for j in range(k):
            # ≥ 1/k of the window's starts, rounded down (ε < 1/limit)
            assert got[f"ws{j}"] >= limit // k, got
        t += window


def test_small_workspaces_overtake_a_big_backlog_fifo_does_not():
    arrivals = [(0.0, "big", "b")] * 100 + [(1.0, "s1", "x")] * 5 + [(1.0, "s2", "y")] * 5
    fair = fq.simulate(arrivals, 20, 10.0)
    fifo = fq.simulate(arrivals, 20, 10.0, fifo=True)
    small_done = lambda g: max(t for t, w in g if w.workspace != "big")  # noqa: E731
    assert small_done(fair) == 10.0 and small_done(fifo) == 50.0
    assert fair[-1][0] == fifo[-1][0] == 50.0  # the limit is used fully either way


def test_one_workspace_alone_uses_the_whole_limit_round_robin_across_its_batches():
    items = [fq.Waiting(f"{b}{i}", "acme", b, i + (0.5 if b == "B" else 0)) for b in "AB" for i in range(3)]
    order = fq.fair_order(items)
    assert [w.group for w in order] == ["A", "B", "A", "B", "A", "B"]
    grants = fq.simulate([(0.0, "acme", "A")] * 30, 10, 5.0)
    assert [t for t, _ in grants] == [0.0] * 10 + [5.0] * 10 + [10.0] * 10


def test_a_batchs_previews_created_together_go_in_variant_order():
    # a walk-through saw "Variant 1 · #4 in line" and "Variant 4 · #1": the tie went to the random ids
    keys = ["preview:f0", "preview:a1", "preview:0c", "preview:9b"]
    items = [fq.Waiting(k, "acme", "B", 100.0, order) for order, k in enumerate(keys)]
    for fifo in (False, True):
        assert [w.order for w in fq.fair_order(reversed(items), fifo=fifo)] == [0, 1, 2, 3]


def test_the_least_served_workspace_goes_first():
    line = [fq.Waiting("x", "busy", "1", 0.0), fq.Waiting("y", "quiet", "2", 5.0)]
    assert fq.fair_order(line, {"busy": 4})[0].key == "y"
    assert fq.fair_order(line, {"busy": 4}, fifo=True)[0].key == "x"


def test_next_starts_follow_the_sliding_log():
    assert fq.next_starts([0.0, 1.0, 2.0], 3, 10.0, 5.0, 5) == [10.0, 11.0, 12.0, 20.0, 21.0]
    assert fq.next_starts([], 2, 10.0, 5.0, 3) == [5.0, 5.0, 15.0]
    assert fq.eta_text(14, 38.2) == "#14 in line · about 40 s"


def test_quotas_parse_and_block_with_a_clear_message():
    quotas = fq.parse_quotas("acme=3/h,*=100/d")
    assert fq.quotas_for(quotas, "acme")[0].label() == "3 per hour"
    assert fq.quotas_for(quotas, "other")[0].label() == "100 per day"
    now = 10_000.0
    frees, why = fq.quota_block(quotas, "acme", [now - 100, now - 50, now - 10], now)
    assert frees == now - 100 + 3600 and "Workspace quota reached (3 per hour" in why
    assert fq.quota_block(quotas, "acme", [now - 4000, now - 10], now) is None
    with pytest.raises(Exception, match="WORKSPACE_QUOTAS"):
        fq.parse_quotas("acme")


# --- the provider's backoff ----------------------------------------------------------------


def test_a_429s_retry_delay_is_read_from_the_sdk_error():
    from google.genai import errors

    body = {"error": {"code": 429, "status": "RESOURCE_EXHAUSTED", "message": "quota", "details": [
        {"@type": "type.googleapis.com/google.rpc.RetryInfo", "retryDelay": "7s"}]}}
    exc = errors.ClientError(429, body)
    assert provider_backoff.retry_delay(exc) == 7.0
    from core.generators.gemini_errors import classify_genai_error

    err = classify_genai_error(exc, model="m")
    assert err.transient and err.retry_after == 7.0 and "in 7 s" in err.message
    from core.pipeline.retry import decide

    assert decide(err, 0).delay_seconds == 7.0  # not the schedule's 60 s


def test_repeated_429s_lower_the_rate_and_successes_restore_it(settings_env):
    settings_env(GENERATION_RATE_LIMIT="20/m")
    provider_backoff.note_429("m", 3)
    provider_backoff.note_429("m", 1)
    s = provider_backoff.states()["m"]
    assert s.factor == 0.25 and s.blocked(time.time()) and s.blocked_until - time.time() > 2
    assert provider_backoff.effective_limit(20, s.factor) == 5
    for _ in range(4):
        provider_backoff.note_success("m")
    assert provider_backoff.states()["m"].factor == 1.0


# --- the line in the database ------------------------------------------------------------------


def _queued_batch(workspace, n_urls, size):
    from core.batches import create_batch
    from db.engine import unit_of_work
    from db.models import Preview

    info = create_batch(workspace, "u", [{"url": f"https://shop.example.com/{workspace}/{i}",
                                          "batch_size": size} for i in range(n_urls)])
    with unit_of_work() as s:
        s.execute(sa.update(Preview).where(Preview.batch_id == info.id)
                  .values(status="queued", source_image_url="https://cdn.example.com/p.jpg"))
    return info


def test_positions_and_etas_interleave_workspaces(db, settings_env, sent):
    from core import fairshare
    from db.engine import unit_of_work
    from db.models import Preview

    settings_env(GENERATION_RATE_LIMIT="2/10s", MAX_URLS_PER_BATCH="5")
    own_the_line(and_window=True)  # earlier tests' items and recent starts are out of the way
    ws = f"fq-{time.time_ns()}"
    big = _queued_batch(ws + "-big", 2, 5)
    small = _queued_batch(ws + "-small", 1, 2)
    view = fairshare.queue_view()
    places = sorted((p.position, p.workspace) for p in view.places.values())
    assert [w for _, w in places[:4]] in ([ws + "-big", ws + "-small"] * 2, [ws + "-small", ws + "-big"] * 2)
    assert [p for p, _ in places] == list(range(1, 13))
    last = max(view.places.values(), key=lambda p: p.position)
    assert last.note.startswith("#12 in line · about") and 45 <= last.eta_seconds <= 55
    lines = {line.workspace: line for line in view.workspaces}
    assert lines[ws + "-small"].waiting == 2 and lines[ws + "-big"].waiting == 10
    with unit_of_work() as s:  # within one product of a batch, variant 1 is ahead of variant 2, and so on
        rows = s.execute(sa.select(Preview.id, Preview.source_url, Preview.variant_index)
                         .where(Preview.batch_id == big.id)).all()
    for url in {r.source_url for r in rows}:
        mine = sorted((r.variant_index, view.places[fairshare.item_key("preview", r.id)].position)
                      for r in rows if r.source_url == url)
        assert [p for _, p in mine] == sorted(p for _, p in mine), mine
    seconds, ahead = fairshare.estimate_new(ws + "-small", 2)
    assert 20 <= seconds <= 30 and ahead <= 5  # fair share: not behind the 10 big ones (FIFO: 60 s)
    # a quota stops a workspace, with the reason on each of its items
    settings_env(WORKSPACE_QUOTAS=f"{ws}-small=0/h")
    view = fairshare.queue_view()
    notes = {p.note for p in view.places.values() if p.workspace == ws + "-small"}
    assert len(notes) == 1 and notes.pop().startswith("Waiting: Workspace quota reached")
    with unit_of_work() as s:
        s.execute(sa.update(Preview).where(Preview.batch_id.in_([big.id, small.id])).values(status="cancelled"))


# --- 429 with retryDelay through the pipeline, and the ledger ---------------------------------

def test_in_production_the_line_says_it_is_on_hold_while_redis_or_every_worker_is_away(
        db, settings_env, redis_url, redis_prefix):
    # a walk-through: "#1 in line · starting now" while its own Redis was down and nothing could start
    import socket

    from core import fairshare, health

    settings_env(GENERATION_RATE_LIMIT="2/10s", MAX_URLS_PER_BATCH="5")
    own_the_line(and_window=True)
    ws = f"fq-hold-{time.time_ns()}"
    batch = _queued_batch(ws, 1, 2)
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        dead = probe.getsockname()[1]
    settings_env(REDIS_URL=f"redis://127.0.0.1:{dead}/0", REDIS_PREFIX=redis_prefix)
    fairshare._hold.clear()  # (one answer serves 10 s per process)
    mine = [p for p in fairshare.queue_view().places.values() if p.workspace == ws]
    assert len(mine) == 2 and all(p.eta_seconds is None for p in mine)
    assert all(p.note.endswith("on hold: the queue's broker (Redis) does not answer; it starts once "
                               "it is back") and p.note.startswith("#") for p in mine), [p.note for p in mine]
    settings_env(REDIS_URL=redis_url, REDIS_PREFIX=redis_prefix)  # Redis answers, no worker beats
    fairshare._hold.clear()
    mine = [p for p in fairshare.queue_view().places.values() if p.workspace == ws]
    assert all(p.note.endswith("on hold: no worker process is running; it starts once one does") for p in mine)
    assert fairshare.queue_view().places  # the answer is kept: no second look within 10 s
    health.worker_heartbeat({"threads": 1})
    try:
        held = [p for p in fairshare.queue_view().places.values() if p.workspace == ws]
        assert all("on hold" in p.note for p in held)  # still the kept answer
        fairshare._hold.clear()
        mine = [p for p in fairshare.queue_view().places.values() if p.workspace == ws]
        assert all("in line · " in p.note and "on hold" not in p.note and p.eta_seconds is not None
                   for p in mine), [p.note for p in mine]
    finally:
        health.worker_gone()
        fairshare._hold.clear()
        from db.engine import unit_of_work
        from db.models import Preview

        with unit_of_work() as s:
            s.execute(sa.update(Preview).where(Preview.batch_id == batch.id).values(status="cancelled"))


def test_previews_whose_page_is_not_read_yet_are_counted_and_said_on_hold(
        db, settings_env, redis_url, redis_prefix):
    # a walk-through: with no worker running, a new batch's previews sat "pending" (the page not
    # read yet) while /api/queue/ said "waiting": 0 and the Queue panel "Nothing is waiting"
    from starlette.testclient import TestClient
    from streamlit.testing.v1 import AppTest

    from api.app import app
    from core import fairshare
    from core.api_keys import create_key
    from core.batches import create_batch
    from db.engine import unit_of_work
    from db.models import Preview

    settings_env(REDIS_URL=redis_url, REDIS_PREFIX=redis_prefix)  # Redis answers, no worker beats
    own_the_line()
    ws = f"fq-reading-{time.time_ns()}"
    batch = create_batch(ws, "u", [{"url": f"https://shop.example.com/{ws}/{i}", "batch_size": 2}
                                   for i in range(2)])
    other = _queued_batch(f"{ws}-b", 1, 1)  # another workspace's item in line (a review: the count
    try:                                     # was said only while nothing was)
        fairshare._hold.clear()
        view = fairshare.queue_view()
        assert view.reading.get(ws) == 4 and not any(p.workspace == ws for p in view.places.values())
        assert any(p.workspace == f"{ws}-b" for p in view.places.values())
        assert view.hold == "no worker process is running; it starts once one does"
        _view, key = create_key(ws, "queue")
        got = TestClient(app).get("/queue/", headers={"Authorization": f"Bearer {key}"}).json()
        assert got["waiting"] == 0 and got["reading_pages"] == 4, got
        assert got["on_hold"] == "no worker process is running; it starts once one does", got

        def panel(workspace):
            from pages.queue_panels import queue_panel

            queue_panel(workspace)

        fairshare._cache.clear()
        at = AppTest.from_function(panel, args=(ws,), default_timeout=30)
        at.run()
        assert not at.exception, at.exception
        words = " ".join(c.value for c in at.caption) + " ".join(w.value for w in at.warning)
        assert "4 previews of this workspace wait for their product page to be read first" in words, words
        assert "On hold: no worker process is running" in words, words
    finally:
        fairshare._hold.clear()
        fairshare._cache.clear()
        with unit_of_work() as s:
            s.execute(sa.update(Preview).where(Preview.batch_id.in_([batch.id, other.id]))
                      .values(status="cancelled"))


from tests.fakes.gemini_server import gemini_fake, gemini_settings  # noqa: E402,F401
from tests.test_jobs_pipeline import worker  # noqa: E402,F401


@pytest.fixture
def gemini_pipeline(db, gemini_settings, settings_env):
    from core.pipeline import stages
    from tests.stages import FakeStages, embedded_worker

    settings_env(RETRY_SCHEDULE_SECONDS="60,60,60", GENERATION_RATE_LIMIT="10/m", LEASE_SECONDS="10")
    with embedded_worker():
        fake = FakeStages().install()
        stages._overrides.pop("generators")  # the real Gemini generators, against the fake server
        yield fake


def test_a_429_with_retry_delay_slows_the_limiter_and_the_ledger_matches_the_provider(
        gemini_pipeline, gemini_fake, workspace):
    from core import fairshare, usage
    from core.batches import create_batch, get_batch
    from db.engine import unit_of_work
    from db.models import Preview
    from tests.stages import wait_for

    own_the_line(and_window=True)  # no earlier test's waiting item takes this test's slots
    gemini_fake.reply_error(429, retry_delay="3s")
    t0 = time.time()
    # one preview at a time, so the factor's path is fixed: halved by the 429, ×1.5 per success after
    # it (with two previews the other one's success could be recorded before or after the 429)
    info = create_batch(workspace, "alice", [{"url": "https://shop.example.com/p/429", "batch_size": 1}])

    def rows(batch_id):
        with unit_of_work() as s:
            return s.scalars(sa.select(Preview).where(Preview.batch_id == batch_id)).all()

    retried = wait_for(lambda: [p for p in rows(info.id) if p.status == "retrying"], timeout=20)[0]
    # the provider's 3 s, not the schedule's 60 s
    assert 1.5 <= (retried.next_retry_at.timestamp() - t0) <= 8, retried.next_retry_at
    assert "in 3 s" in retried.error_message
    states = provider_backoff.states()
    hit = [s for s in states.values() if s.throttled]
    assert len(hit) == 1 and hit[0].factor == 0.5 and hit[0].blocked_until > t0 + 2
    view = fairshare.queue_view()
    assert view.effective_limit in (5, 10)  # 5 while an item needing the model waits
    wait_for(lambda: get_batch(workspace, info.id).batch.status == "done", timeout=40)
    assert provider_backoff.states()[hit[0].model].factor == 0.75  # the retry's success raised it
    # the ledger: every call, and the same tokens the provider reported
    events = usage.events(workspace, batch_id=info.id)
    assert Counter(e["outcome"] for e in events) == {"ok": 2, "rate_limited": 1}
    served = gemini_fake.usage_totals()
    total = usage.totals(workspace, group_by="batch", batch_id=info.id)[0]
    assert (total.calls, total.input_tokens, total.output_tokens) == (
        len(gemini_fake.calls("generate")), served["input_tokens"], served["output_tokens"])
    # a later success restores the full limit
    again = create_batch(workspace, "alice", [{"url": "https://shop.example.com/p/ok", "batch_size": 1}])
    wait_for(lambda: get_batch(workspace, again.id).batch.status == "done", timeout=40)
    assert provider_backoff.states()[hit[0].model].factor == 1.0
    assert fairshare.queue_view().effective_limit == 10
    assert total.images == 1 and total.rate_limited == 1 and total.cost_usd > 0
    day = usage.totals(workspace, group_by="day")[0]  # both batches: 3 calls, then 2
    assert day.key == dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d") and day.calls == 5
    csv_text = usage.events_csv(workspace, batch_id=info.id)
    assert csv_text.splitlines()[0].startswith("at,workspace,batch_id") and len(csv_text.splitlines()) == 4


# --- real worker processes on Redis + PostgreSQL --------------------------------------------


def test_three_workspaces_four_worker_processes_on_redis_share_the_limit_fairly(production):
    from core.batches import create_batch, get_batch
    from db.engine import unit_of_work
    from db.models import Preview

    production(4, threads=2, GENERATION_RATE_LIMIT="10/5s")
    ws = f"fair-{time.time_ns() % 10**8}"
    big = create_batch(f"{ws}-big", "u", [{"url": f"https://shop.example.com/big/{i}", "batch_size": 10}
                                          for i in range(3)])
    time.sleep(1.0)
    t_small = time.time()
    smalls = [create_batch(f"{ws}-s{j}", "u", [{"url": f"https://shop.example.com/s{j}/0", "batch_size": 5}])
              for j in (1, 2)]
    batches = [(f"{ws}-big", big.id)] + [(f"{ws}-s{j}", b.id) for j, b in zip((1, 2), smalls)]
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if all(get_batch(w, b).batch.status in ("done", "failed") for w, b in batches):
            break
        time.sleep(0.5)
    with unit_of_work() as s:
        rows = s.execute(sa.select(Preview.workspace, Preview.status, Preview.started_at)
                         .where(Preview.batch_id.in_([b for _, b in batches]))).all()
    assert Counter(st for _, st, _ in rows) == {"done": 40}
    starts = [t.timestamp() for _, _, t in rows]
    assert max_in_any_window(starts, 5.0) <= 10
    small_last = max(t.timestamp() for w, _, t in rows if not w.endswith("-big"))
    big_last = max(t.timestamp() for w, _, t in rows if w.endswith("-big"))
    # FIFO would start the small ones after the big batch's 30 (≈ 15 s); fair: the next window
    t0 = min(starts)
    timeline = sorted((round(t.timestamp() - t0, 2), w[-3:]) for w, _, t in rows)
    assert small_last - t_small < 9.0, str((small_last - t_small, t_small - t0, timeline))
    assert big_last > small_last
    # the limit is still used fully: 40 starts at 10 per 5 s need three more windows
    assert max(starts) - min(starts) < 15 + 3.0, str(timeline)


def test_an_offline_media_job_is_one_ledger_row_with_its_outputs(worker, workspace):
    from core import usage
    from core.jobs import submit_job
    from tests.test_jobs_pipeline import finished, wait_for

    job = submit_job(workspace, "alice", "image", {"prompt": "A pear", "number_of_outputs": 2})
    assert wait_for(lambda: finished(workspace, job.id)).status == "done"
    (row,) = [e for e in usage.events(workspace) if e["job_id"] == str(job.id)]
    assert (row["provider"], row["kind"], row["images"], row["outcome"], row["cost_usd"]) == \
        ("offline", "image", 2, "ok", 0.0)


def test_a_throttled_model_holds_its_items_and_lowers_the_limit_granted(db, gemini_settings, settings_env):
    from core import fairshare
    from core.ratelimit import MemoryRateLimiter
    from core.settings import RateLimit, get_settings
    from db.engine import unit_of_work
    from db.models import Preview

    settings_env(GENERATION_RATE_LIMIT="10/m")
    own_the_line(and_window=True)  # earlier tests' items and recent starts are out of the way
    info = _queued_batch(f"thr-{time.time_ns()}", 1, 2)
    provider_backoff.note_429(get_settings().gemini_image_model, 7)
    snap = fairshare.snapshot()
    assert len(snap.waiting) == 2 and snap.eligible() == []  # previews call the image model
    until = snap.next_unblock()
    assert 6 <= until - time.time() <= 7.5
    view = fairshare.queue_view(snap)
    assert view.effective_limit == 5
    assert all(p.note.startswith("Waiting: Gemini asked to wait (gemini-2.5-flash-image answered 429)")
               for p in view.places.values())
    # the limiter grants under the lowered limit: 5 of 10
    lim = MemoryRateLimiter(RateLimit(10, 60), clock=lambda: 100.0)
    assert [lim.acquire(limit=5) for _ in range(6)][:5] == [0.0] * 5
    assert lim.acquire(limit=5) > 0 and lim.acquire() == 0.0
    with unit_of_work() as s:
        s.execute(sa.update(Preview).where(Preview.batch_id == info.id).values(status="cancelled"))


def test_a_workspace_quota_holds_its_items_with_the_reason_and_others_go_on(db, settings_env, workspace):
    from core import fairshare
    from core.batches import create_batch
    from db.engine import unit_of_work
    from db.models import Preview
    from tests.stages import FakeStages, embedded_worker, wait_for

    own_the_line(and_window=True)  # earlier tests' items and recent starts are out of the way
    settings_env(GENERATION_RATE_LIMIT="100/m", WORKSPACE_QUOTAS=f"{workspace}=2/h",
                 RETRY_SCHEDULE_SECONDS="0.3,0.3,0.3", LEASE_SECONDS="5")
    with embedded_worker():
        FakeStages().install()
        capped = create_batch(workspace, "alice", [{"url": "https://shop.example.com/q/1", "batch_size": 4}])
        free = create_batch(f"{workspace}-free", "bob", [{"url": "https://shop.example.com/q/2", "batch_size": 3}])

        def statuses(bid):
            with unit_of_work() as s:
                return sorted(s.scalars(sa.select(Preview.status).where(Preview.batch_id == bid)).all())

        wait_for(lambda: statuses(free.id) == ["done"] * 3 and statuses(capped.id) == ["done", "done", "queued", "queued"],
                 timeout=30, explain=lambda: (statuses(free.id), statuses(capped.id),
                                              fairshare.snapshot().quota_blocked, fairshare.snapshot().quota_starts))
        time.sleep(1.0)  # held, not just slow
        assert statuses(capped.id) == ["done", "done", "queued", "queued"]
        notes = [fairshare.queue_view().place("preview", p) for p in _ids(capped.id, "queued")]
        assert all(n.position is None and n.note.startswith(
            "Waiting: Workspace quota reached (2 per hour, WORKSPACE_QUOTAS); resumes ") for n in notes)
        with unit_of_work() as s:
            s.execute(sa.update(Preview).where(Preview.batch_id == capped.id, Preview.status == "queued")
                      .values(status="cancelled"))


def _ids(batch_id, status):
    from db.engine import unit_of_work
    from db.models import Preview

    with unit_of_work() as s:
        return s.scalars(sa.select(Preview.id).where(Preview.batch_id == batch_id, Preview.status == status)).all()
