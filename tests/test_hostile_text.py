"""Hostile text on product pages: NUL, other control characters, bidi overrides/isolates and
lone surrogates never leave the extraction boundary, so such a page yields a clean product
that PostgreSQL stores (it refuses NUL in text columns)."""

from __future__ import annotations

import json
import uuid

import pytest
import sqlalchemy as sa

from core.batches import create_batch
from core.extract import extract_product
from core.extract.text import clean_text, safe_url, strip_unsafe
from core.pipeline import stages
from core.pipeline.sources import prepare_source, start_batch
from core.scrape import scrape_product
from core.sources_csv import parse_sources_csv
from core.urls import url_problem
from db.engine import unit_of_work
from db.models import Preview, Product
from tests.httpserver import LocalServer
from tests.productsite import product_photo

# Everything that must go: C0 (but tab/newline/CR), DEL, C1, bidi embeddings/overrides/isolates,
# lone surrogates.
UNSAFE = ({chr(c) for c in range(0x20)} - set("\t\n\r")) | {chr(c) for c in range(0x7F, 0xA0)} \
    | {chr(c) for c in range(0x202A, 0x202F)} | {chr(c) for c in range(0x2066, 0x206A)} | {"\ud800", "\udfff"}

HOSTILE_JSONLD = {
    "@context": "https://schema.org", "@type": "Product",
    "name": "Nice\u0000Shoe \u202eRunner\u202c",
    "description": "Grippy\u0007 sole\u2066 for trails\u2069 \u001b[31mand roads\ud800.",
    "brand": {"@type": "Brand", "name": "Str\u0000ide\u0085"},
    "image": ["{base}/img/a\u0000.png", "{base}/img/b.png\u202e", "{base}/img/c\u0001.png"],
    "offers": {"@type": "Offer", "price": "129.00", "priceCurrency": "EUR"},
}


def hostile_page(base: str) -> str:
    data = json.loads(json.dumps(HOSTILE_JSONLD).replace("{base}", base))
    return (
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>"
        "<title>Nice\x00Shoe &#x202e;| Shop</title>"
        "<meta property='og:title' content='Nice&#x202E;Shoe'>"
        f"<meta property='og:image' content='{base}/img/og&#1;.png'>"
        f"<script type='application/ld+json'>{json.dumps(data)}</script></head>"
        "<body><h1>Nice\x00Shoe</h1><p class='price'>129.00 EUR</p></body></html>"
    )


def fields(product) -> list[str]:
    out = [product.url, product.title, product.description, product.brand, product.currency]
    out += list(product.images) + list(product.image_alts) + list(product.image_alts.values())
    return [f for f in out if f is not None]


def assert_clean(product):
    for value in fields(product):
        bad = sorted({repr(ch) for ch in value if ch in UNSAFE})
        assert not bad, f"{value!r} still has {bad}"


def test_every_extracted_field_is_free_of_control_and_bidi_characters():
    product = extract_product(hostile_page("https://shop.example"), "https://shop.example/p/1")
    assert_clean(product)
    assert product.title == "NiceShoe Runner"
    assert product.brand == "Stride"
    assert product.description == "Grippy sole for trails [31mand roads."
    # (an override inside a URL may have been percent-encoded on the way: inert ASCII then)
    assert product.images[0] == "https://shop.example/img/a.png"
    assert product.images[1].startswith("https://shop.example/img/b.png")
    assert product.images[2] == "https://shop.example/img/c.png"
    assert product.price is not None and product.sources["title"] == "json-ld"


@pytest.mark.parametrize("markup", [
    "<meta property='og:type' content='product'><meta property='og:title' content='Lamp\u202e\u0000 Arc'>"
    "<meta property='og:image' content='https://x.example/l\u0000.jpg'>",
    "<div itemscope itemtype='https://schema.org/Product'><h1 itemprop='name'>Lamp&#x202E; Arc&#0;</h1>"
    "<img itemprop='image' src='https://x.example/l.jpg'></div>",
])
def test_other_sources_are_cleaned_as_well(markup):
    product = extract_product(f"<html><head></head><body>{markup}</body></html>", "https://x.example/p")
    assert_clean(product)
    assert product.title and product.title.startswith("Lamp") and "Arc" in product.title


def test_the_text_processors_keep_ordinary_text_and_whitespace():
    assert strip_unsafe("Café – 20 % off\tnow\nand\r\nlater ×2 ★ العربية\u200f") == \
        "Café – 20 % off\tnow\nand\r\nlater ×2 ★ العربية\u200f"
    assert strip_unsafe("a\x0bb\x0cc\x85d") == "a b c d"  # whitespace controls become spaces
    assert clean_text("Nice\x00Shoe\u202e ") == "NiceShoe"
    assert clean_text("\u202e\u0000") is None
    assert safe_url("https://x.example/a\tb\n\x00c\u2066") == "https://x.example/abc"
    assert safe_url("\x00") is None


def test_a_hostile_page_over_http_scrapes_clean():
    with LocalServer() as server:
        server.routes["/p"] = (200, {"Content-Type": "text/html; charset=utf-8"},
                               hostile_page(server.base_url).encode())
        product = scrape_product(server.url("/p"), allow_private=True)
    assert_clean(product)
    assert product.title == "NiceShoe Runner"


@pytest.fixture
def real_stages(db, settings_env, sent, tmp_path):
    settings_env(ALLOW_PRIVATE_FETCH="true", CLIP_WEIGHTS_PATH="", CLIP_PRETRAINED="none",
                 MEDIA_ROOT=str(tmp_path))
    stages.reset()
    yield
    stages.reset()


def test_a_page_with_a_nul_name_is_stored_and_its_previews_queued(real_stages, workspace):
    """On PostgreSQL this used to fail the URL with "(psycopg.DataError) PostgreSQL text
    fields cannot contain NUL … [SQL: INSERT INTO products …" shown to the user."""
    png = {"Content-Type": "image/png"}
    with LocalServer() as server:
        server.routes["/p"] = (200, {"Content-Type": "text/html; charset=utf-8"},
                               hostile_page(server.base_url).encode())
        for name in ("a", "b", "c", "og"):
            server.routes[f"/img/{name}.png"] = (200, png, product_photo(((200, 40, 50), (20, 20, 20)), 200))
        url = server.url("/p")
        info = create_batch(workspace, "alice", [{"url": url, "batch_size": 2}])
        start_batch(str(info.id))
        sends = prepare_source(str(info.id), url)
    assert len(sends) == 2
    with unit_of_work() as s:
        product = s.scalars(sa.select(Product).where(Product.workspace == workspace)).one()
        previews = s.scalars(sa.select(Preview).where(Preview.batch_id == uuid.UUID(str(info.id)))).all()
        assert product.title == "NiceShoe Runner" and product.brand == "Stride"
        assert "\x00" not in json.dumps(product.image_urls)
        assert {p.status for p in previews} == {"queued"}
        assert all(p.error_message is None for p in previews)


@pytest.mark.parametrize("url", ["https://shop.example/p\u202egpj", "https://shop.example/p\x7f",
                                 "https://shop.example/p\x85q", "https://shop.example/\ud800"])
def test_urls_with_control_or_bidi_characters_are_refused_at_input(url):
    assert url_problem(url) == "URL contains spaces or control characters"


def test_a_csv_reader_error_is_described_in_words():
    problems = parse_sources_csv("url\nhttps://a.example/x\n" + "x" * 200_000 + "\n").problems
    assert problems == ["Line 3: the file is not valid CSV (a cell is longer than the CSV reader accepts)"]
    assert "field limit" not in problems[0]
