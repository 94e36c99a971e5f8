"""When a product's images do not arrive (issue 12): the URL's previews retry on the
schedule with the reason, the product is stored and shown, and the way out — a photo
(uploaded or by URL) or text-only banners — re-runs its previews. The whole pipeline with
the real stages against a local shop whose CDN refuses (tests/fakes/cdn_server.py)."""

from __future__ import annotations

import io
import time

import pytest
from PIL import Image

from core import rank
from core.batches import create_batch, get_batch, retry_failed
from core.errors import ConflictError, NotFoundError, ValidationError
from core.pipeline.stages import TEXT_ONLY_SOURCE, photo_key
from core.previews import give_product_photo, list_previews, use_text_only
from core.render import render_banner_html, render_banner_png
from core.storage import get_storage
from tests.fakes.cdn_server import ShopCDN, photo
from tests.httpserver import local_server  # noqa: F401 - fixture
from tests.stages import embedded_worker

REFUSED_3 = "3 images found, none could be downloaded: 3 refused by the shop (HTTP 403)"


@pytest.fixture
def shop():
    with ShopCDN() as server:
        yield server


@pytest.fixture
def real_pipeline(db, settings_env, tmp_path, monkeypatch):
    monkeypatch.setattr(rank, "weights_source", lambda settings=None: None)  # heuristic
    settings_env(ALLOW_PRIVATE_FETCH="true", GENERATION_RATE_LIMIT="0/m", MEDIA_ROOT=str(tmp_path),
                 RETRY_SCHEDULE_SECONDS="0.3,0.3,0.3", FETCH_TIMEOUT_SECONDS="5")
    rank.get_clip_model.cache_clear()
    rank.load_image_bytes.cache_clear()
    with embedded_worker():
        yield
    rank.load_image_bytes.cache_clear()


def wait_for(predicate, timeout=60.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError("condition not reached in time")


def previews(workspace, batch_id):
    return sorted(list_previews(workspace, batch_id=batch_id).items, key=lambda p: p.variant_index)


def finished(workspace, batch_id):
    return get_batch(workspace, batch_id).batch.status in ("done", "failed", "cancelled")


def png(size=(400, 300), color=(30, 90, 200)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, "PNG")
    return out.getvalue()


def test_refused_images_retry_on_the_schedule_with_the_reason_then_succeed(real_pipeline, shop, workspace):
    page = shop.page("wall", 3)
    info = create_batch(workspace, "alice", [{"url": page, "batch_size": 2}])
    retrying = wait_for(lambda: [p for p in previews(workspace, info.id) if p.status == "retrying"])
    assert {p.error_message for p in retrying} == {REFUSED_3}
    # the product is stored and shown although no image arrived
    src = get_batch(workspace, info.id).sources[0]
    assert src.title == "Trail Running Shoe Ultra Grip" and str(src.price) .startswith("129")
    assert src.images_found == 3 and src.product_id and src.ranked_image_urls == []
    shop.wall_up = False
    wait_for(lambda: finished(workspace, info.id))
    done = previews(workspace, info.id)
    assert {p.status for p in done} == {"done"} and all(p.retry_count >= 1 for p in done)
    assert all(p.source_image_url in shop.images_of(page) for p in done)
    # the page was read once; only the images were asked for again
    assert len([r for r in shop.requests if r.path.startswith("/product/")]) == 1
    # the planned photos were kept, so generation did not ask the CDN again
    assert all(get_storage().get(photo_key(p.source_image_url)) for p in done)


def test_when_retries_run_out_the_previews_fail_with_the_counts(real_pipeline, shop, workspace):
    page = shop.page("refuse", 3)
    info = create_batch(workspace, "alice", [{"url": page, "batch_size": 2}])
    wait_for(lambda: finished(workspace, info.id))
    ps = previews(workspace, info.id)
    assert {p.status for p in ps} == {"failed"}
    assert {p.error_message for p in ps} == {REFUSED_3 + " (gave up after 3 retries)"}
    src = get_batch(workspace, info.id).sources[0]
    assert src.title == "Trail Running Shoe Ultra Grip" and all(p.product_id == src.product_id for p in ps)
    # the shop refused for now: a later retry may change that, so they stay retryable
    assert not any(p.failed_for_good for p in ps) and get_batch(workspace, info.id).batch.progress.retryable == 2


def test_a_search_page_fails_for_good_saying_what_to_paste_and_retry_leaves_it_out(real_pipeline, local_server,
                                                                                   workspace):
    cards = "".join(f'<li class="hit"><a href="/p/{i}"><img src="/i/{i}.jpg"></a><a href="/p/{i}">Mug {i}</a>'
                    f'<p class="amount"><b class="now">€{i + 5},00</b></p></li>' for i in range(14))
    local_server.routes["/search"] = (200, {"Content-Type": "text/html; charset=utf-8"},
                                      f"<html><body><h1>Suche: Tasse</h1><ul>{cards}</ul></body></html>".encode())
    info = create_batch(workspace, "alice", [{"url": local_server.url("/search"), "batch_size": 2}])
    wait_for(lambda: finished(workspace, info.id))
    ps = previews(workspace, info.id)
    assert {p.status for p in ps} == {"failed"} and all(p.failed_for_good for p in ps)
    assert ps[0].error_message.startswith("this address shows a list of 14 products (a search or category page)")
    progress = get_batch(workspace, info.id).batch.progress
    assert (progress.failed, progress.failed_for_good, progress.retryable) == (2, 2, 0)
    assert retry_failed(workspace, info.id) == 0
    assert {p.status for p in previews(workspace, info.id)} == {"failed"}


def failed_batch(shop, workspace, kind="refuse", n=3):
    page = shop.page(kind, 3)
    info = create_batch(workspace, "alice", [{"url": page, "batch_size": n}])
    wait_for(lambda: finished(workspace, info.id))
    assert {p.status for p in previews(workspace, info.id)} == {"failed"}
    return info, page


def test_an_uploaded_photo_reruns_the_previews_and_is_used(real_pipeline, shop, workspace, settings_env):
    settings_env(RETRY_SCHEDULE_SECONDS="0")  # no retries: fail at once
    info, page = failed_batch(shop, workspace, "gone")
    photo_bytes = png()
    assert give_product_photo(workspace, info.id, page, data=photo_bytes) == 3
    wait_for(lambda: finished(workspace, info.id))
    ps = previews(workspace, info.id)
    assert {p.status for p in ps} == {"done"}
    (url,) = {p.source_image_url for p in ps}
    assert url.startswith("/media/products/") and get_storage().get(url) == photo_bytes
    assert all(p.prefill["original_background_url"] == url for p in ps)
    src = get_batch(workspace, info.id).sources[0]
    assert src.ranked_image_urls == [url] and src.ranking_method == "uploaded"
    assert src.errors == []
    # a later batch of the same product starts from the photo (kept first, not scraped away)
    again = create_batch(workspace, "bob", [{"url": page, "batch_size": 1}])
    wait_for(lambda: finished(workspace, again.id))
    assert previews(workspace, again.id)[0].source_image_url == url


def test_a_pasted_image_url_is_downloaded_with_the_page_as_referer(real_pipeline, shop, workspace, settings_env):
    settings_env(RETRY_SCHEDULE_SECONDS="0")
    info, page = failed_batch(shop, workspace, "gone", n=1)
    other = shop.images_of(shop.page("referer", 1))[0]  # hotlink-protected
    assert give_product_photo(workspace, info.id, page, image_url=other) == 1
    wait_for(lambda: finished(workspace, info.id))
    (p,) = previews(workspace, info.id)
    assert p.status == "done" and get_storage().get(p.source_image_url) == photo(
        sum(map(ord, other.rsplit("/", 1)[1].rsplit(".", 1)[0])))
    assert shop.image_requests("referer")[-1].headers["referer"] == page


@pytest.mark.parametrize("kwargs,message", [
    ({"data": b"<html>no</html>"}, "cannot be used as a product photo: image could not be decoded"),
    ({"data": png((20, 20))}, "too small (20x20)"),
    ({}, "either a photo file or an image URL"),
    ({"image_url": "ftp://x/y.jpg"}, "Image URL:"),
    ({"image_url": "GONE"}, "could not be downloaded: image returned HTTP 404"),
    ({"image_url": "PAGE"}, "The image at this URL could not be downloaded: not an image (text/html)"),
])
def test_a_bad_photo_is_refused_and_nothing_changes(real_pipeline, shop, workspace, settings_env,
                                                    kwargs, message):
    settings_env(RETRY_SCHEDULE_SECONDS="0")
    info, page = failed_batch(shop, workspace, "gone", n=1)
    if kwargs.get("image_url") == "GONE":
        kwargs = {"image_url": shop.images_of(shop.page("gone", 1))[0]}
    if kwargs.get("image_url") == "PAGE":  # a web page, not an image
        kwargs = {"image_url": page}
    with pytest.raises(ValidationError, match=message.replace("(", r"\(").replace(")", r"\)")):
        give_product_photo(workspace, info.id, page, **kwargs)
    assert previews(workspace, info.id)[0].status == "failed"


def test_text_only_banners_render_without_an_image(real_pipeline, shop, workspace, settings_env):
    settings_env(RETRY_SCHEDULE_SECONDS="0")
    info, page = failed_batch(shop, workspace, "refuse", n=2)
    assert use_text_only(workspace, info.id, page) == 2
    wait_for(lambda: finished(workspace, info.id))
    ps = previews(workspace, info.id)
    assert {p.status for p in ps} == {"done"} and {p.source_image_url for p in ps} == {TEXT_ONLY_SOURCE}
    for p in ps:
        assert p.prefill["layout"]["style"] == "text_only" and p.prefill["product_image_url"] is None
        assert "Trail" in p.prefill["headline"] or p.prefill["headline"]
        for size in ("landscape", "square", "story"):
            html = render_banner_html(p.prefill, size)
            assert "<img" not in html and "Background image unavailable" not in html
            assert "linear-gradient" in html
            result = render_banner_png(p.prefill, size)
            assert not any("background" in w for w in result.warnings), result.warnings
    # the two variants do not share one colour scheme
    assert ps[0].prefill["colors"] != ps[1].prefill["colors"]


def test_the_way_out_needs_a_product_of_this_batch(real_pipeline, shop, workspace, settings_env):
    settings_env(RETRY_SCHEDULE_SECONDS="0")
    info, page = failed_batch(shop, workspace, "gone", n=1)
    with pytest.raises(NotFoundError):
        use_text_only(workspace, info.id, shop.url("/product/other"))
    with pytest.raises(NotFoundError):
        give_product_photo("another-workspace", info.id, page, data=png())


def test_text_only_needs_the_products_text(real_pipeline, shop, workspace, settings_env):
    settings_env(RETRY_SCHEDULE_SECONDS="0")
    info = create_batch(workspace, "alice", [{"url": shop.url("/product/missing"), "batch_size": 1}])
    wait_for(lambda: finished(workspace, info.id))
    with pytest.raises(ConflictError, match="could not be read, so a banner would have no name"):
        use_text_only(workspace, info.id, shop.url("/product/missing"))
    # nor a photo: found walking through production, a 404 page got a "New arrival" banner
    with pytest.raises(ConflictError, match="check the URL, or retry the page"):
        give_product_photo(workspace, info.id, shop.url("/product/missing"), data=png())
    assert {p.status for p in previews(workspace, info.id)} == {"failed"}


def test_a_page_that_is_not_found_fails_but_stays_retryable(real_pipeline, local_server, workspace):
    # a 404 (or a blocked fetch, a bug since fixed) is no failure for good: the shop may put the
    # page back, so Retry stays offered; only errors that say what to do instead are for good
    local_server.routes["/gone"] = (404, {"Content-Type": "text/html"}, b"<html><body>Not found</body></html>")
    info = create_batch(workspace, "alice", [{"url": local_server.url("/gone"), "batch_size": 1}])
    wait_for(lambda: finished(workspace, info.id))
    (p,) = previews(workspace, info.id)
    assert p.status == "failed" and not p.failed_for_good
    assert get_batch(workspace, info.id).batch.progress.retryable == 1
    assert retry_failed(workspace, info.id) == 1


def test_the_text_only_choice_is_remembered_for_the_product_s_next_batch(real_pipeline, shop, workspace,
                                                                         settings_env):
    # a walk-through: the next batch of the same product failed again on its photos, and the
    # user had to choose text-only banners for it once more
    settings_env(RETRY_SCHEDULE_SECONDS="0")
    info, page = failed_batch(shop, workspace, "refuse", n=1)
    assert use_text_only(workspace, info.id, page) == 1
    wait_for(lambda: finished(workspace, info.id))
    again = create_batch(workspace, "alice", [{"url": page, "batch_size": 2}])
    wait_for(lambda: finished(workspace, again.id))
    ps = previews(workspace, again.id)
    assert {p.status for p in ps} == {"done"} and {p.source_image_url for p in ps} == {TEXT_ONLY_SOURCE}
    assert all(p.prefill["layout"]["style"] == "text_only" for p in ps)
    # given a photo, the product uses it from then on: the choice is forgotten
    give_product_photo(workspace, again.id, page, data=png())
    third = create_batch(workspace, "alice", [{"url": page, "batch_size": 3}])  # (1 would be the first batch again)
    wait_for(lambda: finished(workspace, third.id))
    ps = previews(workspace, third.id)
    assert {p.status for p in ps} == {"done"} and TEXT_ONLY_SOURCE not in {p.source_image_url for p in ps}
    assert not any(p.prefill["layout"].get("style") == "text_only" for p in ps)


def test_a_pasted_url_whose_bytes_are_no_picture_speaks_of_the_url(monkeypatch):
    # a walk-through pasted an image URL serving junk as image/jpeg: "This file cannot be used…"
    from core import previews, rank

    monkeypatch.setattr(rank, "download_image", lambda url, referer=None: b"not a picture at all")
    with pytest.raises(ValidationError, match="^The image at this URL cannot be used as a product photo"):
        previews._photo_bytes(None, "https://cdn.example/x.jpg", "https://shop.example/p")
    with pytest.raises(ValidationError, match="^This file cannot be used as a product photo"):
        previews._photo_bytes(b"not a picture at all", None, "https://shop.example/p")


def test_the_api_offers_the_same_way_out(real_pipeline, shop, workspace, settings_env):
    # a walk-through: the API's failure said "give the product a photo, or make text-only banners",
    # and no endpoint could do either
    import base64

    from starlette.testclient import TestClient

    from api.app import app
    from core.api_keys import create_key

    settings_env(RETRY_SCHEDULE_SECONDS="0")
    info, page = failed_batch(shop, workspace, "gone", n=2)
    _view, key = create_key(workspace, "way-out")
    client = TestClient(app, raise_server_exceptions=False)
    auth = {"Authorization": f"Bearer {key}"}
    base = f"/llm-editor/cta/batch/{info.id}"

    def post(path, body):
        resp = client.post(base + path, json=body, headers=auth)
        return resp.status_code, resp.json()

    # refused in words, nothing changes
    status, err = post("/photo/", {"url": page})
    assert status == 400 and "either image_url or image_base64" in err["error"]["message"], err
    status, err = post("/photo/", {"url": page, "image_base64": "***"})
    assert status == 400 and "image_base64: not valid base64" in err["error"]["message"], err
    status, err = post("/photo/", {"url": page + "?other", "image_base64": base64.b64encode(png()).decode()})
    assert status == 404 and err["error"]["code"] == "not_found", err
    status, err = post("/photo/", {"url": page, "image_base64": base64.b64encode(b"<html>").decode()})
    assert status == 400 and "cannot be used as a product photo" in err["error"]["message"], err
    assert {p.status for p in previews(workspace, info.id)} == {"failed"}
    other_key = create_key("someone-else", "theirs")[1]
    resp = client.post(base + "/text-only/", json={"url": page}, headers={"Authorization": f"Bearer {other_key}"})
    assert resp.status_code == 404
    # a photo by the API: both previews re-run with it and finish
    photo_bytes = png()
    assert post("/photo/", {"url": page, "image_base64": base64.b64encode(photo_bytes).decode()}) == (
        200, {"requeued": 2})
    wait_for(lambda: finished(workspace, info.id))
    ps = previews(workspace, info.id)
    assert {p.status for p in ps} == {"done"}
    assert all(get_storage().get(p.source_image_url) == photo_bytes for p in ps)
    # the previews count variants as the dashboard does, beside the 0-based index (a walk-through:
    # "Variant 1" on the page was variant_index 0 in the API, with nothing to say so)
    listed = client.get(f"/llm-editor/cta/previews/?bulk_task_id={info.id}", headers=auth).json()["results"]
    assert sorted((r["variant_index"], r["variant"]) for r in listed) == [(0, 1), (1, 2)]
    # text-only by the API for another batch of a page whose images never come
    info2, page2 = failed_batch(shop, workspace, "refuse", n=1)
    # (the address as a client may send it back: tracking parameters and all — a review)
    tracked = page2 + ("&" if "?" in page2 else "?") + "utm_source=mail"
    resp = client.post(f"/llm-editor/cta/batch/{info2.id}/text-only/", json={"url": tracked}, headers=auth)
    assert (resp.status_code, resp.json()) == (200, {"requeued": 1}), resp.text
    wait_for(lambda: finished(workspace, info2.id))
    (p,) = previews(workspace, info2.id)
    assert p.status == "done" and p.source_image_url == TEXT_ONLY_SOURCE


def test_an_image_in_json_may_come_as_a_data_uri_or_wrapped_base64():
    # a walk-through sent what a browser's FileReader gives ("data:image/png;base64,…") and was
    # told "not valid base64" with no hint; MIME-wrapped base64 (76-character lines) too
    import base64

    from api.app import _base64_file

    raw = png()
    plain = base64.b64encode(raw).decode()
    assert _base64_file("image_base64", plain) == raw
    assert _base64_file("image_base64", f"data:image/png;base64,{plain}") == raw
    assert _base64_file("image_base64", f"  DATA:image/png;name=x.png;BASE64,{plain}\n") == raw
    assert _base64_file("image_base64", base64.encodebytes(raw).decode()) == raw  # lines of 76
    with pytest.raises(ValidationError, match="data: URI is not base64-encoded"):
        _base64_file("image_base64", "data:image/svg+xml,<svg></svg>")
    with pytest.raises(ValidationError, match=r"^reference_image_base64: not valid base64 \(send"):
        _base64_file("reference_image_base64", "***")
    with pytest.raises(ValidationError, match="not valid base64"):
        _base64_file("image_base64", f"data:image/png;base64,{plain[:-3]}!!!")
