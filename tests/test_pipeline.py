"""The pipeline on the stub broker with an in-process worker (the embedded mode)."""

from __future__ import annotations

import re

import datetime as dt
import time

import pytest
import sqlalchemy as sa

from core.batches import cancel_batch, create_batch, get_batch
from core.pipeline.reconcile import reconcile
from core.previews import list_previews
from db.engine import unit_of_work
from db.models import Preview
from tests.factories import urls
from tests.stages import NOT_FOUND, PERMANENT, TRANSIENT, FakeStages, embedded_worker
from tests.stages import wait_for as stage_wait_for


@pytest.fixture
def pipeline(db, settings_env):
    """Real actors + middleware on the stub broker; scripted stages at the boundaries."""
    settings_env(RETRY_SCHEDULE_SECONDS="0.3,0.3,0.3", GENERATION_RATE_LIMIT="0/m",
                 LEASE_SECONDS="2")
    with embedded_worker():
        fake = FakeStages().install()
        yield fake
        fake.block.set()


def wait_for(predicate, timeout=20.0, every=0.05):
    return stage_wait_for(predicate, timeout, every, explain=describe_state)


def describe_state():
    """The newest batch and its previews, for a failure message."""
    with unit_of_work() as s:
        from db.models import Batch
        b = s.execute(sa.select(Batch.status, Batch.id, Batch.created_at).order_by(Batch.created_at.desc()).limit(2)).all()
        rows = s.execute(sa.select(Preview.status, Preview.stage, Preview.error_message, Preview.batch_id).where(Preview.batch_id == b[0][1])).all()
    from core.settings import get_settings
    return get_settings().database_url, b, [tuple(map(str, r[:3])) for r in rows]


def batch_status(workspace, batch_id):
    return get_batch(workspace, batch_id).batch.status


def finished(workspace, batch_id):
    return batch_status(workspace, batch_id) in ("done", "failed", "cancelled")


def test_a_batch_runs_to_done_with_every_preview_merged(pipeline, workspace):
    src = [{"url": u, "batch_size": 4} for u in urls(2)]
    info = create_batch(workspace, "alice", src)
    wait_for(lambda: finished(workspace, info.id))
    detail = get_batch(workspace, info.id)
    assert detail.batch.status == "done" and detail.batch.progress.done == 8
    previews = list_previews(workspace, batch_id=info.id).items
    for p in previews:
        assert p.status == "done" and p.finished_at and p.started_at
        # each attempt writes into a folder of its own under the preview's
        assert re.fullmatch(rf"/media/previews/{info.id}/{p.id}/[0-9a-f]{{10}}/background\.png",
                            p.prefill["generated_background_url"])
        assert p.prefill["original_background_url"] == p.source_image_url
    # 3 ranked images cycled over 4 variants: 1,2,3,1
    for src_row in detail.sources:
        mine = sorted((p for p in previews if p.source_url == src_row.url), key=lambda p: p.variant_index)
        images = [p.source_image_url for p in mine]
        assert images[3] == images[0] and len(set(images[:3])) == 3
        assert src_row.ranking_method == "test-order" and src_row.title
    # one scrape per URL, not per variant (the reconciler may be working other tests' rows)
    assert sorted(u for u in pipeline.scrapes if u in {s["url"] for s in src}) == sorted(s["url"] for s in src)


def test_a_fresh_product_is_reused_by_the_next_batch(pipeline, workspace):
    u = urls(1)[0]
    first = create_batch(workspace, "alice", [{"url": u, "batch_size": 1}])
    wait_for(lambda: finished(workspace, first.id))
    second = create_batch(workspace, "bob", [{"url": u, "batch_size": 2}])
    wait_for(lambda: finished(workspace, second.id))
    assert [s for s in pipeline.scrapes if s == u] == [u]
    assert batch_status(workspace, second.id) == "done"


def test_a_url_that_cannot_be_scraped_fails_alone(pipeline, workspace):
    good, bad = urls(2)
    pipeline.fail_scrape[bad] = NOT_FOUND()
    info = create_batch(workspace, "alice", [{"url": good, "batch_size": 2}, {"url": bad, "batch_size": 3}])
    wait_for(lambda: finished(workspace, info.id))
    by_url = {s.url: s for s in get_batch(workspace, info.id).sources}
    assert by_url[bad].progress.failed == 3 and by_url[bad].errors == ["page returned HTTP 404"]
    assert by_url[good].progress.done == 2
    assert batch_status(workspace, info.id) == "done"


def test_a_batch_whose_every_url_fails_is_failed(pipeline, workspace):
    u = urls(1)[0]
    pipeline.fail_scrape[u] = NOT_FOUND()
    info = create_batch(workspace, "alice", [{"url": u, "batch_size": 2}])
    wait_for(lambda: finished(workspace, info.id))
    detail = get_batch(workspace, info.id).batch
    assert detail.status == "failed" and "All 2 previews failed" in detail.error_message
    # one preview: not "All 1 preview failed" (a walk-through)
    u1 = urls(2)[1]
    pipeline.fail_scrape[u1] = NOT_FOUND()
    one = create_batch(workspace, "alice", [{"url": u1, "batch_size": 1}])
    wait_for(lambda: finished(workspace, one.id))
    assert get_batch(workspace, one.id).batch.error_message == "Its one preview failed"


def test_a_page_without_images_fails_its_previews_clearly(pipeline, workspace):
    pipeline.images_per_page = 0
    info = create_batch(workspace, "alice", [{"url": urls(1)[0], "batch_size": 2}])
    wait_for(lambda: finished(workspace, info.id))
    p = list_previews(workspace, batch_id=info.id).items[0]
    assert p.status == "failed" and "No usable product image" in p.error_message


def test_transient_errors_retry_on_the_schedule_then_succeed(pipeline, workspace):
    pipeline.generation_errors = [TRANSIENT(), TRANSIENT()]
    info = create_batch(workspace, "alice", [{"url": urls(1)[0], "batch_size": 1}])
    pid = list_previews(workspace, batch_id=info.id).items[0].id
    seen = wait_for(lambda: _snapshot(pid) if _snapshot(pid)["status"] == "retrying" else None)
    assert seen["retry_count"] == 1 and "busy (HTTP 429)" in seen["error_message"]
    assert seen["next_retry_at"] > seen["updated_at"]
    wait_for(lambda: finished(workspace, info.id))
    final = _snapshot(pid)
    assert final["status"] == "done" and final["retry_count"] == 2 and final["error_message"] is None
    times = [t for _, _, t in pipeline.generated]
    assert len(times) == 3 and all(b - a >= 0.25 for a, b in zip(times, times[1:]))


def test_retries_run_out_into_a_clear_failure(pipeline, workspace):
    pipeline.generation_errors = [TRANSIENT() for _ in range(4)]
    info = create_batch(workspace, "alice", [{"url": urls(1)[0], "batch_size": 1}])
    wait_for(lambda: finished(workspace, info.id))
    p = list_previews(workspace, batch_id=info.id).items[0]
    assert p.status == "failed" and p.retry_count == 3
    assert p.error_message == "The image service is busy (HTTP 429) (gave up after 3 retries)"


def test_permanent_errors_fail_at_once(pipeline, workspace):
    pipeline.generation_errors = [PERMANENT()]
    info = create_batch(workspace, "alice", [{"url": urls(1)[0], "batch_size": 1}])
    wait_for(lambda: finished(workspace, info.id))
    p = list_previews(workspace, batch_id=info.id).items[0]
    assert p.status == "failed" and p.retry_count == 0 and "safety filter" in p.error_message


def test_cancel_mid_run_discards_the_running_result(pipeline, workspace):
    pipeline.block.clear()
    info = create_batch(workspace, "alice", [{"url": urls(1)[0], "batch_size": 3}])
    assert pipeline.started.wait(10)
    cancel_batch(workspace, info.id)
    pipeline.block.set()
    time.sleep(0.5)
    previews = list_previews(workspace, batch_id=info.id).items
    assert {p.status for p in previews} == {"cancelled"}
    assert all(p.prefill is None for p in previews)
    mine = [k for k in pipeline.storage.files if k.startswith(f"previews/{info.id}/")]
    assert mine == []  # the discarded backgrounds were removed
    assert batch_status(workspace, info.id) == "cancelled"


def test_the_rate_limit_holds_in_the_embedded_mode(pipeline, workspace, settings_env):
    settings_env(GENERATION_RATE_LIMIT="3/1s")
    info = create_batch(workspace, "alice", [{"url": u, "batch_size": 3} for u in urls(3)])
    wait_for(lambda: finished(workspace, info.id), timeout=90)
    starts = sorted(_started_at(workspace, info.id))
    assert len(starts) == 9
    for i, t in enumerate(starts):
        in_window = [s for s in starts[i:] if (s - t).total_seconds() < 1.0]
        assert len(in_window) <= 3
    assert (starts[-1] - starts[0]).total_seconds() >= 2.0


def test_the_reconciler_requeues_an_expired_lease(pipeline, workspace):
    pipeline.block.clear()
    info = create_batch(workspace, "alice", [{"url": urls(1)[0], "batch_size": 1}])
    pid = list_previews(workspace, batch_id=info.id).items[0].id
    assert pipeline.started.wait(10)
    # Simulate the worker dying: its lease lapses and nobody renews it.
    with unit_of_work() as s:
        s.execute(sa.update(Preview).where(Preview.id == pid).values(
            lease_owner="dead-host:1", lease_expires_at=dt.datetime.now(dt.timezone.utc) - dt.timedelta(seconds=1)))
    sends = reconcile()
    assert ("preview", (str(pid),), 0.0) in sends
    assert _snapshot(pid)["status"] == "queued"
    from actors.pipeline import send_all

    send_all(sends)
    pipeline.block.set()
    wait_for(lambda: finished(workspace, info.id))
    assert _snapshot(pid)["status"] == "done"
    # the first (dead) holder's late result must not produce a second done
    assert get_batch(workspace, info.id).batch.progress.done == 1


def _snapshot(pid):
    with unit_of_work() as s:
        p = s.get(Preview, pid)
        return {c: getattr(p, c) for c in ("status", "retry_count", "error_message", "next_retry_at", "updated_at")}


def _started_at(workspace, batch_id):
    with unit_of_work() as s:
        return s.scalars(sa.select(Preview.started_at).where(Preview.batch_id == batch_id)).all()



def test_the_database_says_what_each_item_is_doing(pipeline, workspace):
    pipeline.scrape_gate.clear()
    pipeline.block.clear()
    info = create_batch(workspace, "alice", [{"url": urls(1)[0], "batch_size": 1}])
    stage = wait_for(lambda: get_batch(workspace, info.id).sources[0].stage)
    assert stage == "fetching page"
    pipeline.scrape_gate.set()
    pid = wait_for(lambda: next((p.id for p in list_previews(workspace, batch_id=info.id).items if p.status == "running"), None))
    assert wait_for(lambda: _stage(pid) == "writing copy")  # the background finished first
    pipeline.block.set()
    wait_for(lambda: finished(workspace, info.id))
    assert _stage(pid) is None and get_batch(workspace, info.id).sources[0].stage is None


def _stage(pid):
    with unit_of_work() as s:
        return s.get(Preview, pid).stage
