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


def _tailwind_cards(n: int, button: bool) -> str:
    buy = '<button class="mt-2 w-full rounded bg-indigo-600 text-white">Add to bag</button>' if button else ""
    return "".join(
        f'<div class="group relative"><img src="/img/p-{i}.jpg" alt="Tee {i}" class="aspect-square w-full rounded-md">'
        f'<div class="mt-4 flex justify-between"><div><h3 class="text-sm text-gray-700"><a href="/products/tee-{i}">'
        f'Basic Tee {i}</a></h3><p class="mt-1 text-sm text-gray-500">Black</p></div>'
        f'<p class="text-sm font-medium text-gray-900">${30 + i}</p></div>{buy}</div>' for i in range(n))


def test_a_product_page_with_unclassed_price_and_many_related_cards_is_no_listing():
    # Tailwind UI's product overview: "$192" in a <p> with utility classes only, "Add to bag" below,
    # then twelve "Customers also purchased" cards whose classes say nothing: it read as a listing
    # (no price at all) because no price class marked the product's own amount
    page = f'''<html lang="en"><head><title>Basic Tee 6-Pack | Threadly</title></head><body>
<header><nav><a href="/">Threadly</a><a href="/cart">Cart (0)</a></nav></header>
<div class="mx-auto max-w-2xl px-4 pt-10 pb-16"><div class="lg:col-span-2 lg:pr-8">
<h1 class="text-2xl font-bold tracking-tight text-gray-900 sm:text-3xl">Basic Tee 6-Pack</h1></div>
<div class="mt-4 lg:row-span-3 lg:mt-0"><h2 class="sr-only">Product information</h2>
<p class="text-3xl tracking-tight text-gray-900">$192</p><form class="mt-10">
<button type="submit" class="mt-10 flex w-full rounded-md bg-indigo-600 px-8 py-3 text-white">Add to bag</button></form></div></div>
<div class="mx-auto max-w-2xl px-4 py-16"><h2 class="text-2xl font-bold">Customers also purchased</h2>
<div class="mt-6 grid grid-cols-1 gap-x-6 gap-y-10 lg:grid-cols-4">{_tailwind_cards(12, False)}</div></div></body></html>'''
    got = extract_product(page, "https://threadly.com/products/basic-tee-6-pack")
    assert (got.price, got.currency, got.listed) == (Decimal("192"), "USD", 0)


def test_a_category_page_whose_cards_have_their_own_buy_buttons_stays_a_listing():
    for button in (False, True):
        page = f'''<html lang="en"><head><title>Men's T-Shirts | Threadly</title></head><body>
<main class="mx-auto max-w-7xl"><div class="flex items-baseline justify-between border-b pt-24 pb-6">
<h1 class="text-4xl font-bold tracking-tight text-gray-900">Men's T-Shirts</h1><button class="text-sm">Sort</button></div>
<section class="pt-6 pb-24"><div class="grid grid-cols-1 gap-x-8 lg:grid-cols-4"><aside class="w-64"><h3>Price</h3>
<ul><li><label><input type="checkbox"> Under $25</label></li></ul><p class="text-sm">Free shipping over $100</p></aside>
<div class="lg:col-span-3"><div class="grid grid-cols-1 gap-x-6 sm:grid-cols-3">{_tailwind_cards(12, button)}</div></div>
</div></section></main></body></html>'''
        got = extract_product(page, "https://threadly.com/collections/men-tshirts")
        assert (got.price, got.listed) == (None, 12), button


def test_markup_stating_a_months_instalment_gives_way_to_the_price_paid_now():
    # Best Buy's carrier phone (github19): schema.org's price is "$24.96", which the page shows only as
    # "$24.96/mo. for 24 months"; "$149.99 with 2-year contract" is conditional; "$649.99 Retail price" is it
    page = '''<html><head><title>Apple - iPhone 6s 64GB - Space Gray (Verizon) - Best Buy</title></head><body>
<main><div class="container"><div class="row"><div class="col-xs-7"><div class="sku-title">
<h1>Apple - iPhone 6s 64GB - Space Gray (Verizon)</h1></div></div>
<div class="col-xs-5"><div id="priceblock"><div class="price-block" data-customer-price="24.96">
<div class="item-price"><span class="denominator">$</span>24.96<span class="ib-pricing">/mo.</span></div>
<ul class="plan-selector"><li><button class="plan-selector__button"><div><strong>$24.96/mo.</strong>
<div>for 24 months with device payments</div></div></button></li>
<li><button class="plan-selector__button"><div><strong>$149.99</strong><div>with 2-year contract</div></div></button></li>
<li><button class="plan-selector__button"><div><strong>$649.99</strong><div>Retail price</div></div></button></li></ul>
<button class="add-to-cart-button">Add to Cart</button></div></div></div></div></div></main>
<footer><div class="footer-links"><a href="/help">Help</a></div></footer>
<div id="schemaorg-product" itemscope itemtype="http://schema.org/Product"><meta itemprop="name"
content="Apple - iPhone 6s 64GB - Space Gray (Verizon)"><div itemprop="offers" itemscope itemtype="http://schema.org/Offer">
<meta itemprop="priceCurrency" content="USD"><meta itemprop="price" content="$24.96"></div></div></body></html>'''
    got = extract_product(page, "https://www.bestbuy.com/site/apple-iphone-6s-64gb/4447801.p")
    assert (got.price, got.currency) == (Decimal("649.99"), "USD")


def test_a_pack_price_beats_the_per_measure_price_and_the_shops_own_label_is_the_brand():
    # Sainsbury's 2015 (github20): "£3.50/unit" is what the pack of five costs ("pricePerUnit"),
    # "£0.70/ea" the price of one fruit ("pricePerMeasure"); the name begins with the shop's own name
    page = '''<html><head><title>Sainsbury's Apricot Ripe &amp; Ready x5 | Sainsbury's</title></head><body>
<div class="productContent"><div class="productTitleDescriptionContainer"><h1>Sainsbury's Apricot Ripe &amp; Ready x5</h1></div>
<div class="pricingAndTrolleyOptions"><div class="priceTab"><div class="pricing">
<p class="pricePerUnit">&pound;3.50<abbr title="per">/</abbr><abbr title="unit"><span class="pricePerUnitUnit">unit</span></abbr></p>
<p class="pricePerMeasure">&pound;0.70<abbr title="per">/</abbr><abbr title="each"><span class="pricePerMeasureMeasure">ea</span></abbr></p>
</div><form class="addToTrolleyForm"><input type="submit" class="button process" value="Add"></form></div></div></div></body></html>'''
    got = extract_product(page, "https://www.sainsburys.co.uk/shop/gb/groceries/sainsburys-apricot-ripe---ready-320g")
    assert (got.price, got.currency, got.brand) == (Decimal("3.50"), "GBP", "Sainsbury's")
