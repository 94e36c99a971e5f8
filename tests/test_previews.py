"""Preview services: prefill editing (partial / whole, concurrent), cancel, retry."""

import threading

import pytest

from core.errors import ConflictError, ValidationError
from core.previews import cancel_preview, get_preview, list_previews, retry_preview, update_prefill
from core.batches import get_batch
from tests.factories import a_prefill, create_user_batch, set_preview_state


@pytest.fixture
def done_preview(db, workspace, sent):
    info = create_user_batch(workspace, 1, 2)
    p = list_previews(workspace, batch_id=info.id).items[0]
    set_preview_state(p.id, "done", prefill=a_prefill())
    return p.id


def test_a_partial_edit_changes_only_the_given_keys(workspace, done_preview):
    before = get_preview(workspace, done_preview).prefill
    new = update_prefill(workspace, done_preview, {"headline": "New headline", "colors": {"button": "#ff0000"}})
    assert new["headline"] == "New headline"
    assert new["colors"]["button"] == "#FF0000"
    assert new["colors"]["primary"] == before["colors"]["primary"]
    assert new["subtitle"] == before["subtitle"] and new["widgets"] == before["widgets"]
    stored = get_preview(workspace, done_preview)
    assert stored.prefill == new and stored.prefill_version == 1


def test_a_whole_replacement_drops_what_is_not_given(workspace, done_preview):
    new = update_prefill(workspace, done_preview, {"headline": "Only this", "cta_text": "Buy"}, replace=True)
    assert new["headline"] == "Only this" and new["subtitle"] == "" and new["widgets"] == []


@pytest.mark.parametrize("patch,message", [
    ({"headlien": "typo"}, "Unknown prefill field: headlien"),
    ({"headline": "x" * 41}, "headline: must have at most 40 characters"),
    ({"colors": {"text": "red"}}, "colors.text: must be a colour like #1A2B3C"),
    ({"generated_background_url": "javascript:alert(1)"}, "generated_background_url: must be an http(s) URL"),
    ({"widgets": [{"type": "rating", "value": 9}]}, "widgets.0.rating.value"),
    ({"widgets": [{"type": "price_badge", "price": "abc"}]}, "must be a decimal number"),
    ({}, "non-empty JSON object"),
    ("headline", "non-empty JSON object"),
])
def test_bad_edits_are_refused_clearly_and_change_nothing(workspace, done_preview, patch, message):
    before = get_preview(workspace, done_preview)
    with pytest.raises(ValidationError) as err:
        update_prefill(workspace, done_preview, patch)
    assert message in str(err.value)
    after = get_preview(workspace, done_preview)
    assert after.prefill == before.prefill and after.prefill_version == before.prefill_version


def test_an_unknown_field_does_not_hide_a_known_fields_problem(workspace, done_preview):
    # a walk-through: {"colors": {"button": "red"}, "bogus": 1} reported only "bogus"
    before = get_preview(workspace, done_preview)
    with pytest.raises(ValidationError) as err:
        update_prefill(workspace, done_preview, {"colors": {"button": "red"}, "bogus": 1})
    assert err.value.problems == ["bogus: is not a prefill field", "colors.button: must be a colour like #1A2B3C"]
    assert get_preview(workspace, done_preview).prefill == before.prefill


def test_a_whole_replacement_is_validated_too(workspace, done_preview):
    with pytest.raises(ValidationError, match="headline: is required"):
        update_prefill(workspace, done_preview, {"cta_text": "Buy"}, replace=True)


def test_concurrent_edits_of_different_keys_both_survive(workspace, done_preview):
    keys = {"headline": "Edited by A", "subtitle": "Edited by B", "cta_text": "Edited C",
            "visual_vibe": "edited by D"}
    start = threading.Barrier(len(keys))
    errors = []

    def edit(key, value):
        start.wait()
        try:
            update_prefill(workspace, done_preview, {key: value})
        except Exception as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=edit, args=kv) for kv in keys.items()]
    [t.start() for t in threads]
    [t.join() for t in threads]
    assert errors == []
    final = get_preview(workspace, done_preview)
    assert {k: final.prefill[k] for k in keys} == keys
    assert final.prefill_version == len(keys)


def test_an_unfinished_preview_cannot_be_edited(db, workspace, sent):
    info = create_user_batch(workspace, 1, 1)
    p = list_previews(workspace, batch_id=info.id).items[0]
    set_preview_state(p.id, "running")
    with pytest.raises(ConflictError, match="edit it once it has finished"):
        update_prefill(workspace, p.id, {"headline": "x"})


def test_cancel_and_retry_a_single_preview(db, workspace, sent):
    info = create_user_batch(workspace, 1, 2)
    a, b = list_previews(workspace, batch_id=info.id).items
    set_preview_state(a.id, "done", prefill=a_prefill())
    from db.engine import unit_of_work
    from db.models import Batch
    import sqlalchemy as sa

    with unit_of_work() as s:
        s.execute(sa.update(Batch).where(Batch.id == info.id).values(status="running"))
    assert cancel_preview(workspace, b.id).status == "cancelled"
    assert get_batch(workspace, info.id).batch.status == "done"  # last one became terminal
    with pytest.raises(ConflictError):
        cancel_preview(workspace, b.id)
    sent.clear()
    again = retry_preview(workspace, b.id)
    assert again.status == "pending" and ("source", (str(info.id), b.source_url)) in sent
    assert get_batch(workspace, info.id).batch.status == "running"
    with pytest.raises(ConflictError, match="only failed or cancelled"):
        retry_preview(workspace, a.id)


def test_list_previews_filters_by_status(db, workspace, sent):
    info = create_user_batch(workspace, 1, 3)
    ps = list_previews(workspace, batch_id=info.id).items
    set_preview_state(ps[0].id, "failed")
    assert [p.id for p in list_previews(workspace, status="failed").items] == [ps[0].id]
    with pytest.raises(ValidationError):
        list_previews(workspace, status="nope")


def test_a_batch_s_previews_are_listed_product_by_product_then_by_variant(db, workspace, sent):
    # a walk-through: GET …/previews/?bulk_task_id= listed oriflame 8, wayfair 2, sainsbury 2, 7, 8…
    from core.batches import create_batch

    given = [f"https://shop.example.com/{workspace}/{name}" for name in ("zebra", "apple", "mango")]
    info = create_batch(workspace, "alice", [{"url": u, "batch_size": 4} for u in given])
    listed = [(p.source_url, p.variant_index) for p in list_previews(workspace, batch_id=info.id).items]
    assert listed == [(u, v) for u in given for v in range(4)], listed
    # and page by page the same order, with small pages: the pages joined are that order
    seen, cursor = [], None
    while True:
        page = list_previews(workspace, batch_id=info.id, page_size=5, cursor=cursor)
        seen += [(p.source_url, p.variant_index) for p in page.items]
        cursor = page.next_cursor
        if not cursor:
            break
    assert seen == listed


def test_a_live_view_never_misses_a_change_landing_between_its_two_reads(
        db, workspace, sent, monkeypatch):
    """The previews page reads a signature (what a poll compares) and the batch (what it
    draws). A preview finishing between those reads must either be drawn already or make
    the next poll differ; otherwise the page shows "1/2 finished" for ever."""
    import core.previews as previews

    info = create_user_batch(workspace, 1, 2)
    ps = list_previews(workspace, batch_id=info.id).items
    set_preview_state(ps[0].id, "done", prefill=a_prefill())
    reads = []

    def between(real):
        def read(*args, **kwargs):
            result = real(*args, **kwargs)
            reads.append(real.__name__)
            if len(reads) == 1:  # the last preview finishes right after the first read
                set_preview_state(ps[1].id, "done", prefill=a_prefill())
            return result
        return read

    monkeypatch.setattr(previews, "get_batch", between(previews.get_batch))
    monkeypatch.setattr(previews, "previews_signature", between(previews.previews_signature))
    shown, detail = previews.watched_batch(workspace, info.id)
    assert sorted(reads) == ["get_batch", "previews_signature"]
    p = detail.batch.progress
    drawn_final = p.finished == p.total == 2
    next_poll_differs = previews.previews_signature(workspace, info.id) != shown
    assert drawn_final or next_poll_differs


def test_a_screen_redraws_only_for_its_own_previews_and_batch_wide_actions(db, workspace, sent):
    """A screen of one product's cards: a preview of another product finishing only moves
    the progress bar; one of its own, a failure anywhere (Retry N failed) or the first
    done preview anywhere (downloads) redraw it."""
    from core.previews import previews_signature, progress_of, screen_signature

    info = create_user_batch(workspace, 2, 2)
    ps = sorted(list_previews(workspace, batch_id=info.id).items,
                key=lambda p: (p.source_url, p.variant_index))
    mine, other = ps[0].source_url, ps[2].source_url
    assert mine != other == ps[3].source_url
    set_preview_state(ps[2].id, "done", prefill=a_prefill())  # something is done already

    def now():
        return previews_signature(workspace, info.id)

    before = now()
    shown = screen_signature(before, {mine})
    set_preview_state(ps[3].id, "running", stage="writing copy")  # elsewhere
    assert screen_signature(now(), {mine}) == shown
    assert screen_signature(now(), {mine, other}) != screen_signature(before, {mine, other})
    set_preview_state(ps[3].id, "done", prefill=a_prefill())
    assert screen_signature(now(), {mine}) == shown
    assert progress_of(now()).done == 2 and progress_of(before).done == 1
    set_preview_state(ps[1].id, "running", stage="generating background")  # on screen
    assert screen_signature(now(), {mine}) != shown


def test_failures_and_first_results_anywhere_redraw_every_screen(db, workspace, sent):
    from core.previews import previews_signature, screen_signature

    info = create_user_batch(workspace, 2, 1)
    a, b = list_previews(workspace, batch_id=info.id).items
    shown = screen_signature(previews_signature(workspace, info.id), {a.source_url})
    set_preview_state(b.id, "done", prefill=a_prefill())  # ZIP / CSV downloads appear
    after_done = screen_signature(previews_signature(workspace, info.id), {a.source_url})
    assert after_done != shown
    set_preview_state(b.id, "failed", error_message="quota")  # "Retry 1 failed" appears
    assert screen_signature(previews_signature(workspace, info.id), {a.source_url}) != after_done
