"""Previews page, a product whose images did not arrive (issue 12): its title, price and
images found are shown, the error in words, and the way out (upload a photo / paste an
image URL / text-only banners) re-runs its previews."""

from __future__ import annotations

import io
import uuid
from decimal import Decimal

import pytest
from PIL import Image

from core.batches import get_batch
from core.pipeline.stages import TEXT_ONLY_SOURCE
from core.previews import list_previews
from core.storage import get_storage
from db.engine import unit_of_work
from db.models import Preview, Product
from tests.app_harness import app_ws, headers, open_page, texts  # noqa: F401
from tests.factories import create_user_batch, set_preview_state

PAGE = "pages/previews.py"
ERROR = "48 images found, none could be downloaded: 40 refused by the shop (HTTP 403), 8 timed out"


def png(size=(300, 200)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (20, 120, 200)).save(out, "PNG")
    return out.getvalue()


@pytest.fixture
def stuck(app_ws):
    """One URL × 3 whose 48 images could not be downloaded: product stored, previews failed."""
    b = create_user_batch(app_ws, n_urls=1, batch_size=3, user="local")
    url = b.sources[0]["url"]
    with unit_of_work() as session:
        product = Product(id=uuid.uuid4(), workspace=app_ws, url=url, title="Trail Running Shoe",
                          price=Decimal("129.00"), currency="EUR", ranking_method="heuristic",
                          image_urls=[f"https://cdn.example.com/{i}.jpg" for i in range(48)],
                          ranked_image_urls=[], ranking_scores=[])
        session.add(product)
        session.flush()
        pid = product.id
        for p in session.query(Preview).filter_by(batch_id=b.id):
            p.product_id = pid
    for p in list_previews(app_ws, b.id).items:
        set_preview_state(p.id, "failed", error_message=ERROR + " (gave up after 3 retries)")
    return b, url


def test_the_product_is_shown_with_the_error_and_the_way_out(app_ws, stuck):
    b, url = stuck
    at = open_page(PAGE, batch=str(b.id))
    assert headers(at) == ["Trail Running Shoe · 129.00 EUR"]  # not the URL
    shown = texts(at.markdown) + texts(at.caption)
    assert "48 images found on the page; none could be used" in shown  # all gave up: no "yet"
    assert "40 refused by the shop (HTTP 403), 8 timed out" in shown
    assert at.expander and at.expander[0].proto.expanded
    assert len(at.file_uploader) == 1 and at.text_input
    keys = {x.key for x in at.button}
    assert any(k.startswith("photo_use_") for k in keys) and any(k.startswith("text_only_") for k in keys)


def _button(at, prefix):
    return next(x for x in at.button if x.key.startswith(prefix))


def test_uploading_a_photo_reruns_the_previews_with_it(app_ws, stuck, sent):
    b, url = stuck
    at = open_page(PAGE, batch=str(b.id))
    photo = png()
    at.file_uploader[0].upload("shoe.png", photo, "image/png").run()
    _button(at, "photo_use_").click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    ps = list_previews(app_ws, b.id).items
    assert {p.status for p in ps} == {"queued"} and all(p.error_message is None for p in ps)
    (source,) = {p.source_image_url for p in ps}
    assert source.startswith("/media/products/") and get_storage().get(source) == photo
    assert sorted(args for kind, args in sent if kind == "preview") == sorted((str(p.id),) for p in ps)
    assert get_batch(app_ws, b.id).batch.status == "running"
    # the page now shows the photo first, given by the user
    shown = texts(at.caption)
    assert "image: the photo you gave this product" in shown and len(at.get("image")) == 1


def test_a_photo_that_is_not_an_image_is_refused_on_the_page(app_ws, stuck, sent):
    b, url = stuck
    at = open_page(PAGE, batch=str(b.id))
    at.file_uploader[0].upload("notes.png", b"<html>hello</html>", "image/png").run()
    _button(at, "photo_use_").click().run()
    assert "cannot be used as a product photo" in texts(at.error)
    assert {p.status for p in list_previews(app_ws, b.id).items} == {"failed"}
    assert not [m for m in sent if m[0] == "preview"]


def test_text_only_banners_rerun_the_previews_without_a_photo(app_ws, stuck, sent):
    b, url = stuck
    at = open_page(PAGE, batch=str(b.id))
    _button(at, "text_only_").click().run()
    assert not at.exception
    ps = list_previews(app_ws, b.id).items
    assert {p.status for p in ps} == {"queued"} and {p.source_image_url for p in ps} == {TEXT_ONLY_SOURCE}
    assert len([1 for kind, _ in sent if kind == "preview"]) == 3
    assert "3 previews re-run as text-only banners" in [t.value for t in at.toast]
    # a double click's second: nothing to start again, and said so (a walk-through read "0 previews
    # re-run as text-only banners" as if nothing had happened)
    _button(at, "text_only_").click().run()
    assert not at.exception
    assert [t.value for t in at.toast] == ["Text-only banners chosen for this product: its previews are "
                                           "already queued, running or finished, none was started again"]
    assert len([1 for kind, _ in sent if kind == "preview"]) == 3


def test_a_text_only_banner_is_shown_in_its_card(app_ws, stuck):
    from tests.factories import a_prefill

    b, url = stuck
    p = list_previews(app_ws, b.id).items[0]
    prefill = a_prefill(layout={"text_position": "left", "alignment": "center", "direction": "ltr",
                                "style": "text_only"})
    set_preview_state(p.id, "done", prefill=prefill, prefill_version=1, error_message=None)
    at = open_page(PAGE, batch=str(b.id))
    from tests.test_pages_previews import banner_htmls

    (html,) = banner_htmls(at)
    assert "linear-gradient" in html and "<img" not in html


def test_once_its_text_only_banners_are_done_the_way_out_closes_and_says_so(app_ws, stuck):
    # a walk-through: text-only banners done, yet "none could be used yet" and the open
    # upload box above them pushed the banners down
    from tests.factories import a_prefill

    b, url = stuck
    prefill = a_prefill(layout={"text_position": "left", "alignment": "center", "direction": "ltr",
                                "style": "text_only"})
    for p in list_previews(app_ws, b.id).items:
        set_preview_state(p.id, "done", prefill=prefill, prefill_version=1, error_message=None,
                          source_image_url=TEXT_ONLY_SOURCE)
    at = open_page(PAGE, batch=str(b.id))
    shown = texts(at.caption)
    assert "none could be used: its banners are text-only" in shown, shown
    assert "none could be used yet" not in shown
    assert not at.expander[0].proto.expanded  # still at hand to give a photo later


def test_a_page_not_read_is_headed_by_its_short_address_and_its_error_said_once(app_ws):
    """A search page fails all its variants with one message: the header says it once (not
    once per card) and is headed by the address's last words, not the raw URL."""
    b = create_user_batch(app_ws, n_urls=1, batch_size=3, user="local")
    url = b.sources[0]["url"]
    message = ("this address shows a list of 31 products (a search or category page), not one "
               "product's page: use the address of the product's own page")
    for p in list_previews(app_ws, b.id).items:
        set_preview_state(p.id, "failed", error_message=message)
    at = open_page(PAGE, batch=str(b.id))
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    heading = headers(at)[0]
    assert heading != url and heading.startswith(parts.hostname.removeprefix("www.")), heading
    said = [m.value for m in at.markdown if "a list of 31 products" in m.value]
    assert len(said) == 1, said  # the header's; each card points to it
    cards = [m.value for m in at.markdown if m.value.startswith("**Variant")]
    assert len(cards) == 3 and all("message above says why" in c for c in cards), cards
