"""Images that arrive (issue 12): a local shop whose CDN behaves like real ones
(tests/fakes/cdn_server.py), the real fetch, scrape and ranking; the words a user reads
when nothing arrives."""

from __future__ import annotations

import io
import time

import pytest
from PIL import Image

from core import rank
from core.errors import ScrapeError
from core.extract import ExtractedProduct
from core.fetch import IMAGE_ACCEPT, fetch_image, image_headers
from core.pipeline import stages
from core.rank import ImageFailure, RankResult, acquisition_error, rank_images
from core.scrape import scrape_product
from tests.fakes.cdn_server import ShopCDN


@pytest.fixture
def shop():
    with ShopCDN(slow_seconds=1.0, hang_seconds=4.0) as server:
        yield server


@pytest.fixture
def fetching(settings_env, monkeypatch):
    """Loopback allowed, heuristic ranking, nothing remembered between tests."""
    monkeypatch.setattr(rank, "weights_source", lambda settings=None: None)
    settings_env(ALLOW_PRIVATE_FETCH="true", FETCH_TIMEOUT_SECONDS="3")
    rank.get_clip_model.cache_clear()
    rank.load_image_bytes.cache_clear()
    yield
    rank.load_image_bytes.cache_clear()
    rank.get_clip_model.cache_clear()


def test_images_are_requested_like_a_browsers_img(shop, fetching):
    page = shop.page("bot", 1)
    (url,) = shop.images_of(page)
    fetch_image(url, referer=page)
    h = shop.image_requests("bot")[-1].headers
    assert h["referer"] == page and h["accept"] == IMAGE_ACCEPT
    assert h["accept"].startswith("image/avif,image/webp")
    assert h["sec-fetch-dest"] == "image" and h["sec-fetch-mode"] == "no-cors"
    assert h["sec-fetch-site"] == "same-origin" and h["user-agent"].startswith("Mozilla/5.0")


@pytest.mark.parametrize("kind", ["plain", "referer", "avif", "slow", "flaky", "bot"])
def test_each_cdn_behaviour_ends_with_every_image_acquired(shop, fetching, kind):
    page = shop.page(kind, 3)
    product = scrape_product(page)
    assert product.title == "Trail Running Shoe Ultra Grip" and len(product.images) == 3
    started = time.monotonic()
    result = rank_images(product)
    assert result.dropped == [] and sorted(result.ranked) == sorted(product.images)
    served = shop.image_requests(kind)
    if kind == "flaky":  # 429 + Retry-After: 1, then 200: one more request per image
        assert len(served) == 6 and time.monotonic() - started >= 1.0
    else:
        assert len(served) == 3


def test_without_the_page_as_referer_the_hotlink_protected_cdn_refuses(shop, fetching):
    """What the pipeline did before issue 12 (no Referer): every image refused."""
    page = shop.page("referer", 2)
    for url in shop.images_of(page):
        with pytest.raises(ScrapeError, match="HTTP 403"):
            fetch_image(url)


def test_an_avif_only_cdn_is_decoded_with_pillows_own_avif(shop, fetching):
    from PIL import features

    assert features.check("avif")  # Pillow 13 wheels: libavif built in (no plugin needed)
    page = shop.page("avif", 1)
    (url,) = shop.images_of(page)
    got = fetch_image(url, referer=page)
    assert got.content_type == "image/avif" and got.data[4:12] == b"ftypavif"
    assert Image.open(io.BytesIO(got.data)).size == (320, 320)
    # the generators (and Gemini) are given JPEG/PNG/WebP: AVIF is converted for them
    converted = stages.for_generators(got.data)
    assert converted[:3] == b"\xff\xd8\xff" and Image.open(io.BytesIO(converted)).size == (320, 320)


def test_the_user_reads_what_happened_to_48_images(shop, fetching, settings_env):
    settings_env(FETCH_TIMEOUT_SECONDS="1")  # the "hang" images answer after 4 s
    page = shop.page_of({"refuse": 40, "hang": 8})
    product = scrape_product(page)
    assert len(product.images) == 48
    result = rank_images(product)
    assert result.ranked == [] and len(result.dropped) == 48  # past the first 24: all were tried
    error = acquisition_error(len(product.images), result)
    assert error.message == ("48 images found, none could be downloaded: "
                             "40 refused by the shop (HTTP 403), 8 timed out")
    assert error.transient  # refusals and time-outs may pass: the pipeline retries on its schedule


@pytest.mark.parametrize("failures,found,message,transient", [
    ([("http", 404)] * 2, 2, "2 images found, none could be downloaded: 2 not found (HTTP 404). "
     "Retrying will not help: give the product a photo, or make text-only banners", False),
    ([("dns", None)] * 3, 3, "3 images found, none could be downloaded: 3 on servers whose names could not be found. "
     "Retrying will not help: give the product a photo, or make text-only banners", False),
    ([("http", 429), ("http", 503), ("connect", None)], 3,
     "3 images found, none could be downloaded: 1 could not connect, 1 failed on the shop's "
     "server (HTTP 503), 1 refused as too many requests (HTTP 429)", True),
    ([("too_small", None), ("undecodable", None), ("http", 403)], 3,
     "3 images found, none could be used: 1 not readable as images, 1 refused by the shop "
     "(HTTP 403), 1 too small (icons)", True),
    ([("http", 403)] * 24, 60, "60 images found, none could be downloaded (the first 24 were "
     "tried): 24 refused by the shop (HTTP 403)", True),
    ([], 0, "No usable product image: the page shows no product photo. Retrying will not help: "
     "give the product a photo, or make text-only banners", False),
])
def test_acquisition_errors_count_each_kind(failures, found, message, transient):
    fs = [ImageFailure(f"https://cdn.example/{i}.jpg", "x", kind, status,
                       transient=status in (429, 503) or kind == "connect")
          for i, (kind, status) in enumerate(failures)]
    error = acquisition_error(found, RankResult([], "heuristic", [], failures=fs, tried=len(fs)))
    assert (error.message, error.transient) == (message, transient)


def test_a_usable_image_means_no_error():
    assert acquisition_error(3, RankResult(["https://cdn.example/a.jpg"], "heuristic", [1.0])) is None


def test_a_cancelled_ranking_stops_its_downloads(shop, fetching):
    from core.fetch import FetchStopped

    page = shop.page("slow", 2)
    product = ExtractedProduct(url=page, title="x", images=shop.images_of(page))
    with pytest.raises(FetchStopped):
        rank_images(product, should_stop=lambda: True)


@pytest.mark.parametrize("page, image, site", [
    ("https://www.shop.co.uk/p/1", "https://www.shop.co.uk/i/1.jpg", "same-origin"),
    ("https://www.shop.co.uk/p/1", "https://images.shop.co.uk/i/1.jpg", "same-site"),
    ("https://www.shop.co.uk/p/1", "https://img.othershop.co.uk/i/1.jpg", "cross-site"),  # not one site: co.uk
    ("https://www.shop.com.au/p/1", "https://cdn.shop.com.au/i/1.jpg", "same-site"),
    ("https://www.shop.com/p/1", "https://cdn.shopify.com/i/1.jpg", "cross-site"),
    ("https://shop.mango.com/p/1", "https://st.mango.com/i/1.jpg", "same-site"),
])
def test_sec_fetch_site_reads_the_registrable_domain_as_a_browser_does(page, image, site):
    # a country's second level ("co.uk") is no site of its own: two shops under it are cross-site
    assert image_headers(image, page)["Sec-Fetch-Site"] == site
    assert image_headers(image, None)["Sec-Fetch-Site"] == "none"
