"""Home page (app.py's default page): running counts, rate-limit use, recent failures."""

from __future__ import annotations

from core.previews import list_previews
from db.base import utcnow
from tests.app_harness import app_ws, open_page, texts  # noqa: F401
from tests.factories import create_user_batch, set_preview_state


def test_home_says_what_to_do_when_nothing_ran_yet(app_ws):
    at = open_page()
    assert at.title[0].value == "CTA Batch Studio"
    assert [m.value for m in at.metric] == ["0", "0", "0", "0"]
    assert "No failed previews" in texts(at.caption)
    assert at.get("page_link")  # links to the other pages


def test_home_shows_running_counts_and_recent_failures_with_reasons(app_ws):
    from tests.stages import own_the_line

    own_the_line(and_window=True)  # earlier tests' starts in the shared database are not this one's
    batch = create_user_batch(app_ws, n_urls=1, batch_size=3, user="local")
    ps = list_previews(app_ws, batch.id).items
    set_preview_state(ps[0].id, "running", started_at=utcnow())
    set_preview_state(ps[1].id, "retrying")
    set_preview_state(ps[2].id, "failed", error_message="The product page answered 404")
    other = create_user_batch("someone-else", n_urls=1, batch_size=1)
    set_preview_state(list_previews("someone-else", other.id).items[0].id, "failed",
                      error_message="secret failure of another workspace")

    at = open_page()

    metrics = {m.label: m.value for m in at.metric}
    assert metrics == {"Pending": "0", "Queued": "0", "Running": "1", "Retrying": "1"}
    shown = texts(at.caption) + texts(at.markdown)
    assert "The product page answered 404" in shown
    assert "another workspace" not in shown
    assert "1 of 20 starts used" in shown
    assert at.get("vega_lite_chart")  # starts per minute over the last hour


def test_each_full_render_is_timed_into_the_render_log_when_configured(app_ws, settings_env,
                                                                       tmp_path):
    import json

    log = tmp_path / "renders.jsonl"
    settings_env(RENDER_TIMING_LOG=str(log))
    at = open_page()
    at.switch_page("pages/batches.py").run()
    lines = [json.loads(line) for line in log.read_text().splitlines()]
    assert [r["page"] for r in lines] == ["home", "batches"]
    assert all(0 < r["seconds"] < 60 and r["session"] for r in lines)


def test_no_render_log_is_written_by_default(app_ws, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    open_page()
    assert list(tmp_path.iterdir()) == []


def test_failure_reasons_are_shown_literally_not_as_markdown(app_ws):
    batch = create_user_batch(app_ws, n_urls=1, batch_size=1, user="local")
    set_preview_state(list_previews(app_ws, batch.id).items[0].id, "failed",
                      error_message="Bad [link](http://x) *bold* <b>")
    shown = texts(open_page().caption)
    assert r"Bad \[link\](http://x) \*bold\* \<b\>" in shown
    assert "[link](http://x)" not in shown


def test_the_variants_of_one_url_failing_alike_are_one_line(app_ws):
    # a walk-through saw the same 404 once per variant
    batch = create_user_batch(app_ws, n_urls=2, batch_size=3, user="local")
    ps = list_previews(app_ws, batch.id).items
    for p in ps:
        same_url = p.source_url == ps[0].source_url
        set_preview_state(p.id, "failed", error_message="Page answered 404" if same_url else "Timed out")
    at = open_page()
    lines = [m.value for m in at.markdown if m.value.startswith(f"**{batch.name}")]
    assert len(lines) == 2, lines
    assert all(line.endswith(" · 3 previews") for line in lines), lines


def test_a_failed_url_with_underscores_links_to_itself(app_ws):
    # a walk-through: "27_amazon-de….html" was auto-linked with its markdown escape, as
    # ".../27%5C_amazon…" (a 404)
    from core.batches import create_batch

    url = "https://shop.example.com/p/27_amazon-de_weleda_body-lotion.html"
    batch = create_batch(app_ws, "local", [{"url": url, "batch_size": 1}])
    set_preview_state(list_previews(app_ws, batch.id).items[0].id, "failed", error_message="HTTP 404")
    at = open_page()
    (line,) = [m.value for m in at.markdown if "27" in m.value and "weleda" in m.value]
    assert f"(<{url}>)" in line, line  # the link leads to the URL itself
    assert "\\_" in line.split("](")[0]  # the text shown is escaped, so it reads literally


def test_a_recent_batch_done_with_failures_says_so_as_its_badge_does(app_ws):
    from core.batches import try_finish_batch
    from db.engine import unit_of_work
    from db.repositories import batches as batch_repo

    b = create_user_batch(app_ws, n_urls=1, batch_size=2, user="local")
    with unit_of_work() as session:
        batch_repo.get(session, app_ws, b.id).status = "running"
    ps = list_previews(app_ws, b.id).items
    set_preview_state(ps[0].id, "done")
    set_preview_state(ps[1].id, "failed", error_message="HTTP 404")
    with unit_of_work() as session:
        assert try_finish_batch(session, b.id) == "done"
    at = open_page()
    labels = [link.proto.label for link in at.get("page_link")]
    assert any(label.endswith("· done · 1 failed") for label in labels), labels


def test_every_page_says_when_no_worker_process_is_running(app_ws, settings_env, redis_url, redis_prefix):
    # a walk-through in production mode: with the only worker stopped, batches sat "pending"
    # while Home, New batch and Previews looked fine and promised "under a minute"
    import json
    import time

    import redis

    from pages import ui

    settings_env(REDIS_URL=redis_url, REDIS_PREFIX=redis_prefix)
    ui._live_worker_count.clear()
    for page in (None, "pages/new_batch.py"):
        at = open_page(page)
        assert not at.exception, at.exception
        assert "No worker process is running" in texts(at.warning), page
    client = redis.Redis.from_url(redis_url)
    client.set(f"{redis_prefix}:workers:host:1", json.dumps({"at": time.time()}), ex=30)
    ui._live_worker_count.clear()
    at = open_page("pages/new_batch.py")
    assert "No worker process" not in texts(at.warning)
    settings_env(REDIS_URL="")  # embedded: the in-process worker, nothing to say
    client.delete(f"{redis_prefix}:workers:host:1")
    ui._live_worker_count.clear()
    assert "No worker process" not in texts(open_page(None).warning)


def test_a_failure_names_its_product_by_title_once_the_page_was_read(app_ws):
    # a walk-through: "Recent failures" showed raw URLs although the titles had been read
    from pages.ui import md_escape
    from tests.test_pages_previews import add_product

    batch = create_user_batch(app_ws, n_urls=2, batch_size=1, user="local")
    read, unread = (s["url"] for s in batch.sources)
    add_product(app_ws, batch, read, "Farm Fresh <b>Print</b>")
    for p in list_previews(app_ws, batch.id).items:
        set_preview_state(p.id, "failed", error_message="No usable product image was found")
    shown = texts(open_page().markdown)
    assert f"[{md_escape('Farm Fresh <b>Print</b>')}](<{read}>)" in shown  # the title, escaped, linked
    assert f"[{md_escape(read)}]" not in shown
    assert f"[{md_escape(unread)}](<{unread}>)" in shown  # no title read yet: the URL


def test_a_long_product_title_is_shortened_on_its_failure_line(app_ws):
    # the code review: scraped titles of hundreds of characters filled the failure line
    from pages.ui import md_escape
    from tests.test_pages_previews import add_product

    batch = create_user_batch(app_ws, n_urls=1, batch_size=1, user="local")
    url = batch.sources[0]["url"]
    add_product(app_ws, batch, url, "Lamp " * 60)
    set_preview_state(list_previews(app_ws, batch.id).items[0].id, "failed", error_message="x")
    shown = texts(open_page().markdown)
    assert f"[{md_escape(('Lamp ' * 60)[:99].rstrip() + '…')}](<{url}>)" in shown



def test_a_failure_line_counts_every_preview_that_failed_so(app_ws):
    """A walk-through: "Camisa Xadrez … · 2 previews" where all 10 of its previews had failed —
    the list took the last 10 failed previews and grouped them, cutting the last group short.
    The groups are counted in the query now, newest first."""
    import datetime as dt

    many = create_user_batch(app_ws, n_urls=1, batch_size=10, user="local")
    for p in list_previews(app_ws, many.id).items:
        set_preview_state(p.id, "failed", error_message="No usable product image was found",
                          finished_at=utcnow() - dt.timedelta(minutes=5))
    newer = create_user_batch(app_ws, n_urls=4, batch_size=2, user="local")
    for p in list_previews(app_ws, newer.id).items:
        set_preview_state(p.id, "failed", error_message="The product page answered 404")
    lines = [m.value for m in open_page().markdown if m.value.startswith(f"**{many.name}**")
             or m.value.startswith(f"**{newer.name}**")]
    assert [line.endswith("· 2 previews") for line in lines[:4]] == [True] * 4, lines  # the newer batch's URLs
    assert lines[4].startswith(f"**{many.name}**") and lines[4].endswith("· 10 previews"), lines


def test_every_page_says_when_the_work_queue_does_not_answer(app_ws, settings_env, redis_prefix):
    """A second walk-through stopped Redis: batches sat "pending" while every page looked fine."""
    import socket

    from pages import ui

    with socket.socket() as s:  # a port nothing listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    settings_env(REDIS_URL=f"redis://127.0.0.1:{port}/0", REDIS_PREFIX=redis_prefix)
    ui._live_worker_count.clear()
    try:
        for page in (None, "pages/new_batch.py"):
            at = open_page(page)
            assert not at.exception, at.exception
            assert "The work queue (Redis) does not answer" in texts(at.error), page
            assert "No worker process" not in texts(at.warning)
    finally:
        ui._live_worker_count.clear()
