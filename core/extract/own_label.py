"""The shop's own label as the brand, when nothing on the page names a maker.

A brand's own web shop often never says the brand beside the product (MANGO's "Textured shift
dress", HP's "ENVY Desktop"): the shop is the maker. A retailer's page with no brand looks the
same, and brands' shops, clubs' and museums' shops sell other makers' goods too, so the shop's
name is taken only on evidence that the shop sells it as its own label:

- the page title calls the shop the label's official store: "… |  HP® Official Store",
  "… – Offizieller Ravensburger Shop" (not when the product is "for" the label: an accessory
  "for Nintendo Switch" on Nintendo's official site is another maker's);
- the page title signs the product "By <the shop>": "Bali Breeze Mermaid Tail|By Fin Fun";
- a brand's shop sub-domain named as the site says, whose page data names the site as the brand:
  shop.mango.com, og:site_name "MANGO", ``"brand":"mango"`` (on a www host a site-wide ``brand`` setting
  is a retailer's too: Macy's "digitalData" names Macy's beside a Cuisinart mixer).
The shop's name must be its domain's ("Fin Fun" of finfunmermaid.com), so a seller's "Official
Store" on a marketplace is not read as the marketplace's label.
"""
from __future__ import annotations

import re
from urllib.parse import urlsplit

from core.extract.text import clean_text, plausible_brand, squash
from core.hosts import registrable_domain

_MARKS = "®™℠©"
_NAME = rf"[^|:/»›<>]{{2,30}}?"
_SEPARATOR = re.compile(r"(?:\||–|—|·|•|::|»|›|\s/\s|:\s|\s-\s)")  # (parts stripped: no leading \s* to backtrack)
_STORE = r"(?:online\s*|web\s*)?(?:store|site|shop|website|webshop|webstore)"
# "… Official LEGO® Shop US", "… Official Store Canada"
_REGION = (r"(?:\s+(?:US|USA|UK|GB|CA|AU|NZ|IE|IN|SG|MY|PH|HK|EU|DE|AT|CH|FR|ES|IT|NL|BE|JP|KR|Canada|Australia|"
           r"Europe|Deutschland|Österreich|Schweiz|France|España|Italia|México|Brasil|Japan))?")
# "HP® Official Store", "Official LEGO® Shop", "Official Online Store of Bose", "Offizieller Ravensburger
# Shop", "Tienda oficial de X", "Boutique officielle X", "ユニクロ公式オンラインストア"
_OFFICIAL = re.compile(
    rf"^(?:(?P<a>{_NAME})\s*[{_MARKS}]?\s*official\s+{_STORE}"
    rf"|(?:the\s+)?official\s+{_STORE}\s+(?:of|for)\s+(?:the\s+)?(?P<b>{_NAME})"
    rf"|(?:the\s+)?official\s+(?P<c>{_NAME})\s*[{_MARKS}]?\s*(?:online\s+)?(?:store|site|shop|website)"
    rf"|(?P<d>{_NAME})\s*[{_MARKS}]?\s*(?:offizieller|offizielle)\s+(?:online[-\s]?)?(?:shop|store|webshop)"
    rf"|(?:offizieller|offizielle)\s+(?P<e>{_NAME})\s*[{_MARKS}]?\s*(?:online[-\s]?)?(?:shop|store)"
    rf"|(?:tienda|loja|boutique|negozio)\s+(?:online\s+|en\s+ligne\s+)?(?:oficial|officielle|ufficiale)"
    rf"\s+(?:de\s+|da\s+|do\s+|di\s+)?(?P<f>{_NAME})"
    rf"|(?P<g>{_NAME})\s*[{_MARKS}]?\s*公式(?:オンライン)?(?:ストア|ショップ|通販サイト|サイト))\s*[{_MARKS}]?{_REGION}$",
    re.I)
_BY = re.compile(rf"^by\s+(?P<name>{_NAME})\s*[{_MARKS}]?$", re.I)
# the sub-domains a brand puts its own shop on: shop.mango.com, store.hp.com
_SHOP_HOST = {"shop", "store", "eshop", "estore", "webshop", "onlineshop", "boutique", "tienda", "loja", "negozio"}


def domain_label(host: str) -> str:
    """The registrable name of a host, plain: "mango" of shop.mango.com, "mercedesbenz" of
    shop.mercedes-benz.com, "ctshirts" of www.ctshirts.co.uk."""
    domain = registrable_domain(host)  # "ctshirts.co.uk"
    label = domain.split(".", 1)[0] if "." in domain else ""
    if label.startswith("xn--"):
        try:
            label = label.encode("ascii").decode("idna")
        except UnicodeError:
            return ""
    return squash(label)


def _names_domain(name: str, label: str) -> bool:
    """The name is the domain's ("Fin Fun" for finfunmermaid, "HP" for hp, "MANGO" for mango)."""
    low = squash(name)
    return len(low) >= 2 and bool(label) and (low == label or len(low) >= 4 and label.startswith(low))


def _clean(name: str | None) -> str | None:
    name = clean_text((name or "").strip(f" {_MARKS}"))
    return name if name and plausible_brand(name) and len(name.split()) <= 4 else None


def own_label(url: str, title_tag: str | None, site_name: str | None, product_name: str | None = None,
              page: str = "") -> str | None:
    """The shop's own label, on evidence that the shop sells it (see the module's docstring)."""
    try:
        host = (urlsplit(url).hostname or "").lower()
    except ValueError:
        return None
    label = domain_label(host)
    if not label:
        return None
    parts = [p for p in _SEPARATOR.split(clean_text(title_tag) or "") if p.strip()]
    tails = parts[1:] if len(parts) > 1 else []  # the product's own words come first
    for text in tails + [site_name or ""]:
        m = _OFFICIAL.match(text.strip())
        name = _clean(next((g for g in m.groups() if g), None)) if m else None
        if name and _names_domain(name, label):
            made_for = re.compile(rf"\b(?:for|für|pour|para|per)\s+(?:the\s+|die\s+|den\s+|le\s+|la\s+|el\s+)?"
                                  rf"{re.escape(name)}\b", re.I)
            if any(made_for.search(t) for t in (product_name or "", parts[0] if parts else "")):
                return None  # "… Controller for Nintendo Switch": made for the label, by another maker
            return name
    for text in tails:
        m = _BY.match(text.strip())
        name = _clean(m.group("name")) if m else None
        if name and _names_domain(name, label):
            return name
    site = _clean(site_name)
    if site and host.split(".")[0] in _SHOP_HOST and squash(site) == label \
            and re.search(rf"""["']?\bbrand["']?\s*:\s*["']{re.escape(site)}["']""", page, re.I):
        return site
    return None
