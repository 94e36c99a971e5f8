"""JSON-LD ``Product`` nodes (``@graph``, lists, nested ``mainEntity``, lowercase types)."""

from __future__ import annotations

import logging
import re
from decimal import Decimal

from extruct.jsonld import JsonLdExtractor

from core.extract.base import JSONLD, Found, PageContext, PriceCandidate
from core.extract.images import absolute_url
from core.extract.prices import in_rials, normalize_currency, parse_amount
from core.extract.text import clean_text, html_to_text, is_placeholder, overlap

log = logging.getLogger(__name__)
_PRODUCT_TYPES = {"product", "productgroup", "individualproduct", "productmodel", "someproducts",
                  "vehicle", "car", "book", "offer"}
_SKIP_PRICE_TYPES = ("listprice", "strikethroughprice", "msrp", "suggested", "minimumadvertised")
_EXTRACTOR = JsonLdExtractor()


def _types(node: dict) -> set[str]:
    raw = node.get("@type") or node.get("type") or []
    raw = raw if isinstance(raw, list) else [raw]
    return {str(t).rsplit("/", 1)[-1].rsplit(":", 1)[-1].lower() for t in raw}


def _items(doc) -> list:
    try:
        return _EXTRACTOR.extract_items(doc)
    except Exception:  # noqa: BLE001 - one malformed script must not hide the others
        items = []
        for script in doc.xpath('//script[@type="application/ld+json"]'):
            try:
                items.extend(i for i in _EXTRACTOR._extract_items(script) if i)
            except Exception:  # noqa: BLE001
                log.debug("extract.jsonld_unreadable")
        return items


def _walk(value, out: list[dict], ids: dict[str, dict], depth: int = 0) -> None:
    if depth > 12:
        return
    if isinstance(value, list):
        for v in value:
            _walk(v, out, ids, depth + 1)
    elif isinstance(value, dict):
        if isinstance(value.get("@id"), str) and len(value) > 1:
            ids.setdefault(value["@id"], value)
        out.append(value)
        for key, v in value.items():
            if key not in ("@context",):
                _walk(v, out, ids, depth + 1)


def _deref(value, ids: dict[str, dict]):
    if isinstance(value, dict) and set(value) == {"@id"}:
        return ids.get(value["@id"], value)
    return value


def _as_list(value) -> list:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _offer_prices(offers, ids, currency=None, depth=0) -> list[PriceCandidate]:
    out: list[PriceCandidate] = []
    for offer in _as_list(_deref(offers, ids)):
        offer = _deref(offer, ids)
        if not isinstance(offer, dict) or depth > 3:
            continue
        cur = offer.get("priceCurrency") or currency
        code = normalize_currency(cur)
        has_price = False
        for key in ("price", "lowPrice"):
            amount = parse_amount(offer.get(key), structured=True, currency=code)
            if amount is not None:
                out.append(PriceCandidate(in_rials(amount, cur), code, key))
                has_price = True
                break
        for spec in _as_list(offer.get("priceSpecification")):
            spec = _deref(spec, ids)
            if not isinstance(spec, dict):
                continue
            spec_code = normalize_currency(spec.get("priceCurrency") or cur)
            amount = parse_amount(spec.get("price") or spec.get("minPrice"), structured=True, currency=spec_code)
            if amount is None:
                continue
            amount = in_rials(amount, spec.get("priceCurrency") or cur)
            kind = str(spec.get("priceType", "")).lower()
            if any(k in kind for k in _SKIP_PRICE_TYPES):
                out.append(PriceCandidate(amount, spec_code, "priceSpecification", role="list"))
            elif not has_price:
                out.append(PriceCandidate(amount, spec_code, "priceSpecification"))
        if "offers" in offer and offer.get("offers") is not offers:
            out.extend(_offer_prices(offer["offers"], ids, cur, depth + 1))
    return out


def rating(value, ids=None) -> tuple[Decimal | None, int | None]:
    """(rating on a 0-5 scale, number of ratings) of a schema.org ``aggregateRating``."""
    value = _deref(value, ids or {})
    if isinstance(value, list):
        value = value[0] if value else None
    if not isinstance(value, dict):
        return None, None
    got = parse_amount(_scalar(value.get("ratingValue")), structured=True)
    best = parse_amount(_scalar(value.get("bestRating")), structured=True) or Decimal(5)
    if got is None or got > best:
        return None, None
    scaled = (got * 5 / best).quantize(Decimal("0.01")) if best != 5 else got
    count = None
    for key in ("ratingCount", "reviewCount"):
        raw = str(_scalar(value.get(key)) or "").replace(",", "").replace(".", "").strip()
        if raw.isdigit():
            count = int(raw)
            break
    if count == 0:
        return None, 0
    return scaled, count


def _scalar(value):
    if isinstance(value, list):
        value = value[0] if value else None
    if isinstance(value, dict):
        value = value.get("@value") or value.get("value")
    return value


def _brand(node: dict, ids: dict | None = None) -> str | None:
    for key in ("brand", "manufacturer"):
        for value in _as_list(node.get(key)):
            if isinstance(value, dict) and set(value) == {"@id"} and re.search(r"#(organization|website|store|shop)$",
                                                                               str(value["@id"]), re.I):
                continue  # Yoast points an unset brand at the site's own Organization: the shop, no maker
            value = _deref(value, ids or {})  # (Yoast's @graph: "brand": {"@id": "…/marke/asics/#brand"})
            text = clean_text(value.get("name") if isinstance(value, dict) else value)
            if text and not is_placeholder(text):
                return text
    return None


def _images(node: dict, ctx: PageContext, ids) -> list[str]:
    urls = []
    for value in _as_list(node.get("image")) + _as_list(node.get("photo")):
        value = _deref(value, ids)
        if isinstance(value, dict):
            value = value.get("contentUrl") or value.get("url") or value.get("thumbnailUrl")
            value = value[0] if isinstance(value, list) and value else value
        url = absolute_url(value, ctx.base_url)
        if url:
            urls.append(url)
    return urls


def _score(node: dict, ctx: PageContext) -> float:
    name = clean_text(node.get("name"))
    best = max((overlap(name, h) for h in ctx.hints), default=0.0) if name else 0.0
    return best + (0.5 if node.get("offers") else 0) + (0.2 if node.get("image") else 0)


def _groups_whole(products: list[dict], ids) -> list[dict]:
    """A ``ProductGroup`` with its ``hasVariant`` products stands for the product: its name,
    brand and pictures (a variant's name adds its size: "… - Größe S") with every variant's
    offers; the variants are not products of their own."""
    variants, groups = set(), []
    for node in products:
        members = [_deref(v, ids) for v in _as_list(node.get("hasVariant"))] if "productgroup" in _types(node) else []
        members = [v for v in members if isinstance(v, dict)]
        if not members:
            continue
        variants |= {id(v) for v in members if v is not node}
        whole = dict(node)
        whole["offers"] = _as_list(node.get("offers")) + [o for v in members for o in _as_list(v.get("offers"))]
        for key in ("image", "brand", "description"):
            if not whole.get(key):
                whole[key] = next((v[key] for v in members if v.get(key)), None)
        groups.append((node, whole))
    wholes = {id(node): whole for node, whole in groups}
    return [wholes.get(id(n), n) for n in products if id(n) not in variants]


_GONE = ("outofstock", "soldout", "discontinued")


def _sold_out(offers, ids) -> bool:
    """Every offer says the product can no longer be bought (``OutOfStock``, ``SoldOut``,
    ``Discontinued``)."""
    offers = [_deref(o, ids) for o in _as_list(_deref(offers, ids))]
    states = [str(_scalar(o.get("availability")) or "").rsplit("/", 1)[-1].lower()
              for o in offers if isinstance(o, dict)]
    return bool(states) and all(s in _GONE for s in states)


def _same_product_once(products: list[dict]) -> list[dict]:
    """Nodes with the same name describe one product twice (30book: a ``Book`` node with its
    publisher and a ``Product`` node with the brand): one node, the first's fields completed
    from the others'. Otherwise two descriptions of the page's product look like a list of
    other products."""
    merged: dict[str, dict] = {}
    out: list[dict] = []
    for node in products:
        key = (clean_text(node.get("name")) or "").casefold()
        if not key:
            out.append(node)
            continue
        if key in merged:
            first = merged[key]
            for field, value in node.items():
                if value and not first.get(field):
                    first[field] = value
            continue
        merged[key] = dict(node)
        out.append(merged[key])
    return out


def extract(doc, ctx: PageContext) -> Found | None:
    """The page's main JSON-LD product, or None when there is none."""
    nodes: list[dict] = []
    ids: dict[str, dict] = {}
    _walk(_items(doc), nodes, ids)
    products = [n for n in nodes if _types(n) & _PRODUCT_TYPES and "offer" not in _types(n)]
    offers_only = [n for n in nodes if _types(n) == {"offer"} and isinstance(n.get("itemOffered"), dict)]
    products += [n["itemOffered"] | {"offers": n} for n in offers_only]
    products = _same_product_once(_groups_whole(products, ids))
    if not products:
        return None
    node = max(products, key=lambda n: _score(n, ctx))
    name = clean_text(node.get("name"))
    if len(products) > 1 and ctx.hints and not (name and max(overlap(name, h) for h in ctx.hints) >= 0.3):
        return None  # only other products (recommendations) are described, not this page's
    found = Found(JSONLD)
    name = clean_text(node.get("name"))
    if name and not is_placeholder(name):
        found.title = name
    found.description = html_to_text(node.get("description"))
    found.brand = _brand(node, ids)
    found.prices = _offer_prices(node.get("offers"), ids, node.get("priceCurrency"))
    found.sold_out = _sold_out(node.get("offers"), ids)
    found.images = _images(node, ctx, ids)
    found.rating, found.rating_count = rating(node.get("aggregateRating"), ids)
    if not found.images:  # some themes nest the image inside the Offer
        for offer in _as_list(_deref(node.get("offers"), ids)):
            if isinstance(offer, dict):
                found.images.extend(_images(offer, ctx, ids))
    return found

