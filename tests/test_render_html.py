"""HTML banner: self-contained, escaped, no script, every size."""

from __future__ import annotations

import base64
import io
from html.parser import HTMLParser

import pytest
from PIL import Image

from core.render import SIZES, render_banner_html

PNG = io.BytesIO()
Image.new("RGB", (8, 8), (10, 200, 30)).save(PNG, "PNG")
PNG_URI = "data:image/png;base64," + base64.b64encode(PNG.getvalue()).decode()


def prefill(**over) -> dict:
    base = {
        "headline": "Thermo Bottle", "subtitle": "Keeps drinks cold for 24 hours.",
        "cta_text": "Shop now", "brand": "Acme",
        "colors": {"primary": "#C7283C", "secondary": "#732630", "background": "#F5F5F5",
                   "text": "#2B1212", "button": "#C7283C", "button_text": "#FFFFFF"},
        "widgets": [{"type": "price_badge", "price": "29.90", "currency": "EUR"},
                    {"type": "rating", "value": 4.5}],
        "layout": {"text_position": "left", "alignment": "left", "direction": "ltr"},
        "generated_background_url": "/media/previews/b/p/background.png",
    }
    base.update(over)
    return base


class Collector(HTMLParser):
    """Tags, attributes and text of a document, as a browser's parser sees them."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.text.append(data)


def parse(html: str) -> Collector:
    c = Collector()
    c.feed(html)
    return c


@pytest.mark.parametrize("size", list(SIZES))
def test_each_size_renders_a_self_contained_document(size):
    html = render_banner_html(prefill(), size, resolve=lambda url: PNG_URI)
    doc = parse(html)
    banner = next(a for t, a in doc.tags if a.get("class") == "banner")
    assert (int(banner["data-width"]), int(banner["data-height"])) == SIZES[size]
    img = next(a for t, a in doc.tags if t == "img")
    assert img["src"] == PNG_URI  # resolved: the iframe needs no network
    words = " ".join(doc.text)  # one span per wrapped line
    assert "Thermo Bottle" in words
    assert "€29.90" in words
    assert "Content-Security-Policy" in html and "default-src 'none'" in html


MALICIOUS = [
    '<script>alert("x")</script>',
    '"><img src=x onerror=alert(1)>',
    "</style><script>alert(1)</script>",
    "' onmouseover='alert(1)",
    "مرحبا بالعالم \u202e<script>",
    "🎉🔥 <b>bold</b> & co",
    "Super " * 100,
]


@pytest.mark.parametrize("text", MALICIOUS)
def test_malicious_product_text_is_escaped_not_executed(text):
    html = render_banner_html(prefill(headline=text, subtitle=text, cta_text=text, brand=text),
                              "square", resolve=lambda url: PNG_URI)
    doc = parse(html)
    tags = {t for t, _ in doc.tags}
    assert "script" not in tags and "b" not in tags
    assert not any(k.startswith("on") for _, attrs in doc.tags for k in attrs)
    assert "<script" not in html.lower()


@pytest.mark.parametrize("colour", ["red;}</style><script>alert(1)</script>",
                                    "#12345", "url(javascript:alert(1))", "#FFFFFF; x"])
def test_colours_are_validated_before_they_reach_css(colour):
    html = render_banner_html(prefill(colors={**prefill()["colors"], "text": colour}), "square",
                              resolve=lambda url: PNG_URI)
    assert colour not in html and "javascript" not in html


@pytest.mark.parametrize("url", ["javascript:alert(1)", "data:text/html;base64,PHNjcmlwdD4=",
                                 'https://x.example/a.png" onerror="alert(1)', "/media/../x"])
def test_unsafe_background_urls_are_dropped_for_a_placeholder(url):
    html = render_banner_html(prefill(generated_background_url=url), "square",
                              resolve=lambda u: PNG_URI)
    doc = parse(html)
    assert not any(t == "img" for t, _ in doc.tags)
    assert "Background image unavailable" in "".join(doc.text)
    assert "javascript" not in html and "onerror" not in html


def test_a_missing_stored_file_shows_a_placeholder_not_a_crash():
    html = render_banner_html(prefill(), "landscape", resolve=lambda url: None)
    assert "Background image unavailable" in html


def test_a_failing_store_shows_a_placeholder_not_a_crash():
    def broken(url):
        raise OSError("disk gone")

    assert "Background image unavailable" in render_banner_html(prefill(), "story",
                                                                resolve=broken)


def test_right_to_left_text_keeps_its_direction():
    html = render_banner_html(prefill(headline="زجاجة حرارية", layout={
        "text_position": "left", "alignment": "right", "direction": "rtl"}), "square",
        resolve=lambda u: PNG_URI)
    doc = parse(html)
    spans = [a for t, a in doc.tags if t == "span"]
    assert spans and all(a.get("dir") in ("rtl", "ltr", "auto") for a in spans)
    # each line in its block's direction, as the PNG draws it (dir="auto" laid out an Arabic
    # headline's line starting with a Latin word left to right — a walk-through)
    assert '<span dir="rtl">زجاجة</span>' in html and '<span dir="ltr">Shop now</span>' in html
    mixed = render_banner_html(prefill(headline="زيت لحية Beardo 50 مل", layout={
        "text_position": "left", "alignment": "right", "direction": "rtl"}), "iab_970x250",
        resolve=lambda u: PNG_URI)
    assert '<span dir="rtl">Beardo' in mixed or '<span dir="rtl">لحية Beardo' in mixed, mixed
    assert "text-align:right" in html
