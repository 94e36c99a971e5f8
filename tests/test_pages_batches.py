"""Batches page: listing, filter, paging, progress, and the actions."""

from __future__ import annotations

from core.batches import get_batch, list_batches
from core.previews import list_previews
from tests.app_harness import app_ws, open_page, texts  # noqa: F401
from tests.factories import create_user_batch, set_preview_state

PAGE = "pages/batches.py"


def finish(workspace, batch, statuses):
    for p, status in zip(list_previews(workspace, batch.id).items, statuses):
        set_preview_state(p.id, status, error_message="Page answered 404" if status == "failed" else None)


def test_an_empty_workspace_says_how_to_start(app_ws):
    at = open_page(PAGE)
    assert "No batches yet" in texts(at.info)


def test_batches_are_listed_newest_first_with_progress_counts(app_ws):
    older = create_user_batch(app_ws, n_urls=1, batch_size=2, user="local")
    newer = create_user_batch(app_ws, n_urls=2, batch_size=2, user="local")
    finish(app_ws, newer, ["done", "running", "failed"])
    create_user_batch("someone-else", n_urls=1, batch_size=1)
    at = open_page(PAGE)
    names = [m.value for m in at.markdown if m.value.startswith("**Batch Task")]
    assert len(names) == 2  # the other workspace's batch is not shown
    bars = [m.value for m in at.markdown if " finished" in m.value and not m.value.startswith("<")]
    assert bars[0] == "2/4 finished · 1 done · 1 running · 1 pending · :red[1 failed]"
    assert bars[1] == "0/2 finished · 2 pending"
    assert at.button(key=f"cancel_{newer.id}") and at.button(key=f"retry_{newer.id}")
    assert not [b for b in at.button if b.key == f"retry_{older.id}"]


def test_the_status_filter_narrows_the_list(app_ws):
    running = create_user_batch(app_ws, n_urls=1, batch_size=1, user="local")
    done = create_user_batch(app_ws, n_urls=1, batch_size=1, user="local")
    finish(app_ws, done, ["cancelled"])
    at = open_page(PAGE)
    at.button(key=f"cancel_{done.id}").click().run()
    at.selectbox(key="batches_status").set_value("cancelled").run()
    assert not at.exception
    keys = {b.key for b in at.button}
    assert f"delete_{done.id}" in keys and f"delete_{running.id}" not in keys
    at.selectbox(key="batches_status").set_value("done").run()
    assert "No done batches" in texts(at.info)


def test_paging_walks_through_hundreds_of_batches(app_ws):
    for _ in range(30):
        create_user_batch(app_ws, n_urls=1, batch_size=1, user="local")
    at = open_page(PAGE)
    first = {b.key for b in at.button if b.key and b.key.startswith("delete_")}
    assert len(first) == 25
    at.button(key="batches_next").click().run()
    second = {b.key for b in at.button if b.key and b.key.startswith("delete_")}
    assert len(second) == 5 and not first & second
    at.button(key="batches_prev").click().run()
    assert {b.key for b in at.button if b.key and b.key.startswith("delete_")} == first


def test_cancel_retry_delete_and_clear_completed(app_ws, sent):
    a = create_user_batch(app_ws, n_urls=1, batch_size=2, user="local")
    b = create_user_batch(app_ws, n_urls=1, batch_size=2, user="local")
    at = open_page(PAGE)

    at.button(key=f"cancel_{a.id}").click().run()
    assert get_batch(app_ws, a.id).batch.status == "cancelled"

    with_failure = list_previews(app_ws, b.id).items
    set_preview_state(with_failure[0].id, "failed", error_message="Page answered 404")
    at.run()
    at.button(key=f"retry_{b.id}").click().run()
    assert not at.exception
    assert get_batch(app_ws, b.id).batch.progress.failed == 0

    at.button(key=f"delete_{b.id}").click().run()  # the popover's confirmation button
    assert [x.id for x in list_batches(app_ws).items] == [a.id]

    at.button(key="batches_clear").click().run()  # "Archive finished" → "Archive them"
    assert list_batches(app_ws).items == []
    assert [x.id for x in list_batches(app_ws, archived=True).items] == [a.id]


def test_a_button_for_an_action_no_longer_allowed_disappears(app_ws):
    a = create_user_batch(app_ws, n_urls=1, batch_size=1, user="local")
    at = open_page(PAGE)
    assert at.button(key=f"cancel_{a.id}")
    from core.batches import cancel_batch  # someone else cancels it meanwhile

    cancel_batch(app_ws, a.id)
    at.run()
    assert not [b for b in at.button if b.key == f"cancel_{a.id}"]
    assert ":gray-badge[:material/block: cancelled]" in texts(at.markdown)


def test_a_batch_error_is_shown_literally_not_as_markdown(app_ws):
    from db.engine import unit_of_work
    from db.models import Batch

    b = create_user_batch(app_ws, n_urls=1, batch_size=1, user="local")
    with unit_of_work() as session:
        session.get(Batch, b.id).error_message = "Bad [link](http://x) *bold* <b>"
    shown = texts(open_page(PAGE).caption)
    assert r"Bad \[link\](http://x) \*bold\* \<b\>" in shown
    assert "[link](http://x)" not in shown


def test_archive_then_show_archived_and_restore_with_a_toast_each(app_ws):
    """Issue 14 item 1: archiving keeps past work reachable (list filter, Previews picker)."""
    a = create_user_batch(app_ws, n_urls=1, batch_size=1, user="local")
    at = open_page(PAGE)
    at.button(key=f"archive_{a.id}").click().run()
    assert not at.exception
    assert "Archived" in texts(at.toast)
    assert list_batches(app_ws).items == []
    at.toggle(key="batches_archived").set_value(True).run()
    assert at.button(key=f"restore_{a.id}")
    at.button(key=f"restore_{a.id}").click().run()
    assert "Restored" in texts(at.toast)
    assert [b.id for b in list_batches(app_ws).items] == [a.id]
    from core.batches import archive_batch

    archive_batch(app_ws, a.id)
    picker = open_page("pages/previews.py")
    assert str(a.id) in picker.selectbox(key="previews_pick").options[0] or any(
        "archived" in o for o in picker.selectbox(key="previews_pick").options)


def test_rename_in_place_and_search_by_name_url_or_product(app_ws):
    """Issue 14 item 2: rename inline (escaped), search, products listed per batch."""
    import uuid

    from db.engine import unit_of_work
    from db.models import Product

    a = create_user_batch(app_ws, n_urls=1, batch_size=1, user="local")
    b = create_user_batch(app_ws, n_urls=1, batch_size=1, user="local")
    with unit_of_work() as s:
        s.add(Product(id=uuid.uuid4(), workspace=app_ws, url=b.sources[0]["url"],
                      title="Garden *hose* <i>30 m</i>", image_urls=[], ranked_image_urls=[]))
    at = open_page(PAGE)
    assert "Garden \\*hose\\* \\<i\\>30 m\\</i\\>" in texts(at.caption)  # products, escaped
    at.text_input(key=f"rename_text_{a.id}").input("Spring *sale*")
    at.button(key=f"rename_save_{a.id}").click().run()
    assert not at.exception
    assert get_batch(app_ws, a.id).batch.name == "Spring *sale*"
    assert "**Spring \\*sale\\***" in texts(at.markdown)
    assert "Renamed" in texts(at.toast)
    at.text_input(key=f"rename_text_{a.id}").input("   ")
    at.button(key=f"rename_save_{a.id}").click().run()
    assert "cannot be empty" in texts(at.error)
    # the list refreshes every few seconds while a batch runs: the error stays until the user acts again
    at.run()
    assert "cannot be empty" in texts(at.error)
    at.text_input(key=f"rename_text_{a.id}").input("Spring sale")
    at.button(key=f"rename_save_{a.id}").click().run()
    assert "cannot be empty" not in texts(at.error) and get_batch(app_ws, a.id).batch.name == "Spring sale"
    at.text_input(key=f"rename_text_{a.id}").input("Spring *sale*")
    at.button(key=f"rename_save_{a.id}").click().run()
    at.text_input(key="batches_search").input("GARDEN").run()
    assert {k.key for k in at.button if k.key and k.key.startswith("archive_")} == {f"archive_{b.id}"}
    at.text_input(key="batches_search").input("spring").run()
    assert {k.key for k in at.button if k.key and k.key.startswith("archive_")} == {f"archive_{a.id}"}
    at.text_input(key="batches_search").input("no-such-thing").run()
    assert "No batch matches" in texts(at.info)


def test_a_batch_done_with_failed_banners_says_so_in_its_badge(app_ws):
    # a walk-through saw a green "done" on a batch with 8 of 10 banners failed
    from core.batches import try_finish_batch
    from db.engine import unit_of_work
    from db.repositories import batches as batch_repo

    b = create_user_batch(app_ws, n_urls=1, batch_size=3, user="local")
    with unit_of_work() as session:  # the pipeline runs the batch, then its last preview ends it
        batch_repo.get(session, app_ws, b.id).status = "running"
    finish(app_ws, b, ["done", "failed", "failed"])
    with unit_of_work() as session:
        assert try_finish_batch(session, b.id) == "done"
    at = open_page(PAGE)
    md = texts(at.markdown)
    assert ":orange-badge[:material/warning: done · 2 failed]" in md, md
    assert ":green-badge" not in md
    at = open_page("pages/previews.py", batch=str(b.id))
    assert ":orange-badge[:material/warning: done · 2 failed]" in texts(at.markdown)


def test_after_cancel_no_other_action_takes_its_place_and_resume_picks_up(app_ws, sent):
    # a walk-through: after Cancel the row shifted and a second click archived the batch;
    # nor was there a way to resume a cancelled batch but one card at a time
    a = create_user_batch(app_ws, n_urls=1, batch_size=3, user="local")
    at = open_page(PAGE)

    def row_keys():
        return [x.key.rsplit("_", 1)[0] for x in at.button if x.key and x.key.endswith(str(a.id))]

    before = row_keys()
    assert before.index("cancel") == len(before) - 1  # the state's button comes last
    at.button(key=f"cancel_{a.id}").click().run()
    after = row_keys()
    assert after[: before.index("cancel")] == before[: before.index("cancel")]  # nothing moved
    assert after[-1] == "resume" and "archive" in after
    assert any(x.label == "Resume 3 cancelled" for x in at.button)
    sent.clear()
    # a second click on Cancel within seconds lands on Resume and must not resume (a second walk-through
    # resumed with clicks 1.5 s and 3 s later); it says so
    at.session_state[f"cancelled_at_{a.id}"] -= 3
    at.button(key=f"resume_{a.id}").click().run()
    assert not at.exception
    assert get_batch(app_ws, a.id).batch.status == "cancelled" and not sent
    assert "Not resumed" in texts(at.toast)
    assert any(x.label == "Resume 3 cancelled" for x in at.button)
    # pressed again, a click on Resume is meant
    at.button(key=f"resume_{a.id}").click().run()
    assert not at.exception
    detail = get_batch(app_ws, a.id)
    assert detail.batch.status in ("pending", "running") and detail.batch.progress.cancelled == 0
    assert len(sent) >= 1  # the pipeline was woken for them


def bar_parts(at) -> list[dict[str, float]]:
    """Each bar on the page: its coloured parts and their widths in per cent."""
    import re
    return [{name: float(width) for name, width in re.findall(r'ctabs-bar-(\w+)"[^>]*width:([\d.]+)%', m.value)}
            for m in at.markdown if m.value.startswith('<div class="ctabs-bar"')]


def test_the_bar_shows_how_previews_finished_not_only_that_they_did(app_ws):
    """An operator: a batch where every preview failed showed a full blue bar, the same as one
    where all went well. The bar now fills green for banners, red for failures, grey for
    cancelled, and leaves what still waits empty."""
    failed = create_user_batch(app_ws, n_urls=1, batch_size=2, user="local")
    finish(app_ws, failed, ["failed", "failed"])
    mixed = create_user_batch(app_ws, n_urls=1, batch_size=4, user="local")
    finish(app_ws, mixed, ["done", "failed", "cancelled", "running"])
    at = open_page(PAGE)
    assert not at.exception
    newest_first = bar_parts(at)
    assert newest_first[0] == {"done": 25.0, "failed": 25.0, "cancelled": 25.0}
    assert newest_first[1] == {"failed": 100.0}  # all red, no green
    assert 'aria-valuenow="2"' in [m.value for m in at.markdown if m.value.startswith('<div class="ctabs-bar"')][1]
