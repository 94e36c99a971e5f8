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
