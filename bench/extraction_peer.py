"""The peer the issue names, measured on the same pages by the same rules: extruct + price-parser.

    python -m bench.extraction_peer [--repeat N]

What a straightforward scraper built from the two libraries reads: the first schema.org
``Product`` in JSON-LD, else microdata (extruct, ``uniform=True``), with OpenGraph
(``og:title``, ``og:image``, ``product:price:amount``/``og:price:amount``, ``…currency``) as
the fallback and ``<title>`` for the name; prices parsed by ``price_parser.Price`` (currency
from the markup, else the symbol). No visible-page reading. Scored with the shared scorer's
rules (``bench.extraction.checks``); prints one JSON object per set, like ``bench.extraction``.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time

import extruct
from price_parser import Price

from bench.extraction import DEFAULT_SETS, FIELDS, checks, load_scorer, page_file
from core.fetch import decode_html


def _first(value):
    if isinstance(value, list):
        return value[0] if value else None
    return value


def _name(value) -> str | None:
    value = _first(value)
    if isinstance(value, dict):
        value = value.get("name")
    return str(value) if value not in (None, "") else None


def _product(items: list[dict]) -> dict | None:
    for item in items:
        types = item.get("@type")
        types = types if isinstance(types, list) else [types]
        if any(str(t).endswith("Product") for t in types):
            return item
        for key in ("@graph", "mainEntity", "itemListElement"):
            inner = item.get(key)
            if isinstance(inner, list):
                found = _product([x for x in inner if isinstance(x, dict)])
                if found:
                    return found
    return None


def peer_extract(html: str, url: str) -> dict:
    data = extruct.extract(html, base_url=url, syntaxes=["json-ld", "microdata", "opengraph"],
                           uniform=True, errors="ignore")
    product = _product(data.get("json-ld") or []) or _product(data.get("microdata") or []) or {}
    og = {}
    for block in data.get("opengraph") or []:
        for key, value in block.items():
            og.setdefault(key, value)
    offer = _first(product.get("offers")) or {}
    if isinstance(offer, dict) and offer.get("lowPrice") and not offer.get("price"):
        offer = {**offer, "price": offer["lowPrice"]}
    raw_price = (offer.get("price") if isinstance(offer, dict) else None) \
        or og.get("product:price:amount") or og.get("og:price:amount")
    currency = (offer.get("priceCurrency") if isinstance(offer, dict) else None) \
        or og.get("product:price:currency") or og.get("og:price:currency")
    price = Price.fromstring(str(raw_price)) if raw_price not in (None, "") else None
    amount = price.amount if price else None
    title = _name(product.get("name")) or og.get("og:title")
    if not title:
        import lxml.html
        tag = lxml.html.document_fromstring(html.encode("utf-8", "replace")).find(".//title")
        title = tag.text_content().strip() if tag is not None else None
    image = _first(product.get("image")) or og.get("og:image")
    if isinstance(image, dict):
        image = image.get("url") or image.get("contentUrl")
    return {
        "title": title, "price": None if amount is None else f"{amount:.2f}",
        "currency": (str(currency).upper() if currency else (price.currency if price else None)),
        "brand": _name(product.get("brand")), "images": [image] if image else [],
    }


def measure(name: str, pages, truth_path, repeat: int, scorer) -> dict:
    truth = json.loads(truth_path.read_text(encoding="utf-8"))
    hits = dict.fromkeys(FIELDS, 0)
    cpu = []
    for entry in truth:
        _, text = decode_html(page_file(entry, pages).read_bytes())
        got = peer_extract(text, entry["page_url"])
        runs = []
        for _ in range(repeat):
            c0 = time.process_time()
            peer_extract(text, entry["page_url"])
            runs.append(time.process_time() - c0)
        cpu.append(min(runs) if runs else 0.0)
        for field, ok in checks(scorer, got, entry).items():
            hits[field] += ok
    n = len(truth)
    return {"set": name, "peer": "extruct+price-parser", "pages": n,
            **{f: round(hits[f] / n, 3) for f in FIELDS},
            "median_cpu_ms": round(1000 * statistics.median(cpu), 1)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    scorer = load_scorer()
    if scorer is None:
        print("../shared/tools/score_extraction.py is missing: its matching rules are needed", file=sys.stderr)
        return 1
    for name, (pages, truth) in DEFAULT_SETS.items():
        if (pages is None or pages.is_dir()) and truth.exists():
            print(json.dumps(measure(name, pages, truth, args.repeat, scorer)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
