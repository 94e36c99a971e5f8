"""The shop's own label as the brand, when nothing on the page names a maker.

A brand's own web shop often never says the brand beside the product (MANGO's "Textured shift
dress", HP's "ENVY Desktop", Microsoft's "Surface Laptop"): the shop is the maker. A retailer's
page with no brand looks the same, so the shop's name is taken only on positive evidence that
the shop sells its own label:

- the page calls itself the official store: "… | HP® Official Store";
- the page title signs the product "By <the shop>": "Bali Breeze Mermaid Tail|By Fin Fun";
- the shop lives on a brand's shop subdomain named as the site says: shop.mango.com, site "MANGO";
- the site is "<the domain's name> Store": "Microsoft Store" on microsoft.com.
"""
from __future__ import annotations

import re
from urllib.parse import urlsplit

from core.extract.text import clean_text, plausible_brand

_MARKS = "®™℠©"
_SEPARATOR = re.compile(r"\s*(?:\||–|—|·|•|::|\s-\s)\s*")
# "HP® Official Store", "Official Samsung Store", "Bose Official Site", "Official Online Store of X"
_OFFICIAL = re.compile(
    rf"^(?:(?P<a>[^\d|:]{{2,30}}?)\s*[{_MARKS}]?\s+official\s+(?:online\s+|web\s*)?(?:store|site|shop|website|webshop)"
    rf"|official\s+(?:online\s+)?(?:store|site|shop|website)\s+(?:of|for)\s+(?:the\s+)?(?P<b>[^\d|:]{{2,30}}?)"
    rf"|official\s+(?P<c>[^\d|:]{{2,30}}?)\s*[{_MARKS}]?\s+(?:online\s+)?(?:store|site|shop|website))\s*[{_MARKS}]?$",
    re.I)
_BY = re.compile(rf"^by\s+(?P<name>[^\d|:]{{2,30}}?)\s*[{_MARKS}]?$", re.I)
_STORE_SUFFIX = re.compile(r"^(?P<name>.{2,30}?)\s+(?:online\s+)?(?:store|shop)$", re.I)
# the sub-domains a brand puts its own shop on: shop.mango.com, store.hp.com
_SHOP_HOST = {"shop", "store", "eshop", "estore", "webshop", "onlineshop", "boutique", "tienda", "loja", "negozio"}


def _plain(text: str) -> str:
    return re.sub(r"[^\w]", "", text.casefold())


def _domain_label(host: str) -> str:
    """The registrable name of a host: "mango" of shop.mango.com, "ctshirts" of www.ctshirts.co.uk."""
    parts = [p for p in host.lower().split(".") if p]
    if len(parts) >= 3 and len(parts[-1]) == 2 and parts[-2] in ("co", "com", "org", "net", "ne", "or", "ac"):
        parts = parts[:-1]  # ".co.uk", ".com.au"
    return parts[-2] if len(parts) >= 2 else (parts[0] if parts else "")


def _names_domain(name: str, label: str) -> bool:
    """The name is the domain's ("Fin Fun" for finfunmermaid, "HP" for hp, "MANGO" for mango)."""
    low = _plain(name)
    return len(low) >= 2 and bool(label) and (low == label or len(low) >= 4 and label.startswith(low))


def _clean(name: str | None) -> str | None:
    name = clean_text((name or "").strip(f" {_MARKS}"))
    return name if name and plausible_brand(name) and len(name.split()) <= 4 else None


def own_label(url: str, title_tag: str | None, site_name: str | None) -> str | None:
    """The shop's own label, on evidence that the shop sells it (see the module's docstring)."""
    host = (urlsplit(url).hostname or "").lower()
    label = _domain_label(host)
    parts = [p for p in _SEPARATOR.split(title_tag or "") if p.strip()]
    tails = parts[1:] if len(parts) > 1 else []  # the product's own words come first
    for text in tails + [site_name or ""]:
        m = _OFFICIAL.match(text.strip())
        if m:
            name = _clean(m.group("a") or m.group("b") or m.group("c"))
            if name and _names_domain(name, label):
                return name
    for text in tails:
        m = _BY.match(text.strip())
        if m:
            name = _clean(m.group("name"))
            if name and _names_domain(name, label):
                return name
    site = _clean(site_name)
    if site and host.split(".")[0] in _SHOP_HOST and _plain(site) == label:
        return site
    m = _STORE_SUFFIX.match(site or "")
    if m and _plain(m.group("name")) == label:
        return _clean(m.group("name"))
    return None
