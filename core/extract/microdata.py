"""Microdata (via extruct) and RDFa-lite ``schema.org/Product`` items.

RDFa is read by a short walk over ``typeof``/``property`` attributes instead of extruct's
pyRdfa-based extractor, which builds a full RDF graph and costs far more than the 50 ms budget
on a large page; product RDFa in the wild is the simple nested form this walk understands.
"""

from __future__ import annotations

import copy
import re
from itertools import islice

from extruct.w3cmicrodata import MicrodataExtractor

from core.extract.base import MICRODATA, RDFA, Found, PageContext, PriceCandidate
from core.extract.images import absolute_url
from core.extract.jsonld import rating
from core.extract.prices import currency_in_text, in_rials, normalize_currency, parse_amount
from core.extract.text import clean_text, element_text, html_to_text, is_placeholder, overlap, squash

_PRODUCT = re.compile(r"(^|[/#:])(Product|IndividualProduct|ProductModel|ProductGroup|Vehicle|Car|Book)$", re.I)
_LABEL_PREFIX = re.compile(r"^.{0,60}?:\s*(?=\S)")


def _is_product(item: dict) -> bool:
    types = item.get("type") or []
    return any(_PRODUCT.search(str(t)) for t in (types if isinstance(types, list) else [types]))


def _props(item) -> dict:
    """Properties with lower-case keys (pages write ``pricecurrency`` too)."""
    if not isinstance(item, dict):
        return {}
    props = item.get("properties")
    return {str(k).lower(): v for k, v in props.items()} if isinstance(props, dict) else {}


def _value(value):
    """A nested item's text: its ``name`` property, or its own ``value``."""
    if isinstance(value, dict):
        props = _props(value)
        return props.get("name") or value.get("value")
    return value


def _as_list(value) -> list:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _first_text(value) -> str | None:
    for v in _as_list(value):
        text = clean_text(_value(v))
        if text and not is_placeholder(text):
            return text
    return None


def _first_raw(value) -> str | None:
    """The first text value as given (lines kept), for html_to_text."""
    for v in _as_list(value):
        v = _value(v)
        if isinstance(v, str) and clean_text(v) and not is_placeholder(clean_text(v)):
            return v
    return None


def _brand(value) -> str | None:
    text = _first_text(value)
    if text and ":" in text:  # "Ver mais artigos da Marca: Roborock"
        text = _LABEL_PREFIX.sub("", text)
    if text and len(text) <= 60 and not is_placeholder(text):
        return text
    return None


def _prices(offers, currency, country) -> list[PriceCandidate]:
    out: list[PriceCandidate] = []
    for offer in _as_list(offers):
        props = _props(offer)
        if not props:
            continue
        raw_cur = props.get("pricecurrency") or props.get("currency") or currency  # ("currency": data-vocabulary.org's Offer)
        for key in ("price", "lowprice"):
            raw = _first_text(props.get(key))
            cur = normalize_currency(_first_text(raw_cur), country=country) or currency_in_text(raw, country=country)
            amount = parse_amount(raw, structured=True, currency=cur)
            if amount is not None:
                out.append(PriceCandidate(in_rials(amount, _first_text(raw_cur)), cur, key))
                break
        if "offers" in props:
            out.extend(_prices(props["offers"], raw_cur, country))
    return out


def _found(source: str, props: dict, ctx: PageContext) -> Found:
    found = Found(source)
    names = [clean_text(_value(v)) for v in _as_list(props.get("name"))]
    names = [n for n in names if n and not is_placeholder(n)]
    if names:
        found.title = names[0]
    for offer in _as_list(props.get("offers")):
        offered = clean_text(_value(_props(offer).get("itemoffered")))
        if offered:
            found.titles.append(offered)
    # the raw value: extruct gives a list's items as lines, which html_to_text keeps apart
    found.description = html_to_text(_first_raw(props.get("description")))
    found.brand = _brand(props.get("brand")) or _brand(props.get("manufacturer"))
    found.prices = _prices(props.get("offers"), _first_text(props.get("pricecurrency")), ctx.country)
    if not found.prices and props.get("price"):
        found.prices = _prices([{"properties": props}], None, ctx.country)
    agg = next((_props(v) for v in _as_list(props.get("aggregaterating")) if isinstance(v, dict)), None)
    if agg:
        found.rating, found.rating_count = rating({
            "ratingValue": _first_text(agg.get("ratingvalue")), "bestRating": _first_text(agg.get("bestrating")),
            "ratingCount": _first_text(agg.get("ratingcount")), "reviewCount": _first_text(agg.get("reviewcount"))})
    for value in _as_list(props.get("image")):
        value = _value(value) if isinstance(value, dict) and "properties" in value else value
        if isinstance(value, dict):
            value = _props(value).get("url") or _props(value).get("contenturl")
        url = absolute_url(value, ctx.base_url)
        # <img itemprop="image" srcset="…"> without src: its value resolves to the page itself
        if url and url.split("#")[0] != ctx.base_url.split("#")[0]:
            found.images.append(url)
    return found


def _pick(candidates: list[tuple[Found, dict]], ctx: PageContext) -> Found | None:
    def score(pair) -> float:
        found, props = pair
        best = max((overlap(found.title, h) for h in ctx.hints), default=0.0) if found.title else 0.0
        return best + (0.5 if found.prices else 0) + (0.2 if found.images else 0) + (0.3 if found.title else -1)

    if not candidates:
        return None
    best = max(candidates, key=score)[0]
    if len(candidates) > 1 and ctx.hints and not _names_page(best.title, ctx):
        return None  # only other products (recommendations) are marked up, not this page's
    return best


def _names_page(title: str | None, ctx: PageContext) -> bool:
    return bool(title) and max(overlap(title, h) for h in ctx.hints) >= 0.3


def extract(doc, ctx: PageContext) -> Found | None:
    """The page's main microdata product, or None."""
    items = MicrodataExtractor().extract_items(doc, ctx.base_url)
    candidates = []
    for item in items:
        stack = [item]
        while stack:  # products nested in a page item count too
            it = stack.pop()
            if not isinstance(it, dict):
                continue
            if _is_product(it):
                candidates.append((_found(MICRODATA, _props(it), ctx), it))
            for v in _props(it).values():
                stack.extend(x for x in _as_list(v) if isinstance(x, dict))
    found = _pick(candidates, ctx)
    if found is None:
        offers = [it for it in items if "Offer" in str(it.get("type"))]
        if offers:
            found = Found(MICRODATA, prices=_prices(offers, None, ctx.country))
    if found is not None and not found.brand:
        found.brand = _stray_brand(doc)
    if found is not None and found.title:
        found.title = _own_name(doc, found.title)
    return found


def _own_name(doc, name: str) -> str:
    """The name without the identifiers its element holds as properties of their own: Office Depot's
    ``<h1 itemprop="name">Desk, Espresso <small>Item # <span itemprop="sku">101095</span></small></h1>``
    is named "Desk, Espresso" (the microdata value is the element's whole text)."""
    for el in islice(doc.iterfind(".//*[@itemprop='name']"), 50):
        if not any(_identifier(d) for d in el.iterdescendants()) or squash(el.text_content()) != squash(name):
            continue
        # the trailing child that shows the identifier, or the small wrapper that labels it ("Item # 101095");
        # not one in the middle of the name ("Makita <span itemprop=mpn>XFD131</span> 18V …"), nor a part of
        # the name that also holds it ("Makita <span>18V LXT Drill <span itemprop=mpn>XFD131</span></span>")
        kids = [k for k in el if isinstance(k.tag, str)]
        last = kids[-1] if kids and not (kids[-1].tail or "").strip() else None
        if last is None or not (_identifier(last) or _labelled_identifier(last)):
            continue
        bare = copy.deepcopy(el)
        [k for k in bare if isinstance(k.tag, str)][-1].drop_tree()
        return clean_text(bare.text_content()) or name
    return name


_IDENTIFIERS = {"sku", "mpn", "productid", "gtin", "gtin8", "gtin12", "gtin13", "gtin14", "isbn"}


def _identifier(el) -> bool:
    """An identifier property the page shows (not a <meta> tag inside the name's words)."""
    return isinstance(el.tag, str) and el.tag != "meta" \
        and any(t in _IDENTIFIERS for t in (el.get("itemprop") or "").casefold().split()) \
        and bool((el.text_content() or "").strip())


def _labelled_identifier(el) -> bool:
    """A wrapper that shows an identifier and at most its short label ("Item # ", "SKU:")."""
    ids = [d for d in el.iterdescendants() if _identifier(d)]
    if not ids:
        return False
    rest = (el.text_content() or "")
    for d in ids:
        rest = rest.replace(d.text_content() or "", "", 1)
    return len(rest.strip()) <= 12 and len(rest.split()) <= 2


def _stray_brand(doc) -> str | None:
    """``<meta itemprop="brand" content="Sibilia">`` left outside every ``itemscope`` (the
    product block's markup closed before it): the page's one such brand, if only one."""
    values = {clean_text(el.get("content") or element_text(el))
              for el in doc.xpath('//*[@itemprop="brand"][not(ancestor-or-self::*[@itemscope])]')}
    values.discard(None)
    return values.pop() if len(values) == 1 else None


def _rdfa_value(el) -> str | None:
    for attr in ("content", "resource", "href", "src"):
        if el.get(attr):
            return el.get(attr)
    return element_text(el)


def extract_rdfa(doc, ctx: PageContext) -> Found | None:
    """The first RDFa-lite ``Product`` (``typeof="schema:Product"`` or ``vocab`` + ``Product``)."""
    for el in doc.xpath("//*[@typeof]"):
        if not _PRODUCT.search(el.get("typeof", "").split()[0] if el.get("typeof", "").split() else ""):
            continue
        props: dict = {}
        offers: list[dict] = []
        for child in el.iterdescendants():
            prop = child.get("property")
            if not prop:
                continue
            name = prop.split()[0].rsplit(":", 1)[-1].rsplit("/", 1)[-1].lower()
            holder = props
            owner = next((a for a in child.iterancestors() if a.get("typeof")), None)
            if owner is not None and owner is not el:
                if "offer" not in owner.get("typeof", "").lower():
                    continue  # a property of some other nested thing (brand is handled below)
                if not offers or offers[-1]["_el"] is not owner:
                    offers.append({"_el": owner})
                holder = offers[-1]
            if child.get("typeof") and name == "brand":
                holder.setdefault(name, []).append(_rdfa_value(child.find(".//*[@property]")) or element_text(child))
                continue
            if child.get("typeof"):
                continue
            holder.setdefault(name, []).append(_rdfa_value(child))
        mapped = {k: v for k, v in props.items()}
        mapped["offers"] = [{"properties": {k: v for k, v in o.items() if k != "_el"}} for o in offers]
        if not offers and "price" in props:
            mapped["offers"] = [{"properties": {"price": props["price"], "pricecurrency": props.get("pricecurrency")}}]
        return _found(RDFA, mapped, ctx)
    return None
