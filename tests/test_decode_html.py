"""A page's text from its bytes (core.fetch.decode_html): the declared charset, except where
the bytes are plainly UTF-8 under a single-byte declaration (a re-encoded page that kept its
old ``<meta charset>``)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from core.fetch import decode_html
from core.scrape import scrape_file

PAGE = """<html><head><meta http-equiv="Content-Type" content="text/html; charset={cs}">
<title>Pierścionek zaręczynowy</title></head><body><div class="product">
<h1>Pierścionek zaręczynowy z brylantami</h1><p class="price">Cena z VAT: 2 399,00 zł</p>
<button>Do koszyka</button></div></body></html>"""


@pytest.mark.parametrize("declared", ["windows-1250", "iso-8859-2", "ISO-8859-1", "cp1252"])
def test_utf8_bytes_under_a_single_byte_declaration_read_as_utf8(declared):
    body = PAGE.format(cs=declared).encode("utf-8")
    encoding, text = decode_html(body)
    assert encoding == "utf-8" and "Pierścionek" in text and "2 399,00 zł" in text


def test_a_real_single_byte_page_keeps_its_declared_charset():
    body = PAGE.format(cs="windows-1250").encode("cp1250")
    encoding, text = decode_html(body)
    assert encoding == "cp1250" and "Pierścionek" in text and "zł" in text


def test_the_http_header_counts_the_same_way():
    body = PAGE.format(cs="utf-8").encode("utf-8")
    assert decode_html(body, "text/html; charset=iso-8859-1")[1].count("zł") == 1
    legacy = PAGE.format(cs="x").encode("cp1250")
    assert "zł" in decode_html(legacy, "text/html; charset=windows-1250")[1]


def test_ascii_pages_and_utf8_declarations_are_untouched():
    ascii_page = PAGE.format(cs="windows-1250").encode("ascii", "ignore")
    assert decode_html(ascii_page)[0] == "cp1250"
    assert decode_html(PAGE.format(cs="utf-8").encode("utf-8"))[0] == "utf-8"


def test_a_saved_file_reads_its_price_whatever_it_declares(tmp_path):
    path = tmp_path / "ring.html"
    path.write_bytes(PAGE.format(cs="windows-1250").encode("utf-8"))
    product = scrape_file(path, "https://jubiler.example.pl/pierscionek")
    assert product.title == "Pierścionek zaręczynowy z brylantami"
    assert (product.price, product.currency) == (Decimal("2399.00"), "PLN")
