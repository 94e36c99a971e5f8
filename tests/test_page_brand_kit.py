"""Brand kit page (AppTest): a live sample banner in the chosen format, save, re-render."""

from __future__ import annotations

import base64

from streamlit.testing.v1 import AppTest

from core.brand import get_kit
from tests.app_harness import ROOT, TIMEOUT, app_ws, texts  # noqa: F401

PAGE = "pages/brand_kit.py"


def open_page() -> AppTest:
    at = AppTest.from_file(str(ROOT / PAGE), default_timeout=TIMEOUT)
    at.run()
    assert not at.exception, at.exception
    return at


def sample_html(at: AppTest) -> str:
    """The sample banner's HTML (the page's one iframe, a data: URL)."""
    (frame,) = at.get("iframe")
    return base64.b64decode(frame.proto.src.split(",", 1)[1]).decode()


def test_editing_the_kit_changes_the_sample_banner_and_saving_keeps_it(app_ws):
    at = open_page()
    assert at.title[0].value == "Brand kit"
    at.text_input(key="brand_kit_legal").input("T&Cs apply.").run()
    at.text_area(key="brand_kit_cta").input("Get yours\nTreat yourself").run()
    at.selectbox(key="brand_kit_font").set_value("NotoSerif").run()
    at.toggle(key="brand_kit_use_colors").set_value(True).run()
    at.color_picker(key="brand_kit_button").pick("#aa0000").run()
    assert not at.exception, at.exception
    html = sample_html(at)
    assert "T&amp;Cs apply." in html and "Get yours" in html
    assert "background:#AA0000" in html and "'BrandFont'" in html
    at.selectbox(key="brand_kit_sample_format").set_value("iab_728x90").run()
    assert 'data-width="728" data-height="90"' in sample_html(at)
    at.button(key="brand_kit_save").click().run()
    assert not at.exception, at.exception
    kit = get_kit(app_ws)
    assert kit.legal == "T&Cs apply." and kit.cta_words == ["Get yours", "Treat yourself"]
    assert kit.font == "NotoSerif" and kit.colors["button"] == "#AA0000"


def test_a_bad_cta_phrase_is_reported_and_nothing_is_saved(app_ws):
    at = open_page()
    at.text_area(key="brand_kit_cta").input("x" * 30).run()
    assert "longer than 20 characters" in texts(at.error)
    # in the form's words, the limit in the label (a walk-through read "Invalid brand kit: cta_words: …")
    assert texts(at.error).startswith("The kit cannot be used yet: Call-to-action phrases: “xxx")
    assert "cta_words" not in texts(at.error) and "(30)" in texts(at.error)
    at.text_area(key="brand_kit_cta").input("x" * 30 + "\nShop now\n" + "y" * 25).run()
    assert "“yyyyyyyyyyyyyyyyyyyyyyyyy” (25) are longer than 20 characters" in texts(at.error)
    assert "up to 20 characters each" in at.text_area(key="brand_kit_cta").label
    assert at.button(key="brand_kit_save").disabled
    assert get_kit(app_ws).empty


def test_the_uploaders_say_the_limits_the_kit_applies(app_ws):
    # a walk-through: a 12 MB logo met "The logo is over 2 MB" under an uploader saying "15MB per file"
    at = open_page()
    limits = {u.proto.label: u.proto.max_upload_size_mb for u in at.get("file_uploader")}
    assert limits == {"Upload a logo (PNG or SVG)": 2, "Or upload a font (TTF or OTF)": 10}, limits


def test_the_sample_banner_has_a_stand_in_photo(app_ws):
    # a walk-through: the sample always showed a striped "Background image unavailable" panel
    html = sample_html(open_page())
    assert "Background image unavailable" not in html and "data:image/png;base64," in html


def test_re_rendering_says_which_reviewed_banners_need_a_new_review(app_ws):
    # a walk-through: "Re-render existing banners" cleared two approvals without a word
    from core.previews import list_previews
    from core.review import set_review
    from tests.factories import a_prefill, create_user_batch, set_preview_state

    batch = create_user_batch(app_ws, n_urls=1, batch_size=3, user="local")
    ids = [p.id for p in list_previews(app_ws, batch_id=batch.id).items]
    for pid in ids:
        set_preview_state(pid, "done", prefill=a_prefill())
    set_review(app_ws, ids[0], "approved", user="local")
    set_review(app_ws, ids[1], "rejected", user="local")
    at = open_page()
    at.text_input(key="brand_kit_legal").input("T&Cs apply.").run()
    at.button(key="brand_kit_rebrand").click().run()
    assert not at.exception, at.exception
    # a walk-through: one click rewrote 95 banners; it asks first, naming how many and the reviews
    assert "Re-render 3 finished banners of this workspace with the kit?" in texts(at.warning)
    assert "2 of them are approved or rejected and will need a new review" in texts(at.warning)
    assert [p.prefill.get("legal") or "" for p in list_previews(app_ws, batch_id=batch.id).items] == [""] * 3
    at.button(key="brand_kit_rebrand_no").click().run()  # Cancel: nothing changes, the question goes
    assert "with the kit?" not in texts(at.warning) and not [t.value for t in at.toast]
    assert [p.prefill.get("legal") or "" for p in list_previews(app_ws, batch_id=batch.id).items] == [""] * 3
    at.button(key="brand_kit_rebrand").click().run()
    at.button(key="brand_kit_rebrand_yes").click().run()
    assert not at.exception, at.exception
    assert "3 banners re-rendered with the kit" in [t.value for t in at.toast]
    assert "2 reviewed banners changed and need a new review" in texts(at.warning)
    at.button(key="brand_kit_rebrand").click().run()  # nothing left to change: nothing to say
    assert "reviewed banner" not in texts(at.warning)
    assert "No finished banner would change" in texts(at.info)


def test_re_render_with_nothing_to_change_still_saves_the_kit(app_ws):
    # a review: with no finished banner to change, the question closed and the kit the button's
    # help promises to save first was not saved
    at = open_page()
    at.text_input(key="brand_kit_legal").input("T&Cs apply.").run()
    at.button(key="brand_kit_rebrand").click().run()
    assert not at.exception, at.exception
    # a walk-through: "they already look like this kit" was said with no banner at all
    assert "There are no finished banners yet: new banners use this kit." in texts(at.info)
    assert "No finished banner would change" not in texts(at.info)
    assert get_kit(app_ws).legal == "T&Cs apply."


def test_a_yes_given_while_the_form_has_a_mistake_is_dropped(app_ws):
    # a review: the yes pressed in the same run as a mistake stayed set and re-rendered every
    # banner without asking once the form was fixed
    from core.previews import list_previews
    from tests.factories import a_prefill, create_user_batch, set_preview_state

    batch = create_user_batch(app_ws, n_urls=1, batch_size=2, user="local")
    for p in list_previews(app_ws, batch_id=batch.id).items:
        set_preview_state(p.id, "done", prefill=a_prefill())
    at = open_page()
    at.text_input(key="brand_kit_legal").input("T&Cs apply.").run()
    at.button(key="brand_kit_rebrand").click().run()
    assert "Re-render 2 finished banners" in texts(at.warning)
    at.session_state["brand_kit_rebrand_go"] = True  # the yes, landing with a mistake
    at.text_area(key="brand_kit_cta").input("x" * 30).run()
    assert "longer than 20 characters" in texts(at.error)
    at.text_area(key="brand_kit_cta").input("Get yours").run()  # fixed: nothing re-rendered unasked
    assert not [t.value for t in at.toast]
    assert [p.prefill.get("legal") or "" for p in list_previews(app_ws, batch_id=batch.id).items] == [""] * 2


def test_a_mistake_quoting_what_was_typed_shows_it_literally(app_ws):
    # a review: error messages quote the user's text, and it was read as markdown ("**Big**" bold)
    at = open_page()
    at.text_area(key="brand_kit_cta").input("**Big** deal for _you_ today").run()
    (error,) = at.error
    assert "\\*\\*Big\\*\\* deal for \\_you\\_ today" in error.value, error.value
