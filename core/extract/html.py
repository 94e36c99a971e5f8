"""HTML heuristics for pages whose structured data is missing or wrong.

One pass over the lxml tree (lxml rather than BeautifulSoup: see docs/EXTRACTION.md) collects the few element kinds the heuristics need (headings,
price-looking elements, brand labels and links, images) with their document position, so the
rules below can say "the first price after the product heading" without walking the tree again.
"""

from __future__ import annotations

import copy
import json
import itertools
import re
from itertools import islice
from dataclasses import dataclass, field
from urllib.parse import unquote_plus, urlsplit

import lxml.etree

from core.extract.base import HTML, Found, PageContext
from core.extract.images import GENERIC_CAPTION, LIGHTBOX
from core.extract.own_label import domain_label
from core.extract.prices import DASH_PRICE, looks_like_price, money_in
from core.extract.shown_prices import among_others, cents_piece, elsewhere, price_prop, shown_prices, sign_text, struck_classes, struck_mark
from core.extract.text import (TEST_KEYS, wide_char, clean_text, element_text, in_chrome, is_placeholder, next_element, overlap,
                               plausible_brand, previous_element, squash, tokens, without)

_SKIP_TAGS = {"script", "style", "noscript", "template", "svg", "head", "option", "select", "textarea"}
_NAME_HINT = re.compile(r"(product|item|deal|pdp|goods|article|sku)[-_]?(title|name)|^(title|name)$|"
                        r"(title|name)[-_]?(product|item|main)(?![-_]?(menu|nav))|"
                        r"(page|product)[-_]?heading", re.I)  # osCommerce: <td class="pageHeading">
# a wrapper of the product's own heading ("headingArea": Cafe24's skins)
_HEADING_AREA = re.compile(r"(^|\s)(heading[-_]?area|(product|item|goods|prd)[-_]?(heading|title|name)([-_]?(area|box|wrap))?)(\s|$)",
                           re.I)
# a book's (a game's, an app's) publisher: its brand when no brand row says otherwise
_PUBLISHER_LABELS = ("publisher", "verlag", "éditeur", "editore", "editora", "uitgever", "wydawnictwo",
                     "издательство", "出版社", "出版者",
                     "studio")  # a film's or a show's maker on a DVD / Blu-ray page ("Studio: Rhino")
_BRAND_LABELS = (
    "brand", "brand name", "marca", "marke", "marque", "merk", "märke", "merkki", "zīmols",
    "prekės ženklas", "kaubamärk", "proizvajalec", "výrobca", "výrobce", "producent", "producător",
    "gyártó", "márka", "valmistaja", "tillverkare", "fabricant", "fabricante", "fabbricante", "produttore",
    "hersteller", "manufacturer", "manufactured by", "make", "make/manufacturer", "производитель", "бренд", "виробник",
    "ブランド", "メーカー", "브랜드", "제조사", "品牌", "מותג", "יצרן", "značka", "proizvođač", "brend",
    "μάρκα", "κατασκευαστής", "marka", "tootja", "ražotājs", "gamintojas", "mærke", "merke",
    "برند", "نام تجاری", "سازنده", "العلامة التجارية", "الماركة", "ماركة", "الشركة المصنعة", "ยี่ห้อ", "แบรนด์",
    "ब्रांड", "ब्रैंड", "thương hiệu", "merek", "jenama", "tatak",
) + _PUBLISHER_LABELS
# ("make / manufacturer" as craigslist writes it: spaces around a slash are the same label)
_LABEL_RE = re.compile(r"^\s*(" + "|".join(re.escape(x).replace("/", r"\s*/\s*")
                                            for x in sorted(_BRAND_LABELS, key=len, reverse=True))
                       + r")(?:\s*[:：]\s*(.*)|\s*)$", re.I | re.S)
_BRAND_PATH = re.compile(r"/(?:[\w-]*-)?(brand|brands|designers?|marca|marcas|marke|marken|marque|marques|merk|merken|"
                         r"vendors?|manufacturers?|stores|hersteller|brend|znacka|zimols|pinpai)/"
                         r"(?:[^\W_]/)?([^/?#]+)", re.I)  # "/brands/o/ozito-pxc": an A-Z index letter first
# a maker's own page by its id (Yodobashi's "/maker/1000/"): "maker" alone, not "/coffee-makers/"
_MAKER_PATH = re.compile(r"/(maker)/([^/?#]+)", re.I)
# a search for the brand's other products: "?publisher=White+Mountain+Puzzles", "&brand=acme"
# also a faceted search's filter, "#q=casio&fR[manufacturer][0]=Casio" (Algolia, URL-encoded)
_BRAND_QUERY = re.compile(r"[?&#](?:\w{1,20}(?:%5B|\[))?(brand|brands|brand_?name|manufacturers?|publishers?|vendor|marke|hersteller|"
                          r"marca|marque)(?:(?:%5D|\])(?:(?:%5B|\[)\d{0,3}(?:%5D|\]))?)?=([^&#]{2,60})", re.I)
# a store's refinement named around the word, Amazon's "&field-lbr_brands_browse-bin=Nike": read only
# from a brand logo link (id or class "brand", an image without alt), see brand_from_page
_BRAND_PARAM = re.compile(r"[?&]([\w-]{0,20}brands?[\w-]{0,20})=([^&#]{2,60})", re.I)


# the parameter is the brand field itself, with a store's prefix or suffix ("filter_brand", "field-brandtextbin",
# "filter_brand_name"), not a brand's colour, type, seller, licence or department
_PLAIN_BRAND_NAME = re.compile(r"(?:(?:filter|field|facet|refine|f|pa)[-_.]?)?(?:lbr_)?brands?(?:[-_]?(?:names?|textbin|bin|browse-bin))?", re.I)


def _named_refinement(el) -> re.Match | None:
    """A store's brand refinement named around the word (Amazon's byline ``?field-brandtextbin=Palarn``)
    when the link's own text says the same name — a link to the brand's other products, not a
    filter's code (the plain brand queries, ``?brand=Nike``, are ``_BRAND_QUERY``'s)."""
    m = _BRAND_PARAM.search(el.get("href") or "")
    if m is None or not _PLAIN_BRAND_NAME.fullmatch(m.group(1)):
        return None
    text = clean_text(el.text_content()) or ""
    words = re.sub(r"[-_+]", " ", unquote_plus(m.group(2))).strip()
    return m if text and words and text.casefold() == words.casefold() else None


# (also inside a JSON string: GA4's dataLayer as escaped text, \"item_brand\":\"HOJIBLANCA\")
_INLINE_BRAND = re.compile(r'"(?:brand|brandName|brand_name|item_brand|manufacturer|vendor)\\?"\s*:\s*\\?"([^"\\]{2,40})\\?"')
_SITE_SEP = re.compile(r"\s+(?:\||-|–|—|·|•|::|»|/|//)\s+")


@dataclass
class Scan:
    """Elements of interest, each with its document position."""

    headings: list = field(default_factory=list)  # (pos, el, is_h1, hinted)
    struck_classes: set = field(default_factory=set)  # classes the page's own <style> strikes through
    prices: list = field(default_factory=list)  # (pos, el)
    labels: list = field(default_factory=list)  # (pos, el, inline_value)
    brand_attrs: list = field(default_factory=list)  # (pos, value)
    labelled_brand: str | None = None  # the brand a "Brand:"/"Manufacturer:" row gave
    lead_h1: str | None = None  # a short <h1> the name was read as "<h1> <h2>" from (a brand or a category)
    brand_links: list = field(default_factory=list)  # (pos, el, slug)
    param_links: list = field(default_factory=list)  # (pos, el, value): "?field-brandtextbin=Palarn" named Palarn
    images: list = field(default_factory=list)  # (pos, el)
    text_prices: list = field(default_factory=list)  # (pos, el): own text has an amount + currency
    buy_buttons: list = field(default_factory=list)  # (pos, el): add-to-cart / buy controls
    breadcrumbs: list = field(default_factory=list)  # (pos, el)
    brand_images: list = field(default_factory=list)  # (pos, img): brand logos (alt = brand)
    brand_elements: list = field(default_factory=list)  # (pos, el): class="brandLink"… (text = brand)
    vendor_captions: list = field(default_factory=list)  # Shopify Dawn's caption right over the title block
    visual_headings: list = field(default_factory=list)  # (pos, el, text): big fonts, photo captions
    minor_headings: list = field(default_factory=list)  # (pos, el): h2-h6, for pages without an h1
    publisher_labels: set = field(default_factory=set)  # ids of values read after a "Publisher:" between elements
    title_tag: str | None = None


_in_chrome = in_chrome  # the heuristics below skip site chrome


# Substring pre-checks (fast) before the exact patterns above (slower) are applied.
_HINT_QUICK = re.compile("title|name|heading|price|preis|prix|prezzo|precio|preco|cena|hinta|pris|amount|cost|bid")
_PRICE_QUICK = re.compile("price|preis|prix|prezzo|precio|preco|cena|hinta|pris|amount|cost|bid")
_LINK_QUICK = re.compile("brand|designer|maker|marca|marke|marque|merk|vendor|manufacturer|stores|hersteller|brend|znacka|zimols|"
                         "publisher|pinpai")  # (品牌's pinyin: JD's "/pinpai/1049-54303.html")
_LABEL_STARTS = tuple(sorted({x.casefold() for x in _BRAND_LABELS}))
_DIGIT = re.compile(r"\d")
_CONTROL_TAGS = {"button", "input", "a", "form"}
_BUTTON_TAGS = {"button", "a"}
# Add-to-cart / buy controls, by class/id/name/action and by their words.
_BUY_MARK = re.compile(r"cart|basket|buy|checkout|purchase|kaufen|warenkorb|panier|carrito|carrinho|carrello|"
                       r"koszyk|kosik|košík|korg|kurv|winkelwagen|ostoskori|korzin|sepet|add-?to", re.I)
_BUY_TEXT = re.compile(
    r"add to (cart|bag|basket|trolley)|buy( it)? now|^\s*buy\s*$|in den (warenkorb|einkaufswagen)|jetzt kaufen|"
    r"ajouter au panier|añadir al carrito|agregar al carrito|comprar|adicionar ao carrinho|aggiungi al carrello|"
    r"acquista|in winkelwagen|dodaj do koszyka|do košíku|do koszyka|lägg i varukorgen|læg i kurv|legg i handlekurv|"
    r"lisää ostoskoriin|в корзину|купить|себетке|sepete ekle|kosárba|în coș|加入購物車|立即購買|加入购物车|立即购买|"
    r"カートに入れる|今すぐ買う|장바구니|구매하기|בהזמנה|לסל|أضف إلى السلة", re.I)
# (not "market": worldmarket.com's own images; a src on the shop's own domain is read without its host:
# brandsmartusa.com's, where a maker's logo CDN, "brandlogos.example.net", still says it)
_BRAND_IMG = re.compile(r"brand|manufacturer|marke(?!t)|marca|marque", re.I)
_SRC_HOST = re.compile(r"^(?:[a-z][a-z0-9+.-]*:)?//([^/]*)", re.I)


def _src_marker(src: str, site: str) -> str:
    """An image's src for the brand-logo test: without its host when that is the shop's own domain (looked up
    only when the host itself carries a brand word: otherwise dropping it changes nothing)."""
    m = _SRC_HOST.match(src)
    if m and site and _BRAND_IMG.search(m.group(1)) and domain_label(m.group(1)) == site:
        return src[m.end():]
    return src


_BIG_FONT = re.compile(r"^\s*(\+[2-6]|[4-7])\s*$")
_PROMO = re.compile(r"free\s+(standard\s+|express\s+|uk\s+|us\s+)?(shipping|delivery)|shipping|versandkostenfrei|"
                    r"livraison gratuite|env[ií]o gratis|spedizione gratuita|darmowa dostawa|\d+\s*%\s*off|"
                    r"sign up|newsletter|gift card", re.I)
# a title segment that is a promotion, not words of a product's name ("🔥 50% OFF TODAY ONLY", "Free Shipping";
# not "Corrugated Shipping Boxes", "Gift Card")
_PROMO_SEGMENT = re.compile(r"free\s+(standard\s+|express\s+|uk\s+|us\s+)?(shipping|delivery)|versandkostenfrei|"
                            r"livraison gratuite|env[ií]o gratis|spedizione gratuita|darmowa dostawa|"
                            r"\d+\s*%\s*(off|rabatt|de r[ée]duction|descuento|sconto)|\b(today only|limited time|flash sale|"
                            r"black friday|cyber monday)\b", re.I)
_BRAND_EL_TAGS = {"a", "span", "p", "div", "li", "strong", "b", "h2", "h3", "h4"}
_BRAND_CLASS = re.compile(r"(?:^|[-_\s])(?:product[-_]?)?(?:brands?|manufacturer|manu|maker|marke|marca|marque|hersteller|"
                          r"vendor)(?:[-_\s]|name|link|info|label|$)|(?:^|[-_\s])product[-_]?creator(?:[-_\s]|$)|"
                          # camelCase after a product word (Liverpool's "a-product__paragraphBrand"; not "paymentBrand")
                          r"(?-i:(?:product|paragraph|item|pdp|detail|info|title|main)Brand(?:Name|Link)?)(?![a-z])",
                          re.I)  # (bol.com's "product-creator")
# a button or text coloured in the site's brand colour (Bootstrap themes' "btn btn-brand",
# "text-brand", "bg-brand"), not the product's brand
_STYLE_BRAND = re.compile(r"(?:^|\s)(?:btn|button|text|bg|border|link)-brand(?:\s|$)|(?:^|\s)(?:btn|button)(?:\s|$)", re.I)
# a vehicle's make written inside the heading: <h1><span class="make">VW</span><span class="model">…
# (not a fitment list's or a selected vehicle's make, nor "btn make" for "Make an Offer")
_MAKE_CLASS = re.compile(r"(?:^|\s)(?:vehicle[-_]|car[-_])?make(?:\s|$)", re.I)
# frameworks' test and binding attributes naming the brand: data-testid="product-brand",
# data-qa="brand-name", data-link="text{:product^brandName}" (Wildberries' JsViews)
_DATA_KEYS = frozenset({"data-testid", "data-test", "data-qa", "data-at", "data-link"})
# A test attribute that names the product's own price, nothing else (not "installment-price",
# "variant-tile-chip-price", "value_price", nor a bare "price": a Price component on add-ons and
# variants too): data-aut-id="itemPrice", data-testid="product-price".
_TEST_PRICE = re.compile(r"(?:item|product|pdp|main|current|sale|selling|final|buy[-_]?box)[-_]?price"
                         r"(?:[-_]?(?:value|amount|current|now|final))?|price[-_]?(?:current|now|final)", re.I)
_BRAND_DATA = re.compile(r"(?:^|\s)(?:pdp[-_]|product[-_])?brand(?:[-_]?name)?(?:\s|$)|\^brandName\}|"
                         r"(?-i:[a-z]BrandLink)\b|(?:^|[-_/\s])brand[-_]link\b", re.I)  # Target's ProductDetailBrandLink
# "Mehr von Müllermöbel", "More from Acme", "Other products by Acme": the brand after the words.
_MORE_FROM = re.compile(r"^(?:(?:see |view |shop |all )?(?:more|other products|all products|everything) "
                        r"(?:from|by)|shop all|see all|view all|mehr von|alle produkte von|weitere produkte von|plus de|tous les produits|"
                        r"altro di|altri prodotti di|más de|todos los productos de|więcej od|další od|"
                        r"by)\s+", re.I)
# A name marked as a trade mark at the start of the product name: "Dunkin' Donuts® One Pound…"
_MARKED = re.compile(r"^\s*((?:[A-Z0-9][\w'’&.\-]*\s+){0,2}[A-Z0-9][\w'’&.\-]*)\s*[®™]")
_QUOTED = re.compile(r"['\"‘“]([^'\"’”]{2,40})['\"’”]")


IMAGES_XPATH = "//img | //source | //*[@data-zoom-image or @data-large-image]"


def _in_h1(el) -> bool:
    parent = el.getparent()
    return parent is not None and (parent.tag == "h1" or parent.getparent() is not None and parent.getparent().tag == "h1")


def _svg_sign(svg, pos: int, text_prices: list) -> None:
    """A currency drawn as an icon whose <title> names it (Digikala's toman: <svg><title>تومان</title>):
    its name joins the text after it, and the amount's block beside it is a price text."""
    sign = clean_text(svg[0].text)
    if not sign or len(sign) > 12 or not money_in(f"1 {sign}"):
        return
    svg.tail = f" {sign}{svg.tail or ''}"
    for a in islice(svg.iterancestors(), 3):
        text = clean_text(a.text_content())
        if text and len(text) < 60 and _DIGIT.search(text):
            text_prices.append((pos, a))
            return


_LEAD_BRACKET = re.compile(r"^\s*(\[[^\[\]]{1,30}\]|【[^【】]{1,30}】|［[^［］]{1,30}］)\s*")


def _title_cores(ref: str) -> set[str]:
    """A name as written, and without a bracketed brand before it or a shop's name after a separator:
    "[모닝글로리] 블루투스 무선 이어폰 MG-700 화이트 - 굿즈마켓" spells the heading "블루투스 무선 이어폰 MG-700 화이트"."""
    cores = {ref}
    bare = _LEAD_BRACKET.sub("", ref)
    for text in (ref, bare):
        cores.add(text)
        cores.add(re.split(r"\s[|–—-]\s", text)[0])
    return cores


def _title_head(ref: str) -> str:
    """A page title's or markup name's part before a separator or a colon ("Kryptonite KryptoLok
    Series 2 w/ Key - Campus Bike Shop" → "Kryptonite KryptoLok Series 2 w/ Key")."""
    return re.split(r"\s[|–—-]\s|:\s", ref)[0]


def _data_brand(value: str) -> str | None:
    """A ``data-brand`` attribute's brand: its text, or the "brand"/"name" of the JSON object it
    holds (Best Buy's ``data-brand='{"brand":"Apple","carrier":"Verizon"}'``)."""
    text = value.strip()
    if not text.startswith(("{", "[")):
        return text
    try:
        data = json.loads(text)
    except ValueError:
        return None
    if isinstance(data, dict):
        found = data.get("brand") or data.get("name")
        if isinstance(found, dict):
            found = found.get("name")
        return clean_text(found) if isinstance(found, str) else None
    return None


def scan(doc, base_url: str = "") -> Scan:
    """Walk the tree once and keep what the heuristics look at, with document positions."""
    out = Scan()
    try:
        site = domain_label(urlsplit(base_url).hostname or "")
    except ValueError:
        site = ""
    images, headings, prices, labels = out.images, out.headings, out.prices, out.labels
    text_prices, buy = out.text_prices, out.buy_buttons
    for pos, el in enumerate(doc.iter(lxml.etree.Element)):
        tag = el.tag
        if tag in _SKIP_TAGS:
            if tag == "style" and el.text and "line-through" in el.text:
                out.struck_classes |= struck_classes(el.text)
            elif tag == "svg" and len(el) and el[0].tag == "title":
                _svg_sign(el, pos, text_prices)
            continue
        if tag == "title":
            if out.title_tag is None:
                out.title_tag = clean_text(el.text_content())
            continue
        text = el.text
        # (short once the template's indentation is off: "\n      Производитель:" is 80 characters long)
        if text and (len(text) < 80 or len(text) < 400 and len(text.strip()) < 80) and not text.isspace():
            if text.lstrip().casefold().startswith(_LABEL_STARTS):
                m = _LABEL_RE.match(text)
                if m:
                    labels.append((pos, el, (m.group(2) or "").strip()))
            elif ("·" in text or "|" in text) and len(el) and el[0].tag in ("a", "strong", "b", "span"):
                # "Kód: RI047b1 · Výrobce: <a>Apple</a>": the label after the line's last separator
                last = re.split(r"[·|]", text)[-1]
                m = _LABEL_RE.match(last)
                if m and not (m.group(2) or "").strip() and ":" in last:
                    value = clean_text(el[0].text_content())
                    if value:
                        labels.append((pos, el[0], value))
            if _DIGIT.search(text):
                if len(text) < 60 and (money_in(text) or ("-" in text or "–" in text) and DASH_PRICE.search(text)):
                    text_prices.append((pos, el))
                    if el.getparent() is not None and cents_piece(el, text):
                        text_prices.append((pos, el.getparent()))  # 89<sup>€99</sup>, 89<small>,99 €</small>: the cents' amount
            elif len(text) < 40:
                parent = el.getparent()
                if (tag in _BUTTON_TAGS or (parent is not None and parent.tag in _BUTTON_TAGS)) \
                        and _BUY_TEXT.search(text):
                    buy.append((pos, el))
                elif len(text) <= 6 and parent is not None and money_in(text):
                    # <b>NT$</b><span>2,320</span>; <h2>AED<span>2,199.00</span></h2>: the sign's own element
                    text_prices.append((pos, el if len(el) else parent))
        tail = el.tail
        if tail and len(tail) < 40 and not tail.isspace():
            if _DIGIT.search(tail) and money_in(tail) and el.getparent() is not None:
                text_prices.append((pos, el.getparent()))  # <b>Price:</b> 44 890 ₸
            elif sign_text(tail) and not struck_mark(el) \
                    and el.getparent() is not None and not (text_prices and text_prices[-1][1] is el.getparent()) \
                    and (_DIGIT.search(el.text or "") or _DIGIT.search(el.getparent().text or "")):
                # <span>89<sup>99</sup> €</span>, <span>1.299<sup>,-</sup> €</span>: the sign after the cents
                text_prices.append((pos, el.getparent()))
            elif el.getparent() is not None and el.getparent().tag in _BUTTON_TAGS and _BUY_TEXT.search(tail):
                # <a class="btn"><span class="icon">Cart</span>In den Warenkorb</a>: the words after an icon
                buy.append((pos, el.getparent()))
            elif (":" in tail or "：" in tail) and (label := tail.lstrip(" \t\n|·•")).casefold().startswith(_LABEL_STARTS):
                # a label between elements: "…<br /> Publisher: <strong>Metropolitan Books</strong>",
                # "Kategorie: <a>Boty</a> | Výrobce: <a>Nike</a>"
                m = _LABEL_RE.match(label)
                nxt = el.getnext()
                if m and not (m.group(2) or "").strip() and nxt is not None and nxt.tag in ("strong", "b", "span", "a"):
                    value = clean_text(nxt.text_content())
                    if value and _PUBLISHER.match(m.group(1)):
                        value = _publisher_only(value)
                        out.publisher_labels.add(id(nxt))
                    if value:
                        labels.append((pos, nxt, value))
        keys = el.keys()
        if not keys:  # most elements: only the tag matters
            if tag == "h1":
                headings.append((pos, el, True, False))
            elif tag in _MINOR_HEADINGS:
                out.minor_headings.append((pos, el))
            elif tag == "img":
                images.append((pos, el))
            continue
        get = el.get
        itemprop = get("itemprop")
        if tag in ("img", "source") or "data-zoom-image" in keys or "data-large-image" in keys \
                or "style" in keys and "url(" in (get("style") or "") and "background" in get("style"):
            images.append((pos, el))  # (a gallery of <div style="background-image: url(…)"> slides)
            if tag == "img" and (_BRAND_IMG.search(f"{get('class') or ''} {get('id') or ''} {_src_marker(get('src') or '', site)}")
                                 or get("itemprop") == "logo"):
                out.brand_images.append((pos, el))
        elif tag == "h1" and _BRAND_CLASS.search(f"{get('class') or ''} {get('id') or ''}") and _brand_only(el):
            out.brand_elements.append((pos, el))  # Tata CLiQ's <h1 class="…__brandName"><a>Levi's</a></h1>
        elif tag in _BRAND_EL_TAGS and (_BRAND_CLASS.search(f"{get('class') or ''} {get('id') or ''}")
                                         and not _STYLE_BRAND.search(get("class") or "")
                                         or _DATA_KEYS.intersection(keys) and _BRAND_DATA.search(
                                             " ".join(get(k) or "" for k in _DATA_KEYS))
                                         or "ake" in (get("class") or "") and _MAKE_CLASS.search(get("class"))
                                         and _in_h1(el)):
            out.brand_elements.append((pos, el))
        elif tag == "p" and "caption-with-letter-spacing" in (get("class") or "") and _dawn_vendor(el):
            out.vendor_captions.append(el)  # Shopify Dawn's caption over the title (a vendor, or a tagline)
        marker = f"{get('class') or ''} {get('id') or ''}".lower()
        quick = _HINT_QUICK.search(marker) is not None
        hinted = itemprop == "name" or (quick and bool(_NAME_HINT.search(marker.strip())))
        if tag == "h1" or hinted:
            headings.append((pos, el, tag == "h1", hinted))
        elif tag in _MINOR_HEADINGS:
            out.minor_headings.append((pos, el))
        if itemprop is not None and price_prop(el) or (quick and _PRICE_QUICK.search(marker)) \
                or not TEST_KEYS.isdisjoint(keys) and any(_TEST_PRICE.fullmatch(get(k) or "") for k in TEST_KEYS):
            prices.append((pos, el))  # (a test attribute names the product's own price only: data-aut-id="itemPrice")
        if tag in _CONTROL_TAGS and _BUY_MARK.search(f"{marker} {get('name') or ''} {get('action') or ''}"):
            buy.append((pos, el))
        if "crumb" in marker or "BreadcrumbList" in (get("itemtype") or ""):
            out.breadcrumbs.append((pos, el))
        if "data-brand" in keys and clean_text(get("data-brand")):
            value = _data_brand(get("data-brand"))
            if value:
                out.brand_attrs.append((pos, value))
        if tag == "font" and _BIG_FONT.match(get("size") or ""):
            out.visual_headings.append((pos, el, None))
        if tag == "a":
            if get("title") and LIGHTBOX.search(f"{get('rel') or ''} {get('class') or ''}"):
                out.visual_headings.append((pos, el, clean_text(get("title"))))  # the photo's caption
            href = get("href")
            if href and _LINK_QUICK.search(href.lower()):
                m = _BRAND_PATH.search(href) or _MAKER_PATH.search(href) or _BRAND_QUERY.search(href)
                if m is None and (q := _named_refinement(el)) is not None:
                    out.param_links.append((pos, el, q.group(2)))
                if m is None and "brand" in marker and not (el.text or "").strip() \
                        and [img.get("alt") or "" for img in el.iter("img")] == [""]:
                    m = _BRAND_PARAM.search(href)  # Amazon's brand logo link, see brand_from_page
                if m:
                    out.brand_links.append((pos, el, m.group(2)))
    return out


# An identifier printed inside the heading's element ("<div class="name">Name<span class="sku">ID</span>
# <span class="code">1382080</span></div>", SAP Hybris): not part of the name.
_ID_CHILD = re.compile(r"(^|[-_\s])(sku|code|product-?code|item-?(no|number|code)|mpn|ean|gtin\d*|isbn|"
                       r"art(ikel)?-?nr|part-?number|product-?id|"
                       # a badge inside the heading: <span class="badge badge--new">Neu</span>
                       r"badge|product-?badge|sticker|ribbon|flag-?(new|sale)|label-?(new|sale)|icon|tag|"
                       # a rating widget inside the heading ("★★★★★ (1,284 reviews)")
                       r"rating|stars|reviews?)([-_\s]|$)", re.I)


# a child hidden from sight inside a heading (eBay's <span class="g-hdn">Dettagli sull'oggetto</span>)
_HIDDEN_CHILD = re.compile(r"(^|\s)(g-hdn|visually-hidden|u-visually-hidden|sr-only|screen-reader-text|u-hidden|a-offscreen|"
                           r"hidden|is-hidden|d-none)(\s|$)", re.I)


def _not_name(c) -> bool:
    cls = c.get("class") or "" if isinstance(c.tag, str) else ""
    hidden = bool(_HIDDEN_CHILD.search(cls)) \
        and not re.search(r"\w+:(inline|block|flex|grid|inline-block|contents)\b|\bd-\w+-(inline|block|flex|grid|table)", cls) \
        or isinstance(c.tag, str) and (c.get("hidden") is not None
                                       or "display:none" in (c.get("style") or "").replace(" ", ""))
    # (a wishlist or share button inside the heading: <h1>Oversized Wool Jumper<button>Add to favourites</button></h1>)
    return isinstance(c.tag, str) and (bool(_ID_CHILD.search(f"{cls} {c.get('itemprop') or ''}")) or hidden
                                       or c.tag == "button" or _labelled_extra(c))


# an element inside the heading, after the name's first words, that is a labelled identifier ("Model: OD-22",
# "Item # 101095", "Art.-Nr.: 4711": one code with a digit after its label) or the maker's byline on a line of
# its own or in a byline/brand element ("<br><small>by Realspace</small>"), not part of the name
_ID_TEXT = re.compile(r"(sku|model|item|part|mpn|ean|upc|isbn|art\.?-?nr\.?|artikel-?nr\.?|ref\.?|réf\.?)\s*"
                      r"(#|no\.?|number|nr\.?)?\s*[:#]\s*(?=[\w./-]*\d)[\w./-]+", re.I)
_BYLINE = re.compile(r"(?-i:[Bb]y\s+[A-Z\d])")
_BYLINE_MARK = re.compile(r"by|brand|vendor|author|designer|maker|manufacturer", re.I)


def _labelled_extra(c) -> bool:
    if c.tag not in _INLINE_EXTRA or len(c) > 3:
        return False
    prev = previous_element(c)
    if prev is None and not (c.getparent() is not None and (c.getparent().text or "").strip()):
        return False  # (the heading's first words are its name)
    text = (c.text_content() or "").strip()
    if len(text) > 40:
        return False
    if _ID_TEXT.fullmatch(text):
        return True
    return bool(_BYLINE.match(text)) and (prev is not None and prev.tag == "br"
                                          or bool(_BYLINE_MARK.search(f"{c.get('class') or ''} {c.get('id') or ''}")))


_INLINE_EXTRA = {"span", "small", "em", "i", "b", "strong", "p", "div", "a"}


_NAME_PROPS = {"name", "schema:name", "dc:title", "dcterms:title"}


def _in_nested_item(d, heading) -> bool:
    """``d`` names an item of its own inside the heading (the brand in <span itemprop="brand"
    itemscope><span itemprop="name">Nike</span></span>, a seller's name), not the heading's product."""
    for a in d.iterancestors():
        if a is heading:
            return False
        if a.get("itemscope") is not None or a.get("typeof") or a.get("itemprop"):
            return True
    return False


def _home_link(href: str | None) -> bool:
    """A link to the shop's home page ("/", "https://shop.example/")."""
    return (href or "").rstrip("/") in ("", "/", ".") or bool(re.fullmatch(r"https?://[^/]+/?", href or ""))


def _logo_h1(el) -> bool:
    """The site's logo set as the <h1> (older themes): a link home holding the logo image, or a logo id/class."""
    home = any(_home_link(a.get("href")) for a in el.iter("a"))
    return home and el.find(".//img") is not None or bool(re.search(r"(^|[-_\s])logo([-_\s]|$)",
                                                                    f"{el.get('id') or ''} {el.get('class') or ''}", re.I))


def _brand_only(el) -> bool:
    """An <h1> that is one link to the maker's page and nothing else (SSENSE's
    <h1><a href="/en-us/men/designers/our-legacy">Our Legacy</a></h1> above <h2>Black Box Shirt</h2>)."""
    links = el.findall(".//a")
    return len(links) == 1 and (_BRAND_PATH.search(links[0].get("href") or "") is not None
                                or re.search(r"brand", f"{el.get('class') or ''} {el.get('id') or ''}", re.I) is not None
                                and not _home_link(links[0].get("href"))) \
        and clean_text(links[0].text_content()) == clean_text(el.text_content())


def _heading_text(el) -> str | None:
    # the heading's own marked name (<h1><span property="dc:title">Sarah's Key</span> <span
    # class="format">(Paperback)</span> <span class="author">By …</span></h1>)
    for d in el.iterdescendants():
        if isinstance(d.tag, str) and (d.get("itemprop") == "name" or (d.get("property") or "").lower() in _NAME_PROPS) \
                and not _in_nested_item(d, el):
            named = element_text(d)
            if named and len(named) >= 2:
                return named if len(named) <= 300 else None
    bare = without(el, _not_name)
    if bare is not el and element_text(bare):  # never the whole name (<h1><span class="sku-title">…</span></h1>)
        el = bare
    text = element_text(el)
    return text if text and len(text) <= 300 else None


def _untruncated(el, text: str, refs: list[str]) -> str | None:
    """A name the page cut with an ellipsis whose whole spelling is the ``title`` attribute of
    the heading or its link (``<a title="Canon … - Silver (4254b001)">Canon … - 10 Megapixel -...</a>``),
    when the <title> or markup names confirm the whole (not a tooltip: "… – click to view all")."""
    stem = text.rstrip(".…").rstrip(" -–").casefold()
    if len(stem) < 10 or len(stem.split()) < 2:
        return None
    for node in (el, *el.iterdescendants("a", "span")):
        full = clean_text(node.get("title"))
        if full and len(full) > len(stem) and full.casefold().startswith(stem) \
                and max((overlap(full, r) for r in refs if r), default=0.0) >= 0.8:
            return full
    return None


_MINOR_HEADINGS = {"h2", "h3", "h4", "h5", "h6"}
_IDENTIFIER = re.compile(r"(?:\d[\s-]?){8,}[\dXx]?")  # an ISBN, EAN or long SKU number


def main_heading(sc: Scan, refs: list[str], site_words: set[str] | frozenset = frozenset()) -> tuple:
    """(position, text, agreement, element) of the heading that names the product.

    Agreement is how much of the heading the reference names (structured names, og:title,
    <title>) confirm; headings in nav/header/footer are ignored.
    """
    best = (-1, None, -1.0, None)
    best_score = -1.0
    worded_h1 = False
    site_names = {plain(w) for w in site_words} - {""}
    header_h1 = None
    for pos, el, is_h1, hinted in sc.headings:
        lead = None  # a short <h1> the name is read as "<h1> <h2>" from
        text = _heading_text(el)
        if is_h1 and text and _logo_h1(el):
            continue  # <h1 id="logo"><a href="/"><img alt="Angel Shop">Angel Shop</a></h1>: the shop's name
        worded_h1 = worded_h1 or bool(is_h1 and text)
        if not text:
            continue
        if _in_chrome(el):
            if is_h1 and header_h1 is None and el.find(".//a") is None and el.find(".//img") is None:
                header_h1 = (pos, text, el)
            continue
        stand_in = _IDENTIFIER.fullmatch(text) is not None or _brand_only(el)
        if stand_in:
            # an identifier alone (AbeBooks' <h1 class="isbn">9780805087444</h1>) names no
            # product: the heading right after it does (<h2 class="plptitle">A People's …</h2>),
            # when the <title> or markup names confirm it ("1984", "M11" are names, "Customer
            # reviews" after an SKU is not)
            nxt = el.getnext() if is_h1 else None
            if nxt is not None and nxt.tag == "div" and len(nxt) == 1 and nxt[0].tag in ("h2", "h3") \
                    and not (nxt.text or "").strip():
                nxt = nxt[0]  # Tata CLiQ's <div class="…__productName"><h2>Levi's 511 …</h2></div>
            text = _heading_text(nxt) if nxt is not None and nxt.tag in ("h2", "h3") else None
            if not text:
                continue
            el = nxt
        if is_h1 and not stand_in and len(text.split()) <= 4 and not is_site_part(text, site_words):
            # <h1>Kryptonite</h1><h2>KryptoLok Series 2 w/ Key</h2> under the <title> "Kryptonite
            # KryptoLok Series 2 w/ Key - Campus Bike Shop" (SmartEtailing): the name is both (not
            # when a markup name is the h1 alone, nor for "by Author", a colour or a shorter tagline).
            # Whether the h1 is the brand the headings do not tell (a category, "Clearance", an
            # author, a product line read the same way): no brand from them.
            nxt = el.getnext()
            name = _heading_text(nxt) if nxt is not None and nxt.tag in ("h2", "h3") else None
            if name and not name[:1].islower() and not name.lower().startswith("by ") \
                    and len(name.split()) >= len(text.split()) \
                    and not any(squash(r) == squash(text) for r in refs if r) \
                    and any(squash(_title_head(r)) == squash(f"{text} {name}") for r in refs if r):
                lead, text = text, f"{text} {name}"
        agree = max((overlap(text, r) for r in refs if r), default=0.0)
        if stand_in and agree < 0.5:
            continue  # the heading after an identifier counts only when the <title> confirms it
        if agree < 0.5 and _PROMO.search(text):
            continue  # <h1>Free Standard Shipping above $35</h1>: a banner, not the product
        score = agree + (0.3 if is_h1 else 0) + (0.2 if hinted else 0) + min(len(text), 40) / 400
        if plain(text) in site_names and not any(plain(_title_head(r)) == plain(text) for r in refs if r):
            # the site's own name (a Bandcamp artist's "Cœur de pirate" beside the album's h2 under "Blonde |
            # Cœur de pirate"), unless a reference names the product so (a brand's shop selling its namesake)
            score -= 0.5
        # (not a card's name under "Customers who viewed this also viewed": another product)
        if score > best_score and (is_h1 or not among_others(el)):
            best, best_score = (pos, text, agree, el), score
            sc.lead_h1 = lead
    if not worded_h1:
        # no <h1> with words (older table layouts: "<H5>Canon … D10 (3508b001)</H5>"; an <h1>
        # holding only the logo, Cafe24): the one h2-h6 that
        # spells exactly what the <title> or markup names say, over a name-hinted breadcrumb or
        # caption (not "Power Tools", "Reviews", "… Battery": a heading the title merely contains)
        # (or its own leading words begin the <title>: "<h2>Game Over<span> (Mass Market
        # Paperback)</span></h2>" under "Game Over by Fern Michaels (Mass Market Paperback): …")
        wanted = {squash(v) for r in refs if r for v in _title_cores(r) if len(squash(v)) >= 6}
        same = [(pos, el, None) for pos, el in sc.minor_headings
                if wanted and squash(el.text_content()[:400]) in wanted and not _in_chrome(el)]
        if not same:
            lows = [r.casefold() for r in refs if r]
            for pos, el in sc.minor_headings:
                own = clean_text(el.text)
                if not own or len(own.split()) < 2 or not len(el) or _in_chrome(el):
                    continue
                rest = (clean_text(el.text_content()) or "")[len(own):].strip()
                # the rest is a parenthesised format the <title> repeats: "(Mass Market Paperback)"
                if re.fullmatch(r"\([^()]{3,40}\)", rest) and any(
                        r.startswith(own.casefold()) and not r[len(own):len(own) + 1].isalnum()
                        and rest.casefold() in r for r in lows):
                    same.append((pos, el, own))
        if len(same) == 1:
            pos, el, own = same[0]
            text = own or _heading_text(el)
            if text and not money_in(text):
                best = (pos, text, 1.0, el)
                sc.headings.append((pos, el, False, False))
        if not same and best[1] is None:
            # nor does the <title> name it (Cafe24's is the shop's name): the one h2-h6 in a heading
            # wrapper of its own (<div class="headingArea"><h2>캐시미어 블렌드 라운드 니트</h2></div>)
            areas = [(pos, el) for pos, el in sc.minor_headings
                     if el.getparent() is not None
                     and _HEADING_AREA.search(f"{el.getparent().get('class') or ''} {el.getparent().get('id') or ''}")
                     and not _in_chrome(el) and not among_others(el)]
            text = _heading_text(areas[0][1]) if len(areas) == 1 else None
            if text and not money_in(text) and not is_site_part(text, site_words):
                best = (areas[0][0], text, 0.0, areas[0][1])
                sc.headings.append((areas[0][0], areas[0][1], False, False))
    if best[1] is None and header_h1 is not None:
        # an <h1> inside the header (SAP Spartacus renders the page's heading in its breadcrumb
        # component there): the product's name when a <title> or markup name begins with exactly it
        pos, text, el = header_h1
        if not is_site_part(text, site_words) \
                and any(squash(_title_head(r)) == squash(text) for r in refs if r):
            best = (pos, text, 1.0, el)
    if best[1] is None:
        best = _visual_heading(sc, refs)
    elif best[1].endswith(("...", "…")):
        full = _untruncated(best[3], best[1], refs)
        if full:
            best = (best[0], full, best[2], best[3])
    return best


def _visual_heading(sc: Scan, refs: list[str]) -> tuple:
    """Pages without a heading element (old table layouts): the caption of the product's
    lightbox photo link, else the first big-font text (``<font size="4">``) that is not a
    price or a banner. It joins ``sc.headings`` so that its position is known."""
    ordered = sorted(sc.visual_headings, key=lambda v: (v[2] is None, v[0]))
    for pos, el, caption in ordered:
        if caption and GENERIC_CAPTION.fullmatch(caption.strip()):
            continue  # a lightbox link titled "Click to enlarge" names no product
        text = caption or _heading_text(el)
        if not text or len(text) < 4 or len(text) > 200 or _in_chrome(el) or _PROMO.search(text) \
                or money_in(text) or not re.search(r"[^\W\d_]{3}", text):
            continue
        sc.headings.append((pos, el, False, False))
        agree = max((overlap(text, r) for r in refs if r), default=0.0)
        return pos, text, agree, el
    return (-1, None, -1.0, None)


_BOILER_PREFIX = re.compile(
    r"^(details about|détails sur|dettagli sull['’]oggetto|dettagli su|details zu|detalles (acerca )?de|detalhes sobre|"
    r"szczegóły dotyczące|podrobnosti o|подробнее о)\s*:?\s+(?=\S)", re.I)
_BUY_LEAD = re.compile(
    r"^(buy|shop|order|kaufen|acheter|comprar|compra|acquista|koop|kup|купить|osta|köp|kjøp|køb)\s+(?P<name>.{3,}?)"
    r"(\s+(online|at (the )?(best|lowest) prices?|for (only )?\S*\d|from \S*\d|on sale|in india|"
    r"en ligne|günstig|al mejor precio|a buen precio|по (лучшей|выгодной) цене|в интернет)\b.*)$", re.I)
_SHOP_TAIL = re.compile(
    r"(\s+[-|–—:]\s+(buy|shop|order|compra|comprar|acheter|kaufen)\b.*|"
    r"\s+(jetzt\s+)?(online\s+)?(günstig\s+)?(kaufen|bestellen)(\s+(bei|im|auf)\b.*)?|"
    r"\s+(acheter|achat)\s+(en ligne|pas cher)\b.*|\s+(buy|shop) online\b.*|\s+online (kopen|bestellen)\b.*|"
    r"\s*(の|を)?(公式)?(通販|オンラインショップ)(サイト)?|"
    r"\s+[-–—|]\s+(купить|заказать|kup|kupić|kupuj|koupit|nakupujte)\b.*|"
    # "X Price in India - Buy X Online" (Flipkart), "X at Best Price in Pakistan" (Daraz)
    r"\s+(at\s+)?((the\s+)?(best|lowest|low)\s+)?prices?\s+in\s+(india|pakistan|bangladesh|nepal|sri lanka|kenya|"
    r"nigeria|uganda|ghana|egypt|(the\s+)?uae|dubai|ksa|saudi arabia|qatar|kuwait|oman|bahrain|malaysia|singapore|"
    r"(the\s+)?philippines|indonesia|vietnam|thailand|south africa)\b.*)$", re.I)


def strip_boilerplate(text: str) -> str:
    """A name without shop phrasing around it: "Details about X", "Buy X online at…",
    "X online kaufen", "X - Buy online" (X kept when nothing sensible would be left)."""
    out = _BOILER_PREFIX.sub("", text)
    m = _BUY_LEAD.match(out)
    if m and len(out.split()) > 2:
        out = m.group("name")
    out = _SHOP_TAIL.sub("", out).strip().rstrip("-|–—:·").strip()
    return out if len(out) >= 3 else text


_OFFICIAL_LEAD = re.compile(r"^\s*[【\[]\s*(公式|official|오피셜|官方)\s*[】\]][^|｜]{1,30}\s[|｜]\s+(?=\S)", re.I)
_STORE_TAIL = re.compile(r"\s+:\s+[^:]{0,20}(스토어|ストア|ショップ|official store|旗舰店|官方店)\s*$|"
                         r"\s*[-_|｜]\s*[^-_|｜\s]{0,12}(商城|官网|官方网站|旗舰店|商店|購物網|购物网)\s*$", re.I)  # "Redmi K70-小米商城"
# a segment naming a shop by its kind ("Sklep komputerowy", "Online Shop", "Интернет-магазин")
_SHOP_WORD = re.compile(r"\b(sklep|shop|store|магазин|boutique|tienda|loja|negozio|winkel|butik|obchod|webshop)\b", re.I)
_WAVE_TAIL = re.compile(r"\s*[～〜~][^～〜~]{2,30}[～〜~]\s*$")
# a price closing a name, with its "from" word: " ab 599,00 € |", " from $12.99 -", " à partir de 12 € |"
_PRICE_AT_END = re.compile(r"\s+(?:(?:ab|from|desde|à partir de|a partir de|da|od|vanaf|für|for|only|nur|just)\s+)?"
                           r"\S{0,3}\s?\d[\d.,\s]*\S{0,3}\s*[·|•–—:-]\s*$", re.I)


def clean_title(text: str | None, site_words: set[str], *, page_title: bool = False,
                strict: bool = False) -> str | None:
    """A title without shop boilerplate, site name segments or a leading/trailing price.

    ``page_title``: ``<title>``/og:title, where a short last " | " segment is the shop's name
    even when it does not match the domain ("Oak Lamp | Maison Dupont").
    """
    text = clean_text(text)
    if not text:
        return None
    text = strip_boilerplate(text)
    # "$15 · Name" / "Log In needed $15 · Name": drop everything up to the price's separator
    # (not the dash of "CHF 45'300,- auf AUTOLINA": zero cents written ",-")
    m = re.match(r"^.{0,40}?\d[\d.,\s]*\S{0,3}?(?:\s*[·|•–—:]|\s+-|(?<![.,])-)\s+(?=\S)", text)
    if m and looks_like_price(m.group(0)) and len(text) - m.end() > 8:
        lead = _PRICE_AT_END.sub("", m.group(0))
        if lead != m.group(0) and len(lead.split()) > 3:
            # "Samsung Galaxy S24 128GB Onyx Black ab 599,00 € | Preisvergleich bei idealo.de": the name,
            # then its price, then the shop's words
            text = lead.rstrip() + " | " + text[m.end():]
        else:
            text = text[m.end():]
    if page_title:
        # "【公式】無印良品 | Name": the shop's own name first, marked official; "Name : 삼성전자 공식스토어";
        # "こころ (新潮文庫) ～紀伊國屋書店ウェブストア～"
        text = _OFFICIAL_LEAD.sub("", text)
        text = _STORE_TAIL.sub("", text)
        text = _WAVE_TAIL.sub("", text)
    parts = _SITE_SEP.split(text)
    seps = _SITE_SEP.findall(text)
    if len(parts) > 1 and _PROMO_SEGMENT.search(parts[0]) and not _PROMO_SEGMENT.search(" ".join(parts[1:])):
        parts.pop(0)  # "🔥 50% OFF TODAY ONLY | MagSafe Power Bank": a promotion before the name
        seps.pop(0)
    while len(parts) > 1 and (is_site_part(parts[-1], site_words, strict) or _price_part(parts[-1])
                              or _PROMO_SEGMENT.search(parts[-1]) and len(parts[-1].split()) <= 4
                              or (page_title and (seps[-1].strip() in ("|", "–", "—", "::", "»")
                                                  or _SHOP_WORD.search(parts[-1]))
                                  and _looks_like_shop_name(parts[-1], parts[:-1]))):
        parts.pop()
        seps.pop()
    return strip_boilerplate("".join(p + (seps[i] if i < len(seps) else "") for i, p in enumerate(parts)).strip())


# words beside a price that say nothing about the product ("29,99 € inkl. MwSt.")
_PRICE_NEUTRAL = {"inkl", "incl", "zzgl", "mwst", "vat", "tax", "ttc", "iva", "ust", "versand", "shipping",
                  "eur", "usd", "gbp", "chf", "pln", "czk", "rub", "zł", "kč", "kr", "lei", "ft", "грн", "руб", "р"}


def _price_part(part: str) -> bool:
    """A trailing " - ab 29,99 €" segment: a price and at most a word or two, not a phrase
    with an amount in it ("3€ pro Bewertung erhalten")."""
    if not looks_like_price(part):
        return False
    words = [w for w in re.findall(r"[^\W\d_]+\.?", part) if w.rstrip(".").casefold() not in _PRICE_NEUTRAL]
    return len(words) <= 2  # "jetzt nur", "dès", "ab", "from"


def _looks_like_shop_name(part: str, rest: list[str]) -> bool:
    """A short trailing segment (≤ 4 words, no digits) that repeats none of the name's words."""
    words = part.split()
    return 0 < len(words) <= 4 and not re.search(r"\d", part) and not (tokens(part) & tokens(" ".join(rest)))


def plain(text: str) -> str:
    """Word characters only, lower case: a site's name as a title or a host writes it ("x-kom.pl", "x-kom")."""
    return re.sub(r"[^\w]", "", text.casefold())


def is_site_part(part: str, site_words: set[str], strict: bool = False) -> bool:
    """The segment names the site; ``strict``: only by holding a site word whole (a markup name's
    "Black" on blackandblum.com is a colour, not the shop)."""
    low = plain(part)
    words = {plain(w) for w in site_words}  # ("x-kom" is the "x-kom.pl" of a title)
    return bool(low) and any(w and (w in low or not strict and low in w) for w in words)


def sc_pos(sc: Scan, el) -> int:
    """Document position of a scanned heading element (-1 when unknown)."""
    for pos, h, _, _ in sc.headings:
        if h is el:
            return pos
    return -1


_ROW_TAGS = {"dl", "tr", "li", "table", "ul", "ol", "body"}


def _value_cell(el):
    """The element after a label: its next sibling, else the next sibling of its parent, or
    the value cell after the table cell the label fills alone (``<dt><div><span>Marke</span>
    </div></dt><dd>…``)."""
    label = clean_text(el.text_content())
    node = el
    for level in range(4):
        nxt = next_element(node)
        if nxt is not None:
            # beyond the label's own parent only a table's value cell is its value
            return nxt if level <= 1 or nxt.tag in ("dd", "td") else None
        parent = node.getparent()
        if parent is None or parent.tag in _ROW_TAGS or clean_text(parent.text_content()) != label:
            return None  # a row's end, or the parent holds more than the label
        node = parent
    return None


_FIRM_AND_PLACE = re.compile(r"^(.{2,40}?\s(?:AG|GmbH|Ltd\.?|Limited|Inc\.?|LLC|S\.A\.|SA|S\.p\.A\.|SpA|S\.r\.l\.|SRL|"
                             r"s\.r\.o\.|Pvt\.? Ltd\.?|KG|B\.V\.|BV|AB|AS|A/S|Oy|SE|Sp\. z o\.o\.))\s*,\s*[^,\d]{2,40}$")


_PUBLISHER = re.compile(r"\s*(" + "|".join(_PUBLISHER_LABELS) + ")", re.I)


def _publisher_only(value: str) -> str | None:
    """"Vintage; Reprint edition (June 8, 2004)", "講談社 (2004/9/15)", "Harper Perennial, New
    York": the publisher without its edition, date and place."""
    return clean_text(re.split(r"\s*[;(（]|,\s", value)[0])


def _dawn_vendor(el) -> bool:
    """Shopify's Dawn (and its family of themes) prints the product's vendor as a short caption right
    before the title block: ``<p class="product__text caption-with-letter-spacing">NORDISK ULL</p>
    <div class="product__title"><h1>…``."""
    nxt = next_element(el)
    return "product__text" in (el.get("class") or "") and nxt is not None \
        and "product__title" in (nxt.get("class") or "")


_VIDEO_PAGE = re.compile(r"blu-?ray|\bdvd\b|4k ultra hd|\buhd\b|\bvhs\b|run ?time|running time|\bdirector\b|"
                         r"\bactors?\s*:|\bstarring\b", re.I)
_YES_NO = re.compile(r"(yes|no|y|n|✓|✔|✗|true|false|ja|nein|oui|non|sí|si)\.?", re.I)


def _is_studio(el, inline) -> bool:
    """The label is a "Studio" one (the value's own element after a label between elements too)."""
    if inline:
        return re.match(r"\s*studio\s*[:：]", el.text or "", re.I) is not None
    prev = el.getprevious()
    before = (prev.tail if prev is not None else (el.getparent().text if el.getparent() is not None else "")) or ""
    return re.search(r"(?:^|[|·•\s])studio\s*[:：]\s*$", before, re.I) is not None \
        or re.fullmatch(r"\s*studio\s*[:：]?\s*", el.text_content(), re.I) is not None


def _label_value(el, inline: str) -> str | None:
    if inline:
        value = inline
    elif len(el) and el[0].tag == "a" and (el.text or "").rstrip().endswith((":", "：")) \
            and (linked := clean_text(element_text(el[0]))) and not (el[0].tail or "").strip(" \xa0"):
        # "Производитель:<a href="/manufacturer/…">Humminbird</a> <img flag> США": the maker's link,
        # not the country the line goes on with
        value = linked
    else:
        rest = " ".join(filter(None, [t for c in el for t in (element_text(c), c.tail)]))  # in reading order
        value = clean_text(rest) or clean_text(el.tail)
        # "<b>Brand</b>: Kyoto Ironworks", "<span>Brand</span>: <span>Kyoto Ironworks</span>": the
        # colon is no part of the value
        value = (value or "").lstrip(" :：").strip() or None
        if not value:
            nxt = _value_cell(el)
            value = element_text(nxt) if nxt is not None else None
            if not value and nxt is not None:  # <strong itemprop="name"></strong>Black Leaf
                value = clean_text(nxt.tail)
    value = clean_text(value)
    firm = _FIRM_AND_PLACE.match(value or "")
    if firm:  # "Bernardo AG, Niederbuchsiten": the maker, not its address
        value = firm.group(1)
    inner = _LABEL_RE.match(value or "")
    if inner and inner.group(2):  # <h2>Brand</h2><p>Brand Name: MISSGUIDED</p>
        value = clean_text(inner.group(2))
    if value:  # "Brand: <a>Oraimo</a> | <a>Similar products from Oraimo</a>" (Jumia): the first part,
        # and not the next label's ("realme   Sold by: SuperComNet", "パナソニック(Panasonic)｜品番：NE-FL1B-W")
        value = _NEXT_LABEL.split(value)[0].strip() or None
    if value and len(value.split()) >= 5 and (end := _SENTENCE_END.search(value)) \
            and len(value[end.end():].split()) >= 3 and value[:end.start()].split()[-1] not in _ABBREVIATIONS:
        value = value[:end.start()]  # "Brand: 3M. Wraparound protection, ANSI Z87.1+.": the first sentence's name
    if value and _PUBLISHER.match(clean_text(el.text_content() if not inline else el.text) or ""):
        value = _publisher_only(value)
    if not value or len(value) > 50 or len(value.split()) > 6 or value.endswith(":") or is_placeholder(value) \
            or _FIELD_WORD.fullmatch(value):
        return None
    return value


# a full stop ending the name before a sentence goes on ("3M. Wraparound protection …"; not "Dr. Oetker", nor
# a name with initials: "U.S. Polo Assn.", "Wm. Wrigley Jr. Company", "Friedr. Dick GmbH")
_SENTENCE_END = re.compile(r"(?<=\w)\.\s+(?=[A-Z][a-z]+\s+\w)")
_ABBREVIATIONS = frozenset({"Dr", "St", "Mr", "Mrs", "Ms", "Co", "Jr", "Sr", "Bros", "Prof", "Fa", "Gebr", "Mt", "Ste"})
# where a brand value runs into the next field: a bar, or the next label ("Sold by:", "Référence :", "品番：")
_NEXT_LABEL = re.compile(r"\s+[|·•]\s+|\s*｜|\s+(?=(?:sold by|ships from|seller|verkäufer|verkauft von|vendu par|"
                         r"vendido por|venduto da|model|modell|modelo|modèle|ref|référence|referencia|sku|ean|mpn|"
                         r"art\.?-?nr\.?|artikelnummer|disponibilit\w*|availability|品番|型番|商品コード)\s?[:：])", re.I)
# a sub-label under the label, not a value: "Fabricante" › "Nombre" › "DEOLEO GLOBAL, S.A.U." ›
# "Dirección" (a manufacturer's contact block as EU food labelling asks for it)
_FIELD_WORD = re.compile(r"(name|nombre|nom|nome|naam|navn|namn|nimi|nazwa|název|názov|név|naziv|ime|isim|имя|"
                         # a fitment table's next header after "Make" ("Make | Model | Year")
                         r"model|year|years|engine|submodel|trim|"
                         r"название|address|adresse|dirección|direccion|endereço|indirizzo|adres|anschrift|"
                         r"contact|kontakt|contacto|contatto)\s*:?", re.I)


_MAKER_ROW = re.compile(r"\s*manufactured by", re.I)
# the link to a maker's store on a marketplace, in its languages
_VISIT_STORE = re.compile(r"visit the (.{2,40}?) store|besuche den (.{2,40}?)-store|visita la tienda de (.{2,40})|"
                          r"visiter la boutique (.{2,40})|visita lo store di (.{2,40})|bezoek de (.{2,40}?)-winkel|"
                          r"visite a loja (?:da |de |do )?(.{2,40})|(.{2,40}?)のストアを表示|odwiedź sklep (.{2,40})", re.I)


def brand_from_page(sc: Scan, heading_pos: int, title: str | None, html_text: str,
                    site_words: set[str] | frozenset = frozenset(), *, heading_el=None) -> str | None:
    """A brand from brand attributes, "Brand: X" labels, brand links, brand elements, logos,
    breadcrumbs, the heading's first link (``heading_el``), or inline JSON state."""
    for pos, value in sorted(sc.brand_attrs, key=lambda p: abs(p[0] - heading_pos)):
        value = clean_text(value)
        if plausible_brand(value) and len(value) <= 50:
            return value
    # "Manufactured by" (a contract maker on Indian listings) only when no brand row is found
    # ... and a publisher row only when no brand row is found (a book's; a game's, an app's)
    labels = sorted(sc.labels, key=lambda p: (_MAKER_ROW.match(clean_text(p[1].text_content()) or "") is not None,
                                               id(p[1]) in sc.publisher_labels
                                               or _PUBLISHER.match(clean_text(p[1].text) or "") is not None,
                                               _is_studio(p[1], p[2]),
                                               p[0] < heading_pos, p[0]))
    for pos, el, inline in labels:
        if _in_chrome(el):
            continue
        value = _label_value(el, inline)
        if value and _is_studio(el, inline) and (not _VIDEO_PAGE.search(html_text) or _YES_NO.fullmatch(value)
                                                or el.tag in ("button", "option", "a")
                                                or el.tag in ("th", "td") and el.getprevious() is not None):
            continue  # "Studio: Studio B", "Studio | Yes", a "Studio" edition button or column: not a film's studio
        if value:
            sc.labelled_brand = value
            return value
    for el in sc.vendor_captions:
        # Dawn's caption is the vendor when the page's Shopify data says so ("vendor":"NORDISK ULL") or the
        # <title> ends with it (the shop's own label); otherwise a tagline ("Handmade in Portugal")
        text = clean_text(el.text_content())
        if text and len(text) <= 40 and plausible_brand(text) and (
                re.search(rf'"vendor"\s*:\s*"{re.escape(text)}"', html_text, re.I)
                or squash(_SITE_SEP.split(sc.title_tag or "")[-1]) == squash(text)):
            return text
    # (a menu's "Browse all CD PROJEKT RED games" link, ?publishers=…, is the site's, not a second one of the product's)
    queries = [el for _, el, _ in sc.brand_links if _BRAND_QUERY.search(el.get("href") or "") and not _in_chrome(el)]
    crumbs = {el for _, el in sc.breadcrumbs}
    for pos, el, slug in sorted(sc.brand_links, key=lambda p: abs(p[0] - heading_pos)):
        query = _BRAND_QUERY.search(el.get("href") or "")
        # one search for a brand's products: this product's (not a related product card's)
        alone = query and len(queries) == 1 and not among_others(el)
        if (heading_pos < 0 or abs(pos - heading_pos) > 60) and not alone or _in_chrome(el):
            continue  # brand lists in menus are not this product's brand
        text = element_text(el) or ""
        visit = _VISIT_STORE.fullmatch(text.strip())
        if visit:  # Amazon's byline: "Visit the Levi's Store", "Besuche den Levi's-Store"
            return clean_text(next(g for g in visit.groups() if g))
        words = re.sub(r"[-_]", " ", unquote_plus(slug)).strip()
        logo = [clean_text(img.get("alt")) or "" for img in el.iter("img")] if not text.strip() else []
        if len(logo) == 1 and logo[0] and logo[0].casefold() == words.casefold() and _in_title(logo[0], title):
            return logo[0]  # <a href="/brands/teva"><img alt="Teva"></a>: the brand's logo
        if logo == [""] and title and _BRAND_PARAM.search(el.get("href") or "") \
                and "brand" in f"{el.get('class') or ''} {el.get('id') or ''}".lower() \
                and (m := re.match(re.escape(words) + r"(?!\w)", title, re.I)):
            return m.group(0)  # Amazon's <a id="brand" href="…brands_browse-bin=Nike"><img alt=""></a>, "Nike Men's…"
        if words and query and text.strip().casefold() == words.casefold() and len(words.split()) <= 4:
            return text.strip()  # a link to the brand's other products, named as its query says
        name = clean_text(text) or ""
        if _ID_SLUG.fullmatch(words) and name and len(name.split()) <= 3 and title and (
                # Yodobashi's "/maker/1000/" (an id) named "ソニー SONY", as the product's name begins
                words.isdigit() and title.casefold().startswith(name.casefold() + " ")
                # JD's breadcrumb "/pinpai/1049-54303.html" "威迅（VENTION）": "威迅（VenTion）VAS-C01 …"
                # (the crumb names the brand apart, so a CJK name may run on: "知医堂三清茶")
                or _begins(title, name, fused=True) and any(a in crumbs for a in (el, *el.iterancestors()))):
            return name
        if len(words) > 1 and words.casefold() in text.casefold() and title \
                and words.casefold() in title.casefold():
            start = text.casefold().index(words.casefold())
            return text[start:start + len(words)]
    # a refinement named around the word ("?field-brandtextbin=Palarn" named Palarn): only the page's one such
    # link outside the chrome, beside the heading (a byline, a crumb), never a card's, a facet's or a menu's
    params = [(pos, el) for pos, el, _ in sc.param_links if not _in_chrome(el)]
    if len(params) == 1 and heading_pos >= 0 and abs(params[0][0] - heading_pos) <= 20 \
            and not among_others(params[0][1]) and not elsewhere(params[0][1]) \
            and len((text := clean_text(params[0][1].text_content()) or "").split()) <= 4 and plausible_brand(text):
        return text
    value = _brand_from_element(sc, heading_pos, title) or _brand_from_logo(sc, heading_pos, title) \
        or _brand_from_breadcrumb(sc, title) or _brand_marked(title, sc.title_tag, site_words=site_words,
                                                              page=html_text) \
        or _brand_from_nav(sc, title) or _brand_link_in_heading(heading_el, sc.title_tag)
    if value:
        return value
    if title:
        # a brand link beside the heading named as its path says ("/Brands/Canon/c/brand_10" in SAP
        # Spartacus' breadcrumb, inside the header): the page state's brand confirms it
        linked = {text.casefold() for pos, el, slug in sc.brand_links
                  if heading_pos >= 0 and abs(pos - heading_pos) <= 60
                  and (text := clean_text(el.text_content())) and text.casefold() == unquote_plus(slug).casefold()}
        for m in _INLINE_BRAND.finditer(html_text):
            value = clean_text(m.group(1))
            if value and not is_placeholder(value) and (value.casefold() in linked or re.search(
                    r"(?<!\w)" + re.escape(value) + r"(?!\w)", title, re.I)):
                return value
    own = _own_label(title, site_words)
    return own or _brand_before_model(title, sc.title_tag) or _brand_from_byline(heading_el)


_BYLINE_AFTER = re.compile(r"(?-i:By)\s+((?-i:[A-Z\d])[^,;:|()]{1,38})")


def _brand_from_byline(heading) -> str | None:
    """The maker's byline as the heading's subheading: the App Store's ``<h1>Minecraft – Pocket
    Edition</h1><h2>By Mojang</h2>`` (a last resort: nothing else named one). Not a byline in a
    paragraph or with a link ("by <a>Tatiana de Rosnay</a>", "by Sarah J. Maas"): a book's author, a
    record's artist or a marketplace's shop, which are no brand (tests/test_extract_review_eleventh)."""
    if heading is None:
        return None
    box = heading if heading.tag == "h1" else next(heading.iterancestors("h1"), heading)
    nxt = next_element(box)
    if nxt is None or nxt.tag not in ("h2", "h3", "h4") or len(nxt):
        return None
    m = _BYLINE_AFTER.fullmatch(clean_text(nxt.text_content()) or "")
    name = m.group(1).strip() if m else None
    if name and len(name.split()) <= 4 and plausible_brand(name) and not _NOT_MAKER.fullmatch(name):
        return name
    return None


def _brand_link_in_heading(heading, title_tag: str | None) -> str | None:
    """The heading begins with a link to the brand's own page, named as its path says, then the
    name: Zappos' ``<h1><a href="/skechers">SKECHERS</a> <a href="/product/8958197">Prima…</a></h1>``,
    Sephora's ``<h1><a href="/brand/aurelle">Aurelle</a><span>Midnight Recovery Face Oil</span></h1>``.
    The path must be a brand's ("/brand/aurelle", not a seller's "/stores/…"), or the one segment of a
    path the page title begins with, the link's words in front ("SKECHERS Prima - Leather Laces at
    Zappos.com"): a "Sale" or "New" badge, a collection, an author or the product's own family page
    ("<a href="/p/trail-runner-2">Trail Runner 2</a> – Black") linked from the heading are not."""
    if heading is None:
        return None
    box = heading if heading.tag == "h1" else next(heading.iterancestors("h1"), None)
    if box is None:
        return None
    whole = clean_text(box.text_content()) or ""
    # the first link with words that begin the heading (not the whole heading), then the name
    a, text = next(((a, t) for a in box.iter("a") if (t := clean_text(a.text_content())) and t != whole
                    and whole.startswith(t)), (None, None))
    if not text or len(text.split()) > 4 or _NOT_MAKER.fullmatch(text) or not plausible_brand(text) \
            or not whole[len(text):].lstrip()[:1].isalnum():
        return None
    path = unquote_plus(urlsplit(a.get("href") or "").path)
    parts = [part for part in path.split("/") if part]
    m = _BRAND_PATH.search(path)
    if m and m.group(1).lower() not in ("stores", "vendor", "vendors") and squash(text) == squash(m.group(2)):
        return text
    if len(parts) == 1 and squash(text) == squash(parts[0]) and squash(title_tag or "").startswith(squash(whole)):
        return text
    return None


def _own_label(title: str | None, site_words) -> str | None:
    """The product's name begins with the shop's own name ("Sainsbury's Apricot Ripe & Ready x5" on
    sainsburys.co.uk, "Apple iPhone 15" on apple.com): the shop's own label is the brand."""
    words = (title or "").split()
    keys = {plain(w) for w in site_words}
    for n in (2, 1):
        rest = " ".join(words[n:])
        if len(words) >= n + 2 and plain("".join(words[:n])) in keys \
                and not _SHOP_WORD.search(rest):  # (not the shop's own name, "Potter Shop")
            return " ".join(words[:n])
    return None


# "Yamaha YDP-S52 B Digitalpiano", "Eiko H11BCVSU-BP - Headlight": one capitalised word, then
# an upper-case model code with letters and digits.
_BRAND_MODEL = re.compile(r"^\s*([A-Z][A-Za-z]+|[A-Z]{2,})\s+(?=[A-Z0-9-]*[A-Z])(?=[A-Z0-9-]*\d)[A-Z0-9][A-Z0-9-]{2,}(?:\s|$|,)")


# The product's identifier line: "SKU: Treasure Garden UM9109-3462", or a line of its own right
# after the name that is only the maker and the model ("AMC JH-906A").
# one or two capitalised words (the maker, captured), then an upper-case code with letters and digits
_MAKER_THEN_MODEL = (r"((?:[A-Z][a-z]+|[A-Z]{2,})(?:\s(?:[A-Z][a-z]+|[A-Z]{2,}))?)\s+"
                     r"(?=[A-Z0-9-]*[A-Z])(?=[A-Z0-9-]*\d)[A-Z0-9][A-Z0-9-]{3,}")
_SKU_LINE = re.compile(r"\b(?:SKU|Model|Item|Part|Mfr\.? Part|Art\.?-?Nr\.?)\s*(?:#|No\.?|Number)?\s*:\s*"
                       + _MAKER_THEN_MODEL + r"\b")
_MAKER_MODEL_LINE = re.compile("^" + _MAKER_THEN_MODEL + "$")


# an identifier's own label ("SKU TWC-POS-01"), never a maker
_ID_WORD = re.compile(r"sku|ean|gtin|mpn|upc|isbn|jan|art|ref|item|model|code|nr|no|id|part|artikel(nummer)?|"
                      r"artnr|bestellnummer|referen[cz]e?|c[oó]digo|modelo|kod|typ|type", re.I)


def _maker_word(word: str) -> bool:
    """A maker's name, not a label ("Brand", "Hersteller") nor an identifier's own ("SKU", "Art")."""
    return not _LABEL_RE.match(word) and not _ID_WORD.fullmatch(word)


def _brand_in_identifier(heading, html_text: str) -> str | None:
    """The maker named in the product's identifier (see ``_SKU_LINE``), the last resort."""
    if heading is not None:
        nxt = heading.getnext()
        text = clean_text(nxt.text_content()) if nxt is not None and isinstance(nxt.tag, str) else None
        m = _MAKER_MODEL_LINE.match(text or "")
        if m and _maker_word(m.group(1)):
            return m.group(1)
    m = _sku_line(html_text[:400_000])
    return m.group(1) if m and _maker_word(m.group(1)) else None


# where an identifier line may start: a cheap scan first (the full pattern over a page's 400 KB
# took ~11 ms; it runs only around these few places)
_SKU_START = re.compile(r"(?:SKU|Model|Item|Part|Mfr|Art)[^:<>\n]{0,12}:")


def _sku_line(text: str):
    for hit in _SKU_START.finditer(text):
        m = _SKU_LINE.search(text, max(0, hit.start() - 1), hit.end() + 120)
        if m:
            return m
    return None


def _brand_before_model(*texts: str | None) -> str | None:
    """The maker's name leading the product name before its model code."""
    for text in texts:
        m = _BRAND_MODEL.match(text or "")
        if m and _maker_word(m.group(1)) and not _NOT_MAKER.fullmatch(m.group(1)):
            return m.group(1)
    return None


# Words a product name starts with that describe it, not its maker ("Vintage E27 …", "Waterproof
# IP68 …", "Replacement 18V …"), and materials a shop files it under ("Cast Iron" › "Cast Iron Skillet")
_NOT_MAKER = re.compile(r"waterproof|replacement|universal|wireless|portable|rechargeable|compatible|heavy[- ]duty|"
                        r"refurbished|handmade|cast iron|teak|leather|wool|cotton|linen|cashmere|merino|"
                        r"stainless( steel)?|steel|bamboo|oak|walnut|ceramic|porcelain|copper|brass|"
                        r"sterling silver|solid wood|wooden|marble|rattan|wicker|velvet|suede|denim", re.I)


def _in_title(word: str, title: str | None) -> bool:
    return bool(title) and re.search(r"(?<!\w)" + re.escape(word) + r"(?!\w)", title, re.I) is not None


_MAKER_LOGO = re.compile(r"(manufacturer|brand)[-_]?(logo|image|img)", re.I)


def _for_the_maker(img) -> bool:
    """A logo linking to its maker's page or held by the product's manufacturer/brand block (not
    the shop's own logo in a div header, nor a payment badge)."""
    for n, a in enumerate(img.iterancestors()):
        if n >= 4:
            return False
        if a.tag == "a" and _MAKER_HREF.search(a.get("href") or ""):
            return True
        if re.search(r"product[-_]?(manufacturer|brand)", f"{a.get('class') or ''} {a.get('id') or ''}", re.I):
            return True
    return False


_MAKER_HREF = re.compile(r"brand|manufacturer|hersteller|marke|marca|marque|fabricant|merk", re.I)


def _logo_name(alt: str) -> str:
    """A logo's alt text without a trailing "logo"/"brand" word ("Bosch Logo" → "Bosch")."""
    return re.sub(r"\s*(logo|brand|marke|marca|marque)\s*$", "", alt, flags=re.I).strip()


_CAMERA_FILE = re.compile(r"(img|dsc|dscn|dscf|pxl|photo|image)[-_ ]?\d+", re.I)  # a photo's file name as its title


def _brand_from_logo(sc: Scan, heading_pos: int, title: str | None) -> str | None:
    """The alt (or title) text of a brand logo next to the heading: ``<img class="brand-logo"
    alt="Bosch">``, ``<img src="/Marken-Logos/c/caran.png" title="CARAN D'ACHE">``. Within 60
    elements of the heading, or further when the product name carries the same word."""
    for pos, img in sorted(sc.brand_images, key=lambda p: abs(p[0] - heading_pos)):
        if heading_pos < 0 or abs(pos - heading_pos) > 150 or _in_chrome(img) or "navbar" in (img.get("class") or ""):
            continue
        alt = clean_text(img.get("alt")) or clean_text(img.get("title"))
        quoted = _QUOTED.search(alt or "")
        if quoted:  # "Click to view 'Joe Browns' products"
            alt = quoted.group(1)
        if alt:
            alt = _logo_name(alt)
        if not alt or len(alt.split()) > 4 or is_placeholder(alt) or _CAMERA_FILE.fullmatch(alt):
            continue
        if abs(pos - heading_pos) <= 60 or _in_title(alt, title):
            return alt
    # the page's only manufacturer's logo (PrestaShop's img.manufacturer-logo in a details tab)
    makers = [img for _, img in sc.brand_images if _MAKER_LOGO.search(img.get("class") or "") and not _in_chrome(img)
              and _for_the_maker(img)]
    if len(makers) == 1:
        alt = clean_text(makers[0].get("alt")) or ""
        if alt and len(alt.split()) <= 4 and plausible_brand(alt):
            return alt
    return None


_ID_SLUG = re.compile(r"\d[\d\s]*(?:\.html?)?", re.I)  # a brand page's id: "1000", "1049 54303.html"
_BRACKETED = re.compile(r"[（(]([^（）()]+)[）)]")
_TAG_FIRST = re.compile(r"^\s*(?:【[^】]{1,12}】|\[[^\]]{1,12}\])\s*")  # "【京东超市】得力 …": the shop's tag


def _cjk(char: str) -> bool:
    return "\u3040" <= char <= "\u9fff" or "\uac00" <= char <= "\ud7af" or "\uf900" <= char <= "\ufaff"


def _begins(title: str, name: str, fused: bool = False) -> bool:
    """The product's name begins with the brand's name, or with its words outside or inside the brackets
    of a bilingual name ("得力（deli）": "得力 2012小号美工刀片", "deli得力美工刀"), each ending where a word
    or a script does (not "得力士" for "得力"). ``fused``: a Chinese or Japanese name may run on into
    the product's words ("知医堂三清茶"), where the brand is named apart (a breadcrumb's brand page):
    ``_runs_on``."""
    low = _TAG_FIRST.sub("", title).casefold()
    for part in {name, _BRACKETED.sub("", name).strip(), *_BRACKETED.findall(name)}:
        part = part.strip().casefold()
        if len(part) >= 2 and low.startswith(part) and (
                len(low) == len(part) or not (part[-1].isalnum() and low[len(part)].isalnum())
                or _cjk(part[-1]) != _cjk(low[len(part)]) or fused and _runs_on(part, low)):
            return True
    return False


def _runs_on(part: str, low: str) -> bool:
    """A CJK name run on into the product's words ("知医堂三清茶…", "小米手机": two CJK characters or
    more after it), not a longer name of one more character ("得力士 钢化膜")."""
    after = list(itertools.takewhile(wide_char, low[len(part):]))
    return _cjk(part[-1]) and len(after) >= 2


def _brand_from_element(sc: Scan, heading_pos: int, title: str | None = None) -> str | None:
    """The text of a brand-classed element next to the heading: ``<span class="brandLink">Mehr
    von <a>Müllermöbel</a></span>``, ``<div class="product-brand">Acme</div>``."""
    for pos, el in sorted(sc.brand_elements, key=lambda p: abs(p[0] - heading_pos)):
        if heading_pos < 0 or abs(pos - heading_pos) > 600:
            break
        if _in_chrome(el) or _in_menu(el) or among_others(el) or el.find(".//input") is not None:
            continue  # (a card's brand under "Similar products" is another product's; a form is no name)
        text = _shown_text(el)
        if el.tag in ("h2", "h3", "h4") and _titles_list(el) and not _in_title(text, title) and _styling_class(el):
            continue  # a section's heading styled with the class: <h3 class="brand">Dimensions</h3><ul>…
        if not text:
            imgs = el.findall(".//img")  # WoodMart's <div class="wd-product-brands"><a href="/marke/aiya/"><img alt="Aiya">
            home = any(_home_link(a.get("href")) for a in el.iter("a")) or "logo" in f"{el.get('class') or ''} {el.get('id') or ''}".lower()
            text = _logo_name(clean_text(imgs[0].get("alt")) or clean_text(imgs[0].get("title")) or "") \
                if len(imgs) == 1 and not home else ""
        if len(text) > 60:
            continue
        if _SOLD_BY.match(text):
            continue  # a marketplace's seller (Dokan's "Sold by: Lens Loft" in a vendor block), not the maker
        more = _MORE_FROM.match(text)
        if abs(pos - heading_pos) > 60 and not more:
            continue  # far from the heading only with its words: "Mehr von Müllermöbel"
        text = _MORE_FROM.sub("", text).strip(" :")
        if not plausible_brand(text):
            continue  # "View all brand products": the link's words, not a name
        if len(text) <= 40 and len(text.split()) <= 4 and not _LABEL_RE.match(text) \
                and not re.search(r"\d{3}", text):
            return text
    return None


def _titles_list(heading) -> bool:
    """The heading's next element is a list or table: it titles a section (RH's
    ``<h3 class="brand">Dimensions</h3><ul><li>Overall: 60" diam.</li>…``), it names no maker."""
    nxt = next_element(heading)  # (past a comment between them)
    return nxt is not None and nxt.tag in ("ul", "ol", "dl", "table")


def _styling_class(el) -> bool:
    """The page's heading carries the element's class too: a look (RH's ``class="brand"`` on its ``<h1>``
    and its section headings), not one brand's box (nor a class that related cards reuse)."""
    css = el.get("class")
    return bool(css) and bool(el.getroottree().xpath("//h1[@class=$c]", c=css))


_SOLD_BY = re.compile(r"\s*(sold by|seller|verkauft von|vendido por|vendu par|venduto da|verkocht door)\b\s*:?", re.I)


def _shown_text(el) -> str:
    """An element's text without its children hidden for screen readers (Shopify's
    <div class="price__vendor"><dt><span class="visually-hidden">販売元</span></dt><dd>山正窯</dd></div>)."""
    text = clean_text(el.text_content()) or ""
    bare = without(el, lambda d: isinstance(d.tag, str) and bool(_HIDDEN_CHILD.search(d.get("class") or "")))
    return text if bare is el else clean_text(bare.text_content()) or text


def _in_menu(el) -> bool:
    for n, a in enumerate(el.iterancestors()):
        if n >= 5:
            return False
        if a.tag == "nav" or re.search(r"menu|navbar|nav-", f"{a.get('class', '')} {a.get('id', '')}", re.I):
            return True
    return False


_FOR_WHOM = re.compile(r"(men|women|kids|boys|girls|ladies|unisex|baby|babies|toddlers?|youth|junior|herren|damen|kinder|"
                       r"hommes?|femmes?|enfants?|hombre|mujer|niños?|donna|uomo|bambin[oi])(['’]s|s['’])?\b", re.I)


def _brand_marked(*texts: str | None, site_words: set[str] | frozenset = frozenset(), page: str = "") -> str | None:
    """A name marked ® or ™ at the start of the product name or page title; on the maker's own
    shop, a line its own words name after the maker ("Wave® music system IV" on bose.com, whose
    description says "Shop the Bose Wave music system IV"): the maker."""
    for text in texts:
        m = _MARKED.match(text or "")
        if m and page and site_words and re.search(r"[^\W\d_]{2}", m.group(1)):
            line = re.escape(m.group(1).split()[0])
            for word in site_words:
                if len(word) >= 3 and re.fullmatch(r"[^\W\d_]+", word):
                    said = re.search(rf"(?<![\w-])({re.escape(word)})\s+{line}(?![\w-])", page, re.I)
                    if said and said.group(1)[0].isupper() and said.group(1).casefold() != m.group(1).split()[0].casefold():
                        return said.group(1)
    for text in texts:
        m = _MARKED.match(text or "")
        if m and _FOR_WHOM.match(m.group(1)):
            continue  # "Men's Watertight™ II Jacket": a product line for men, not a maker
        if m and re.search(r"[^\W\d_]{2}", m.group(1)):
            words = m.group(1).split()
            if len(words) > 1 and words[0].casefold() in site_words and not all(w.isupper() for w in words[1:]):
                return words[0]  # "TEMPUR Deluxe-HD™" on tempur.co.uk: the maker's own shop, the rest its line
            return m.group(1)
    return None


def _brand_from_nav(sc: Scan, title: str | None) -> str | None:
    """The product name starts with one of the shop's brands as its brand menu lists them
    (``<a href="/category/brands/wilsons-leather.do">Wilsons Leather</a>``)."""
    if not title:
        return None
    low = title.casefold()
    best = None
    for _, el, _ in sc.brand_links:
        text = clean_text(el.text_content()) or ""
        if text and len(text.split()) <= 4 and low.startswith(text.casefold() + " ") \
                and (best is None or len(text) > len(best)):
            best = text
    return best


_CATEGORY_PATH = re.compile(r"/([a-z]+[-_])?(categor(y|ies|ie|ia|ias)|kategori(e|en|a|ja)?)/", re.I)  # produkt-kategorie


# "Leche semidesnatada", "Men's shoes": words after the first all in lower case name a kind of
# product (a brand's several words are capitalised: "Tom Dixon", "Wilsons Leather"); so does a
# step the name goes on from in lower case ("Leche" › "Leche semidesnatada de Cataluña EROSKI")
def _common_phrase(step: str) -> bool:
    words = step.split()
    return len(words) > 1 and all(w[0].islower() for w in words[1:])


def _goes_on_lower(step: str, title: str) -> bool:
    """The name goes on from the step in a plain lower-case word ("Leche" › "Leche semidesnatada"),
    not a brand's line ("Apple" › "Apple iPhone 15", "LG" › "LG gram 17")."""
    rest = title[len(step):].split()
    return bool(rest) and rest[0].isalpha() and rest[0].islower() and not step.isupper()


def _brand_from_breadcrumb(sc: Scan, title: str | None) -> str | None:
    """A breadcrumb step that the product name starts with ("… › Samsung › Galaxy S21 128 GB")."""
    if not title:
        return None
    low = title.casefold()
    for _, trail in sc.breadcrumbs[:3]:
        # a step linking to a category path ("/product-category/sarees/kanjivaram/",
        # "/categories/kemeja-batik") names a kind of product; a brand step is a filter of one
        # ("list?hid=…&glfilter=…", "guru.xml?…PF=…")
        kinds = {clean_text(a.text_content()) for a in trail.iter("a") if _CATEGORY_PATH.search(a.get("href") or "")}
        # ... unless the rest of the name is a model ("Samsung" › "Samsung Galaxy S23 128GB": a
        # brand's sub-category; "Bio" › "Bio Olivenöl Extra Nativ" is a kind)
        kinds = {k for k in kinds if not (k and low.startswith(k.casefold() + " ")
                                          and re.search(r"\d", low[len(k):]))}
        steps = [clean_text(a.text_content()) for a in trail.iter("a", "span", "li")]
        steps = [x for x in steps if x not in kinds]
        steps = [x for x in dict.fromkeys(steps) if x and len(x) <= 30 and len(x.split()) <= 3]
        for step in steps[1:]:
            if sc.lead_h1 and step.casefold() == sc.lead_h1.casefold():
                continue  # the name's first part came from a short h1 the crumb also names: a category as often
            if step.casefold() != low and low.startswith(step.casefold() + " ") and not re.search(r"\d", step) \
                    and not _common_phrase(step) and not _goes_on_lower(step, title) and not _NOT_MAKER.fullmatch(step) \
                    and not _FOR_WHOM.fullmatch(step.rstrip("'’")):  # a department ("Lands' End › Women's › Sweaters")
                return step
    return None


def extract(doc, ctx: PageContext, sc: Scan, refs: list[str], site_words: set[str],
            html_text: str, description: str | None) -> tuple[Found, int]:
    """Heading, main price and brand read from the page itself; also returns the heading position."""
    found = Found(HTML)
    pos, heading, agree, heading_el = main_heading(sc, refs, site_words)
    found.title = clean_title(heading, site_words, strict=True) if heading else None
    found.titles = [t for t in (clean_title(sc.title_tag, site_words, page_title=True),) if t]
    found.tag_title = clean_text(sc.title_tag)
    found.heading = heading_el
    shown = shown_prices(sc, heading_el, sc_pos(sc, heading_el), ctx)
    found.prices = shown.current + list(shown.list_beside.values())
    found.certain_price = shown.confident
    found.shown_amounts = set(shown.amounts)
    found.list_beside = {k: v for k, v in shown.list_beside.items()}
    found.converted_amounts = set(shown.converted)
    found.first_price_ok = shown.first_ok
    found.grid_cards = shown.grid_cards
    found.beside_buy = shown.beside_buy
    found.instalment_amounts = set(shown.instalments)
    found.buy_button = any(not _in_chrome(el) for _, el in sc.buy_buttons)
    found.tier_amounts = set(shown.tiers)
    found.with_tax_shown = shown.with_tax
    found.brand = brand_from_page(sc, pos, heading or (refs[0] if refs else None), html_text, site_words,
                                  heading_el=heading_el) \
        or _brand_in_identifier(heading_el, html_text)
    found.brand_labelled = bool(found.brand) and found.brand == sc.labelled_brand
    found.description = description
    return found, pos
