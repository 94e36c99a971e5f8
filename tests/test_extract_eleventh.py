"""Kinds found in the eleventh session (2026-12-03): each test fails without its rule."""

from __future__ import annotations

from decimal import Decimal

from core.extract import extract_product


def _multi_currency(shown: str) -> str:
    return f'''<html lang="de"><head><title>Wanderschuh Alpina GTX | Bergladen</title>
<script type="application/ld+json">{{"@context":"https://schema.org","@type":"Product","name":"Wanderschuh Alpina GTX",
"brand":{{"@type":"Brand","name":"Lowa"}},"image":"https://bergladen.de/img/alpina.jpg",
"offers":[{{"@type":"Offer","price":"189.00","priceCurrency":"CHF"}},{{"@type":"Offer","price":"179.95","priceCurrency":"EUR"}},
{{"@type":"Offer","price":"159.00","priceCurrency":"GBP"}}]}}</script></head>
<body><h1>Wanderschuh Alpina GTX</h1>{shown}<button>In den Warenkorb</button></body></html>'''


def test_offers_in_several_currencies_give_the_pages_own_not_the_lowest_figure():
    # a .de shop's JSON-LD lists its CHF, EUR and GBP prices; the lowest figure (159 GBP) is no price
    # a German shopper pays: the currency the page shows, else the country's
    got = extract_product(_multi_currency(""), "https://bergladen.de/p/alpina")
    assert (got.price, got.currency) == (Decimal("179.95"), "EUR")
    got = extract_product(_multi_currency('<div class="price">189,00 CHF</div>'), "https://bergladen.ch/p/alpina")
    assert (got.price, got.currency) == (Decimal("189.00"), "CHF")


def test_a_part_number_as_the_markups_name_gives_way_to_the_heading():
    page = '''<html><head><title>Bosch 2608577215 Forstnerbohrer 15 mm | Werkzeugprofi</title>
<script type="application/ld+json">{"@context":"https://schema.org","@type":"Product","name":"2608577215",
"mpn":"2608577215","brand":"Bosch","offers":{"@type":"Offer","price":"12.49","priceCurrency":"EUR"}}</script></head>
<body><h1>Bosch Forstnerbohrer 15 mm</h1><span class="price">12,49 €</span><button>In den Warenkorb</button></body></html>'''
    assert extract_product(page, "https://werkzeugprofi.de/bosch-2608577215").title == "Bosch Forstnerbohrer 15 mm"
    # a model name is a name ("X100V"), kept as the markup gives it
    named = page.replace('"name":"2608577215"', '"name":"X100V"').replace("Bosch Forstnerbohrer 15 mm</h1>",
                                                                       "Fujifilm X100V</h1>")
    assert extract_product(named, "https://werkzeugprofi.de/x100v").title == "X100V"
