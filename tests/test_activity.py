"""The Home page's service: unfinished counts, starts per minute, recent failures."""

from __future__ import annotations

import datetime as dt

from core.activity import overview
from core.previews import list_previews
from db.base import utcnow
from tests.factories import create_user_batch, set_preview_state


def test_overview_counts_unfinished_previews_starts_and_failures(db, workspace, sent):
    batch = create_user_batch(workspace, n_urls=2, batch_size=3)
    other = create_user_batch("someone-else", n_urls=1, batch_size=2)
    ps = list_previews(workspace, batch.id).items
    now = utcnow()
    set_preview_state(ps[0].id, "running", started_at=now - dt.timedelta(seconds=20))
    set_preview_state(ps[1].id, "done", started_at=now - dt.timedelta(minutes=5))
    set_preview_state(ps[2].id, "failed", started_at=now - dt.timedelta(minutes=90),
                      error_message="The product page answered 404")
    set_preview_state(ps[3].id, "queued")
    for p in list_previews("someone-else", other.id).items:
        set_preview_state(p.id, "failed", started_at=now, error_message="not yours")

    o = overview(workspace, now=now)

    assert o.counts == {"pending": 2, "queued": 1, "running": 1, "retrying": 0}
    assert o.unfinished == 4
    assert len(o.starts_per_minute) == 60
    assert sum(n for _, n in o.starts_per_minute) == 2  # the 90-minute-old start is outside
    assert o.in_current_window == 1  # 20/m: only the start 20 s ago is in the window
    assert [f.preview.error_message for f in o.failures] == ["The product page answered 404"]
    assert o.failures[0].batch_name == batch.name


def test_recent_failures_are_grouped_by_product_and_reason_with_their_count(db, workspace, sent):
    """One line per product and reason, counted in the query (a walk-through saw "· 2 previews"
    where 10 had failed), newest first; a failure without a reason groups too; the other
    workspace's are never counted."""
    batch = create_user_batch(workspace, n_urls=2, batch_size=3)
    first, second = (s["url"] for s in batch.sources)
    now = utcnow()
    for n, p in enumerate(list_previews(workspace, batch.id).items):
        reason = None if p.source_url == second else ("Page answered 404" if n % 3 else "Timed out")
        set_preview_state(p.id, "failed", error_message=reason,
                          finished_at=now - dt.timedelta(minutes=10 if p.source_url == first else 1))
    other = create_user_batch("someone-else", n_urls=1, batch_size=2)
    for p in list_previews("someone-else", other.id).items:
        set_preview_state(p.id, "failed", error_message="Page answered 404")
    o = overview(workspace, now=now)
    got = [(f.preview.source_url, f.preview.error_message, f.count) for f in o.failures]
    assert got[0] == (second, None, 3)  # the newest group first
    assert sorted(got[1:], key=str) == sorted(
        [(first, m, sum(1 for p in list_previews(workspace, batch.id).items
                        if p.source_url == first and p.error_message == m))
         for m in {p.error_message for p in list_previews(workspace, batch.id).items if p.source_url == first}],
        key=str)
    assert sum(f.count for f in o.failures) == 6


def test_the_workspace_s_image_jobs_count_among_its_starts(db, workspace, sent):
    """Both pipelines start generations under the one limit: Home read "(0 by this workspace)"
    after two of its image jobs had used the window's starts (walk-through)."""
    from core.jobs import submit_job
    from db.engine import unit_of_work
    from db.models import GenerationJob

    now = utcnow()
    job = submit_job(workspace, "alice", "image", {"prompt": "A teal ceramic mug on a desk"})
    other = submit_job("someone-else", "bob", "image", {"prompt": "Not this workspace's start"})
    with unit_of_work() as session:
        for jid in (job.id, other.id):
            session.get(GenerationJob, jid).started_at = now - dt.timedelta(seconds=10)
    o = overview(workspace, now=now)
    assert o.in_current_window == 1 and sum(n for _, n in o.starts_per_minute) == 1


def test_failures_without_a_finish_time_do_not_take_the_newest_places(db, workspace, sent):
    """A review: the groups were sorted newest first without NULLS LAST: on PostgreSQL a failure
    with no finish time (an old row) took the first place before every dated one."""
    batches = [create_user_batch(workspace, n_urls=5, batch_size=1), create_user_batch(workspace, n_urls=1, batch_size=1)]
    now = utcnow()
    for n, p in enumerate(p for b in batches for p in list_previews(workspace, b.id).items):
        set_preview_state(p.id, "failed", error_message=f"Reason {n}")
        if n == 0:
            set_preview_state(p.id, "failed", error_message="Reason 0", finished_at=None)
        else:
            set_preview_state(p.id, "failed", error_message=f"Reason {n}", finished_at=now - dt.timedelta(minutes=n))
    o = overview(workspace, now=now)
    assert [f.preview.error_message for f in o.failures] == [f"Reason {n}" for n in range(1, 6)]
