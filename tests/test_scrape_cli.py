"""``scrape_product`` and ``python -m core.scrape`` over a real local HTTP server."""

from __future__ import annotations

import json
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest

from core.errors import ScrapeError
from core.scrape import main, scrape_product
from core.settings import reset_settings
from tests.conftest import shared_path
from tests.httpserver import LocalServer, local_server  # noqa: F401 - fixture

ROOT = Path(__file__).resolve().parent.parent
PAGES = Path(__file__).parent / "pages"
HTML = {"Content-Type": "text/html; charset=utf-8"}
JSON = {"Content-Type": "application/json"}


@pytest.fixture(autouse=True)
def default_settings(monkeypatch):
    monkeypatch.delenv("ALLOW_PRIVATE_FETCH", raising=False)
    reset_settings()
    yield
    reset_settings()


def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "core.scrape", *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)


def test_the_command_prints_one_json_object_for_a_file():
    proc = run_cli(str(PAGES / "microdata.html"), "--base-url", "https://shop.example/kaffeemuehle")
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert set(data) == {"url", "title", "description", "price", "currency", "brand", "images", "sources",
                         "list_price", "rating", "rating_count", "price_conflict", "listed", "provenance"}
    assert data["price"] == "1299.00" and data["images"][0] == "https://shop.example/bilder/kaffeemuehle-classic-1.jpg"


def test_a_file_needs_a_base_url(capsys):
    with pytest.raises(SystemExit) as info:
        main([str(PAGES / "microdata.html")])
    assert info.value.code == 2 and "--base-url" in capsys.readouterr().err


def test_the_command_fetches_urls_and_refuses_private_hosts_by_default(local_server, capsys):
    local_server.routes["/p"] = (200, HTML, (PAGES / "jsonld_graph.html").read_bytes())
    assert main([local_server.url("/p")]) == 1
    error = json.loads(capsys.readouterr().err)
    assert "private" in error["error"] and error["transient"] is False
    assert main([local_server.url("/p"), "--allow-private"]) == 0
    assert json.loads(capsys.readouterr().out)["brand"] == "Peakline"


def test_the_command_reports_http_errors(local_server, capsys):
    local_server.routes["/gone"] = (404, HTML, b"<html>gone</html>")
    assert main([local_server.url("/gone"), "--allow-private"]) == 1
    assert json.loads(capsys.readouterr().err) == {"error": "page returned HTTP 404", "transient": False}


SHOPIFY_PAGE = b"""<html><head><title>Old name - Shop</title>
<script src="https://cdn.shopify.com/s/shop.js"></script></head>
<body><h1>Old name</h1><meta property="og:price:currency" content="EUR">
<form action="/cart/add"><button type="submit" name="add">Add to cart</button></form></body></html>"""


def test_shopify_product_json_is_the_strongest_source(local_server):
    local_server.routes["/products/robot-z9"] = (200, HTML, SHOPIFY_PAGE)
    local_server.routes["/products/robot-z9.js"] = (200, JSON, json.dumps({
        "title": "Robot Z9", "vendor": "Limpa", "description": "<p>Cleans.</p>",
        "variants": [{"price": 29900, "available": True}],
        "images": ["//cdn.shopify.com/s/files/z9-front.jpg", "//cdn.shopify.com/s/files/z9-side.jpg"]}).encode())
    product = scrape_product(local_server.url("/products/robot-z9"), allow_private=True)
    assert (product.title, product.brand, product.price, product.currency) == ("Robot Z9", "Limpa", Decimal("299"), "EUR")
    # protocol-relative URLs take the page's scheme (http on the local server)
    assert product.images == ["http://cdn.shopify.com/s/files/z9-front.jpg", "http://cdn.shopify.com/s/files/z9-side.jpg"]
    assert product.sources["title"] == "platform" and product.sources["price"] == "platform"


def test_a_missing_platform_json_falls_back_to_the_page(local_server):
    local_server.routes["/products/robot-z9"] = (200, HTML, SHOPIFY_PAGE)
    product = scrape_product(local_server.url("/products/robot-z9"), allow_private=True)
    assert product.title == "Old name" and product.sources["title"] == "html"
    assert "/products/robot-z9.js" in [r.path for r in local_server.requests]


def test_woocommerce_store_api_is_read_when_the_page_names_the_product_id(local_server):
    page = b'<html><body class="single-product woocommerce postid-42"><h1>Mug</h1></body></html>'
    local_server.routes["/product/mug/"] = (200, HTML, page)
    local_server.routes["/wp-json/wc/store/v1/products/42"] = (200, JSON, json.dumps({
        "name": "Blue Mug", "prices": {"price": "1299", "currency_code": "EUR", "currency_minor_unit": 2},
        "images": [{"src": "https://wp.example/mug.jpg", "alt": "Blue mug"}]}).encode())
    product = scrape_product(local_server.url("/product/mug/"), allow_private=True)
    assert (product.title, product.price, product.currency) == ("Blue Mug", Decimal("12.99"), "EUR")
    assert product.image_alts == {"https://wp.example/mug.jpg": "Blue mug"}


def test_a_page_without_a_product_is_a_permanent_failure(local_server):
    local_server.routes["/empty"] = (200, HTML, b"<html><body></body></html>")
    with pytest.raises(ScrapeError, match="no product found") as info:
        scrape_product(local_server.url("/empty"), allow_private=True)
    assert not info.value.transient


def test_a_real_fixture_page_scrapes_over_http():
    pages = shared_path("fixtures", "pages")
    with LocalServer(directory=pages) as server:
        product = scrape_product(server.url("/22_johnlewis-uk-google-nest-mini.html"), allow_private=True)
    assert product.title.startswith("Google Nest Mini") and product.price == Decimal("49.00")
    assert (product.currency, product.brand) == ("GBP", "Google")
    assert "238368885" in product.images[0]


def test_a_search_page_is_a_permanent_failure_that_says_what_to_paste(local_server):
    cards = "".join(f'<li class="hit"><a href="/p/{i}"><img src="/i/{i}.jpg"></a><a href="/p/{i}">Mug {i}</a>'
                    f'<p class="amount"><b class="now">€{i + 5},00</b></p></li>' for i in range(14))
    local_server.routes["/search"] = (200, HTML, f"<html><body><h1>Suche: Tasse</h1><ul class='hits'>{cards}</ul>"
                                                 "</body></html>".encode())
    with pytest.raises(ScrapeError, match="list of 14 products .* use the address of the product's own page") as info:
        scrape_product(local_server.url("/search"), allow_private=True)
    assert not info.value.transient


ABOUT_PAGE = b"""<html><head><title>About our company | Local shop</title></head><body>
<nav><a href="/">Home</a> <a href="/shop">Shop</a></nav><h1>About our company</h1>
<p>We have sold handmade goods since 1999. Our team of six works from a small studio.</p></body></html>"""


def test_a_page_that_shows_no_product_fails_for_good_in_words(local_server):
    """A walk-through: an "About us" page was taken for a product ("About our company"), offered a
    photo upload and text-only banners, and made a "Shop now" banner of it. A page with a name but
    no price, no photo, no add-to-cart control and no product markup is no product's page."""
    from core.errors import ScrapeError

    local_server.routes["/about"] = (200, HTML, ABOUT_PAGE)
    with pytest.raises(ScrapeError) as caught:
        scrape_product(local_server.url("/about"), allow_private=True)
    # not retried on the schedule, but not "for good" either: a maintenance or robot-check page answers 200 too
    assert not caught.value.transient and not caught.value.for_good
    assert "shows no product" in caught.value.message and "product's own page" in caught.value.message
    # a product page without a price shown is still one: its add-to-cart button says so
    local_server.routes["/p/lamp"] = (200, HTML, ABOUT_PAGE.replace(b"About our company", b"Brass desk lamp")
                                      .replace(b"</p>", b'</p><button class="add-to-cart">Add to cart</button>'))
    assert scrape_product(local_server.url("/p/lamp"), allow_private=True).title == "Brass desk lamp"
