"""Previews page, review workflow (AppTest): approve / reject a card, the Review filter,
approve everything shown, regenerate with an instruction (queued, old banner kept),
swap to another ranked photo, history with undo, text fit in the edit form."""

from __future__ import annotations

import pytest

from core.previews import get_preview, list_previews, update_prefill
from tests.app_harness import app_ws, open_page, texts  # noqa: F401
from tests.factories import a_prefill, create_user_batch, set_preview_state
from tests.test_pages_previews import add_product

PAGE = "pages/previews.py"


@pytest.fixture
def done(app_ws):
    b = create_user_batch(app_ws, n_urls=1, batch_size=3, user="local")
    url = b.sources[0]["url"]
    add_product(app_ws, b, url, "Retro console")
    ps = sorted(list_previews(app_ws, b.id).items, key=lambda p: p.variant_index)
    for i, p in enumerate(ps):
        set_preview_state(p.id, "done", prefill=a_prefill(headline=f"Banner {i}"),
                          source_image_url=f"https://cdn.example.com/Retro console-0.jpg")
    return b, ps


def open_popover(at, key: str):
    """Open a card's popover (its content is drawn only while it is open)."""
    at.session_state[key] = True
    return at.run()


def test_approve_reject_and_the_review_filter(app_ws, done, sent):
    b, ps = done
    at = open_page(PAGE, batch=str(b.id))
    at.button(key=f"rapprove_{ps[0].id.hex}").click().run()
    assert not at.exception
    assert get_preview(app_ws, ps[0].id).review_status == "approved"
    assert "Approved" in texts(at.markdown)
    at.button(key=f"rreject_{ps[1].id.hex}").click().run()
    assert get_preview(app_ws, ps[1].id).review_status == "rejected"
    at.selectbox(key="previews_review").set_value("approved").run()
    cards = [k for k in (c.key for c in at.get("button")) if k and k.startswith("rreject_")]
    assert cards == [f"rreject_{ps[0].id.hex}"], cards
    at.selectbox(key="previews_review").set_value("unreviewed").run()
    at.button(key="review_approve_all").click().run()
    assert not at.exception
    assert {get_preview(app_ws, p.id).review_status for p in ps} == {"approved", "rejected"}
    assert get_preview(app_ws, ps[2].id).review_status == "approved"


def test_regenerate_with_an_instruction_keeps_the_banner_until_done(app_ws, done, sent):
    b, ps = done
    at = open_page(PAGE, batch=str(b.id))
    pid = ps[1].id
    open_popover(at, f"rregen_{pid.hex}")
    at.radio(key=f"regen_what_{pid.hex}").set_value("copy")
    at.text_input(key=f"regen_text_{pid.hex}").input("shorter headline")
    at.button(key=f"FormSubmitter:regen_form_{pid.hex}-Regenerate").click().run()
    assert not at.exception
    p = get_preview(app_ws, pid)
    assert p.status == "queued" and p.regenerating and p.prefill["headline"] == "Banner 1"
    assert ("preview", (str(pid),)) in sent
    assert "Regenerating" in texts(at.markdown)
    assert len(at.get("iframe")) == 3, "the regenerating card still shows its banner"


def test_swap_to_another_ranked_photo(app_ws, done, sent):
    b, ps = done
    at = open_page(PAGE, batch=str(b.id))
    pid = ps[0].id
    open_popover(at, f"rphoto_{pid.hex}")
    at.selectbox(key=f"photo_pick_{pid.hex}").set_value(2)
    at.button(key=f"FormSubmitter:photo_form_{pid.hex}-Use this photo and regenerate").click().run()
    assert not at.exception
    p = get_preview(app_ws, pid)
    assert p.status == "queued" and p.source_image_url.endswith("Retro console-2.jpg")


def test_history_shows_every_edit_and_undoes_to_any(app_ws, done):
    b, ps = done
    pid = ps[0].id
    update_prefill(app_ws, pid, {"headline": "Edited once"})
    update_prefill(app_ws, pid, {"headline": "Edited twice"})
    at = open_page(PAGE, batch=str(b.id))
    assert "Edited once" not in texts(at.markdown), "a closed popover draws nothing"
    open_popover(at, f"rhist_{pid.hex}")
    assert "Edited once" in texts(at.markdown) and "**v0** · Generated" in texts(at.markdown)
    at.button(key=f"hundo_{pid.hex}_0").click().run()
    assert not at.exception
    p = get_preview(app_ws, pid)
    assert p.prefill["headline"] == "Banner 0" and p.prefill_version == 3


def test_the_edit_form_tells_whether_the_text_fits(app_ws, done):
    b, ps = done
    p = ps[0]
    at = open_page(PAGE, batch=str(b.id))
    at.toggle(key=f"pedit_{p.id.hex}").set_value(True).run()
    assert "fit every banner size" in texts(at.success)
    version = get_preview(app_ws, p.id).prefill_version
    key = f"pf_{p.id.hex}_{version}"
    at.text_input(key=f"{key}_subtitle").input(("Mmmmmmmmmmmm " * 7)[:90])
    at.button(key=f"FormSubmitter:{key}_form-Check text fit").click().run()
    assert not at.exception
    warning = texts(at.warning)
    assert "does not fit" in warning and "square" in warning and "subtitle" in warning
    assert get_preview(app_ws, p.id).prefill["subtitle"] != ("Mmmmmmmmmmmm " * 7)[:90], \
        "checking the fit saves nothing"


def test_approved_downloads_are_off_until_something_is_approved(app_ws, done, sent):
    # a walk-through downloaded "…-approved.zip" holding the sentence "No banner of this batch
    # is approved yet": with nothing approved there is no file to give, and the button says why
    b, ps = done
    at = open_page(PAGE, batch=str(b.id))
    buttons = {e.proto.label: e.proto for e in at.get("download_button")}
    assert buttons["Approved ZIP"].disabled and buttons["Approved CSV"].disabled, buttons
    assert "Nothing is approved yet" in buttons["Approved ZIP"].help
    at.button(key=f"rapprove_{ps[0].id.hex}").click().run()
    buttons = {e.proto.label: e.proto for e in at.get("download_button")}
    assert not buttons["Approved ZIP"].disabled and not buttons["Approved CSV"].disabled
    assert "The 1 approved banner only" in buttons["Approved ZIP"].help


def test_approve_all_asks_first_when_some_banners_are_on_other_screens(app_ws):
    # a walk-through: "Approve all shown" beside "Previews 1–24 of 30" approved 30, six of
    # them never seen
    b = create_user_batch(app_ws, n_urls=3, batch_size=10, user="local")
    ps = list_previews(app_ws, b.id, page_size=50).items
    for p in ps:
        set_preview_state(p.id, "done", prefill=a_prefill(headline="Banner"))
    at = open_page(PAGE, batch=str(b.id))
    assert not at.exception
    # not one click: a confirmation that says so (the button is inside it)
    assert "Approve all 30…" in [p.proto.popover.label for p in at.get("popover")]
    assert "the filters match 6 more than this screen shows" in texts(at.markdown)
    assert {get_preview(app_ws, p.id).review_status for p in ps} == {None}
    at.button(key="review_approve_all").click().run()
    assert {get_preview(app_ws, p.id).review_status for p in ps} == {"approved"}
    assert "30 banners approved" in texts(at.toast) + texts(at.markdown) + texts(at.success)


def test_approve_all_asks_first_when_it_would_overturn_a_rejection(app_ws, done, sent):
    # a walk-through: a banner rejected a moment before was approved by "Approve all 6", unasked
    b, ps = done
    at = open_page(PAGE, batch=str(b.id))
    assert "review_approve_all" in {x.key for x in at.button}  # nothing decided: one click
    at.button(key=f"rreject_{ps[0].id.hex}").click().run()
    assert get_preview(app_ws, ps[0].id).review_status == "rejected"
    labels = [p.proto.popover.label for p in at.get("popover")]
    assert any(label.startswith("Approve all") and label.endswith("…") for label in labels), labels
    assert "1 of them is rejected now and would be approved" in texts(at.markdown)
    assert get_preview(app_ws, ps[0].id).review_status == "rejected"  # nothing decided yet
    at.button(key="review_approve_all").click().run()
    assert get_preview(app_ws, ps[0].id).review_status == "approved"


def test_an_undo_made_here_with_the_editor_open_is_not_called_a_change_made_elsewhere(app_ws, done):
    """A review: this user's own Undo (or Regenerate, or a new photo) with the editor open left the
    form on the old copy, saying the banner was "changed elsewhere"."""
    b, ps = done
    pid = ps[0].id
    update_prefill(app_ws, pid, {"headline": "Edited once"})  # version 1
    at = open_page(PAGE, batch=str(b.id))
    at.toggle(key=f"pedit_{pid.hex}").set_value(True).run()
    open_popover(at, f"rhist_{pid.hex}")
    at.button(key=f"hundo_{pid.hex}_0").click().run()
    assert not at.exception
    assert get_preview(app_ws, pid).prefill_version == 2
    assert "changed elsewhere" not in texts(at.warning), texts(at.warning)
    assert at.text_input(key=f"pf_{pid.hex}_2_headline").value == "Banner 0"  # the form shows the undone copy
