"""Previews page: URL-addressed batch, grouping by product, statuses, actions, filters,
inline editing (partial and whole), downloads."""

from __future__ import annotations

import dataclasses

import base64
import datetime as dt
import uuid
from decimal import Decimal

import pytest

import pages.prefill_form
from core.previews import get_preview, list_previews
from db.base import utcnow
from db.engine import unit_of_work
from db.models import Preview, Product
from tests.app_harness import app_ws, headers, open_page, texts  # noqa: F401
from tests.factories import a_prefill, create_user_batch, set_preview_state

PAGE = "pages/previews.py"


def banner_htmls(at) -> list[str]:
    """The HTML documents inside the banner iframes (data: URLs)."""
    out = []
    for el in at.get("iframe"):
        src = el.proto.src
        assert src.startswith("data:text/html;base64,")
        out.append(base64.b64decode(src.split(",", 1)[1]).decode())
    return out


def add_product(workspace, batch, url, title, price="24.99"):
    with unit_of_work() as session:
        product = Product(
            id=uuid.uuid4(), workspace=workspace, url=url, title=title, price=Decimal(price),
            currency="EUR", image_urls=[], ranking_method="heuristic",
            ranked_image_urls=[f"https://cdn.example.com/{title}-{i}.jpg" for i in range(3)],
        )
        session.add(product)
        session.flush()
        for p in session.query(Preview).filter_by(batch_id=batch.id, source_url=url):
            p.product_id = product.id
        return product.id


@pytest.fixture
def batch(app_ws):
    """2 URLs × 2: one product done+failed, the other running+retrying."""
    b = create_user_batch(app_ws, n_urls=2, batch_size=2, user="local")
    urls = [s["url"] for s in b.sources]
    add_product(app_ws, b, urls[0], "Retro console")
    add_product(app_ws, b, urls[1], "Arcade stick", "49.00")
    ps = sorted(list_previews(app_ws, b.id).items, key=lambda p: (urls.index(p.source_url),
                                                                   p.variant_index))
    set_preview_state(ps[0].id, "done", prefill=a_prefill(), prefill_version=1)
    set_preview_state(ps[1].id, "failed", error_message="Image generation failed: quota",
                      retry_count=3, failures=3)
    set_preview_state(ps[2].id, "running", stage="generating background · writing copy",
                      started_at=utcnow())
    set_preview_state(ps[3].id, "retrying", retry_count=1,
                      next_retry_at=utcnow() + dt.timedelta(minutes=5))
    return b, ps


def test_without_a_batch_the_page_offers_recent_batches(app_ws, batch):
    at = open_page(PAGE)
    assert at.selectbox(key="previews_pick")
    at.selectbox(key="previews_pick").set_value(str(batch[0].id)).run()
    assert at.title[0].value == batch[0].name


def test_without_any_batch_the_page_says_how_to_start(app_ws):
    assert "No batches yet" in texts(open_page(PAGE).info)


@pytest.mark.parametrize("bad", ["not-a-uuid", str(uuid.uuid4())])
def test_an_unknown_batch_is_reported(app_ws, bad):
    at = open_page(PAGE, batch=bad)
    assert "does not exist in your workspace" in texts(at.error)


def test_another_workspaces_batch_is_not_shown(app_ws):
    theirs = create_user_batch("someone-else", n_urls=1, batch_size=1)
    at = open_page(PAGE, batch=str(theirs.id))
    assert "does not exist in your workspace" in texts(at.error)


def test_previews_are_grouped_by_product_with_status_stage_error_and_retries(app_ws, batch):
    b, ps = batch
    at = open_page(PAGE, batch=str(b.id))
    assert at.title[0].value == b.name
    assert headers(at) == ["Retro console · 24.99 EUR", "Arcade stick · 49.00 EUR"]
    # the shop's title set apart from the price (an Arabic title took the price into its order)
    assert at.subheader[0].value == "\u2068Retro console\u2069 · 24.99 EUR"
    shown = texts(at.markdown) + texts(at.caption)
    assert "running · generating background · writing copy" in shown
    assert "Image generation failed: quota" in shown
    assert "failed 3×" in shown and "next try in 5 min" in shown  # failed tries, not the schedule's place
    assert "ranked by a heuristic" in shown
    assert len(at.get("image")) == 6  # ranked product images: 3 small ones beside each product
    (html,) = banner_htmls(at)  # only the done preview has a banner
    assert "Retro console, 620 games" in html
    keys = {x.key for x in at.button}
    assert {f"pcancel_{ps[2].id.hex}", f"pcancel_{ps[3].id.hex}", f"pretry_{ps[1].id.hex}"} <= keys
    assert {d.key for d in at.get("download_button")} >= {
        f"png_{ps[0].id.hex}", f"html_{ps[0].id.hex}", "batch_zip", "batch_csv"}


def test_filters_by_status_and_product(app_ws, batch):
    b, ps = batch
    at = open_page(PAGE, batch=str(b.id))
    at.selectbox(key="previews_status").set_value("failed").run()
    assert headers(at) == ["Retro console · 24.99 EUR"]
    assert len(at.get("iframe")) == 0
    at.selectbox(key="previews_status").set_value("All")
    at.selectbox(key="previews_product").set_value(str(ps[2].product_id)).run()
    assert headers(at) == ["Arcade stick · 49.00 EUR"]


def test_cancel_and_retry_one_preview(app_ws, batch, sent):
    b, ps = batch
    at = open_page(PAGE, batch=str(b.id))
    at.button(key=f"pcancel_{ps[2].id.hex}").click().run()
    assert get_preview(app_ws, ps[2].id).status == "cancelled"
    at.button(key=f"pretry_{ps[1].id.hex}").click().run()
    assert not at.exception
    assert get_preview(app_ws, ps[1].id).status in ("queued", "pending")


def test_a_retrying_preview_can_be_tried_now(app_ws, batch, sent):
    # a walk-through: "next try in 15 min" and no way to try sooner; only Cancel was offered
    b, ps = batch
    at = open_page(PAGE, batch=str(b.id))
    assert f"pnow_{ps[2].id.hex}" not in {x.key for x in at.button}  # running: nothing to try
    sent.clear()
    at.button(key=f"pnow_{ps[3].id.hex}").click().run()
    assert not at.exception
    after = get_preview(app_ws, ps[3].id)
    assert after.status == "retrying" and after.next_retry_at <= utcnow()
    assert sent and "Trying again now" in [t.proto.body for t in at.toast]


@pytest.fixture
def updates(monkeypatch):
    """Record what the page sends to update_prefill (then let it through)."""
    calls = []
    real = pages.prefill_form.update_prefill

    def spy(workspace, preview_id, patch, replace=False, **kw):
        calls.append((patch, replace))
        return real(workspace, preview_id, patch, replace=replace, **kw)

    monkeypatch.setattr(pages.prefill_form, "update_prefill", spy)
    return calls


def open_editor(b, p):
    at = open_page(PAGE, batch=str(b.id))
    at.toggle(key=f"pedit_{p.id.hex}").set_value(True).run()
    assert not at.exception
    return at


def field(p, name, version=1):
    return f"pf_{p.id.hex}_{version}_{name}"


def test_editing_saves_only_the_changed_keys_and_rerenders_the_banner(app_ws, batch, updates):
    b, ps = batch
    at = open_editor(b, ps[0])
    at.text_input(key=field(ps[0], "headline")).set_value("Play 620 games tonight")
    at.color_picker(key=field(ps[0], "color_button")).set_value("#FF0000")
    at.button(key=f"FormSubmitter:{field(ps[0], 'form')}-Save changes").click().run()
    assert not at.exception, at.exception
    assert updates == [({"headline": "Play 620 games tonight",
                         "colors": {"button": "#FF0000"}}, False)]
    saved = get_preview(app_ws, ps[0].id)
    assert saved.prefill_version == 2 and saved.prefill["subtitle"] == a_prefill()["subtitle"]
    assert "Play 620 games tonight" in banner_htmls(at)[0]


def test_editing_the_widget_list(app_ws, batch, updates):
    b, ps = batch
    at = open_editor(b, ps[0])
    at.session_state[field(ps[0], "widgets")] = {
        "edited_rows": {}, "deleted_rows": [],
        "added_rows": [{"type": "discount", "percent": 20}, {"type": "badge", "text": "New"}]}
    at.run()
    at.button(key=f"FormSubmitter:{field(ps[0], 'form')}-Save changes").click().run()
    (patch, replace), = updates
    assert list(patch) == ["widgets"] and not replace
    assert [w["type"] for w in get_preview(app_ws, ps[0].id).prefill["widgets"]] == [
        "price_badge", "discount", "badge"]


def test_an_invalid_edit_is_explained_in_the_form_and_nothing_is_saved(app_ws, batch):
    b, ps = batch
    at = open_editor(b, ps[0])
    at.text_input(key=field(ps[0], "cta_text")).set_value("")
    at.button(key=f"FormSubmitter:{field(ps[0], 'form')}-Save changes").click().run()
    # in the form's words (the field's label), not the API's field name
    assert "Button text: must not be empty" in texts(at.error), texts(at.error)
    assert "cta_text" not in texts(at.error)
    assert get_preview(app_ws, ps[0].id).prefill_version == 1


def test_several_problems_are_headed_by_their_count_in_the_form_s_words(app_ws, batch):
    # a walk-through: a box headed "Button text:" listing "Button text: …" and "cta_url: …"
    b, ps = batch
    at = open_editor(b, ps[0])
    at.text_input(key=field(ps[0], "cta_text")).set_value("")
    at.text_input(key=field(ps[0], "cta_url")).set_value("javascript:alert(1)")
    at.button(key=f"FormSubmitter:{field(ps[0], 'form')}-Save changes").click().run()
    shown = texts(at.error)
    assert shown.startswith("2 problems:"), shown
    assert "Button link: must be" in shown and "cta_url" not in shown


def test_an_edit_made_elsewhere_meanwhile_neither_loses_the_save_nor_is_undone(app_ws, batch):
    """A walk-through (HIGH): with the editor open, a colleague changed the headline; Save then did
    nothing at all — the form's keys moved with the live version, the pressed form was gone —
    and the typed subtitle was lost without a word. Now the form stays on the version it was
    opened with, says the banner changed, and saves only what was changed here: both edits live."""
    from core.previews import update_prefill

    b, ps = batch
    at = open_editor(b, ps[0])
    update_prefill(app_ws, ps[0].id, {"headline": "Changed by a colleague"})  # version 2
    at.run()  # e.g. the page's live poll redraws it
    assert "changed elsewhere" in texts(at.warning), texts(at.warning)
    at.text_input(key=field(ps[0], "subtitle")).set_value("Typed here meanwhile")
    at.button(key=f"FormSubmitter:{field(ps[0], 'form')}-Save changes").click().run()
    assert not at.exception, at.exception
    saved = get_preview(app_ws, ps[0].id)
    assert saved.prefill["subtitle"] == "Typed here meanwhile"
    assert saved.prefill["headline"] == "Changed by a colleague"  # not put back to what the form showed
    assert saved.prefill_version == 3
    assert "changed elsewhere" not in texts(at.warning)  # the form opens the saved version


def test_a_whole_replace_on_an_older_version_is_refused_in_words(app_ws, batch):
    from core.previews import update_prefill

    b, ps = batch
    at = open_editor(b, ps[0])
    update_prefill(app_ws, ps[0].id, {"headline": "Changed by a colleague"})
    at.run()
    at.text_area(key=field(ps[0], "json")).set_value('{"headline": "Mine", "cta_text": "Buy"}')
    at.button(key=f"FormSubmitter:{field(ps[0], 'json_form')}-Replace the whole prefill").click().run()
    assert "Nothing was saved" in texts(at.error), texts(at.error)
    assert get_preview(app_ws, ps[0].id).prefill["headline"] == "Changed by a colleague"
    at.button(key=f"pf_latest_{ps[0].id.hex}").click().run()  # "Show the latest"
    assert at.text_input(key=field(ps[0], "headline", version=2)).value == "Changed by a colleague"


def test_a_card_without_a_banner_offers_no_editor(app_ws, batch):
    # a walk-through opened Edit on a failed card: an empty form that "fits" and cannot save
    from tests.factories import set_preview_state

    b, ps = batch
    set_preview_state(ps[1].id, "failed", prefill=None)
    at = open_page(PAGE, batch=str(b.id))
    keys = {t.key for t in at.toggle}
    assert f"pedit_{ps[0].id.hex}" in keys and f"pedit_{ps[1].id.hex}" not in keys


def test_an_unchanged_form_saves_nothing(app_ws, batch, updates):
    b, ps = batch
    at = open_editor(b, ps[0])
    at.button(key=f"FormSubmitter:{field(ps[0], 'form')}-Save changes").click().run()
    assert "Nothing changed" in texts(at.info) and updates == []


def test_the_whole_prefill_can_be_replaced_as_json(app_ws, batch, updates):
    b, ps = batch
    at = open_editor(b, ps[0])
    at.text_area(key=field(ps[0], "json")).set_value(
        '{"headline": "Brand new", "cta_text": "Buy", "colors": {"button": "#00AA00"}}')
    at.button(key=f"FormSubmitter:{field(ps[0], 'json_form')}-Replace the whole prefill").click()
    at.run()
    assert not at.exception
    assert updates[0][1] is True
    saved = get_preview(app_ws, ps[0].id).prefill
    assert saved["headline"] == "Brand new" and saved["widgets"] == []
    assert "Brand new" in banner_htmls(at)[0]


@pytest.mark.parametrize("text, message", [
    ('{"headline": "x",', "The JSON is not valid"),
    ('{"headline": "x", "cta_text": "y", "colour": "#fff"}', "colour: is not a prefill field"),
    ('{"headline": "' + "x" * 41 + '", "cta_text": "Buy"}', "headline: must have at most 40"),
])
def test_an_invalid_json_prefill_is_refused_with_the_reason(app_ws, batch, text, message):
    b, ps = batch
    at = open_editor(b, ps[0])
    at.text_area(key=field(ps[0], "json")).set_value(text)
    at.button(key=f"FormSubmitter:{field(ps[0], 'json_form')}-Replace the whole prefill").click()
    at.run()
    assert message in texts(at.error)
    assert get_preview(app_ws, ps[0].id).prefill_version == 1


def test_previews_that_finish_meanwhile_show_their_banners(app_ws, batch):
    # AppTest never fires run_every: the browser test covers the live refresh itself.
    b, ps = batch
    at = open_page(PAGE, batch=str(b.id))
    for p in ps[2:]:
        set_preview_state(p.id, "done", prefill=a_prefill(headline="Second"), prefill_version=1)
    at.run()
    assert len(banner_htmls(at)) == 3


def variants_shown(at) -> list[str]:
    return [m.value.split("**")[1] for m in at.markdown if m.value.startswith("**Variant ")]


@pytest.fixture
def big_batch(app_ws):
    """3 URLs × 10 = 30 previews, all still pending."""
    return create_user_batch(app_ws, n_urls=3, batch_size=10, user="local")


def test_a_long_batch_is_shown_a_screen_at_a_time(app_ws, big_batch):
    at = open_page(PAGE, batch=str(big_batch.id))
    assert len(variants_shown(at)) == 24
    assert "Previews **1–24** of 30 · page 1 of 2" in texts(at.markdown)
    assert at.button(key="grid_prev").disabled and not at.button(key="grid_next").disabled
    # in source order: the first URL's 10 variants, then the second's, ...
    assert variants_shown(at)[:11] == [f"Variant {i}" for i in range(1, 11)] + ["Variant 1"]
    at.button(key="grid_next").click().run()
    assert at.query_params["page"] == "2"
    assert len(variants_shown(at)) == 6
    assert "Previews **25–30** of 30 · page 2 of 2" in texts(at.markdown)
    assert at.button(key="grid_next").disabled
    # everything on one screen when asked
    at.selectbox(key="previews_per_page").set_value("All").run()
    assert len(variants_shown(at)) == 30
    assert "grid_next" not in {b.key for b in at.button}


def test_a_batch_over_one_service_page_is_shown_and_counted_whole(app_ws, settings_env):
    # the code review: the page read one service page of 500, so a batch of 51 URLs × 10
    # (MAX_URLS_PER_BATCH raised) showed "of 500" and its last product never appeared
    settings_env(MAX_URLS_PER_BATCH="60")
    b = create_user_batch(app_ws, n_urls=51, batch_size=10, user="local")
    at = open_page(PAGE, batch=str(b.id), page="22")
    assert "Previews **505–510** of 510 · page 22 of 22" in texts(at.markdown)
    assert len(variants_shown(at)) == 6


@pytest.mark.parametrize("page,first", [("2", 25), ("99", 25), ("zero", 1), ("-3", 1)])
def test_the_grid_page_comes_from_the_url_and_is_kept_in_range(app_ws, big_batch, page, first):
    at = open_page(PAGE, batch=str(big_batch.id), page=page)
    assert not at.exception
    assert f"Previews **{first}–" in texts(at.markdown)


def test_changing_a_filter_goes_back_to_the_first_screen(app_ws, big_batch):
    at = open_page(PAGE, batch=str(big_batch.id), page="2")
    at.selectbox(key="previews_status").set_value("pending").run()
    assert at.query_params["page"] == "1"
    assert "Previews **1–24** of 30" in texts(at.markdown)


def test_cards_per_screen_come_from_the_url_and_go_back_into_it(app_ws, big_batch):
    at = open_page(PAGE, batch=str(big_batch.id), per_page="all")
    assert len(variants_shown(at)) == 30
    at.selectbox(key="previews_per_page").set_value(24).run()
    assert at.query_params["per_page"] == "24" and len(variants_shown(at)) == 24


def test_the_pager_is_repeated_below_the_cards(app_ws, big_batch):
    at = open_page(PAGE, batch=str(big_batch.id))
    assert texts(at.markdown).count("Previews **1–24** of 30") == 2
    at.button(key="grid_next_bottom").click().run()
    assert at.query_params["page"] == "2" and len(variants_shown(at)) == 6
    at.button(key="grid_prev_bottom").click().run()
    assert at.query_params["page"] == "1" and len(variants_shown(at)) == 24


def test_error_messages_are_shown_literally_not_as_markdown(app_ws, batch):
    b, ps = batch
    set_preview_state(ps[1].id, "failed", error_message="Bad [link](http://x) *bold* <b>")
    at = open_page(PAGE, batch=str(b.id))
    shown = texts(at.markdown)
    assert r":red[Bad \[link\](http://x) \*bold\* \<b\>]" in shown
    assert "[link](http://x)" not in shown


def test_banners_are_warmed_on_the_pool_once_per_content(monkeypatch, app_ws):
    """A watched page reruns every few seconds: its already-rendered banners skip the
    thread pool; a banner whose prefill changed (an edit) is rendered again."""
    import dataclasses

    from pages import preview_card

    b = create_user_batch(app_ws, n_urls=1, batch_size=6, user="local")
    for i, p in enumerate(list_previews(app_ws, b.id).items):
        set_preview_state(p.id, "done", prefill=a_prefill(headline=f"Warm {i}"),
                          prefill_version=1, finished_at=utcnow())
    previews = list_previews(app_ws, b.id).items
    rendered = []

    class Recording:  # the pool's interface, run inline, counting what is submitted
        def map(self, fn, items):
            items = list(items)
            rendered.extend(item[0].prefill["headline"] for item in items)
            return map(fn, items)

    monkeypatch.setattr(preview_card, "_POOL", Recording())
    monkeypatch.setattr(preview_card, "_WARMED", {})
    preview_card.warm_banners(previews, "square")
    assert sorted(rendered) == [f"Warm {i}" for i in range(6)]
    preview_card.warm_banners(previews, "square")  # the next run of the page
    assert len(rendered) == 6
    edited = [dataclasses.replace(p, prefill=a_prefill(headline=f"Edited {i}"))
              for i, p in enumerate(previews[:4])]
    preview_card.warm_banners(edited + previews[4:], "square")
    assert sorted(rendered[6:]) == [f"Edited {i}" for i in range(4)]
    preview_card.warm_banners(previews, "landscape")  # another size: other banners
    assert len(rendered) == 16
    assert all(preview_card.banner_src(p, "square").startswith("data:text/html;base64,")
               for p in previews)


SHOPIFY = "https://shop.example.com/products/very-long-product-handle-name?variant="


@pytest.mark.parametrize("with_products", [False, True], ids=["scraping", "scraped"])
def test_urls_sharing_a_long_prefix_each_get_their_own_group(app_ws, with_products):
    """Two Shopify variants of one product page slug to the same first 40 characters; the
    page keyed its product groups by that slug and crashed (StreamlitDuplicateElementKey).
    Keys are built from the full URL's digest, so every group is its own."""
    from core.batches import create_batch

    urls = [f"{SHOPIFY}111", f"{SHOPIFY}222"]
    b = create_batch(app_ws, "local", [{"url": u, "batch_size": 1} for u in urls])
    if with_products:
        add_product(app_ws, b, urls[0], "Handle in red")
        add_product(app_ws, b, urls[1], "Handle in blue")
    at = open_page(PAGE, batch=str(b.id))  # asserts the page ran without an exception
    headers = texts(at.subheader)
    for i, url in enumerate(urls):
        if with_products:
            assert ["Handle in red", "Handle in blue"][i] in headers
        else:  # a page not read yet: its short address, which keeps the ?variant= apart
            assert f"shop.example.com › products › very long product handle n… ?variant={url[-3:]}" in headers
    for p in list_previews(app_ws, b.id).items:  # both cards drawn, each in its group
        assert at.button(key=f"pcancel_{p.id.hex}")


def test_the_product_header_prints_the_currency_s_units_and_the_title_literally(app_ws):
    """A Chilean peso has no cents (was "24990.00 CLP"); a shop's title is shown as text,
    not as markdown (a link in it stays text)."""
    b = create_user_batch(app_ws, n_urls=1, batch_size=1, user="local")
    pid = add_product(app_ws, b, b.sources[0]["url"], "Consola **Retro** [x](https://evil.example)",
                      "24990")
    with unit_of_work() as session:
        session.get(Product, pid).currency = "CLP"
    at = open_page(PAGE, batch=str(b.id))
    [header] = headers(at)
    assert header.endswith(" · 24,990 CLP")
    assert "\\*\\*Retro\\*\\*" in header and "\\[x\\]" in header


def test_a_price_read_from_the_page_s_script_data_says_so(app_ws):
    # a client-rendered price box: the extractor read the price from __NEXT_DATA__ (source "page-state")
    b = create_user_batch(app_ws, n_urls=1, batch_size=1, user="local")
    pid = add_product(app_ws, b, b.sources[0]["url"], "65in OLED", "1599.99")
    with unit_of_work() as session:
        session.get(Product, pid).field_sources = {"price": "page-state"}
    at = open_page(PAGE, batch=str(b.id))
    assert any("script data" in c.value and "Compare with the shop page" in c.value for c in at.caption)


def test_every_ad_format_can_be_looked_at_on_the_page(app_ws, batch):
    """The size picker offers the classic three and every other ad format; a leaderboard is
    drawn at its own shape."""
    b, _ps = batch
    at = open_page(PAGE, batch=str(b.id))
    picker = at.selectbox(key="previews_size")
    assert {"square", "landscape", "story", "728×90", "160×600", "1080×1350"} <= set(picker.options)
    picker.set_value("iab_728x90").run()
    assert not at.exception
    [html] = banner_htmls(at)  # the one finished preview, drawn as a leaderboard
    assert 'data-width="728" data-height="90"' in html
    from pages.preview_card import display_width

    assert display_width("iab_728x90") == 440 and display_width("iab_160x600") == 117


def test_a_preview_failed_for_good_offers_no_retry_and_is_not_counted_in_retry_failed(app_ws, batch):
    # a search page pasted (or no photo that can be downloaded): a retry would fail the same
    # way, so its card has no Retry and "Retry N failed" leaves it out (walk-through, issue 12)
    b, ps = batch
    set_preview_state(ps[1].id, "failed", failed_for_good=True,
                      error_message="this address shows a list of 36 products (a search or category page), "
                                    "not one product's page: use the address of the product's own page")
    at = open_page(PAGE, batch=str(b.id))
    keys = {x.key for x in at.button}
    assert f"pretry_{ps[1].id.hex}" not in keys and "batch_retry" not in keys
    assert "list of 36 products" in texts(at.markdown) + texts(at.caption)
    set_preview_state(ps[1].id, "failed", failed_for_good=False)
    at = open_page(PAGE, batch=str(b.id))
    assert {f"pretry_{ps[1].id.hex}", "batch_retry"} <= {x.key for x in at.button}
    assert at.button(key="batch_retry").proto.help == "Queue the failed previews again"


def test_retry_n_failed_says_why_it_leaves_other_failures_out(app_ws, batch):
    # a walk-through: "Retry 1 failed" on a batch with 3 failures, nothing saying why 2 were left
    b, ps = batch
    set_preview_state(ps[2].id, "failed", failed_for_good=True, error_message="not a product page")
    at = open_page(PAGE, batch=str(b.id))
    button = at.button(key="batch_retry")
    assert button.label == "Retry 1 failed"
    assert "1 other failed one would fail the same way" in button.proto.help
    assert "its card says what to do instead" in button.proto.help


def test_a_running_card_whose_worker_stopped_answering_says_so():
    # a walk-through killed a worker: its two cards said "running" for half a minute, no sign
    import datetime as dt
    import uuid

    from core.views import PreviewInfo
    from pages.preview_card import _summary

    now = dt.datetime.now(dt.timezone.utc)
    p = PreviewInfo(uuid.uuid4(), "ws", uuid.uuid4(), None, "https://shop.example/p", 0, None, None, 0,
                    "running", "generating background", None, 0, None, now, now, None,
                    lease_expires_at=now - dt.timedelta(seconds=5))
    assert "its worker stopped answering" in _summary(p)
    alive = dataclasses.replace(p, lease_expires_at=now + dt.timedelta(seconds=20))
    assert "stopped answering" not in _summary(alive)


def test_a_card_not_failed_never_says_failed(app_ws, batch):
    # a walk-through: a retrying card (and one pending after Try now) said in red "Failed: the
    # product's message above says why" above "Will try again"
    b, ps = batch
    set_preview_state(ps[1].id, "done", prefill=a_prefill(), error_message=None)
    set_preview_state(ps[3].id, "retrying", error_message="page returned HTTP 503", retry_count=1,
                      next_retry_at=utcnow() + dt.timedelta(minutes=1))
    set_preview_state(ps[2].id, "pending", error_message="page returned HTTP 503")  # tried again now
    at = open_page(PAGE, batch=str(b.id))
    shown = texts(at.markdown)
    assert "Failed: the product's message above says why" not in shown, shown
    assert "Last try: page returned HTTP 503" in shown  # the header, in orange: nothing failed
    assert ":red[page returned HTTP 503]" not in [m.value for m in at.markdown]
    set_preview_state(ps[2].id, "failed", error_message="page returned HTTP 503")
    at = open_page(PAGE, batch=str(b.id))
    assert "Failed: the product's message above says why" in texts(at.markdown)


def test_a_bad_widget_value_is_named_by_its_row_and_type():
    # a walk-through: "Invalid prefill: widgets.0.price_badge.price: must be a decimal number like 129.00"
    from core.errors import ValidationError
    from pages.prefill_form import in_form_words

    said = in_form_words(ValidationError(
        "Invalid prefill: widgets.0.price_badge.price: must be a decimal number like 129.00",
        ["widgets.0.price_badge.price: must be a decimal number like 129.00"]))
    assert said.message == "Widget 1 (price badge): price must be a decimal number like 129.00"
    assert said.problems == ["Widget 1 (price badge): price must be a decimal number like 129.00"]


def test_a_long_batch_name_is_shortened_in_the_title_and_whole_in_its_tooltip(app_ws, batch):
    # a walk-through: a 192-character name wrapped to four lines and pushed the first banner below the fold
    from core.batches import rename_batch

    b, ps = batch
    name = "Spring sale " + "x" * 150
    rename_batch(app_ws, b.id, name)
    at = open_page(PAGE, batch=str(b.id))
    title = at.title[0]
    assert len(title.value) <= 60 and title.value.endswith("…") and name.startswith(title.value[:-1])
    assert title.proto.help == name
    # the tooltip is markdown: a name's link or image is shown as typed, not followed (a review)
    rename_batch(app_ws, b.id, "x" * 60 + " [promo](https://evil.example) ![p](https://evil.example/p.png)")
    at = open_page(PAGE, batch=str(b.id))
    assert "\\[promo\\]" in at.title[0].proto.help and "](https" not in at.title[0].proto.help.replace("\\]", "")


def test_a_bad_widget_is_named_by_its_table_row_when_a_blank_row_comes_first():
    # a review: rows without a type are not sent, so "widgets.0" may be the table's second row
    from core.errors import ValidationError
    from pages.prefill_form import in_form_words

    said = in_form_words(ValidationError("Invalid prefill: widgets.0.price_badge.price: must be a decimal number",
                                         ["widgets.0.price_badge.price: must be a decimal number"]), [1, 2])
    assert said.problems == ["Widget 2 (price badge): price must be a decimal number"]


def test_a_widget_list_changed_on_both_sides_is_not_saved_over_the_other(app_ws, batch):
    """A review: the widget list is sent whole, so saving it on a form opened before a colleague
    changed the price badge put the old price back. Refused in words; other fields still merge."""
    from core.previews import update_prefill

    b, ps = batch
    at = open_editor(b, ps[0])
    update_prefill(app_ws, ps[0].id, {"widgets": [{"type": "price_badge", "price": "19.99", "currency": "EUR"}]})
    at.run()
    at.session_state[field(ps[0], "widgets")] = {
        "edited_rows": {}, "deleted_rows": [], "added_rows": [{"type": "badge", "text": "New"}]}
    at.run()
    at.button(key=f"FormSubmitter:{field(ps[0], 'form')}-Save changes").click().run()
    assert "The widget list was changed elsewhere" in texts(at.error), texts(at.error)
    assert get_preview(app_ws, ps[0].id).prefill["widgets"][0]["price"] == "19.99"


def test_the_same_field_changed_in_two_windows_is_not_saved_over_silently(app_ws, batch):
    """A second walk-through (HIGH): two windows changed the same headline; the later save replaced the
    earlier one and both were told "Saved". The later one is refused in words, naming the field."""
    from core.previews import update_prefill

    b, ps = batch
    at = open_editor(b, ps[0])
    update_prefill(app_ws, ps[0].id, {"headline": "A second"})  # the other window's save
    at.text_input(key=field(ps[0], "headline")).set_value("B second")
    at.button(key=f"FormSubmitter:{field(ps[0], 'form')}-Save changes").click().run()
    assert "Headline was changed elsewhere" in texts(at.error), texts(at.error)
    assert get_preview(app_ws, ps[0].id).prefill["headline"] == "A second"
