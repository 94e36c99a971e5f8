"""Sectioning end tags libxml2 ignores (a <div> left open in the site header) are closed where a
browser closes them, so the product's part is not parsed as the site's header (core.extract.repair)."""

from __future__ import annotations

from core.extract import extract_product, parse_html
from core.extract.repair import close_sections

_LEFT_OPEN = ("<html><body><header class='site'><div class='top'><div class='logo'>Shop</div>"  # .top never closed
              "</header><main><h1>Oak Side Table</h1><p class='price'>$149.00</p>"
              "<button class='add-to-cart'>Add to cart</button></main>"
              "<footer><p>Free shipping over $50</p></footer></body></html>")


def _ancestors(root, tag):
    el = root.find(f".//{tag}")
    return [a.tag for a in el.iterancestors()]


def test_a_header_left_open_no_longer_holds_the_page():
    root = parse_html(_LEFT_OPEN)
    assert "header" not in _ancestors(root, "h1")
    assert root.find(".//header//main") is None


def test_the_product_of_such_a_page_is_read():
    got = extract_product(_LEFT_OPEN, "https://woodworks.example/oak-side-table").to_json()
    assert (got["title"], got["price"], got["currency"]) == ("Oak Side Table", "149.00", "USD")


def test_a_nav_left_open_around_the_content_without_main():
    # PrestaShop's nav.header-nav left with open <div>s: the content (section#main, no <main>) and its
    # <h1> were parsed inside the nav; the header holds most of the page then
    rows = "".join(f"<li><a href='/c/{n}'>Category {n}</a></li>" for n in range(40))
    page = ("<html><body><header><nav class='header-nav'><div class='container'><div class='row'><ul>" + rows
            + "</ul></nav></header><section id='main'><h1>Foie gras 180g</h1>"
            + "".join(f"<p>Line {n}</p>" for n in range(30)) + "</section></body></html>")
    root = parse_html(page)
    assert "nav" not in _ancestors(root, "h1") and "header" not in _ancestors(root, "h1")


def test_a_well_formed_page_is_left_as_it_is():
    page = ("<html><head><script>var s = '<header><div>';</script><style>a{}</style></head><body>"
            "<header><nav><ul><li>A<li>B</ul></nav></header><main><p>x<div>y</div></main>"
            "<!-- <section><div> --></body></html>")
    assert close_sections(page) == page


def test_close_sections_closes_what_is_left_open_inside_the_section():
    assert close_sections("<header><div><span>x</header><p>after") == \
        "<header><div><span>x</span></div></header><p>after"
