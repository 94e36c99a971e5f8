"""The grown development set (tests/fixtures/extraction: 43 real shop pages from the pinned PyPI
release formasaurus==0.10.0) held to its measured rates, every page (and each held-out page) at
its recorded hash, and the page-only measure on the shared pages. Issue 12's targets (price,
title, currency ≥ 0.95; brand, first image ≥ 0.92) are what docs/BENCHMARKS.md compares with."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import pytest
from bench.extraction import page_only
from bench.grown_pages import FIXTURES, TRUTH, archives, page_path, pages_dir
from core.extract import extract_product
from core.fetch import decode_html
from tests.conftest import shared_path
from tests.test_extract_fixtures import FIELDS, _check

TARGETS = {"title": 0.95, "price": 0.95, "currency": 0.95, "brand": 0.92, "first_image": 0.92}
# The grown set (43 real pages of 2015-16 shops, none used before in development): floors one
# page under what the extractor reaches, so a regression of two pages in any field fails.
# TARGETS are the goal; docs/BENCHMARKS.md records both.
GROWN_FLOORS = {"title": 0.97, "price": 0.97, "currency": 0.97, "brand": 0.93, "first_image": 0.97}
# Structured data switched off, the page alone: what a shop without markup gets. Floors set
# one page under the figures of 2026-12-01 (title, price, first image 0.967 = 29/30; currency
# 0.933; brand 0.867), so losing two pages of any field fails.
# The fresh set (36 pages of modern US and German shops, fresh.json): first scored 2026-12-01
# before any change at title 0.889, price 0.778, currency 0.861, brand 0.833, first image 1.0
# (docs/BENCHMARKS.md); after fixing the kinds it showed 0.944 / 1.0 / 1.0 / 0.944 / 1.0.
# Floors one page under that.
FRESH_FLOORS = {"title": 0.916, "price": 0.97, "currency": 0.97, "brand": 0.916, "first_image": 0.97}
PAGE_ONLY_FLOORS = {"title": 0.93, "price": 0.93, "currency": 0.9, "brand": 0.83, "first_image": 0.93}


def _rates(entries: list[dict], pages: Path | None) -> dict[str, float]:
    hits = dict.fromkeys(FIELDS, 0)
    for entry in entries:
        _, text = decode_html((pages / entry["file"] if pages else page_path(entry)).read_bytes())
        got = extract_product(text, entry["page_url"]).to_json()
        for field in FIELDS:
            hits[field] += _check(entry, field, got)
    return {f: hits[f] / len(entries) for f in FIELDS}


def _assert_pinned(entries: list[dict]) -> None:
    """Every entry's page is the file its truth was written from (sha256 and size)."""
    for entry in entries:
        data = page_path(entry).read_bytes()
        assert hashlib.sha256(data).hexdigest() == entry["sha256"] and len(data) == entry["bytes"], entry["file"]


def _grown() -> tuple[list[dict], Path]:
    folder = pages_dir()
    if folder is None:
        if os.environ.get("CI"):
            pytest.fail("the grown set's pages are missing: `make install` installs "
                        "tests/fixtures/extraction/requirements.txt")
        pytest.skip("formasaurus==0.10.0 (the grown set's pages) is not installed: make install")
    return json.loads(TRUTH.read_text(encoding="utf-8")), folder


def test_the_grown_set_holds_its_measured_rates():
    entries, folder = _grown()
    rates = _rates(entries, folder)
    assert all(rates[f] >= GROWN_FLOORS[f] for f in FIELDS), rates


def test_every_grown_page_is_recorded_with_its_source_and_hash():
    entries, _ = _grown()
    assert len(entries) >= 40
    entries += json.loads((TRUTH.parent / "heldout.json").read_text(encoding="utf-8"))
    assert len({e["file"] for e in entries}) == len(entries)  # no page in both files
    assert all(entry["source_repo"] == "pypi:formasaurus==0.10.0" for entry in entries)
    _assert_pinned(entries)


def test_the_page_alone_still_gives_the_product_on_the_shared_pages():
    truth = json.loads(shared_path("fixtures", "truth.json").read_text(encoding="utf-8"))
    with page_only():
        rates = _rates(truth, shared_path("fixtures", "pages"))
    assert all(rates[f] >= PAGE_ONLY_FLOORS[f] for f in FIELDS), rates


def _fresh(name: str = "fresh.json") -> list[dict]:
    entries = json.loads((FIXTURES / name).read_text(encoding="utf-8"))
    missing = sorted({e["source_repo"] for e in entries if page_path(e) is None})
    if missing:
        if os.environ.get("CI"):
            pytest.fail(f"the fresh set's archives are not fetched ({', '.join(missing)}): `make install` "
                        "runs `python -m bench.grown_pages fetch`")
        pytest.skip(f"not fetched: {', '.join(missing)} (make install)")
    return entries


def test_the_fresh_set_holds_its_measured_rates():
    rates = _rates(_fresh(), None)
    assert all(rates[f] >= FRESH_FLOORS[f] for f in FIELDS), rates


def test_the_github_pages_hold_their_rates_and_hashes():
    entries = json.loads((FIXTURES / "github.json").read_text(encoding="utf-8"))
    _assert_pinned(entries)
    # first scored at 0.75 in every field; 1.0 for the first image after the srcset-only photo
    # kind, price and currency 1.0 after the buy-box-before-the-heading kind (the Bandcamp
    # track page's title and a comparison page's brand stay missed)
    rates = _rates(entries, None)
    assert rates["first_image"] == rates["price"] == rates["currency"] == 1.0, rates
    assert all(rates[f] >= 0.75 for f in FIELDS), rates


def test_the_second_github_pages_hold_their_rates_and_hashes():
    # 4 more pages (BOOK☆WALKER, O'Reilly Japan, FINN.no, Americanas), first scored 2026-12-01
    # before any change at 1.0 in every field (docs/BENCHMARKS.md): held there
    entries = json.loads((FIXTURES / "github2.json").read_text(encoding="utf-8"))
    assert len(entries) == 4
    _assert_pinned(entries)
    rates = _rates(entries, None)
    assert all(rates[f] == 1.0 for f in FIELDS), rates


def test_the_third_github_page_holds_what_its_kinds_fixed():
    # oreilly.com (2010): first scored 2026-12-01 at title and brand 1.0, price, currency and
    # first image 0.0 (the UK cart's £34.50 from a buy box printed before the heading; the
    # cover photo dropped for a layout column named "content_store_lt"); 1.0 after both kinds
    entries = json.loads((FIXTURES / "github3.json").read_text(encoding="utf-8"))
    _assert_pinned(entries)
    rates = _rates(entries, None)
    assert all(rates[f] == 1.0 for f in FIELDS), rates


def test_the_fourth_github_set_holds_what_it_scored():
    # 7 US shops of 2017 (fathom-products' snapshots): first scored 2026-12-01 before any change
    # at 1.0 in every field but brand 0.857 (craigslist's "make / manufacturer:" label); 1.0 since
    entries = json.loads((FIXTURES / "github4.json").read_text(encoding="utf-8"))
    assert len(entries) == 7
    _assert_pinned(entries)
    rates = _rates(entries, None)
    assert all(rates[f] == 1.0 for f in FIELDS), rates


def test_eight_more_classified_ads_hold_their_rates():
    # first scored 2026-12-01 at title 1.0, price 0.75, currency 0.75, brand 0.625, image 1.0;
    # price 0.875 after the listing-card kind (a wanted ad's budget is the miss left)
    rates = _rates(_fresh("fresh-kleinanzeigen.json"), None)
    assert rates["title"] == 1.0 and rates["price"] >= 0.875 and rates["brand"] >= 0.6, rates


def test_the_archives_last_pages_hold_their_rates():
    # 4 AliExpress shells with no price in their HTML (truth null) and a WooCommerce page,
    # first scored 2026-12-01 before any change at 1.0 in every field: held there
    rates = _rates(_fresh("fresh-more.json"), None)
    assert all(rates[f] == 1.0 for f in FIELDS), rates


def test_the_australian_shops_hold_what_their_kinds_fixed():
    # 7 Australian shops of 2026 (au-shopping-mcp's fixtures): first scored 2026-12-02 before
    # any change at title, price and currency 1.0, brand and first image 0.857 (Bunnings'
    # "/brands/o/ozito-pxc" read as "O"; Myer's JSON-LD lists photo 7 first); 1.0 since
    entries = _fresh("fresh-au.json")
    assert len(entries) == 7
    rates = _rates(entries, None)
    assert all(rates[f] == 1.0 for f in FIELDS), rates


def test_the_persian_bookshop_pages_hold_what_their_kinds_fixed():
    # 3 pages of 30book.com (2026): first scored 2026-12-02 before any change at title and
    # image 1.0, price and currency 0.333, brand 0.0 (a Book and a Product node of one book read
    # as other products; a sold-out book's last JSON-LD price printed); 1.0 since
    entries = _fresh("fresh-ir.json")
    assert len(entries) == 3
    rates = _rates(entries, None)
    assert all(rates[f] == 1.0 for f in FIELDS), rates


def test_the_czech_card_shop_page_holds_what_it_scored():
    # first scored 2026-12-02 before any change at 1.0 in every field: held there
    rates = _rates(_fresh("fresh-cz.json"), None)
    assert all(rates[f] == 1.0 for f in FIELDS), rates


def test_the_fifth_github_set_holds_what_its_kinds_fixed():
    # 7 pages of 2013-2017 (portia, scrapely, indix): first scored 2026-12-02 before any change
    # at title, price and currency 0.857, brand 0.429, first image 0.714 (an Egyptian "L.E 12.00";
    # osCommerce's <td class="pageHeading"> lost to a menu's "title-main-menu"); title, price and
    # currency 1.0, first image 0.857, brand 0.571 since (brands only in a description or a name's first
    # word, and a sidebar special's thumbnail first, stay missed)
    entries = json.loads((FIXTURES / "github5.json").read_text(encoding="utf-8"))
    assert len(entries) == 7
    _assert_pinned(entries)
    rates = _rates(entries, None)
    assert rates["title"] == rates["price"] == rates["currency"] == 1.0, rates
    assert rates["first_image"] >= 0.85 and rates["brand"] >= 0.57, rates


def test_the_sixth_github_set_holds_what_it_scored():
    # 6 pages of Saudi, Egyptian, Emirati and UK shops of 2013-2017 (portia, scrapely): first
    # scored 2026-12-02 before any change at 1.0 in every field but brand 0.667 (two brands
    # only as the name's first word); brand 0.833 since a faceted search's manufacturer filter
    # link names one (LetsTango's "fR[manufacturer][0]=Casio")
    entries = json.loads((FIXTURES / "github6.json").read_text(encoding="utf-8"))
    assert len(entries) == 6
    _assert_pinned(entries)
    rates = _rates(entries, None)
    assert all(rates[f] == 1.0 for f in FIELDS if f != "brand"), rates
    assert rates["brand"] >= 0.83, rates


# The sixth session's unseen sets (docs/BENCHMARKS.md), first scored 2026-12-02 before any change:
# github7 (Yandex.Market 2012 x2, Bath & Body Works 2020) at price and currency 0.667 (a model not
# on sale given a "similar products" tile's price: its tiles link model.xml?modelid=<another
# id>), 1.0 in every field since; github8 (Tesla Hunt ES 2020, Ariika and IKEA Egypt 2017,
# haym.info and Future-X AT 2023) at 1.0 but the first image 0.8 (Future-X's JSON-LD photo is a
# separately named copy the gallery does not show); github9 (Época Cosméticos BR ~2016) at 1.0.
SIXTH_SESSION = {"github7.json": (3, {}), "github8.json": (5, {"first_image": 0.8}), "github9.json": (2, {})}


def _holds(name: str, pages: int, below_one: dict) -> None:
    """The set's pages are the committed ones and score at least as pinned (1.0 unless named)."""
    entries = json.loads((FIXTURES / name).read_text(encoding="utf-8"))
    assert len(entries) == pages
    _assert_pinned(entries)
    rates = _rates(entries, None)
    assert all(rates[f] >= below_one.get(f, 1.0) for f in FIELDS), rates


# The ninth session's unseen sets, first scored 2026-12-02 before any change: github10 (Chá Sexy
# Shop BR Magento 1 ~2013, Jumia Egypt 2017) at 1.0 but the first image 0.5 (a lightbox's
# prev.png before the photo), 1.0 since; github12 and github13 (two more Geizhals.at pages) at 1.0;
# fresh-archives2 (sd-scrapely's UK shop samples ~2010, autolina's Swiss car pages 2026) at price
# and currency 1.0, title 0.75, brand 0.125, first image 0.75; since: title 0.875 (retrosixty's
# name is only in its <title>), brand 0.625 (Play.com's and Icône's brands only as name words or
# a heading after the name), first image 0.875 (Tempur's "click to enlarge" photo first).
NINTH_SESSION = {"github10.json": (2, {}), "github12.json": (1, {}), "github13.json": (1, {}),
                 "fresh-archives2.json": (8, {"title": 0.875, "brand": 0.625, "first_image": 0.875})}


# The tenth session's unseen pages, first scored 2026-12-02 before any change: fresh-archives4
# (Etsy in its Spanish locale and Wayfair US, ~2021, from a fork of metascraper-shopping) at 1.0 in
# every field (the peer: price 0.5, Etsy's JSON-LD states the price before VAT).
# fresh-archives3 (LCSC and JLCPCB part pages 2026, EROSKI/Caprabo 2026, the last two trimmed by
# their package's author) at title and currency 1.0, price 0.5 (four-decimal prices printed with
# two; LCSC's JSON-LD at the 100+ tier), brand 0.5 ('Nombre', a maker block's sub-label), first
# image 0.75 (JLCPCB's photos exist only as expired signed URLs in its state: placeholder); since:
# price and brand 1.0. github14 (Beltz's own book shop, DE 2019) at price 0 (a related book's buy
# box after the heading beat the product's before it; its 'cartform' class had demoted the price)
# and brand 0 ('BookmarkMerken' from a "btn-brand" button); since: 1.0 in every field.
TENTH_SESSION = {"fresh-archives4.json": (2, {}), "fresh-archives3.json": (4, {"first_image": 0.75}),
                 "github14.json": (1, {})}


# The eleventh session's unseen pages, first scored 2026-12-03 before any change: fresh-archives5
# (six quick-view responses of asalbanooshop.com, an Iranian WooCommerce/WoodMart shop, 2026:
# toman prices, a struck sale, two variation ranges, one sold out) at title, price and currency
# 1.0, brand 0 (the Perfect WooCommerce Brands block labelled "برند:", a label in no language
# listed) and first image 0.333 (WooCommerce's product wrapper class "pwb-brand-…" read as a
# brand block around the main photo); since: 1.0 in every field. github15 (Boosted Boards on Shopify
# and Mystery Ranch on NetSuite, US 2016, from node-htmlmetaparser's fixtures) at 1.0 in every field.
# github17 (Newegg 2016, price only in microdata: the box is filled by script) and github16 (ThinkGeek's
# sale, the Pragmatic Bookshelf's three formats, 2016) at 1.0 in every field.
# github18 (Steam's Civilization V page, 2016: bundles, DLC rows, cents in its JSON) at 1.0 in every field.
# github19 (Best Buy's iPhone 6s on Verizon, 2016) at price 0 (schema.org's "$24.96" is the month's
# instalment the page shows as "$24.96/mo."; the retail price is $649.99), 1.0 elsewhere; since: 1.0.
# github20 (two Sainsbury's pages, UK 2015) at price 0 ("£0.70/ea", the price of one fruit in a pack of
# five, over "£3.50/unit") and brand 0 (its own label), 1.0 elsewhere; since: 1.0.
ELEVENTH_SESSION = {"fresh-archives5.json": (6, {}), "github15.json": (2, {}), "github16.json": (2, {}),
                    "github17.json": (1, {}), "github18.json": (1, {}), "github19.json": (1, {}),
                    "github20.json": (2, {})}


# The twelfth session's unseen pages (2026-12-03), each truth file committed before its first run:
# github25 (a third Sainsbury's page, the template of github20) at 1.0 in every field; github21
# (Tiffany's Novo ring, Bose's Wave music system IV; US 2017 DOM snapshots of fathom-products) at
# price 1.0, brand 0.5 ("Wave", the ®-marked line, on bose.com), first image 0.5 (another ring's
# tile in a recommendations carousel marked "current"); since: 1.0. github22 (MIXXMIX on Cafe24,
# Shop Monrovia on Magento 1) at price 1.0, brand 0 (the label on the h1's first line; og:brand
# "Shrubs", the category), first image 0.5 (og:image is the fourth gallery photo, the active slide
# the first); rules for og:brand naming the menu's active category and for the capitals line were
# tried and dropped (the regression reviews: an Apple shop's og:brand "Apple" lost; "WEEKLY BEST",
# "MADE IN KOREA" read as brands), so brand stays 0 and the image as it was. github23
# (Buykud on Shopify, Swatch's US store) and github26 (Lamps Plus) at 1.0 in every field.
TWELFTH_SESSION = {"github25.json": (1, {}), "github21.json": (2, {}),
                   "github22.json": (2, {"brand": 0.0, "first_image": 0.5}),
                   "github23.json": (2, {}), "github26.json": (1, {}),
                   # HealthyPets (Yahoo! Store) and Fin Fun Mermaid (NetSuite SCA), first scored at price 1.0,
                   # brand 0 (a maker named only in a data layer's category; a shop's own label not in the
                   # name), first image 0.5 (bxSlider's copy of the last slide first in the markup); since:
                   # the image 1.0; the fourteenth session: brand 0.5 (Fin Fun's <title> signs it "|By Fin Fun")
                   "github27.json": (2, {"brand": 0.5}),
                   # ProFlowers (the name and the price box inside one h1, a struck price) at 1.0
                   "github29.json": (1, {}),
                   # The Chess Store (BigCommerce) and TigerDirect (a printer with a long h1) at 1.0
                   "github28.json": (2, {})}


# The thirteenth session's unseen pages (2017 DOM snapshots of swathiiyer2/fathom-products, truth by
# helpers who never ran the extractor, each committed before its first scoring), first scored
# 2026-12-03: DHgate (github30) at 1.0; Zappos (github32) at 1.0 but the brand (a heading that begins
# with a link to the brand's page: read since); Gilt (github33) at 1.0; Urban Outfitters (github35)
# at 1.0 but the brand (a template's brand part left blank, " | Urban Outfitters": read since).
# CVS (github34, an iHome charger), Crate and Barrel (github36, a Nespresso machine) and Costco (github37,
# an Earthlite massage table) at 1.0.
THIRTEENTH_SESSION = {"github30.json": (1, {}), "github32.json": (1, {}), "github33.json": (1, {}),
                      "github34.json": (1, {}), "github35.json": (1, {}), "github36.json": (1, {}),
                      "github37.json": (1, {}),
                      # REI (a Black Diamond quickdraw set) and Groupon Goods (an unbranded deal) at 1.0; Mango's
                      # US shop at price 0 (the struck and the sale price inside one itemprop=price: read since)
                      # and brand 0 (its own label named only by the page title's "| MANGO USA"; read since the fourteenth
                      # session: shop.mango.com, og:site_name "MANGO")
                      "github38.json": (1, {}), "github39.json": (1, {}), "github40.json": (1, {}),
                      # an eBay US listing (a BestMassage chair, struck list price, instalments) at 1.0
                      "github42.json": (1, {}),
                      # Nordstrom and Macy's at 1.0; Stanford's bike shop at title and brand 0 (a brand-only h1,
                      # the name in the h2 the <title> puts after it: the name read since, the brand not: the
                      # headings do not tell a brand from a category); JCPenney at price 0 (a hidden list price
                      # inside the price box read as cents: 15.15; read since)
                      "github41.json": (1, {}), "github43.json": (1, {"brand": 0.0}), "github44.json": (1, {}),
                      "github45.json": (1, {}),
                      "github46.json": (1, {}),  # Ralph Lauren (the selected colour's photo first) at 1.0
                      # AllPosters (a map on a promotion, "Was" first) at 1.0 but the brand (the mapmaker only
                      # in the title's first words)
                      "github48.json": (1, {"brand": 0.0}),
                      # HP's own store (a desktop bundle) at 1.0 but the brand (its own, named nowhere as a brand; read since
                      # the fourteenth session from the <title>'s "HP® Official Store")
                      "github47.json": (1, {}),
                      "github50.json": (1, {}),  # Rakuten.com (a marketplace seller's cushion) at 1.0
                      "github49.json": (1, {}),  # Barnes & Noble (a hardcover, its publisher) at 1.0
                      # the Microsoft Store (Surface Laptop "Starting from") at 1.0 but the brand (its own; a site
                      # named "<domain> Store" sells other makers' goods too, so it stays unread)
                      "github52.json": (1, {"brand": 0.0}),
                      "github51.json": (1, {})}  # Neiman Marcus (a Stuart Weitzman boot) at 1.0


# The fourteenth session's unseen pages (more 2017 DOM snapshots of swathiiyer2/fathom-products, truth
# by helpers who never ran the extractor, each committed before its first scoring), first scored
# 2026-12-03: Nike.com (github53, a training bag) at 1.0; the Disney Store (github55, a plush set) at 1.0
# but the brand (Disney's own, named only by the site "Disney Store" on disneystore.com); LensCrafters
# (github54, Ray-Ban glasses) at 1.0 but the first image (og:image the three-quarter view the gallery had
# not shown: read since); Home Depot (github57, conduit) at 1.0 (without markup the price 31.00, its
# dollars piece: read since); QVC (github56) and B&H Photo (github58) at 1.0; La Crosse Technology
# (github62) and LightInTheBox (github63) at 1.0; Walmart (github64, a booster seat) at 1.0 but the price
# (50.51, another seller's offer box beside the buy box's 37.30: read since, a seller-offer block demoted)
FOURTEENTH_SESSION = {"github53.json": (1, {}), "github55.json": (1, {"brand": 0.0}), "github54.json": (1, {}),
                      "github57.json": (1, {}), "github56.json": (1, {}), "github58.json": (1, {}),
                      "github62.json": (1, {}), "github63.json": (1, {}), "github64.json": (1, {}),
                      # Overstock (github66, an out-of-stock pillow) at 1.0; an Etsy listing (github65) at 1.0 but
                      # the price: the buy box's "$28.50+ Shipping included to the U.S." against 25.00 in every
                      # structured source (the item before the included shipping) — left as the truth says
                      "github66.json": (1, {}), "github65.json": (1, {"price": 0.0})}


# The fifteenth session's unseen pages (2026-12-03, fathom-products, each committed before its first
# scoring): Crutchfield (github67, an outlet drone: "Was $149.99", "Outlet Savings -$80.00", $69.99) at 1.0
# Office Depot (github70, an L-shaped desk on sale: $299.99 struck, $179.99) at 1.0 but the title as first scored:
# the microdata name's element also held "Item # 101095" as its sku (read since, identifiers left out)
# Gap (github71, leggings on sale: "$64.95" then "Now $52.00", nothing struck in the markup) first scored price
# 0.0 (read since: a now-word leads the price) and brand 0.0 (Gap's own label, named only by the site: left)
# Lands' End (github72, a cardigan, no structured data) first scored 1.0 but the brand: the breadcrumb's
# "Women's" the name starts with was read as one (a department since: no brand read; Lands' End's own label
# is named only in the title's "… from Lands' End": left)
FIFTEENTH_SESSION = {"github67.json": (1, {}), "github70.json": (1, {}), "github71.json": (1, {"brand": 0.0}),
                     "github72.json": (1, {"brand": 0.0})}


# The sixteenth session's unseen sets, first scored 2026-12-03 before any change to them: fresh-archives6
# (supermercapy's Eroski wine page) and fresh-archives7 (metascraper's Joss & Main and Amazon Gorilla
# pages, never scored before) at 1.0; github73 (Monster Pet Supplies, extruct's sample) at 1.0 but the price
# (two pack sizes as rows under "From only £5.29 - £9.56": 9.56 read, 5.29 the truth; left as it is).
SIXTEENTH_SESSION = {"fresh-archives6.json": (1, {}), "fresh-archives7.json": (2, {}),
                     "github73.json": (1, {"price": 0.0})}


# The seventeenth session's unseen pages (2026-12-03, each committed before its first scoring): github83
# (AutoUncle.ch, a used car; autouncle-scraper's MIT fixture) and github80 (Amazon.com's mobile page of a
# paperback, 2015; onebox's MIT fixture) at 1.0; github84 (a Bandcamp album; bandcamp-scraper's MIT fixture)
# at 1.0 but the title (the artist's name, which is the site's, read: fixed since); github77-79 (JD.com, 2015;
# PulsarRPA's Apache-2.0 crawler snapshots) at 1.0 but the brand of 77 and 79 (a breadcrumb brand page by id)
# and the price of 78 (a promotion's "加10元" read as 10.00) — all fixed since; github81/github82 (one Etsy
# listing's mobile and desktop pages, 2017, onebox's MIT fixtures) at 1.0 but the currency (the JSON-LD's CAD for
# the "US$ 36.97+" the buy box shows: fixed since); github85/github86 (One Kings Lane, 2014/2015, a onebox fork's MIT
# fixtures) at 1.0 but the brand of 85 (Cerno named only in the description's brand story: left).
SEVENTEENTH_SESSION = {"github85.json": (1, {"brand": 0.0}), "github86.json": (1, {}),
                       "github83.json": (1, {}), "github84.json": (1, {}), "github80.json": (1, {}),
                       "github77.json": (1, {}), "github78.json": (1, {}), "github79.json": (1, {}),
                       "github81.json": (1, {}), "github82.json": (1, {})}


# The eighteenth session's unseen pages (2026-12-03/04, each committed before its first scoring): the onebox
# fork's US shop fixtures (isabella232/onebox-1, MIT): github88 (IKEA US) and github92 (a Crate and Barrel rug) at
# 1.0; github90 (Restoration Hardware) and github96 (World Market) at 1.0 but the brand (a section heading
# "Dimensions" with the brand class, a close button's title read as a logo: fixed since); github89 (Pottery Barn)
# and github95 (West Elm) at 1.0 but the brand (own labels named only by the site-wide config's brand:"…", which a
# retailer's page carries too: left); github91 (a Crate and Barrel plate) at 1.0 but the brand ("Crate and Barrel
# Exclusive" only: left, a retailer's exclusive may be another maker's). Then
# PlayniteExtensions' MIT fixtures: github97 (Play-Asia, out of stock: no price shown) and github99 (bol.com) at 1.0;
# github101 (Xbox 360 Marketplace) at 1.0 but the first image (the box art before the screenshot slideshow: fixed
# since); github98 (retroplace.com, one seller's offer) at 1.0 but the first image (the catalogue packshot of the
# markup, not the seller's photos the page shows: left). Then lucasfsousa/pricetag's MIT test resources: github102
# (GameStop.de), github104 (Submarino) and github105 (Shoptime) at 1.0; github103 (Americanas) at 1.0 but the first
# image (the zoom rendition 122423909SZ.jpg of the photo shown, 122423909_1GG.png, which the truth's identity does
# not admit: left as first scored).
EIGHTEENTH_SESSION = {"github88.json": (1, {}), "github89.json": (1, {"brand": 0.0}), "github90.json": (1, {}),
                      "github91.json": (1, {"brand": 0.0}), "github92.json": (1, {}), "github95.json": (1, {"brand": 0.0}),
                      "github96.json": (1, {}), "github97.json": (1, {}), "github98.json": (1, {"first_image": 0.0}),
                      "github99.json": (1, {}), "github101.json": (1, {}), "github102.json": (1, {}),
                      "github103.json": (1, {"first_image": 0.0}), "github104.json": (1, {}), "github105.json": (1, {})}


# The nineteenth session's unseen pages (2026-12-04, each committed before its first scoring): github106 (a second
# GameStop.de page, pricetag's MIT test resource) at 1.0 (without its microdata the brand only in the byline under
# the heading: a byline rule was withdrawn after the regression review); github108 (a second bol.com page, PlayniteExtensions' MIT fixture, 351k characters) at
# 1.0; github107 (GOG.com, darklinkpower/PlayniteExtensionsCollection's MIT fixture, 583k characters) at title,
# price and currency 1.0, brand 0 (the publisher only as a "?publishers=" link, beside a menu's such link: read
# since) and first image 0 (the JSON-LD's box art, not the key art the truth names: left as first scored).
NINETEENTH_SESSION = {"github106.json": (1, {}), "github107.json": (1, {"first_image": 0.0}), "github108.json": (1, {})}

# The twentieth session's unseen pages (2026-12-04, each committed before its first scoring; truth by helpers
# blind to the extractor): github110 (Amazon.co.uk, an unavailable top, no price; rejoiceinhope/amazon-page-parser,
# MIT in setup.py) at 1.0 but the brand 0 (only as the byline's "field-brandtextbin=Palarn" link: read since);
# github114 (GOG.com, a game before release, no price) at 1.0; github109 (Amazon.com, a DVD sold only by other
# sellers, "11 used & new from $18.93") at 1.0 but the brand 0 (only as "Studio: Rhino": read since); github113
# (Amazon.ca, a watch, CDN$ 5.77) at 1.0; github117 (eBay.com 2012, a book set, from hulihanapplications/fletcher's
# MIT VCR cassette) at 1.0 but the brand 0 (the publisher only as words of the name and the description: left);
# github112 (Amazon.fr, a music CD, 9,99 €) at 1.0; github118 (Etsy 2012, USD shown to a UK guest beside an
# approximate £ price, the same repository's cassette) at 1.0; github119 (Play.com 2012, a DVD, the same
# repository's cassette) at 1.0 but the price 0: "<strong>£3.</strong>95" read as 3.00 (the cents after the element
# holding the units: read since, as 3.95, the headline "31 new from £3.95"; the truth names Play.com's own offer,
# £3.99, in the offers table below it — a judgement the truth's notes call doubtful, left as a miss); github111
# (Amazon.de, chair covers, EUR 6,37; the index drops the CRs of two CRLF blocks) at 1.0; github120 (GAME 2012, an
# Xbox 360 game, new and preowned prices, fletcher's cassette) at 1.0.
TWENTIETH_SESSION = {"github109.json": (1, {}), "github110.json": (1, {}), "github112.json": (1, {}),
                     "github113.json": (1, {}), "github114.json": (1, {}), "github117.json": (1, {"brand": 0.0}),
                     "github118.json": (1, {}), "github119.json": (1, {"price": 0.0}), "github111.json": (1, {}),
                     "github120.json": (1, {})}

# The twenty-first session's unseen pages (2026-12-04, each committed before its first scoring; truth by helpers
# blind to the extractor): github123 (Amazon.com 2012, a Kindle, from hulihanapplications/fletcher's MIT VCR
# cassette) at 1.0 but the first image 0 (no ordinary main photo: the truth names the first of nine hover
# thumbnails, the extractor the first large viewer image: left); github125 (H&M France, calgo-lab/green-db,
# Apache-2.0) at 1.0; github126 (Target 2014), github127 (CB2 2015) and github128 (Wayfair 2015), fixtures of
# isabella232/onebox-1 (MIT in its gemspec), at 1.0 but Wayfair's brand 0 (the house brand "Three Posts" named in
# the byline, breadcrumb and <title>: left).
TWENTY_FIRST_SESSION = {"github123.json": (1, {"first_image": 0.0}), "github125.json": (1, {}),
                        "github126.json": (1, {}), "github127.json": (1, {}), "github128.json": (1, {})}  # github128 brand 1.0 since
# the twenty-third session (the byline's class "ds_manu_name")

# The twenty-second session's unseen pages (2026-12-04, each committed before its first scoring; truth by helpers
# blind to the extractor): github129 (Play-Asia 2023), github130 (MediaMarkt.de 2018), github131 (Sainsbury's 2015),
# github132/133/135/138 (Jumia Egypt 2017, portia), github136 (Saturn.de 2018), github137 (Jenson USA 2017),
# github139 (Amazon.co.uk 2014, scrapely), github142 (JD.com 2015, PulsarRPA) at 1.0;
# github140 (Overstock 2014) at price 1.0 but brand and first image 0 (the brand only as the title's first words and
# in meta keywords; og:image a rendition the gallery does not show: left); formasaurus22 (nine unused pages of the
# pinned formasaurus archive) at price, title, currency and first image 1.0, brand 0.556 — 0.778 since (an indented
# "Производитель:" row, "Márka: Egyéb"); left: a house label (Shisler's) and a logo's alt as the only brand (Alesis).
TWENTY_SECOND_SESSION = {"github129.json": (1, {}), "github130.json": (1, {}), "github131.json": (1, {}),
                         "github132.json": (1, {}), "github133.json": (1, {}), "github135.json": (1, {}),
                         "github136.json": (1, {}), "github137.json": (1, {}), "github138.json": (1, {}),
                         "github139.json": (1, {}), "github142.json": (1, {}),
                         "github140.json": (1, {"brand": 0.0, "first_image": 0.0}),
                         "formasaurus22.json": (9, {"brand": 0.777})}

# The twenty-third session's unseen pages (2026-12-04, each committed before its first scoring; truth by helpers
# blind to the extractor): github144 (ThinkGeek 2012), github146/149 (Oriflame Egypt, portia) at 1.0; github145
# (JD.com 2015) at price 0 (a warranty option's "1年 ￥39.00"), 1.0 since; github150 (JD.com, off sale) at brand 0
# (a CJK name run on into the product's words), 1.0 since; github151 (Big Fish Games: the saved buy box empty, the
# markup's 14.98 read) at price and currency 0: left; github152 (AllModern 2015) at brand and first image 0
# ("ds_manu_name"; data-zoom="1"), 1.0 since; github153 (the App Store 2013) at title and brand 0, 1.0 since.
TWENTY_THIRD_SESSION = {"github144.json": (1, {}), "github145.json": (1, {}), "github146.json": (1, {}),
                        "github149.json": (1, {}), "github150.json": (1, {}),
                        "github151.json": (1, {"price": 0.0, "currency": 0.0}),
                        "github152.json": (1, {}), "github153.json": (1, {})}
# The twenty-fourth session's unseen page (2026-12-04, committed before its first scoring; truth by a helper
# blind to the extractor): github154 (FYE 2020, extruct's BSD-3 test page as shipped in Debian's extruct source
# package, the one new page a hunt through Debian's source packages found) at 1.0.
TWENTY_FOURTH_SESSION = {"github154.json": (1, {})}

# every session's unseen sets, as first scored (the dicts above), in one table
UNSEEN_SESSIONS = {"sixth": SIXTH_SESSION, "ninth": NINTH_SESSION, "tenth": TENTH_SESSION,
                   "eleventh": ELEVENTH_SESSION, "twelfth": TWELFTH_SESSION, "thirteenth": THIRTEENTH_SESSION,
                   "fourteenth": FOURTEENTH_SESSION, "fifteenth": FIFTEENTH_SESSION,
                   "sixteenth": SIXTEENTH_SESSION, "seventeenth": SEVENTEENTH_SESSION,
                   "eighteenth": EIGHTEENTH_SESSION, "nineteenth": NINETEENTH_SESSION,
                   "twentieth": TWENTIETH_SESSION, "twenty-first": TWENTY_FIRST_SESSION,
                   "twenty-second": TWENTY_SECOND_SESSION, "twenty-third": TWENTY_THIRD_SESSION,
                   "twenty-fourth": TWENTY_FOURTH_SESSION}


@pytest.mark.parametrize("session,name", [(s, n) for s, sets in UNSEEN_SESSIONS.items() for n in sorted(sets)])
def test_each_session_s_unseen_sets_hold_what_they_scored(session, name):
    _holds(name, *UNSEEN_SESSIONS[session][name])


# Pages built from the shop platforms' own price templates (Magento 1/2, WooCommerce, PrestaShop
# 1.6/1.7, Shopify, BigCommerce, SFCC, Hybris, nopCommerce, Volusion; then OpenCart, Shopware 5,
# Zen Cart, Squarespace, CS-Cart), truth by hand by helpers who never ran the extractor. First
# scored 2026-12-02 before any change: the first 30 at price 0.833, title 0.933, brand 0.867; the
# next 12 (after the first 30's kinds) at price 0.833, title 0.833, brand 0.833; 1.0 since, but
# one brand: a breadcrumb category the name starts with ("Kanjivaram" sarees) is read as the
# brand, as a brand's sub-category must be ("Phones › Samsung › Samsung Galaxy S23").
# Then regional platforms (Shopware 6, OXID, JTL, Gambio, plentymarkets, VTEX, Tiendanube,
# Jumpseller, Loja Integrada, Mercado Shops, Shopify premium themes, Magento Porto, Cafe24,
# Color Me, Shopline): 27 pages first scored at price 0.889, currency 0.926, title and brand
# 0.963; and 11 more (Shoptet, Bitrix, InSales, Salla, Ecwid, Wix, BigCommerce) at price and
# brand 0.909; and 11 more (IdoSell, Shoper, Ticimax, İdeaSoft, PrestaShop 8, Germanized) at price
# and brand 0.909; 1.0 since.
PLATFORM_SETS = {"platforms.json": (30, {"brand": 0.96}), "platforms2.json": (12, {}), "platforms3.json": (27, {}),
                 "platforms4.json": (11, {}), "platforms5.json": (11, {}),
                 # big retailers' storefronts (MediaMarkt, Otto, Zalando, Kaufland, bol, Fnac, Allegro,
                 # Alza, Argos, Ozon, Wildberries, Trendyol, Noon, Jumia, Takealot…): 24 pages first
                 # scored at price 0.917, brand 0.958; 1.0 since
                 "retail.json": (24, {}),
                 # and of the Americas and Asia (Best Buy, Walmart, Target, Newegg, Mercado Livre,
                 # Falabella, Flipkart, Shopee, Rakuten, Coupang, JD, JB Hi-Fi…): 25 pages first scored
                 # at price 0.92, title, currency and brand 0.96; 1.0 since
                 "retail2.json": (25, {}),
                 # Latin American, Asian and Gulf retailers (Ripley, Sodimac, Dafiti, Tiki, Qoo10,
                 # ZOZOTOWN, 11st, SSG, Naver, Tmall, Jarir, Digikala…): 24 pages first scored at
                 # price 0.833, currency 0.917; 1.0 since
                 "retail3.json": (24, {}),
                 # more European, Nordic, CEE, Israeli and Kazakh retailers (Digitec, Komplett,
                 # Worten, Thomann, IKEA, ASOS, eBay.it, Amazon.de, Rozetka, Kaspi, KSP, eMAG.hu…): 24
                 # pages first scored at price 0.833, currency 0.917, title 0.958; 1.0 since
                 "retail4.json": (24, {}),
                 # brands' own stores and specialty shops (Apple, Samsung, Nike, LEGO, Sephora, Tesco,
                 # B&H, Farfetch…): 17 pages first scored at price 0.941, title 0.941, brand 0.882 (a
                 # discontinued page's brand, a book's author left as they are); then classifieds,
                 # auctions and price comparison (OLX, Avito, Leboncoin, Mercari, Yahoo! Auctions,
                 # eBay auction, Idealo, Back Market…): 20 pages first scored at 1.0 in every field
                 "retail5.json": (17, {"brand": 0.94}), "retail6.json": (20, {}),
                 # small and mid-size shops in 2010-2017 markup (osCommerce, Zen Cart, Magento 1,
                 # xt:Commerce, VirtueMart, ASP.NET, Yahoo! Store, EC-CUBE…): 19 pages first scored at
                 # price 0.842, title 0.895, brand 0.789; and South/South-East Asian, African and MENA
                 # retailers: 18 pages at price 0.889, currency 0.944, brand 0.889 (wholesale tiers,
                 # the riyal as a word: fixed); xt:Commerce's "Statt 64,90 EUR<br>Nur 49,90 EUR" in
                 # one <b> fixed the session after (and a "Marca: <strong>" row between elements,
                 # a publisher row). Left as found (below 1.0): two titles, brands only in shop text
                 "retail7.json": (19, {"title": 0.89, "brand": 0.84}),
                 "retail8.json": (18, {"brand": 0.88})}


@pytest.mark.parametrize("name", sorted(PLATFORM_SETS))
def test_the_platform_template_pages_hold_what_their_kinds_fixed(name):
    _holds(name, *PLATFORM_SETS[name])


def test_every_fresh_page_is_pinned_by_its_archive_and_hash():
    entries = _fresh() + _fresh("fresh-kleinanzeigen.json") + _fresh("fresh-more.json") \
        + _fresh("fresh-au.json") + _fresh("fresh-ir.json") + _fresh("fresh-cz.json")
    assert len(entries) >= 60 and len({e["file"] for e in entries}) == len(entries)
    assert all(entry["source_repo"] in archives() for entry in entries)
    _assert_pinned(entries)


# search and category pages the archives hold beside their product pages (never in a truth set)
LISTING_PAGES = {
    "pypi-sdist:au-shopping-mcp==0.2.0": ["altronics/search.html", "bunnings/search.html", "scorptec/product.html",
                                          "scorptec/search.html", "staticice/search.html"],
    "pypi-sdist:cz-mtg-compare-mcp==0.6.0": ["blacklotus_lightning_bolt.html", "cernyrytir_lightning_bolt.html",
                                             "rishada_lightning_bolt.html", "rishada_mountain.html",
                                             "untap_lightning_bolt.html", "untap_counterspell.html"],
}


def test_real_search_and_category_pages_give_no_tile_s_price():
    # before the listing kind six of these eleven gave a tile's or a price filter's amount
    # ("Search Results" at $9,500; Scorptec's RTX 5070 category at $1,249)
    folders = {"pypi-sdist:au-shopping-mcp==0.2.0": "au_shopping_mcp-0.2.0/tests/fixtures/",
               "pypi-sdist:cz-mtg-compare-mcp==0.6.0": "cz_mtg_compare_mcp-0.6.0/tests/fixtures/"}
    entries = [{"source_repo": repo, "file": name, "source_path": folders[repo] + name}
               for repo, names in LISTING_PAGES.items()
               for name in names]
    missing = sorted({e["source_repo"] for e in entries if page_path(e) is None})
    if missing:
        if os.environ.get("CI"):
            pytest.fail(f"not fetched: {', '.join(missing)} (make install)")
        pytest.skip(f"not fetched: {', '.join(missing)} (make install)")
    for entry in entries:
        _, text = decode_html(page_path(entry).read_bytes())
        product = extract_product(text, "https://shop.example.com.au/search")
        assert product.price is None and product.listed >= 10, (entry["file"], product.price, product.listed)
