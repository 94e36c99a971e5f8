"""Extraction accuracy and time per page on folders of saved product pages with a truth.json.

    python -m bench.extraction [--set NAME=PAGES_DIR:TRUTH_JSON ...] [--repeat N] [--page-only] [--out FILE]

Without ``--set`` it measures the 30 development pages (``../shared/fixtures``) and the grown
sets kept in this repository (``tests/fixtures/extraction``: ``truth.json``, ``fresh.json``…).
Each page is decoded as after a fetch, then ``extract_product`` runs ``--repeat`` times; the
least disturbed run counts (the machine is shared), CPU and wall time. Fields are matched by
the shared scorer's own rules (``../shared/tools/score_extraction.py``, imported, not copied),
so the figures equal its ``title/price/currency/brand/first_image`` rates. Prints one JSON
object per set.

``--page-only`` switches the structured sources off (JSON-LD, microdata, RDFa, platform JSON,
OpenGraph prices and brand): what the page's own HTML gives, i.e. how a shop without
structured data fares (the issue's "no structured data" kind) on pages whose truth is known.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib.util
import json
import platform as host
import statistics
import sys
import time
from pathlib import Path

from bench.grown_pages import FIXTURES, page_path, pages_dir, swde_dir
from bench.grown_pages import TRUTH as GROWN_TRUTH
from core.extract import extract_product, jsonld, microdata, opengraph, platform
from core.fetch import decode_html

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
DEFAULT_SETS = {
    "fixtures": (SHARED / "fixtures" / "pages", SHARED / "fixtures" / "truth.json"),
    "grown": (pages_dir() or ROOT / "missing-formasaurus-pages", GROWN_TRUTH),
    # pages of several archives (tests/fixtures/extraction/archives.txt): each entry's own path
    "fresh": (None, FIXTURES / "fresh.json"),
    "fresh-kleinanzeigen": (None, FIXTURES / "fresh-kleinanzeigen.json"),
    "fresh-more": (None, FIXTURES / "fresh-more.json"),  # the archives' 5 pages left (4 AliExpress, ScrapeMe)
    "github": (None, FIXTURES / "github.json"),  # committed pages (tests/fixtures/extraction/github)
    "github2": (None, FIXTURES / "github2.json"),  # 4 more committed pages (same folder)
    "github3": (None, FIXTURES / "github3.json"),  # and one more
    "github4": (None, FIXTURES / "github4.json"),  # 7 US shops of 2017 (fathom-products)
    "fresh-au": (None, FIXTURES / "fresh-au.json"),  # 7 Australian shops of 2026 (au-shopping-mcp)
    "fresh-ir": (None, FIXTURES / "fresh-ir.json"),  # 3 Persian bookshop pages of 2026 (30book-mcp)
    "fresh-cz": (None, FIXTURES / "fresh-cz.json"),  # a Czech card shop of 2026 (cz-mtg-compare-mcp)
    "github5": (None, FIXTURES / "github5.json"),  # 7 more committed pages (portia, scrapely, indix)
    "github6": (None, FIXTURES / "github6.json"),  # and more of portia and scrapely
    "github7": (None, FIXTURES / "github7.json"),  # Yandex.Market 2012 x2, Bath & Body Works 2020
    "github8": (None, FIXTURES / "github8.json"),  # Tesla Hunt, Ariika, IKEA Egypt, haym.info, Future-X
    "github9": (None, FIXTURES / "github9.json"),  # Época Cosméticos x2 (Brazil, VTEX)
    "github10": (None, FIXTURES / "github10.json"),  # Chá Sexy Shop (BR, Magento 1), Jumia Egypt
    "github12": (None, FIXTURES / "github12.json"),  # a second Geizhals.at page (price comparison)
    "github13": (None, FIXTURES / "github13.json"),  # a third Geizhals.at page
    "fresh-archives2": (None, FIXTURES / "fresh-archives2.json"),  # sd-scrapely samples (UK ~2010), autolina (CH cars)
    "github14": (None, FIXTURES / "github14.json"),  # Beltz (DE) book shop 2019 (htmldate's test cache)
    "fresh-archives3": (None, FIXTURES / "fresh-archives3.json"),  # LCSC, JLCPCB (CN parts), Eroski, Caprabo (ES) 2026
    "fresh-archives4": (None, FIXTURES / "fresh-archives4.json"),  # Etsy (ES), Wayfair (US) ~2021 (metascraper fork)
    "fresh-archives5": (None, FIXTURES / "fresh-archives5.json"),  # asalbanooshop.com (IR) quick views 2026
    "fresh-archives6": (None, FIXTURES / "fresh-archives6.json"),  # supermercapy's Eroski wine page (ES, 2026), archive pages never scored
    "fresh-archives7": (None, FIXTURES / "fresh-archives7.json"),  # Joss & Main, Amazon (metascraper fixtures never scored)
    "github15": (None, FIXTURES / "github15.json"),  # Boosted Boards, Mystery Ranch (US 2016, node-htmlmetaparser)
    "github16": (None, FIXTURES / "github16.json"),  # ThinkGeek, Pragmatic Bookshelf (US 2016, node-htmlmetaparser)
    "github17": (None, FIXTURES / "github17.json"),  # Newegg (US 2016, node-htmlmetaparser)
    "github18": (None, FIXTURES / "github18.json"),  # Steam's Civilization V page (US 2016, node-htmlmetaparser)
    "github19": (None, FIXTURES / "github19.json"),  # Best Buy's iPhone 6s on Verizon (US 2016, node-htmlmetaparser)
    "github20": (None, FIXTURES / "github20.json"),  # Sainsbury's x2 (UK 2015, cirpo/sainsburys-scraper)
    "github25": (None, FIXTURES / "github25.json"),  # a third Sainsbury's page (UK 2015, same template as github20)
    "github21": (None, FIXTURES / "github21.json"),  # Tiffany, Bose (US 2017, fathom-products)
    "github22": (None, FIXTURES / "github22.json"),  # MIXXMIX (Cafe24), Shop Monrovia (Magento 1), 2017, fathom-products
    "github23": (None, FIXTURES / "github23.json"),  # Buykud (Shopify), Swatch US (Magento), 2017, fathom-products
    "github26": (None, FIXTURES / "github26.json"),  # Lamps Plus (US 2017, fathom-products)
    "github27": (None, FIXTURES / "github27.json"),  # HealthyPets (Yahoo! Store), Fin Fun (NetSuite), US 2017, fathom-products
    "github29": (None, FIXTURES / "github29.json"),  # ProFlowers (US 2017, fathom-products)
    "github28": (None, FIXTURES / "github28.json"),  # The Chess Store (BigCommerce), TigerDirect, US 2017, fathom-products
    "github30": (None, FIXTURES / "github30.json"),  # DHgate (US storefront of the Chinese marketplace, 2017, fathom-products)
    "github32": (None, FIXTURES / "github32.json"),  # Zappos (US 2017, fathom-products)
    "github33": (None, FIXTURES / "github33.json"),  # Gilt (US flash-sale shop, 2017, fathom-products)
    "github35": (None, FIXTURES / "github35.json"),  # Urban Outfitters (US 2017, fathom-products)
    "github34": (None, FIXTURES / "github34.json"),  # CVS (US pharmacy shop, 2017, fathom-products)
    "github36": (None, FIXTURES / "github36.json"),  # Crate and Barrel (US 2017, fathom-products)
    "github37": (None, FIXTURES / "github37.json"),  # Costco (US 2017, fathom-products)
    "github38": (None, FIXTURES / "github38.json"),  # REI (US 2017, fathom-products)
    "github39": (None, FIXTURES / "github39.json"),  # Mango US (2017, fathom-products)
    "github40": (None, FIXTURES / "github40.json"),  # Groupon Goods (US 2017, fathom-products)
    "github42": (None, FIXTURES / "github42.json"),  # eBay US listing (2017, fathom-products)
    "github41": (None, FIXTURES / "github41.json"),  # Nordstrom (US 2017, fathom-products)
    "github43": (None, FIXTURES / "github43.json"),  # Stanford Bike Shop (US 2017, fathom-products)
    "github44": (None, FIXTURES / "github44.json"),  # Macy's (US 2017, fathom-products)
    "github45": (None, FIXTURES / "github45.json"),  # JCPenney (US 2017, fathom-products)
    "github46": (None, FIXTURES / "github46.json"),  # Ralph Lauren (US 2017, fathom-products)
    "github48": (None, FIXTURES / "github48.json"),  # AllPosters (US 2017, fathom-products)
    "github47": (None, FIXTURES / "github47.json"),  # HP's own store (US 2017, fathom-products)
    "github50": (None, FIXTURES / "github50.json"),  # Rakuten.com (US 2017, fathom-products)
    "github49": (None, FIXTURES / "github49.json"),  # Barnes & Noble (US 2017, fathom-products)
    "github52": (None, FIXTURES / "github52.json"),  # Microsoft Store (US 2017, fathom-products)
    "github51": (None, FIXTURES / "github51.json"),  # Neiman Marcus (US 2017, fathom-products)
    "github55": (None, FIXTURES / "github55.json"),  # Disney Store (US 2017, fathom-products)
    "github53": (None, FIXTURES / "github53.json"),  # Nike.com (US 2017, fathom-products)
    "github54": (None, FIXTURES / "github54.json"),  # LensCrafters (US 2017, fathom-products)
    "github57": (None, FIXTURES / "github57.json"),  # The Home Depot (US 2017, fathom-products)
    "github56": (None, FIXTURES / "github56.json"),  # QVC (US 2017, fathom-products)
    "github58": (None, FIXTURES / "github58.json"),  # B&H Photo (US 2017, fathom-products)
    "github62": (None, FIXTURES / "github62.json"),  # La Crosse Technology (US 2017, fathom-products)
    "github64": (None, FIXTURES / "github64.json"),  # Walmart.com (US 2017, fathom-products)
    "github63": (None, FIXTURES / "github63.json"),  # LightInTheBox (US storefront 2017, fathom-products)
    "github61": (None, FIXTURES / "github61.json"),  # Bed Bath & Beyond (US 2017, fathom-products)
    "github66": (None, FIXTURES / "github66.json"),  # Overstock (US 2017, fathom-products)
    "github65": (None, FIXTURES / "github65.json"),  # Etsy (US 2017, fathom-products training data)
    "github67": (None, FIXTURES / "github67.json"),  # Crutchfield (US 2017, fathom-products training data)
    "github70": (None, FIXTURES / "github70.json"),  # Office Depot (US 2017, fathom-products)
    "github71": (None, FIXTURES / "github71.json"),  # Gap (US 2017, fathom-products)
    "github72": (None, FIXTURES / "github72.json"),  # Lands' End (US 2017, fathom-products)
    "github73": (None, FIXTURES / "github73.json"),  # Monster Pet Supplies (UK, extruct's sample)
    "github77": (None, FIXTURES / "github77.json"),  # JD.com item page (CN 2015, PulsarRPA's crawler snapshot)
    "github78": (None, FIXTURES / "github78.json"),  # JD.com item page (CN 2015, PulsarRPA's crawler snapshot)
    "github79": (None, FIXTURES / "github79.json"),  # JD.com item page (CN 2015, PulsarRPA's crawler snapshot)
    "github80": (None, FIXTURES / "github80.json"),  # Amazon.com mobile page, a paperback (US 2015, onebox's fixture)
    "github81": (None, FIXTURES / "github81.json"),  # Etsy listing, mobile page (2017, onebox's fixture)
    "github82": (None, FIXTURES / "github82.json"),  # the same Etsy listing's desktop page (2017, onebox's fixture)
    "github83": (None, FIXTURES / "github83.json"),  # AutoUncle.ch, a used car (CH 2026, autouncle-scraper's fixture)
    "github84": (None, FIXTURES / "github84.json"),  # Bandcamp album page (CA 2016, bandcamp-scraper's fixture)
    "github85": (None, FIXTURES / "github85.json"),  # One Kings Lane, a lamp (US 2014, a onebox fork's fixture)
    "github86": (None, FIXTURES / "github86.json"),  # One Kings Lane, a paper towel holder (US 2015, the same fork)
    "github88": (None, FIXTURES / "github88.json"),  # IKEA US, a kitchen base cabinet (2014, the same fork; CRLF restored)
    "github89": (None, FIXTURES / "github89.json"),  # Pottery Barn, a robe (US 2015, the same fork)
    "github90": (None, FIXTURES / "github90.json"),  # Restoration Hardware, a tower clock (US 2015, the same fork)
    "github91": (None, FIXTURES / "github91.json"),  # Crate and Barrel, a melamine plate (US 2015, the same fork; CRLF restored)
    "github92": (None, FIXTURES / "github92.json"),  # Crate and Barrel, a rug (US 2014, the same fork; CRLF restored but a block of bare LF)
    "github95": (None, FIXTURES / "github95.json"),  # West Elm, a shower curtain (US 2015, the same fork)
    "github96": (None, FIXTURES / "github96.json"),  # World Market, a doormat (US 2015, the same fork)
    "github97": (None, FIXTURES / "github97.json"),  # Play-Asia, an out-of-stock game (2025, PlayniteExtensions fixture; no price shown)
    "github98": (None, FIXTURES / "github98.json"),  # retroplace.com, one seller's offer of a PS2 game (DE/EN 2022, PlayniteExtensions fixture)
    "github99": (None, FIXTURES / "github99.json"),  # bol.com, a PS2 game from a seller (NL, PlayniteExtensions fixture)
    "github101": (None, FIXTURES / "github101.json"),  # Xbox 360 Marketplace, a game (US, PlayniteExtensions fixture; no structured data)
    "github102": (None, FIXTURES / "github102.json"),  # GameStop.de, a Nintendo Labo kit (DE, pricetag fixture)
    "github103": (None, FIXTURES / "github103.json"),  # Americanas, an external HD from a marketplace seller (BR, pricetag fixture)
    "github104": (None, FIXTURES / "github104.json"),  # Submarino, a Samsung phone (BR, pricetag fixture)
    "github105": (None, FIXTURES / "github105.json"),  # Shoptime, a cookware set (BR, pricetag fixture)
    "github106": (None, FIXTURES / "github106.json"),  # GameStop.de, a Bloodborne plush on pre-order (pricetag fixture)
    "github107": (None, FIXTURES / "github107.json"),  # GOG.com, Project Eden (PlayniteExtensionsCollection fixture)
    "github108": (None, FIXTURES / "github108.json"),  # bol.com, Call of Duty Black Ops Cold War PS4 (PlayniteExtensions fixture)
    "github110": (None, FIXTURES / "github110.json"),  # Amazon.co.uk, a women's top, currently unavailable (amazon-page-parser fixture)
    "github114": (None, FIXTURES / "github114.json"),  # GOG.com, Serial Cleaners before release, no price (PlayniteExtensionsCollection fixture)
    "github109": (None, FIXTURES / "github109.json"),  # Amazon.com, a music DVD sold only by other sellers (amazon-page-parser fixture)
    "github113": (None, FIXTURES / "github113.json"),  # Amazon.ca, a watch sold by a marketplace seller, CDN$ (amazon-page-parser fixture)
    "github117": (None, FIXTURES / "github117.json"),  # eBay.com 2012, a Franklin Library book set (fletcher's VCR cassette, MIT)
    "github112": (None, FIXTURES / "github112.json"),  # Amazon.fr, a music CD, 9,99 € (amazon-page-parser fixture)
    "github118": (None, FIXTURES / "github118.json"),  # Etsy 2012, a screenprint, USD shown to a UK guest (fletcher's VCR cassette, MIT)
    "github119": (None, FIXTURES / "github119.json"),  # Play.com 2012, a DVD (fletcher's VCR cassette, MIT)
    "github111": (None, FIXTURES / "github111.json"),  # Amazon.de, chair covers from a marketplace seller, EUR 6,37 (amazon-page-parser fixture; 356 CRs of CRLF blocks dropped by the index)
    "github120": (None, FIXTURES / "github120.json"),  # GAME (game.co.uk) 2012, an Xbox 360 game, new and preowned prices (fletcher's VCR cassette, MIT)
    "github123": (None, FIXTURES / "github123.json"),  # Amazon.com 2012, a Kindle Keyboard 3G (fletcher's VCR cassette, MIT)
    "github125": (None, FIXTURES / "github125.json"),  # H&M France, a men's denim short, 29,99 € (calgo-lab/green-db test page, Apache-2.0 in pyproject)
    "github126": (None, FIXTURES / "github126.json"),  # Target.com 2014, a hammock chair, no brand named (isabella232/onebox-1 fixture, MIT in gemspec; CRs of CRLF dropped by the index)
    "github127": (None, FIXTURES / "github127.json"),  # CB2 2015, a duvet cover, own label (isabella232/onebox-1 fixture, MIT in gemspec; CRs of CRLF dropped by the index)
    "github128": (None, FIXTURES / "github128.json"),  # Wayfair 2015, a sleigh bed, sale price beside the list price (isabella232/onebox-1 fixture, MIT in gemspec)
    "github129": (None, FIXTURES / "github129.json"),  # Play-Asia (HK shop, EUR) 2023, a Switch game, sale price beside the previous price (Jeshibu/PlayniteExtensions test page, MIT)
    "github131": (None, FIXTURES / "github131.json"),  # Sainsbury's groceries 2015, avocados, own label (cirpo/sainsburys-scraper fixture, MIT in composer.json)
    "github132": (None, FIXTURES / "github132.json"),  # Jumia Egypt 2017, a beard oil, sale price beside the old price (scrapinghub/portia saved page, BSD-3-Clause)
    "github133": (None, FIXTURES / "github133.json"),  # Jumia Egypt 2017, a Samsung phone, two sellers (scrapinghub/portia saved page, BSD-3-Clause)
    "github135": (None, FIXTURES / "github135.json"),  # Jumia Egypt 2017, an iPhone 7, six more sellers, sale price beside the old price (scrapinghub/portia saved page, BSD-3-Clause)
    "github136": (None, FIXTURES / "github136.json"),  # Saturn.de 2018, an ASUS notebook out of stock, the price still shown beside the former price (lucasfsousa/pricetag fixture, MIT)
    "github138": (None, FIXTURES / "github138.json"),  # Jumia Egypt 2017, liner socks, stored with a cut-off copy of its own head first (scrapinghub/portia saved page, BSD-3-Clause)
    "github137": (None, FIXTURES / "github137.json"),  # Jenson USA 2017, a city bike sold in store only, price shown (swathiiyer2/fathom-products saved page, MPL-2.0 in package.json; 3 U+FFFD in another product's text as stored)
    "github140": (None, FIXTURES / "github140.json"),  # Overstock 2014, an ottoman on sale beside another retailer's struck price (isabella232/onebox-1 fixture, MIT in gemspec; CRs of CRLF dropped by the index)
    "github130": (None, FIXTURES / "github130.json"),  # MediaMarkt.de 2018, a PS4 game, the maker named as marked up (lucasfsousa/pricetag fixture, MIT)
    "github139": (None, FIXTURES / "github139.json"),  # Amazon.co.uk 2014, a textbook, the buy box's new price among used, RRP and bundle prices (scrapy/scrapely test sample, BSD)
    "github142": (None, FIXTURES / "github142.json"),  # JD.com 2015, a steering wheel cover, the buy box's price beside a stale one in the seller's grid (platonai/PulsarRPA crawler snapshot, Apache-2.0)
    "github146": (None, FIXTURES / "github146.json"),  # Oriflame Egypt 2016, a deodorant on sale (scrapinghub/portia)
    "github144": (None, FIXTURES / "github144.json"),  # ThinkGeek 2012, out of stock (hulihanapplications/fletcher cassette)
    "github145": (None, FIXTURES / "github145.json"),  # JD.com 2015, a Skyworth set-top box (platonai/PulsarRPA)
    "github149": (None, FIXTURES / "github149.json"),  # Oriflame Egypt 2017, unavailable at LE 79 (scrapinghub/portia)
    "github150": (None, FIXTURES / "github150.json"),  # JD.com 2015, a tea taken off sale: no price (platonai/PulsarRPA)
    "github151": (None, FIXTURES / "github151.json"),  # Big Fish Games 2025, a game whose buy box shows no price (Jeshibu/PlayniteExtensions)
    "github152": (None, FIXTURES / "github152.json"),  # AllModern 2015, a flour sifter on sale (isabella232/onebox-1)
    "github153": (None, FIXTURES / "github153.json"),  # iTunes App Store 2013, an app at $6.99 (discourse/discourse's onebox fixtures, MIT)
    "github154": (None, FIXTURES / "github154.json"),  # FYE 2020, a Blu-ray at $17.99 (extruct's test page, via Debian's extruct source package, BSD-3)
    "formasaurus22": (None, FIXTURES / "formasaurus22.json"),  # 9 more formasaurus pages no set had used (IT, US, HU, RU, UK shops ~2015; notes in formasaurus22.md)
    "heldout": (pages_dir() or ROOT / "missing-formasaurus-pages", FIXTURES / "heldout.json"),
    # pages built from the shop platforms' price templates (tests/fixtures/extraction/platforms)
    "platforms": (None, FIXTURES / "platforms.json"),  # Magento, WooCommerce, PrestaShop, Shopify, SFCC…
    "platforms2": (None, FIXTURES / "platforms2.json"),  # OpenCart, Shopware 5, Zen Cart, Squarespace…
    "platforms3": (None, FIXTURES / "platforms3.json"),  # regional: Shopware 6, OXID, JTL, VTEX, Cafe24…
    "platforms4": (None, FIXTURES / "platforms4.json"),  # regional: Shoptet, Bitrix, Salla, Wix, Ecwid…
    "platforms5": (None, FIXTURES / "platforms5.json"),  # regional: IdoSell, Shoper, Ticimax, Germanized…
    # pages modelled on big retailers' storefronts (tests/fixtures/extraction/retail)
    "retail": (None, FIXTURES / "retail.json"),  # Europe, Russia, Turkey, Gulf, Africa
    "retail2": (None, FIXTURES / "retail2.json"),  # the Americas and Asia
    "retail3": (None, FIXTURES / "retail3.json"),  # Latin America, Asia, the Gulf, Iran
    "retail4": (None, FIXTURES / "retail4.json"),  # Europe, the Nordics, CEE, Israel, Kazakhstan
    "retail5": (None, FIXTURES / "retail5.json"),  # brands' own stores, specialty shops
    "retail6": (None, FIXTURES / "retail6.json"),  # classifieds, auctions, price comparison
    "retail7": (None, FIXTURES / "retail7.json"),  # small and mid-size shops in 2010-2017 markup
    "retail8": (None, FIXTURES / "retail8.json"),  # South/South-East Asia, Africa, MENA
}
if swde_dir():  # real US shop pages of ~2011 with their own labels, read from SWDE_DIR (not committed)
    DEFAULT_SETS["swde"] = (None, FIXTURES / "swde.json")
    DEFAULT_SETS["swde-books"] = (None, FIXTURES / "swde-books.json")
    DEFAULT_SETS["swde-next"] = (None, FIXTURES / "swde-next.json")  # one more page of each shop
FIELDS = ("title", "price", "currency", "brand", "first_image")
LARGE = 800_000  # bytes: the "1 MB pages" of earlier reports


def load_scorer():
    """The shared scorer module (its matching rules), or None when ../shared is absent."""
    path = SHARED / "tools" / "score_extraction.py"
    if not path.exists():
        return None
    spec = importlib.util.spec_from_file_location("score_extraction", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def checks(scorer, got: dict, truth: dict) -> dict[str, bool]:
    """Field -> matched, exactly as the shared scorer decides."""
    return {
        "title": scorer.text_ok(got.get("title"), truth["title"], truth.get("title_alternatives")),
        "price": scorer.price_ok(got.get("price"), truth["price"]),
        "currency": (got.get("currency") or None) == truth["currency"],
        "brand": scorer.text_ok(got.get("brand"), truth["brand"], truth.get("brand_alternatives")),
        "first_image": scorer.first_image_ok(got.get("images") or [], truth.get("first_images") or [],
                                             truth.get("first_image_id"), truth.get("first_image_regex")),
    }


@contextlib.contextmanager
def page_only():
    """Structured sources off for the duration (module attributes, looked up per call)."""
    saved = (jsonld.extract, microdata.extract, microdata.extract_rdfa, platform.parse_inline, opengraph.extract)
    original_og = opengraph.extract

    def og_without_product_fields(doc, ctx, metas):
        found = original_og(doc, ctx, metas)
        if found:
            found.prices, found.brand = [], None
        return found

    jsonld.extract = microdata.extract = microdata.extract_rdfa = lambda doc, ctx: None
    platform.parse_inline = lambda html, ctx: None
    opengraph.extract = og_without_product_fields
    try:
        yield
    finally:
        (jsonld.extract, microdata.extract, microdata.extract_rdfa, platform.parse_inline, opengraph.extract) = saved


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def page_file(entry: dict, pages: Path | None) -> Path:
    """One entry's saved page: in ``pages``, or (None) where its source puts it."""
    path = pages / entry["file"] if pages else page_path(entry)
    if path is None:
        raise SystemExit(f"{entry['file']}: its archive is not fetched (make install)")
    return path


def measure(name: str, pages: Path | None, truth_path: Path, repeat: int, scorer) -> dict:
    """Scores and timings of one set (``pages`` None: each entry's page from its source)."""
    truth = json.loads(truth_path.read_text(encoding="utf-8"))
    hits = {f: 0 for f in FIELDS}
    cpu, wall, misses, large = [], [], [], []
    for entry in truth:
        raw = page_file(entry, pages).read_bytes()
        _, text = decode_html(raw)
        got = extract_product(text, entry["page_url"]).to_json()  # also the warm-up run
        runs = []
        for _ in range(repeat):
            started, cpu0 = time.perf_counter(), time.process_time()
            extract_product(text, entry["page_url"])
            runs.append((time.process_time() - cpu0, time.perf_counter() - started))
        cpu.append(min(r[0] for r in runs))
        wall.append(min(r[1] for r in runs))
        if len(raw) >= LARGE:
            large.append(cpu[-1])
        for field, ok in checks(scorer, got, entry).items():
            hits[field] += ok
            if not ok:
                shown = (got.get("images") or [None])[0] if field == "first_image" else got.get(field)
                misses.append(f"{entry['file']} {field}: got {shown!r}")
    n = len(truth)
    ms = lambda v: round(1000 * v, 1)  # noqa: E731
    return {
        "set": name, "pages": n, **{f: round(hits[f] / n, 3) for f in FIELDS},
        "median_cpu_ms": ms(statistics.median(cpu)), "p95_cpu_ms": ms(_percentile(cpu, 0.95)),
        "median_wall_ms": ms(statistics.median(wall)), "p95_wall_ms": ms(_percentile(wall, 0.95)),
        "max_cpu_ms": ms(max(cpu)), "large_pages": len(large),
        "large_median_cpu_ms": ms(statistics.median(large)) if large else None, "misses": misses,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--set", action="append", default=[], metavar="NAME=PAGES_DIR:TRUTH_JSON")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--page-only", action="store_true", help="structured sources off (see above)")
    parser.add_argument("--out", help="also write the JSON report to this file")
    args = parser.parse_args(argv)
    scorer = load_scorer()
    if scorer is None:
        print("../shared/tools/score_extraction.py is missing: its matching rules are needed", file=sys.stderr)
        return 1
    sets = {}
    for spec in args.set:
        name, _, paths = spec.partition("=")
        pages, _, truth = paths.partition(":")
        sets[name] = (Path(pages) if pages else None, Path(truth))  # "NAME=:TRUTH": pages by source
    sets = sets or {k: v for k, v in DEFAULT_SETS.items()
                    if v[1].exists() and json.loads(v[1].read_text(encoding="utf-8"))}  # an empty set is skipped
    with page_only() if args.page_only else contextlib.nullcontext():
        results = [measure(name, pages, truth, args.repeat, scorer) for name, (pages, truth) in sets.items()]
    for result in results:
        result["page_only"] = args.page_only
    report = {"sets": results, "python": host.python_version(), "machine": host.machine()}
    for result in report["sets"]:
        print(json.dumps(result, ensure_ascii=False))
    if args.out:
        Path(args.out).write_text(json.dumps(report, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
