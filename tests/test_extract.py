"""Extraction on hand-written pages (one per markup kind, golden files) and its processors."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest

from core.extract import extract_product
from core.extract.images import dedupe_images, image_identity, is_chrome_image, largest_srcset
from core.extract.platform import json_urls, parse_shopify, parse_woocommerce
from core.extract.base import PageContext
from core.extract.prices import currency_in_text, normalize_currency, parse_amount
from core.extract.text import clean_text, html_to_text

PAGES = Path(__file__).parent / "pages"
# page -> the URL it pretends to have been fetched from
GOLDEN = {
    "jsonld_graph": "https://outdoor.example/shoes/trail-runner-2",
    "microdata": "https://shop.example/kaffeemuehle",
    "rdfa": "https://maison.example/lampe-arc",
    "opengraph": "https://potter.example/mug",
    "twitter": "https://classifieds.example/ad/555",
    "html_only": "https://sklep.example/wiertarka-x200",
    "shopify_inline": "https://loja.example/products/robot-z9",
    "not_a_product": "https://shop.example/about",
}


@pytest.mark.parametrize("name", sorted(GOLDEN))
def test_each_markup_kind_matches_its_golden_file(name):
    html = (PAGES / f"{name}.html").read_text(encoding="utf-8")
    got = extract_product(html, GOLDEN[name]).to_json()
    expected = json.loads((PAGES / f"{name}.expected.json").read_text(encoding="utf-8"))
    assert got == expected


def test_a_broken_json_ld_script_does_not_hide_the_others():
    html = (PAGES / "jsonld_graph.html").read_text(encoding="utf-8")
    assert "{ this is not json ]" in html
    assert extract_product(html, GOLDEN["jsonld_graph"]).brand == "Peakline"


def test_an_empty_document_gives_an_empty_product():
    product = extract_product("", "https://shop.example/x")
    assert product.title is None and product.images == [] and product.price is None


def test_offers_as_a_list_take_the_lowest_current_price():
    html = """<script type="application/ld+json">{"@type": "Product", "name": "Kettle",
      "offers": [{"@type": "Offer", "price": "18.00", "priceCurrency": "EUR"},
                 {"@type": "Offer", "price": "17.10", "priceCurrency": "EUR"}]}</script>"""
    product = extract_product(html, "https://shop.example/k")
    assert (product.price, product.currency) == (Decimal("17.10"), "EUR")


def test_the_price_the_page_shows_settles_a_disagreement_between_sources():
    html = """<html><head><meta property="product:price:amount" content="400">
      <meta property="product:price:currency" content="USD">
      <script type="application/ld+json">{"@type": "Product", "name": "Lamp",
        "offers": {"@type": "Offer", "price": 90, "priceCurrency": "USD"}}</script></head>
      <body><h1>Lamp</h1><div class="bid"><span class="current-price">$400</span> 5 bids</div></body></html>"""
    product = extract_product(html, "https://auction.example/lot/1")
    assert product.price == Decimal("400") and product.sources["price"] == "opengraph"


def test_a_price_in_structured_data_wins_when_the_page_shows_none_of_them():
    html = """<script type="application/ld+json">{"@type": "Product", "name": "Chair",
      "offers": {"@type": "Offer", "priceSpecification": {"price": 19.5, "priceCurrency": "CHF"}}}</script>
      <h1>Chair</h1><span class="delivery-price">CHF 7.95</span>"""
    assert extract_product(html, "https://shop.example/c").price == Decimal("19.5")


def test_image_as_string_list_and_image_object_are_all_read():
    for image in ('"/a/photo-one.jpg"', '["/a/photo-one.jpg"]', '{"@type": "ImageObject", "contentUrl": "/a/photo-one.jpg"}'):
        html = f'<script type="application/ld+json">{{"@type": "Product", "name": "X", "image": {image}}}</script>'
        assert extract_product(html, "https://s.example/p/1").images == ["https://s.example/a/photo-one.jpg"]


def test_lowercase_product_type_and_html_escaped_names_are_understood():
    html = '<script type="application/ld+json">{"@type": "product", "name": "11&quot; Tablet"}</script>'
    assert extract_product(html, "https://s.example/t").title == '11" Tablet'


def test_template_placeholders_are_not_brands():
    html = """<div itemscope itemtype="http://schema.org/Product"><h1 itemprop="name">Bra</h1>
      <span itemprop="brand">$metabrand</span></div><div class="product"><span class="brand" data-brand="KIABI"></span></div>"""
    product = extract_product(html, "https://s.example/b")
    assert product.brand == "KIABI" and product.sources["brand"] == "html"


def test_a_title_led_by_the_price_is_cleaned():
    html = """<div itemscope itemtype="http://schema.org/Product"><h1 itemprop="name">Log in $15 · Casio FX-991</h1>
      <div itemprop="offers" itemscope itemtype="http://schema.org/Offer"><span itemprop="price">$15</span>
      <meta itemprop="priceCurrency" content="CAD"></div></div>"""
    product = extract_product(html, "https://ads.example/1")
    assert product.title == "Casio FX-991" and product.currency == "CAD"


@pytest.mark.parametrize("text,expected", [
    ("1.299,00 €", "1299.00"), ("$45", "45"), ("34.000", "34000"), ("$24.990", "24990"),
    ("502,20 – 558,00 б.р.", "502.20"), ("1 148 zł", "1148"), ("€1,149.00", "1149.00"), ("EUR15.99", "15.99"),
    ("30,000원~", "30000"), ("free", None), ("0,00 €", None),
])
def test_price_strings_are_parsed(text, expected):
    assert parse_amount(text) == (None if expected is None else Decimal(expected))


def test_structured_prices_use_a_decimal_point():
    assert parse_amount("34.000", structured=True) == Decimal("34.000")
    assert parse_amount(13.4, structured=True) == Decimal("13.4")


@pytest.mark.parametrize("text,country,code", [
    ("$24.990", "cl", "CLP"), ("$249", "ca", "CAD"), ("$5", None, "USD"), ("270,00 Kn", None, "HRK"),
    ("30,000원~", None, "KRW"), ("Rs 23,450", "pk", "PKR"), ("502 б.р.", None, "BYN"), ("₪ 1,679", None, "ILS"),
    ("EUR15.99", None, "EUR"), ("99 kr", "se", "SEK"), ("no price here", None, None),
])
def test_currency_symbols_become_iso_codes(text, country, code):
    assert currency_in_text(text, country=country) == code


@pytest.mark.parametrize("value,code", [("RUR", "RUB"), ("pln", "PLN"), ("BYR", "BYN"), ("XYZ", None), ("", None)])
def test_currency_codes_are_normalised(value, code):
    assert normalize_currency(value) == code


@pytest.mark.parametrize("srcset,expected", [
    ("a.jpg 400w, b.jpg 1600w, c.jpg 800w", "b.jpg"),
    ("a.jpg 1x, b.jpg 2x", "b.jpg"),
    ("img/x,large.jpg 2x, img/x,small.jpg 1x", "img/x,large.jpg"),
    ("only.jpg", "only.jpg"), ("", None),
])
def test_the_largest_srcset_candidate_is_chosen(srcset, expected):
    assert largest_srcset(srcset) == expected


@pytest.mark.parametrize("a,b", [
    ("https://cdn.shopify.com/s/files/1/products/Photo-5_grande.jpg?v=1", "http://cdn.shopify.com/s/files/1/products/Photo-5_1024x1024.jpg?v=2"),
    ("https://m.media-amazon.com/images/I/616s8O0EtgL._AC_SL1500_.jpg", "https://images-na.ssl-images-amazon.com/images/I/616s8O0EtgL._AC_SY606_.jpg"),
    ("https://static.example/media/image/441/2140441/product/name,large.jpg", "https://static.example/media/image/441/2140441/product/name,mini.jpg"),
    ("https://shop.example/img/1024/1024/resize/catalog/ecc60912110_.png", "https://shop.example/img/380/374/resizeWebP/catalog/ecc60912110_.png"),
])
def test_renditions_of_one_photo_share_an_identity(a, b):
    assert image_identity(a) == image_identity(b)
    assert dedupe_images([a, b]) == [a]


@pytest.mark.parametrize("a,b", [
    ("https://blob.example/services/380/1.jpg", "https://blob.example/services/377/1.jpg"),
    ("https://media.example/Products/Huge/144432.jpg", "https://media.example/Products/Add/144432_1.jpg"),
])
def test_different_photos_keep_different_identities(a, b):
    assert image_identity(a) != image_identity(b)


@pytest.mark.parametrize("url,chrome", [
    ("https://shop.example/static/logo.svg", True), ("https://shop.example/assets/favicon/android-icon-192x192", True),
    ("https://shop.example/img/sprite.png", True), ("https://www.facebook.com/tr?id=1", True),
    ("https://shop.example/products/blue-mug.jpg", False), ("https://shop.example/products/iconic-bag.jpg", False),
    # a Vue shop's stand-in until the script loads the photo (JLCPCB), not an empty bottle's photo
    ("https://jlcpcb.com/ssr/img/img-empty.29365da.png", True), ("https://shop.example/i/image_empty.gif", True),
    ("https://shop.example/products/empty-glass-bottle.jpg", False),
    ("https://shop.example/wp-content/uploads/2024/04/empty-photo-album-black-linen.jpg", False),
])
def test_site_chrome_is_recognised(url, chrome):
    assert is_chrome_image(url) is chrome


def test_tiny_images_are_chrome():
    assert is_chrome_image("https://shop.example/p.jpg", width=1, height=1)
    assert not is_chrome_image("https://shop.example/p.jpg", width=600, height=600)


def test_text_is_entity_decoded_and_whitespace_normalised():
    assert clean_text("  k&amp;uuml;hlt \n\t und&nbsp;frisch ") == "kühlt und frisch"
    assert html_to_text("&lt;p&gt;One&lt;br/&gt;Two&lt;/p&gt;") == "One. Two"


def test_a_descriptions_lines_and_list_items_keep_their_own_sentences():
    """A walk-through: a microdata description of list items read "Copper, oxidized brass Hook
    closure Argentina", one run-on phrase, and the subtitle was cut from it. Lines and blocks
    now end their sentences; a line wrapped mid-sentence and the markup's own line breaks do not."""
    from core.extract import extract_product

    assert html_to_text("Copper, oxidized brass\nHook closure\nArgentina") == \
        "Copper, oxidized brass. Hook closure. Argentina"
    assert html_to_text("A soft cotton\nshirt that lasts.") == "A soft cotton shirt that lasts."
    assert html_to_text("Features:\n- soft\n- warm\n• 2 sizes") == "Features: soft. warm. 2 sizes"
    assert html_to_text("<ul><li>Soft</li><li>warm</li></ul><p>Made in Italy</p>") == "Soft. warm. Made in Italy"
    assert html_to_text("<p>Soft\nCotton tee, <b>washable</b>.</p>") == "Soft Cotton tee, washable."
    assert html_to_text("<p>Line one<br>Line two<br>and more</p>") == "Line one. Line two and more"
    # (a review) an indented line is no bullet; Chinese and Japanese lines end with their own stop
    assert html_to_text("A soft cotton<br>\n   shirt") == "A soft cotton shirt"
    assert html_to_text("a soft cotton\n   shirt") == "a soft cotton shirt"
    assert html_to_text("产品特点\n材质：棉\n颜色：白") == "产品特点。材质：棉。颜色：白"
    page = ('<html><body><div itemscope itemtype="https://schema.org/Product"><h1 itemprop="name">Hook earrings'
            '</h1><span itemprop="description"><UL><LI>Copper, oxidized brass</LI><LI>Hook closure</LI>'
            '<LI>Argentina</LI></UL></span><span itemprop="offers" itemscope itemtype="https://schema.org/Offer">'
            '<meta itemprop="price" content="48"><meta itemprop="priceCurrency" content="USD"></span></div>'
            '</body></html>')
    product = extract_product(page, "https://shop.example/p/earrings")
    assert product.description == "Copper, oxidized brass. Hook closure. Argentina"


CTX = PageContext(base_url="https://shop.example/products/mug", country=None, hints=[])


def test_shopify_and_woocommerce_json_urls_are_found():
    shopify = '<script src="https://cdn.shopify.com/s/x.js"></script>'
    assert json_urls(shopify, "https://shop.example/products/mug?variant=1") == [
        ("shopify", "https://shop.example/products/mug.js")]
    woo = '<body class="product-template-default single-product woocommerce postid-42">'
    assert json_urls(woo, "https://wp.example/product/mug/") == [
        ("woocommerce", "https://wp.example/wp-json/wc/store/v1/products/42")]
    assert json_urls("<html></html>", "https://plain.example/products/mug") == []


def test_shopify_product_json_is_parsed():
    data = {"title": "Mug", "vendor": "Potter", "description": "<p>Blue</p>",
            "variants": [{"price": 2500, "available": True}, {"price": 1900, "available": False}],
            "images": ["//cdn.shopify.com/s/files/mug.jpg"]}
    found = parse_shopify(data, CTX, currency="EUR")
    assert (found.title, found.brand, found.description) == ("Mug", "Potter", "Blue")
    assert found.prices[0].amount == Decimal("25") and found.images == ["https://cdn.shopify.com/s/files/mug.jpg"]


def test_woocommerce_store_api_json_is_parsed():
    data = [{"name": "Mug", "short_description": "<p>Blue mug</p>",
             "prices": {"price": "1299", "regular_price": "1599", "sale_price": "1299",
                        "currency_code": "EUR", "currency_minor_unit": 2},
             "images": [{"src": "https://wp.example/mug.jpg", "alt": "Blue mug"}]}]
    found = parse_woocommerce(data, CTX)
    assert (found.prices[0].amount, found.prices[0].currency) == (Decimal("12.99"), "EUR")
    assert found.image_alts == {"https://wp.example/mug.jpg": "Blue mug"}


def test_marked_up_recommendations_are_not_taken_for_the_product():
    html = """<html><head><title>Oak Desk Lamp | Shop</title></head><body><h1>Oak Desk Lamp</h1>
      <span class="price">€59.00</span>
      <div class="related">
        <div itemscope itemtype="http://schema.org/Product"><span itemprop="name">Steel Floor Fan</span>
          <div itemprop="offers" itemscope itemtype="http://schema.org/Offer"><span itemprop="price">19.99</span></div></div>
        <div itemscope itemtype="http://schema.org/Product"><span itemprop="name">Wicker Basket</span>
          <div itemprop="offers" itemscope itemtype="http://schema.org/Offer"><span itemprop="price">9.99</span></div></div>
      </div></body></html>"""
    product = extract_product(html, "https://shop.example/lamp")
    assert (product.title, product.price, product.currency) == ("Oak Desk Lamp", Decimal("59.00"), "EUR")
    assert "microdata" not in product.sources.values()


def test_a_view_pixel_in_a_script_is_never_a_product_image():
    # a walk-through: each Amazon scrape requested "/gp/sponsored-products/logging/log-action.html
    # ?…&adId=…" (an ad's view pixel, named in a script) as if it were a photo, counting an ad
    # impression on a real shop; image scripts such as thumbnail.asp?file=… stay images
    html = """<html><head><title>Lamp</title></head><body><h1>Desk lamp</h1>
      <img id="landingImage" src="https://img.example.com/images/I/lamp-main.jpg" width="500" height="500">
      <script>SV.loadImagePixel("/gp/sponsored-products/logging/log-action.html?qualifier=1&id=2&adId=3&eventType=2");
      </script><img src="/thumbnail.asp?file=assets/images/lamp_side.jpg&maxx=400" width="400" height="400">
      </body></html>"""
    images = extract_product(html, "https://shop.example.com/dp/lamp").images
    assert not [u for u in images if "log-action" in u], images
    assert images[0] == "https://img.example.com/images/I/lamp-main.jpg"
    from pathlib import Path

    from core.fetch import decode_html

    saved = Path(__file__).parent / "fixtures/extraction/github/g109-amazon-us-B00004YS4O.html"
    real = extract_product(decode_html(saved.read_bytes())[1], "https://www.amazon.com/dp/B00004YS4O").images
    assert real and not [u for u in real if "log-action" in u], real
    assert is_chrome_image("https://shop.example.com/gp/x/log-action.html?adId=3")
    assert not is_chrome_image("https://shop.example.com/thumbnail.asp?file=a.jpg")
