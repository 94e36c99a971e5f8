"""Scrape one product page: fetch, read the platform's product JSON when reachable, extract.

Command line (for people and scripts)::

    python -m core.scrape URL_OR_FILE [--base-url URL] [--allow-private]

prints one JSON object ``{"url", "title", "description", "price", "currency", "brand",
"images", "sources", "list_price", "rating", "rating_count", "price_conflict", "listed", "provenance"}``. A local file needs ``--base-url`` to resolve relative links; no network
request is made for a file.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from pathlib import Path

from core.errors import ScrapeError
from core.extract import ExtractedProduct, extract_product
from core.extract.assist import assist
from core.extract.base import Found, PageContext
from core.extract.platform import json_urls, parse_shopify, parse_woocommerce
from core.extract.prices import country_hint
from core.fetch import FetchStopped, StopCheck, decode_html, fetch_json, fetch_page

log = logging.getLogger(__name__)


def platform_findings(html: str, page_url: str, *, allow_private: bool | None = None,
                      should_stop: StopCheck | None = None) -> list[Found]:
    """Product JSON from the shop platform (Shopify, WooCommerce) when the page exposes it.

    Best effort: a platform endpoint that is missing or refuses is skipped, never an error
    (but a cancelled scrape stops: ``FetchStopped`` goes through).
    """
    ctx = PageContext(base_url=page_url, country=country_hint(page_url), hints=[])
    for kind, url in json_urls(html, page_url):
        try:
            data = json.loads(fetch_json(url, allow_private=allow_private, should_stop=should_stop))
        except FetchStopped:
            raise
        except (ScrapeError, ValueError) as exc:
            log.info("scrape.platform_json_skipped", extra={"url": url, "reason": str(exc)})
            continue
        found = parse_shopify(data, ctx) if kind == "shopify" else parse_woocommerce(data, ctx)
        if found:
            return [found]
    return []


def scrape_product(url: str, *, allow_private: bool | None = None,
                   should_stop: StopCheck | None = None) -> ExtractedProduct:
    """Fetch ``url`` and extract its product. Raises ``ScrapeError`` when nothing usable is found.

    ``should_stop``: polled during every fetch; True ends the scrape with ``FetchStopped``.
    """
    page = fetch_page(url, allow_private=allow_private, should_stop=should_stop)
    extra = platform_findings(page.text, page.final_url, allow_private=allow_private,
                              should_stop=should_stop)
    product = extract_product(page.text, page.final_url, extra=extra)
    if product.listed and product.price is None:
        raise ScrapeError(f"this address shows a list of {product.listed} products (a search or category "
                          "page), not one product's page: use the address of the product's own page",
                          transient=False, for_good=True, url=url)
    if product.title and not product.shows_product:
        # (a walk-through: an "About us" page became a product, then a "Shop now" banner of it)
        # (not "for good": a shop's maintenance or robot-check page answers 200 too; Retry stays)
        raise ScrapeError("this page shows no product (no price, no product photo, no add-to-cart button and "
                          "no product markup): use the address of the product's own page; if it is one, the "
                          "shop may have shown a maintenance or robot-check page instead: retry later",
                          transient=False, url=url)
    product = assist(product, page.text)  # Gemini, for fields missing or in conflict (when on)
    if not product.title and not product.images:
        raise ScrapeError("no product found on the page (no name and no images)", transient=False, url=url)
    log.info("scrape.completed", extra={"url": url, "sources": product.sources})
    return product


def scrape_file(path: Path, base_url: str) -> ExtractedProduct:
    """Extract the product from a saved HTML file (encoding from BOM or ``<meta charset>``,
    UTF-8 when the bytes are valid UTF-8 under a single-byte declaration: ``decode_html``)."""
    _, text = decode_html(path.read_bytes())
    return extract_product(text, base_url)


def main(argv: list[str] | None = None) -> int:
    """CLI entry point: prints one JSON object, or an error on stderr with exit status 1."""
    parser = argparse.ArgumentParser(prog="python -m core.scrape", description=__doc__.split("\n\n")[0])
    parser.add_argument("target", help="product page URL or a saved HTML file")
    parser.add_argument("--base-url", help="page URL used to resolve a file's relative links")
    parser.add_argument("--allow-private", action="store_true",
                        help="allow private/loopback hosts (local testing only)")
    args = parser.parse_args(argv)
    try:
        if args.target.startswith(("http://", "https://")):
            product = scrape_product(args.target, allow_private=True if args.allow_private else None)
        else:
            path = Path(args.target)
            if not path.is_file():
                parser.error(f"{args.target} is neither an http(s) URL nor a file")
            if not args.base_url:
                parser.error("a local file needs --base-url to resolve relative links")
            product = scrape_file(path, args.base_url)
    except ScrapeError as exc:
        print(json.dumps({"error": exc.message, "transient": exc.transient}), file=sys.stderr)
        return 1
    print(json.dumps(product.to_json(), ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
