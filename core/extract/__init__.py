"""Product extraction: HTML in, ``ExtractedProduct`` out (pure, no network).

Each syntax has its own module returning a ``Found``; ``extract_product`` merges them from the
strongest source to the weakest and records in ``sources`` which one gave each field.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from urllib.parse import urlsplit

import lxml.html
from w3lib.html import get_base_url

from core.extract import gallery, html, jsonld, microdata, opengraph, own_label, platform, repair, shown_prices
from core.extract.base import (HTML, JSONLD, MICRODATA, OPENGRAPH, PLATFORM, RDFA, SOURCE_ORDER,
                               TWITTER, Found, PageContext, PriceCandidate)
from core.extract.images import dedupe_images, image_identity, is_chrome_image
from core.extract.prices import country_hint, default_currency, money_text, path_country, site_country
from core.extract.shown_prices import postage_line
from core.extract.state import state_prices
from core.extract.text import (clean_text, html_to_text, is_placeholder, overlap, plausible_brand, safe_url, squash,
                               strip_unsafe)

__all__ = ["ExtractedProduct", "extract_product", "merge", "plausible_brand", "sanitize"]

_STRUCTURED = (PLATFORM, JSONLD, MICRODATA, RDFA)
_MAX_TITLE = 250


@dataclass
class ExtractedProduct:
    """What a product page says about its product."""

    url: str
    """The page URL (final URL after redirects when fetched)."""
    title: str | None = None
    """Product name as displayed, without site name."""
    description: str | None = None
    """Plain text, whitespace normalised."""
    price: Decimal | None = None
    """Current selling price (sale price, lowest of a range)."""
    currency: str | None = None
    """ISO 4217 code of ``price``."""
    brand: str | None = None
    """Manufacturer or brand, None when the page shows none."""
    images: list[str] = field(default_factory=list)
    """Absolute URLs of distinct product photos, the main one first."""
    image_alts: dict[str, str] = field(default_factory=dict)
    """Alt text per image URL, where the page gives one."""
    sources: dict[str, str] = field(default_factory=dict)
    """Field name -> source that gave it (``json-ld``, ``microdata``, ``opengraph``, ``html``…)."""
    list_price: Decimal | None = None
    """The struck-through / "was" / RRP price the page or its markup states, when above ``price``."""
    rating: Decimal | None = None
    """Average rating on a 0-5 scale (schema.org ``aggregateRating``), None when not rated."""
    rating_count: int | None = None
    """How many ratings or reviews ``rating`` averages."""
    provenance: dict[str, dict[str, str]] = field(default_factory=dict)
    """Field name -> {source: value} for every source that stated it (price, currency, title,
    brand, list_price): what a person checks when sources disagree."""
    price_conflict: str | None = None
    """Set when sources disagree on the price, e.g. "JSON-LD 150.00, page shows 120.00"."""
    shows_product: bool = True
    """False for a page that shows no product at all: no price, no photo, no add-to-cart control
    and no product markup (an "About us" page, an article without pictures)."""
    listed: int = 0
    """Products the page lists when it is a search or category page rather than one product's
    page (its price is then left empty: every amount on it is a tile's); 0 on a product page."""
    language: str | None = None
    """The page's locale as a BCP 47 tag ("de-CH", "es-CL"): what the page declares
    (``<html lang>``, ``og:locale``, Content-Language) completed with its domain's country,
    else the domain country's language, else a guess from the title and description."""

    def to_json(self) -> dict:
        """The CLI/JSON form: prices as strings like ``"129.00"`` or None."""
        return {
            "url": self.url,
            "title": self.title,
            "description": self.description,
            "price": _money(self.price),
            "currency": self.currency,
            "brand": self.brand,
            "images": list(self.images),
            "sources": dict(self.sources),
            "list_price": _money(self.list_price),
            "rating": None if self.rating is None else str(self.rating),
            "rating_count": self.rating_count,
            "price_conflict": self.price_conflict,
            "listed": self.listed,
            "provenance": {k: dict(v) for k, v in self.provenance.items()},
        }


def _money(value: Decimal | None) -> str | None:
    return None if value is None else money_text(value)


def _site_words(url: str, metas: list[tuple[str, str]]) -> set[str]:
    host = (urlsplit(url).hostname or "").lower()
    words = {w for w in host.split(".") if len(w) > 3 and w not in ("www", "shop", "store", "com")}
    words |= {html.plain(v) for k, v in metas if k == "og:site_name" and v.strip()}
    return {w for w in words if w}


def _declared_language(doc, metas: list[tuple[str, str]]) -> str | None:
    """The language the page states: ``<html lang>``, ``og:locale``, then Content-Language."""
    root = doc.getroottree().getroot()
    tags = [root.get("lang"), root.get("{http://www.w3.org/XML/1998/namespace}lang"), root.get("xml:lang")]
    tags += [v for k, v in metas if k in ("og:locale", "language", "content-language")]
    tags += doc.xpath("//meta[translate(@http-equiv, 'CONTENT-LANGUAGE', 'content-language')"
                      "='content-language']/@content")[:1]
    tags = [t.split(",")[0].strip() for t in tags if t and t.strip()]
    if not tags:
        return None
    # lang="en" beside og:locale="en_GB": the one that names the region
    base = re.split(r"[-_]", tags[0])[0].lower()
    return next((t for t in tags if re.match(rf"(?i)^{re.escape(base)}[-_][a-z]{{2}}$", t)), tags[0])


_KANA = re.compile(r"[\u3041-\u3096\u30a1-\u30fa]")  # (not "・" or "ー", which Chinese titles use too)
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")


def _yen_country(title: str | None, html_text: str) -> str | None:
    """Whose "¥"/"￥" a page that declares nothing shows, by its writing: kana in the <title>, Japan's yen; a
    <title> a third or more in Chinese characters on a page without any kana, China's yuan (an untagged JD page's
    "￥29.90"). Nothing for other pages, nor for a kanji-only Japanese title beside kana in the page."""
    if not title or ("¥" not in html_text and "￥" not in html_text):
        return None
    if _KANA.search(title):
        return "jp"
    letters = [c for c in title if c.isalpha()]
    han = sum(1 for c in letters if _HAN.match(c))
    return "cn" if han >= 2 and han * 3 >= len(letters) and not _KANA.search(html_text) else None


def _page_language(declared: str | None, base_url: str, product: "ExtractedProduct") -> str | None:
    from core.locale import guess_language, page_locale

    found = page_locale(declared, country_hint(base_url, declared))
    if found is None:
        guess = guess_language(f"{product.title or ''}. {product.description or ''}")
        found = page_locale(guess, None) if guess else None
    return found


def _valid_title(text: str | None) -> str | None:
    text = clean_text(text)
    if not text or is_placeholder(text) or len(text) > _MAX_TITLE:
        return None
    return text


_TOKEN = re.compile(r"[^\W_]+(?:[-./][^\W_]+)*")


# a quantity, not a model: "18v", "2.5x", "12mp", "1080p", "500w", "2nd", "4k", "2pack"
_SPEC_TOKEN = re.compile(r"\d+(\.\d+)?(x|mp|gb|tb|mb|mm|cm|m|in|ml|l|g|kg|v|w|kw|hz|khz|mhz|ghz|p|k|mah|oz|lbs?|"
                         r"pcs?|pack|pk|st|nd|rd|th|ft|h|min|s|yr|yrs)")


def _model_tokens(text: str) -> set[str]:
    """Model numbers in a name: tokens of letters and digits ("DMC-LX3", "DC150", "SX130")."""
    out = set()
    for tok in _TOKEN.findall(text.casefold()):
        if len(tok) >= 3 and re.search(r"\d", tok) and re.search(r"[^\W\d_]", tok) \
                and not _SPEC_TOKEN.fullmatch(tok):
            out.add(tok.replace("-", ""))
    return out


def _same_model(heading: str, ref: str) -> bool:
    """The heading names the same product as a differently worded og:title / <title>: it
    starts with the same brand word and shares a model number ("Panasonic Lumix DMC-LX3 Point
    & Shoot Digital Camera - Silver - …" and "Panasonic #(DMC-LX3S) - Lumix DMC-LX3 Compact
    Camera DMCLX3S"), where the word overlap is low."""
    first = (_TOKEN.findall(ref.casefold()) or [""])[0]
    return len(first) >= 2 and not first.isdigit() and heading.casefold().startswith(first) \
        and bool(_model_tokens(heading) & _model_tokens(ref))


# a name that is an identifier alone: a part number, an article code ("2608577215", "MX-5120-B")
# (five digits or more, or digits with a separator: not "X100V" or "RTX4090", which are names)
_IDENTIFIER = re.compile(r"(?=(?:\D*\d){5}|[\w./-]*\d[\w]*[./-]|[\w./-]*[./-]\w*\d)[\w./-]{4,}")


def _only_site(text: str, site_words: set[str]) -> bool:
    """The text is the shop's name and nothing else ("Velo Parts" on velo-parts.com)."""
    low = html.plain(text)
    return bool(low) and low in {html.plain(w) for w in site_words}


def _pick_title(founds: dict[str, Found], site_words: set[str]) -> tuple[str | None, str | None]:
    for source in _STRUCTURED:
        f = founds.get(source)
        if f and _valid_title(f.title):
            # the shop's name as a last segment ("Linen Apron – Rust — Holloway Linen", Squarespace)
            title = html.clean_title(f.title, site_words, strict=True)
            # A structured name polluted by page text ("Log In needed $15 · Name") loses to a
            # shorter spelling of the same name from the same item.
            for alt in f.titles:
                if alt and alt in f.title and alt != f.title and len(alt) > 8:
                    title = alt
            heading = founds[HTML].title if HTML in founds else None
            if _IDENTIFIER.fullmatch(title) and heading and _valid_title(heading) and len(heading.split()) >= 2 \
                    and any(title.casefold() in r.casefold() for r in [heading] + founds[HTML].titles[:1]):
                # the markup's name is the part number alone ("2608577215"); the page's heading
                # names the product and it or the <title> carries that number
                return heading, HTML
            og = founds.get(OPENGRAPH)
            if heading and _valid_title(heading) and og and og.title \
                    and squash(html.clean_title(og.title, site_words, page_title=True) or "") == squash(heading) \
                    and overlap(title, heading) < 0.5 and overlap(heading, title) < 0.5 \
                    and squash(heading) not in squash(title):
                # the heading and the og:title say the same name, the markup another: a multi-language
                # shop's markup in its default language ("… Herren Trailrunning-Schuhe" on the French
                # page "Chaussures de trail … Homme") — the shopper reads the page's
                return heading, HTML
            return title, source
    heading = founds[HTML].title
    og = founds.get(OPENGRAPH)
    tw = founds.get(TWITTER)
    # an og:title that the <title> ends with after the shop's name ("Shop. Name – Colour") has no
    # shop name of its own to cut: its last segment is the name's
    raw_tag = founds[HTML].tag_title or ""
    social = [html.clean_title(x.title, site_words, page_title=not (raw_tag.endswith(x.title) and x.title != raw_tag))
              for x in (og, tw) if x and _valid_title(x.title)]
    # (a single-page app's site-wide <title>/og:title, "Velo Parts — Bike components & accessories", names the shop)
    tag_title = founds[HTML].titles[0] if founds[HTML].titles else None
    if heading and _valid_title(heading):
        # (not on a one-product shop named as its product, "Fidget Cube" on fidgetcube.com, with no heading)
        social = [s for s in social if s and not _only_site(s, site_words)]
        if tag_title and _only_site(html.clean_title(tag_title, site_words, page_title=True) or "", site_words):
            tag_title = None
    refs = social + ([tag_title] if tag_title else [])
    # (a variant's words in brackets after the name: "boAt Rockerz 450 Bluetooth Headset (Luscious Black, On the
    # Ear)" beside an og:title that names the product only)
    bare = re.sub(r"\s*\([^()]{3,60}\)$", "", heading or "")
    if heading and _valid_title(heading) and any(overlap(heading, r) >= 0.6 or _same_model(heading, r)
                                                 or bare != heading and len(bare.split()) >= 2 and overlap(bare, r) >= 0.8
                                                 for r in refs):
        return heading, HTML
    if heading and _valid_title(heading) and any(x and x.title and squash(x.title) == squash(heading) for x in (og, tw)):
        # the social card names the product exactly as the heading, dash and all ("Minecraft – Pocket Edition",
        # the App Store 2013): what cutting it as "name – shop" left ("Minecraft") is a piece of the name
        return heading, HTML
    if social:
        return social[0], OPENGRAPH if og and og.title and html.clean_title(og.title, site_words, page_title=True) == social[0] else TWITTER
    if heading and _valid_title(heading):
        return heading, HTML
    return (tag_title, HTML) if tag_title else (None, None)


def _structured_prices(founds: dict[str, Found]) -> list[tuple[str, PriceCandidate]]:
    """Every current price the markup states, strongest source first."""
    return [(s, p) for s in SOURCE_ORDER if s != HTML and s in founds for p in founds[s].current_prices()]


def _home_offers(mine: list[PriceCandidate], founds: dict[str, Found], country: str | None) -> list[PriceCandidate]:
    """Of offers in several currencies (one JSON-LD node priced in CHF, EUR and GBP), those in the
    currency the page shows its prices in, else in its country's: the lowest figure across
    currencies means nothing."""
    if len({p.currency for p in mine}) < 2:
        return mine
    shown = next((p.currency for p in founds[HTML].current_prices() if p.currency), None)
    for want in (shown, default_currency(country)):
        own = [p for p in mine if p.currency == want]
        if want and own:
            return own
    return mine


def _pick_price(founds: dict[str, Found], country: str | None = None) -> tuple[PriceCandidate | None, str | None]:
    """Structured prices, with the prices the page shows as the referee between them.

    Where sources disagree (a list price in OpenGraph, a starting bid in JSON-LD), the one the
    page prints next to the product wins. Markup that states only the price the page shows
    struck through (the list price) loses to the current price shown beside it. Otherwise the
    strongest source wins, lowest of its offers.
    """
    structured = _structured_prices(founds)
    page = founds[HTML]
    shown = page.current_prices()
    if structured and shown and page.first_price_ok and structured[0][1].amount in page.converted_amounts \
            and shown[0].currency and shown[0].currency != structured[0][1].currency:
        # The markup holds the "ca. EUR 3,45" conversion the page prints under the listing's
        # own "£2,99": the page's price in its own currency is the price.
        return shown[0], HTML
    # the strongest source's prices, and the lowest of them (what it gives unless refereed)
    top_source = structured[0][0] if structured else None
    mine = _home_offers([p for s, p in structured if s == top_source], founds, country)
    low = min(p.amount for p in mine) if mine else None
    if structured and shown and page.first_price_ok:
        if all(p.note.lower() == "lowprice" for p in mine) and shown[0].amount > low \
                and shown[0].currency in (None, mine[0].currency) \
                and (page.certain_price or low not in page.shown_amounts):
            # the markup's only price is an aggregate's lowest (the cheapest of a marketplace's
            # sellers, of a product's variants), the product's own box shows the offer a shopper
            # gets: that one ("34,95 €" in the buy box, "5 Angebote ab 31,49 €" below)
            return shown[0], HTML
    struck = {p.amount for p in page.list_prices()} | {p.amount for p in page.list_beside.values()}
    # the product's box shows its price with confidence, in the markup's currency
    sure = bool(structured and shown and page.certain_price and page.first_price_ok
                and shown[0].currency in (None, mine[0].currency))
    if sure and shown[0].amount >= 1 and all(p.amount == shown[0].amount * 100 for p in mine):
        return shown[0], HTML  # the markup's price in cents ("price": "3400" beside a shown $34.00)
    if structured and shown and page.first_price_ok and shown[0].currency in (None, mine[0].currency) \
            and all(p.amount in page.instalment_amounts and p.amount not in page.shown_amounts - page.instalment_amounts
                    for p in mine) and shown[0].amount not in page.instalment_amounts:
        # the markup's price is what the page shows only as a month's instalment (Best Buy's carrier phones:
        # schema.org "$24.96" beside "$24.96/mo. for 24 months"): the page's own price
        return shown[0], HTML
    switched = bool(structured and shown and page.certain_price and page.first_price_ok and shown[0].currency
                    and shown[0].currency != mine[0].currency and all(p.currency != shown[0].currency for p in mine)
                    and all(c.currency in (None, shown[0].currency) for c in shown))
    if switched and not any(p.amount in page.shown_amounts or p.amount in struck for _, p in structured):
        # the product's box shows its price in another currency than the markup's, which the page shows
        # nowhere: a currency switcher's choice (WooCommerce's WOOCS, Shopify Markets) — the shopper's
        return shown[0], HTML
    if sure and not any(p.amount in page.shown_amounts or p.amount in struck for _, p in structured):
        # no markup price appears on the page (neither shown nor struck), and the product's box shows
        # its price with confidence: stale markup (last season's JSON-LD, a Twitter card, another
        # colour's node) — what a shopper sees is the price; the conflict stays flagged
        return shown[0], HTML
    for n, seen in enumerate(shown):
        if n and seen.amount in struck:
            continue  # the struck list price the page shows too (as a list-classed amount)
        for source, cand in structured:
            if cand.amount == seen.amount:
                return cand, source
    # A source that states both a sale price and a list price, whose list price is what the
    # strongest source gives as the price (JSON-LD 150.00; og:price:standard_amount 150.00 with
    # product:price:amount 120.00): the markup carries the list price, the sale price wins.
    if structured:
        top = structured[0][1].amount
        for s in SOURCE_ORDER:
            if s == HTML or s not in founds or s == structured[0][0]:
                continue
            sale = [p for p in founds[s].current_prices() if p.amount < top]
            if sale and any(p.amount == top for p in founds[s].list_prices()):
                return min(sale, key=lambda p: p.amount), s
    if structured and shown and page.first_price_ok and structured[0][1].amount in struck \
            and shown[0].amount < structured[0][1].amount:
        return shown[0], HTML
    if structured and shown and page.first_price_ok and shown[0].currency in (None, structured[0][1].currency):
        if low in page.tier_amounts or page.with_tax_shown and _with_vat(low, shown[0].amount):
            # the markup holds a quantity tier's price ("10+ units") or the price before VAT
            # (WooCommerce's JSON-LD of a shop that enters net prices): the page's price is it
            return shown[0], HTML
    if structured:
        if founds[top_source].sold_out and not shown and not page.shown_amounts:
            # sold out, and the page shows no price any more ("ناموجود" in its place): the
            # markup's last price is no price to print on an ad
            return None, None
        return min(mine, key=lambda p: p.amount), top_source
    if shown and _listing(founds):
        # a search or category page: its prices are its tiles' (and its filters'), none is
        # the price of one product to print on an ad
        return None, None
    if shown and not page.first_price_ok and _postage_only(shown):
        return None, None
    return (shown[0], HTML) if shown else (None, None)


# standard and reduced VAT / GST rates in use (percent)
_VAT_RATES = (5, 6, 7, 7.7, 8, 8.1, 9, 10, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 25.5, 27)


def _with_vat(net: Decimal, gross: Decimal) -> bool:
    """``gross`` is ``net`` plus a VAT rate, to the cent (5.42 → 6.50 at 20%, 40.27 → 47.92 at 19%)."""
    if not net or gross <= net:
        return False
    return any(abs(net * (1 + Decimal(str(r)) / 100) - gross) <= Decimal("0.011") for r in _VAT_RATES)


def _postage_only(shown: list[PriceCandidate]) -> bool:
    """Every amount the page shows is a postage line, its shipping words first ("Ingyenes
    szállítás 15.000 Ft felett"; not "199,00 € inkl. Versand"): an unavailable product's page,
    with no price of its own."""
    return all(postage_line(c.note or "") for c in shown)


LISTING_CARDS = 10
"""Priced cards linking elsewhere, alike, that make a page a listing when nothing else on it
(no markup, no price beside a heading or buy button) says which product it is about."""


def _listing(founds: dict[str, Found]) -> int:
    """Products a search or category page lists (0: a product's page): a grid of at least
    ``LISTING_CARDS`` alike priced cards linking to other pages, no price in markup, no price
    shown in the product's own container, and no product named in markup."""
    page = founds.get(HTML)
    if page is None or page.grid_cards < LISTING_CARDS or page.certain_price or page.beside_buy \
            or _structured_prices(founds):
        return 0
    if any(founds[s].title for s in _STRUCTURED if s in founds):
        return 0
    return page.grid_cards


_SOURCE_LABEL = {PLATFORM: "Shop JSON", JSONLD: "JSON-LD", MICRODATA: "Microdata", RDFA: "RDFa",
                 OPENGRAPH: "OpenGraph", TWITTER: "Twitter card", HTML: "page shows"}


def _price_conflict(chosen: PriceCandidate, source: str, founds: dict[str, Found]) -> str | None:
    """ "JSON-LD 150.00, page shows 120.00" when the page's own price and the markup disagree.

    Only the current prices count (a list price beside a sale price is no disagreement), and
    the page's price only where it sits in the product's own container.
    """
    page = founds[HTML]
    shown = page.current_prices()
    if not shown or not page.certain_price:
        return None
    structured = _structured_prices(founds)
    if not structured:
        return None
    if source == HTML:
        other_source, other = structured[0]
        return f"{_SOURCE_LABEL[other_source]} {money_text(other.amount)}, page shows {money_text(chosen.amount)}"
    if chosen.amount in page.shown_amounts or any(p.amount in page.shown_amounts for _, p in structured):
        return None  # the markup's price is printed on the page too
    return f"{_SOURCE_LABEL[source]} {money_text(chosen.amount)}, page shows {money_text(shown[0].amount)}"


def _pick_list_price(price: Decimal, founds: dict[str, Found]) -> tuple[Decimal | None, str | None]:
    """The list price printed beside the chosen price on the page, else the strongest
    source's list price (ListPrice/StrikethroughPrice, og original_price) above it."""
    beside = founds[HTML].list_beside.get(price) if HTML in founds else None
    if beside is not None:
        return beside.amount, HTML
    for source in SOURCE_ORDER:
        f = founds.get(source)
        for p in f.list_prices() if f and source != HTML else []:
            if p.amount > price:
                return p.amount, source
    return None, None


def _pick_rating(founds: dict[str, Found]) -> tuple[Decimal | None, int | None, str | None]:
    for source in SOURCE_ORDER:
        f = founds.get(source)
        if f and f.rating is not None:
            return f.rating, f.rating_count, source
    return None, None, None


def _provenance(founds: dict[str, Found]) -> dict[str, dict[str, str]]:
    """Every source's value for the fields a person checks."""
    out: dict[str, dict[str, str]] = {}
    for source in SOURCE_ORDER:
        f = founds.get(source)
        if not f:
            continue
        values = {
            "title": clean_text(f.title),
            "price": ", ".join(dict.fromkeys(money_text(p.amount) for p in f.current_prices()[:1 if source == HTML else None])) or None,
            "list_price": ", ".join(dict.fromkeys(money_text(p.amount) for p in f.list_prices())) or None,
            "currency": next((p.currency for p in f.prices if p.currency), None) or f.currency,
            "brand": clean_text(f.brand),
        }
        for name, value in values.items():
            if value:
                out.setdefault(name, {})[source] = strip_unsafe(value)[:300]
    return out


def _pick_currency(chosen: PriceCandidate, source: str, founds: dict[str, Found],
                   country: str | None) -> tuple[str | None, str | None]:
    """The chosen price's currency, else one any source states, else the country's own."""
    if chosen.currency:
        return chosen.currency, source
    for s in SOURCE_ORDER:
        for p in founds[s].prices if s in founds else []:
            if p.currency:
                return p.currency, s
    for s in SOURCE_ORDER:
        if s in founds and founds[s].currency:
            return founds[s].currency, s
    code = default_currency(country)
    return code, ("url" if code else None)


def _pick_brand(founds: dict[str, Found],
                site_words: set[str] | frozenset = frozenset()) -> tuple[str | None, str | None]:
    page = founds.get(HTML)
    # a "Brand:" row the page shows (a retailer's; not a guess from a line or a breadcrumb step)
    shown = page.brand if page and page.brand_labelled and plausible_brand(page.brand) else None
    for source in SOURCE_ORDER:
        f = founds.get(source)
        # a template's brand part left blank, "{brand} | Urban Outfitters": the product has no maker
        # of its own, the rest is the shop's own label
        brand = (_BLANK_PART.sub("", f.brand) or f.brand) if f and f.brand else None
        if brand and _NO_BRAND.fullmatch(brand.strip()):
            continue  # "No Brand", eBay's "Does not apply": none here; another source may name one
        if brand and source != HTML and shown and squash(shown) != squash(brand) \
                and html.is_site_part(brand, site_words, strict=True) and not html.is_site_part(shown, site_words):
            continue  # the shop's own name as the platform's default vendor, its "Brand:" row naming the maker
        if plausible_brand(brand):
            return brand, source
    return None, None


_BLANK_PART = re.compile(r"^\s*[|/•·–—-]+\s+")  # (a separator and a space: ":CHOCOOLATE" is a name)


# what marketplaces put in the brand field of an unbranded item
_NO_BRAND = re.compile(r"(no[-\s]?brand|non[-\s]?branded|unbranded|generic|does not apply|not applicable|n/?a|none|"
                       r"unknown|sin marca|sem marca|sans marque|senza marca|ohne marke|keine marke|markenlos|geen merk|"
                       r"bez marki|без бренда|нет бренда|ノーブランド|无品牌|無品牌|노브랜드|"
                       # "Other" chosen from a classified site's brand list ("Márka: Egyéb"): no brand named
                       r"others?|egyéb|sonstige[s]?|andere|otros?|otras?|autres?|altr[oi]|overige?|inne|"
                       r"другое|другой|прочие|прочее|diğer|outros?|muu|muut|övrigt|annet|andet)\.?", re.I)


# the address opens one variant ("?variant=4242", "?color=camel"): the gallery's selected photo is that variant's
_VARIANT_QUERY = re.compile(r"[?&](variant|color|colour|farbe|couleur|colore|kleur|cor|colorway|attribute_(pa_)?\w+)=", re.I)


def _pick_images(founds: dict[str, Found], displayed: str | None = None,
                 numbers: dict[str, int] | None = None, url: str = "", clones: set[str] | None = None,
                 unloaded: dict[str, str] | None = None) -> tuple[list[str], str | None, dict[str, str]]:
    """Photos from every source, strongest first, de-duplicated by identity; the photo the
    page's gallery shows as selected (the chosen colour) leads when the sources list it, and
    the gallery's photo 1 when the markup's first is a later one ("… image 7")."""
    lead, lead_source, alts = [], None, {}
    for source in SOURCE_ORDER:
        f = founds.get(source)
        if not f:
            continue
        strict = source in (OPENGRAPH, TWITTER, HTML)
        usable = [u for u in f.images if not (strict and is_chrome_image(u)) and not _is_ui_art(u)]
        alts.update(f.image_alts)
        if usable and lead_source is None:
            lead_source = source
        lead.extend(usable)
    images = dedupe_images(lead)
    if clones and len(images) > 1 and image_identity(images[0]) in clones:
        images.append(images.pop(0))  # the carousel's copy of its last slide, listed first by the markup
    page = founds.get(HTML)
    if lead_source in (OPENGRAPH, TWITTER) and images and _SHARE_CARD.search(images[0].rsplit("/", 1)[-1]) \
            and page and page.images:
        # the social card is a campaign or share crop ("campaign_denim_fw23_share.jpg"), not a photo
        # of the product: the gallery's first photo leads
        if _to_front(images, image_identity(page.images[0])):  # (not when the card is the gallery's first photo)
            lead_source = HTML
    if lead_source in (OPENGRAPH, TWITTER) and images and unloaded and image_identity(images[0]) in unloaded:
        # the social card's photo is one the gallery has not shown (a lazy view still on its placeholder,
        # LensCrafters' three-quarter view): the photo the gallery shows beside it leads
        if _to_front(images, image_identity(unloaded[image_identity(images[0])])):
            lead_source = HTML
    on_page = {image_identity(u) for u in page.images} if page else set()
    numbered = {image_identity(u): n for u, n in (numbers or {}).items()}
    later = bool(images) and numbered.get(image_identity(images[0]), 1) > 1
    if later and not displayed:
        # the page numbers its photos and the markup's first is not its photo 1 (the JSON-LD
        # lists them in another order): the gallery's photo 1 leads
        displayed = next((u for u, n in numbers.items() if n == 1), None)
    variant = bool(url and _VARIANT_QUERY.search(url))
    if variant and not displayed and page and page.images:
        displayed = page.images[0]  # the page renders the chosen variant's photos; the markup lists the group's
    if displayed and images and (lead_source == HTML or image_identity(images[0]) not in on_page
                                 or later or variant):
        # The markup's first photo is not in the page's gallery (another colour's), or only the
        # page gives photos (a carousel may open with a clone of its last slide): the
        # gallery's selected photo leads.
        _to_front(images, image_identity(displayed))
    return images, lead_source, alts


def _to_front(images: list[str], key: str) -> bool:
    """Move the photo of identity ``key`` first; False when it is already first or not listed."""
    at = next((i for i, u in enumerate(images) if image_identity(u) == key), None)
    if at:
        images.insert(0, images.pop(at))
    return bool(at)


_SHARE_CARD = re.compile(r"(^|[-_.])(share|social|og|og[-_]?image|og[-_]?default|opengraph|fb|facebook|twitter|campaign|"
                         r"lifestyle)"
                         r"([-_.]|$)", re.I)


def _is_ui_art(url: str) -> bool:
    return bool(re.search(r"\.(svg|ico)(\?|$)", url, re.I))


def merge(founds: dict[str, Found], url: str, country: str | None,
          site_words: set[str], *, displayed: str | None = None,
          numbers: dict[str, int] | None = None, clones: set[str] | None = None,
          unloaded: dict[str, str] | None = None) -> ExtractedProduct:
    """Combine per-source findings, strongest source first, recording where each field came from."""
    product = ExtractedProduct(url=url)
    product.title, src = _pick_title(founds, site_words)
    if src:
        product.sources["title"] = src
    for source in SOURCE_ORDER:
        f = founds.get(source)
        if f and f.description and len(f.description) > 3:
            product.description, product.sources["description"] = f.description, source
            break
    chosen, src = _pick_price(founds, country)
    if chosen:
        product.price, product.sources["price"] = chosen.amount, src
        product.currency, currency_src = _pick_currency(chosen, src, founds, country)
        if currency_src:
            product.sources["currency"] = currency_src
        product.list_price, src = _pick_list_price(chosen.amount, founds)
        if src:
            product.sources["list_price"] = src
        product.price_conflict = _price_conflict(chosen, product.sources["price"], founds)
    product.listed = _listing(founds)
    product.rating, product.rating_count, src = _pick_rating(founds)
    if src:
        product.sources["rating"] = src
    product.provenance = _provenance(founds)
    product.brand, src = _pick_brand(founds, site_words)
    if src:
        product.sources["brand"] = src
    product.images, src, product.image_alts = _pick_images(founds, displayed, numbers, url, clones, unloaded)
    if src:
        product.sources["images"] = src
    product.image_alts = {u: a for u, a in product.image_alts.items() if u in product.images}
    return sanitize(product)


def _safe_text(value: str | None) -> str | None:
    if value is None:
        return None
    return strip_unsafe(str(value)).strip() or None


def sanitize(product: ExtractedProduct) -> ExtractedProduct:
    """The extraction boundary: every text field and URL of ``product`` without control
    characters (NUL included), bidi overrides/isolates or lone surrogates, whichever source
    and whichever path (entity, JSON escape, platform JSON) brought them in. A field left
    empty becomes None; images stay distinct and in order."""
    product.url = safe_url(product.url) or product.url
    product.title = _safe_text(product.title)
    product.description = _safe_text(product.description)
    product.brand = _safe_text(product.brand)
    product.currency = _safe_text(product.currency)
    images = [safe_url(u) for u in product.images]
    product.images = list(dict.fromkeys(u for u in images if u))
    alts: dict[str, str] = {}
    for url, alt in product.image_alts.items():
        url, alt = safe_url(url), _safe_text(alt)
        if url in product.images and alt and url not in alts:
            alts[url] = alt
    product.image_alts = alts
    for name in ("title", "description", "brand", "currency", "images"):
        if not getattr(product, name):
            product.sources.pop(name, None)
    return product


def parse_html(html_text: str):
    """The lxml tree of a page. UTF-8 bytes parse about twice as fast as a Python str.

    Markup after a stray ``</html>`` (templates that close the page early and go on) becomes
    a second top-level element in libxml2's tree, invisible from the root; browsers render it
    as part of the body, and so it is moved there. A sectioning element whose end tag libxml2
    ignored (a ``<div>`` left open in the site header) is closed where a browser closes it.
    """
    def parse(text: str):
        data = text.encode("utf-8", "replace")
        return lxml.html.document_fromstring(data, parser=lxml.html.HTMLParser(encoding="utf-8"))

    root = parse(html_text or "<html></html>")
    if repair.swallowed(root):
        # a header left with an open <div>: libxml2 ignored its end tag (see core.extract.repair)
        repaired = repair.close_sections(html_text or "")
        if repaired != html_text:
            root = parse(repaired)
    strays = [el for el in root.itersiblings() if isinstance(el.tag, str)]
    if strays:
        body = root.find("body")
        if body is None:
            body = lxml.html.Element("body")
            root.append(body)
        head = root.find("head")
        for stray in strays:
            for child in list(stray):
                if child.tag == "head" and head is not None:
                    head.extend(list(child))
                elif child.tag == "body":
                    body.extend(list(child))
                else:
                    body.append(child)
    return root


def extract_product(html_text: str, base_url: str, *, extra: list[Found] | None = None) -> ExtractedProduct:
    """Extract the product a page describes. ``extra``: findings from platform JSON fetched elsewhere."""
    doc = parse_html(html_text)
    head = html_text[:200_000]
    base = get_base_url(head, base_url) if "<base" in head.lower() else base_url
    metas = opengraph.meta_tags(doc)
    title_el = doc.find(".//title")
    title_tag = clean_text(title_el.text_content()) if title_el is not None else None
    site_name = next((clean_text(v) for k, v in metas if k == "og:site_name"), None)
    title_site = re.split(r"\s[|–—-]\s", title_tag)[-1] if title_tag and re.search(r"\s[|–—-]\s", title_tag) else None
    if title_site and ("," in title_site or len(title_site.split()) > 4):
        title_site = None  # "… - Central Valley, Chile": the product's words, not the shop's name
    declared = _declared_language(doc, metas)
    country = country_hint(base_url, declared) or path_country(base_url) \
        or site_country(site_name, title_site) or (None if declared else _yen_country(title_tag, html_text))
    site_words = _site_words(base_url, metas)
    hints = [t for t in [title_tag] + [clean_text(v) for k, v in metas if k == "og:title"] if t]
    ctx = PageContext(base_url=base, country=country, hints=hints)
    founds: dict[str, Found] = {}
    for f in extra or []:
        founds.setdefault(f.source, f)
    inline = platform.parse_inline(html_text, ctx)
    if inline and PLATFORM not in founds:
        founds[PLATFORM] = inline
    shown_prices.unstrike_prices(doc)
    for source, fn in ((JSONLD, jsonld.extract), (MICRODATA, microdata.extract), (RDFA, microdata.extract_rdfa)):
        f = fn(doc, ctx)
        if f:
            founds[source] = f
    og = opengraph.extract(doc, ctx, metas)
    if og:
        founds[OPENGRAPH] = og
    tw = opengraph.extract_twitter(metas, ctx)
    if tw:
        founds[TWITTER] = tw
    meta_desc = html_to_text(next((v for k, v in metas if k == "description"), None))
    # The page itself is always read (about 10 ms median): it referees disagreeing markup,
    # shows sale vs list prices and is where a markup/page price conflict is seen.
    sc = html.scan(doc, base_url)
    refs = [f.title for s, f in founds.items() if f.title] + hints
    found_html, heading_pos = html.extract(doc, ctx, sc, refs, site_words, html_text, meta_desc)
    images = sc.images
    founds[HTML] = found_html
    # the product's name as the markup, else the page's heading, else the social card says it (a single-page
    # app's og:title may be the shop's); no heading: the page title names the photos' subject
    title_for_images = next((founds[s].title for s in _STRUCTURED + (HTML, OPENGRAPH, TWITTER)
                             if s in founds and founds[s].title), None) or next(iter(hints), None)
    clones: set[str] = set()
    unloaded: dict[str, str] = {}  # a photo the gallery has not shown -> the one it shows beside it
    found_html.images, found_html.image_alts, displayed, numbers = gallery.gallery_images(
        doc, images, heading_pos, title_for_images, base, clones, unloaded)
    product = merge(founds, base_url, country, site_words, displayed=displayed,
                    numbers=numbers, clones=clones, unloaded=unloaded)
    if product.brand is None:
        # no maker named anywhere: the shop's own label, where the page says the shop sells it
        product.brand = own_label.own_label(base_url, title_tag, site_name, product.title, html_text)
        if product.brand:
            product.sources["brand"] = "own-label"
    if product.price is None and not product.listed and product.title and found_html.buy_button:
        # nothing shows a price beside an add-to-cart control: a client-rendered price box, the product's
        # price in the page state (not a discontinued or log-in-to-see page, which has no buy button)
        kept = state_prices(html_text, product.title, country)
        if kept:
            product.price, product.sources["price"] = kept[0].amount, "page-state"
            product.currency = kept[0].currency or default_currency(country)
            if product.currency:
                product.sources["currency"] = "page-state" if kept[0].currency else "url"
            product.list_price = next((p.amount for p in kept if p.role == "list"), None)
            if product.list_price is not None:
                product.sources["list_price"] = "page-state"
    if not product.images and product.title:
        # no photo in markup or HTML: a JavaScript gallery's list in the inline state
        product.images = dedupe_images(gallery.script_images(doc, product.title, base))
        if product.images:
            product.sources["images"] = HTML
    if not product.images and product.title and not product.listed:
        # nor there: the photo in the product's own block beside its heading (a plain theme's lone <img>)
        photo = gallery.block_photo(found_html.heading, base)
        if photo:
            product.images, product.sources["images"] = [photo], HTML
    product.language = _page_language(declared, base_url, product)
    product.shows_product = (product.price is not None or bool(product.images) or found_html.buy_button
                             or any(s in founds for s in (PLATFORM, JSONLD, MICRODATA, RDFA)))
    return product
