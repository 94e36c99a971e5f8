"""What each syntax extractor returns: one ``Found`` per source, fields it could read."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

# Source names, strongest first. ``ExtractedProduct.sources`` uses these strings.
PLATFORM = "platform"
JSONLD = "json-ld"
MICRODATA = "microdata"
RDFA = "rdfa"
OPENGRAPH = "opengraph"
TWITTER = "twitter"
HTML = "html"
SOURCE_ORDER = (PLATFORM, JSONLD, MICRODATA, RDFA, OPENGRAPH, TWITTER, HTML)


@dataclass
class PriceCandidate:
    """One price a source states, with its currency when the source gives one."""

    amount: Decimal
    currency: str | None = None
    note: str = ""
    role: str = "current"
    """``current`` (what a shopper pays) or ``list`` (struck-through, "was", RRP, ListPrice)."""


@dataclass
class Found:
    """Fields one source yielded. Empty fields mean "this source says nothing"."""

    source: str
    title: str | None = None
    titles: list[str] = field(default_factory=list)  # weaker spellings from the same source
    tag_title: str | None = None  # HTML: the <title> as written
    description: str | None = None
    prices: list[PriceCandidate] = field(default_factory=list)
    currency: str | None = None
    brand: str | None = None
    brand_labelled: bool = False  # HTML: the brand came from a "Brand:"/"Manufacturer:" row
    images: list[str] = field(default_factory=list)
    image_alts: dict[str, str] = field(default_factory=dict)
    rating: Decimal | None = None  # on a 0-5 scale
    certain_price: bool = False  # HTML: the first price sits in the product's own container
    shown_amounts: set = field(default_factory=set)  # HTML: every current amount the page shows
    list_beside: dict = field(default_factory=dict)  # HTML: current amount -> list price beside it
    converted_amounts: set = field(default_factory=set)  # HTML: amounts shown as "ca." conversions
    first_price_ok: bool = False  # HTML: the first current price is not demoted
    grid_cards: int = 0  # HTML: cards of the largest grid of other products' prices (a listing, a carousel)
    beside_buy: bool = False  # HTML: the first price sits undemoted beside a buy button outside the grid
    buy_button: bool = False  # HTML: an add-to-cart control outside the site's chrome
    instalment_amounts: set = field(default_factory=set)  # HTML: amounts shown as a month's instalment
    tier_amounts: set = field(default_factory=set)  # HTML: quantity tiers' prices ("10+: ₹1,02,900")
    with_tax_shown: bool = False  # HTML: the page says its prices include VAT ("inkl. MwSt.", "inc. VAT")
    rating_count: int | None = None
    sold_out: bool = False  # markup: every offer is out of stock, sold out or discontinued
    heading: object = None  # HTML: the product's heading element (lxml), where one was found

    def current_prices(self) -> list[PriceCandidate]:
        """The prices this source gives as what a shopper pays."""
        return [p for p in self.prices if p.role == "current"]

    def list_prices(self) -> list[PriceCandidate]:
        """The list (struck-through, "was", RRP) prices this source gives."""
        return [p for p in self.prices if p.role == "list"]


@dataclass
class PageContext:
    """Page-wide facts the extractors share (parsed once)."""

    base_url: str
    country: str | None
    hints: list[str]  # <title>, og:title, h1 texts: used to pick the main item among many
