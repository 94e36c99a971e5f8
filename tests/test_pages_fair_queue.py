"""Issue 16 on the pages: place in line on queued previews and pending jobs, the New batch
estimate from the current queue, the queue per workspace and usage on Home and the batch page."""

from __future__ import annotations

from core.previews import list_previews
from tests.app_harness import app_ws, open_page, texts  # noqa: F401
from tests.factories import create_user_batch, set_preview_state
from tests.stages import own_the_line


def _queued(workspace, n_urls, size):
    batch = create_user_batch(workspace, n_urls=n_urls, batch_size=size, user="local")
    for p in list_previews(workspace, batch.id).items:
        set_preview_state(p.id, "queued", source_image_url="https://cdn.example.com/p.jpg")
    return batch


def test_queued_previews_show_their_place_and_home_the_line_per_workspace(app_ws):
    from core import usage

    own_the_line(and_window=True)  # earlier tests' recent starts would delay the ETAs shown
    other = _queued(f"{app_ws}-other", 2, 3)
    mine = _queued(app_ws, 1, 2)
    at = open_page("pages/previews.py", batch=str(mine.id))
    shown = texts(at.markdown)
    assert "in line · " in shown and ("#1 in line" in shown or "#2 in line" in shown), shown
    # Home: this workspace's line by name and the others' folded into one unnamed row (a
    # walk-through saw another workspace's name and queue on Home)
    p = list_previews(app_ws, mine.id).items[0]
    usage.record(usage.Call("gemini", "gemini-2.5-flash", "copy", input_tokens=1000, output_tokens=500),
                 latency_ms=800, outcome="ok", preview_id=str(p.id))
    at = open_page()
    table = at.dataframe[0].value
    assert dict(zip(table["workspace"], table["waiting"])) == {app_ws: 2, "other workspaces (1)": 6}
    assert f"{app_ws}-other" not in texts(at.caption) + texts(at.markdown)
    assert "Fair share" in texts(at.caption)
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Generation calls"] == "1" and metrics["Estimated cost"].startswith("$0.0015")
    # the batch page: its usage
    at = open_page("pages/previews.py", batch=str(mine.id))
    assert any(m.label == "Estimated cost" for m in at.metric)
    for b, ws in ((other, f"{app_ws}-other"), (mine, app_ws)):
        for q in list_previews(ws, b.id).items:
            set_preview_state(q.id, "cancelled")


def test_new_batch_estimates_from_the_current_queue(app_ws):
    from tests.test_pages_new_batch import PAGE, U1, edit_table

    own_the_line(and_window=True)  # earlier tests' recent starts would delay the ETAs shown
    other = _queued(f"{app_ws}-busy", 4, 5)  # 20 waiting in another workspace at 20/m
    at = edit_table(open_page(PAGE), {0: {"url": U1, "batch_size": 5}}, [])
    info = texts(at.info)
    assert "1 URL → 5 previews at 20/min" in info
    assert "from the current queue (20 items in the queue now, " in info, info
    for q in list_previews(f"{app_ws}-busy", other.id).items:
        set_preview_state(q.id, "cancelled")


def test_a_pending_media_job_shows_its_place(app_ws):
    from core.jobs import submit_job

    own_the_line(and_window=True)  # earlier tests' recent starts would delay the ETAs shown
    submit_job(app_ws, "local", "image", {"prompt": "A lemon on a table"})
    at = open_page("pages/media.py")
    assert "#1 in line · starting now" in texts(at.caption)


def test_home_s_rate_line_counts_every_workspace_s_starts(app_ws):
    # a walk-through: while another workspace used 20 of 20 starts, Home said "1 of 20 starts
    # used", counting only this workspace's against the limit every workspace shares
    from types import SimpleNamespace

    from core.settings import RateLimit
    from pages.home import rate_line

    o = SimpleNamespace(in_current_window=1, rate=RateLimit.parse("20/m"))
    line = rate_line(o, SimpleNamespace(starts_in_window=20))
    assert line.startswith("20 of 20 starts used in the current window (1 by this workspace)"), line
    assert "1 starts by this workspace" in rate_line(o, None)
