"""The prices a page shows for its product: the current one and a struck-through list price.

Read from the elements ``html.scan`` kept: price-like classes and ``itemprop=price``, and any
short text with an amount next to a currency symbol or ISO code (shops without structured
data). A candidate close to the product heading or the buy button (sharing a deep container
with it) beats one further away (recommendation tiles); class names saying "old", "unit",
"shipping"… and texts like "/100 ml" or "12x" demote a candidate rather than drop it (a shop
that marks its only price ``price-old-live`` still has a price). Struck-through amounts
(``<del>``, ``<s>``, ``line-through``) and "was"/"RRP" texts are list prices, never current.
"""

from __future__ import annotations

import contextvars
import copy
import re
from dataclasses import dataclass
from itertools import islice
from urllib.parse import parse_qsl

from core.extract.base import PageContext, PriceCandidate
from core.extract.prices import DASH_PRICE, currency_in_text, looks_like_price, money_in, normalize_currency, parse_amount
from core.extract.text import clean_text, element_text, in_chrome, marker, next_element, previous_element, squash, without

_STRUCK_TAGS = {"del", "s", "strike"}
_NEAREST = 80  # candidates examined, nearest to the heading first
# struck-price class words in the shops' languages, a demotion and a list mark alike
_NATIVE_WAS = r"tachado|riscado|streichpreis|barrato|ordinarie|full[-_]?price|price[-_]?full|deleted|coret|vechi"
# (not Shopware 6's "with-list-price": a current price that has a list price beside it)
_PRICE_BAD = re.compile(r"(?<!with[-_])(?<!has[-_])(list|regular|retail|original|old|was|before|strike|compare|rrp|msrp)[-_]?price|normal[-_]?price|"
                        r"price[-_]?(old|was|before|regular|original|strike|compare)|price--(old|was|before|original|strike|compare)|"
                        r"strike|crossed|rrp|msrp|saving|saved|(?<!sellable[-_])unit|per[-_](?!sellable)|per[-_]?measure|measure[-_]?price|instal|"
                        r"monthly|month|tax|vat|excl|"
                        r"shipping|delivery|cashback|bonus|reward|loyalty|deposit|"
                        r"basis[-_]?price|(?<!product)base[-_]?price|grundpreis|related|recommend|similar|upsell|bundle|subtotal|"
                        # a cart's total, not the add-to-cart form the price sits in ("cartform", "add-to-cart")
                        r"(?<!add)(?<!add[-_])(?<!to[-_])cart(?![-_]?(form|add|btn|button|price))|"
                        r"basket|minicart|trade[-_]?in|"
                        # the struck price's class in the shop's language (Darty's prix_barre)
                        r"prix[-_]?barr|ancien[-_]?prix|stara[-_]?cena|oude[-_]?prijs|eski[-_]?fiyat|" + _NATIVE_WAS, re.I)
_PRICE_GOOD = re.compile(r"current|final|sale|special|now|actual|our|main|selling|offer|promo|deal|"
                         r"big|large|primary|product[-_]?price|price[-_]?(value|amount|current|new)|"
                         r"(product|pdp)[-_]?(detail|details|page|info)[-_]?price", re.I)  # (Shopware 6's product-detail-price)
# ("with-list-price", "has-list-price": Shopware 6's class for a current price that has one beside it)
# (nopCommerce's "non-discounted-price": the price before a discount shown beside it)
_LIST_CLASS = re.compile(r"(^|(?<!with)(?<!has)[-_\s])(old|was|strike|crossed|rrp|msrp|mrp|uvp|compare|regular|list|original|orig|org|before|"
                         r"non[-_]?discounted|"
                         r"former|suggested[-_]?(retail[-_]?)?price|piyasa|ancien|barr[eé]|stara|oude|eski|previous|"
                         + _NATIVE_WAS + ")"
                         r"([-_\s]|price|$)|(^|\s)(normal|standard)[-_]?price|price[-_]+(normal|standard)", re.I)
# the same in camelCase, where no separator marks the word (Liverpool's "a-product__paragraphRegularPrice",
# Tokopedia's data-testid "lblPDPDetailOriginalPrice")
_CAMEL_LIST = re.compile(r"(?<=[a-z])(?:Old|Was|Regular|List|Original|Strike|Striked|Crossed|Compare|Before|Former|Previous|"
                         r"Rrp|Msrp|Mrp)(?:Price|Amount|Value)(?![a-z])")
# "/100 ml" and "/month" are unit and instalment prices; "/pc", "/szt", "/tk" is the item's own.
_NEG_TEXT = re.compile(r"/\s*(100\s*|1\s*)?(ml|cl|g|kg|l|m|m²|m2|lb|oz|mes|mo|month|mois|monat|mese|mth|mths|mnth|mnd|md|mån|"
                       r"mies|wk|week|woche)\b|\bmtl\.|"
                       r"^\s*(100|1)\s*(ml|cl|g|kg|l|m|m²|lb|oz|stück|stk)\s*=|\b(je|pro|per|par|le|la|al|el)\s*(100\s*|1\s*)?"
                       r"(ml|cl|g|kg|l|litre|liter|litro|m|m²|lb|oz)\b|"
                       r"\b\d+\s*[x×]\s|\bx\s*\d|(shipping|delivery|livraison|versand|spedizione|envío|doprava|"
                       r"porto|lieferung|frete|entrega|consegna|доставк|运费|運費|per month|por mes|al mes|cuotas|parcelas|em até|sem juros|"
                       r"szállítás|doručení|dostawa|wysyłka|toimitus|frakt|levering|leverans|forsendelse|kargo|"
                       r"installment|monthly|save|saving|\bspar(en|st|t)?\b|ahorra|économisez|you save|(?<!%)(?<!% )\boff\b(?!-)|rabatt|skidka|скидк|"
                       r"эконом|выгода|oszczędzasz|ušetříte|ušetrite|tasarruf|risparmi|economize|ahorrás|"
                       r"원\s*할인(?!\s*(판매)?가)|"
                       r"less than|\bunder\b(?! armour)|below|up to|"
                       # a fee included in the price: France's éco-participation ("dont 10,00 € d'éco-participation"),
                       # recycling/disposal fees, deposits
                       r"[ée]co-?participation|[ée]co-?part\b|[ée]cotaxe|ecotasa|ecovalor|recycling fee|disposal fee|"
                       r"weee|pfand|statiegeld|^\s*dont\b|\bvrg\b|"
                       # a surcharge added with its own name ("inkl. MwSt. + vRG CHF 6.00", "+ Eco-Part 2,00 €")
                       r"(?:^|\s)\+\s?[^\d\s]{2,15}\s+(?:[A-Z]{3}|[€$£])\s?\d|"
                       # a price only when trading in an old device
                       r"trade[- ]?in|inzahlungnahme|avec (la )?reprise|con (la )?permuta|na troca|inruil|"
                       # the price before tax beside the price with it
                       r"\bex\.?\s?(gst|vat|tax|btw|moms|mwst)\b|\bexcl\b|excluding|exkl\b|netto|\bnet price|"
                       r"\bHT\b|hors tax|bez dph|sin iva|sem iva|senza iva|\+\s?kdv|kdv hariç|zzgl\.?\s*(mwst|ust)|"
                       r"ohne mwst|без ндс|税抜|税別|未税|"
                       # free-shipping thresholds and loyalty points in Korean, Japanese, Chinese
                       r"무료\s?배송|배송비|이상\s?구매|送料|以上のご注文|以上購入|免运费|包邮|ポイント|포인트|积分|積分|"
                       # coupons: "200円OFFクーポン", "3,000원 쿠폰", "优惠券"
                       r"円\s?off|クーポン|쿠폰|优惠券|優惠券|"
                       # an exchange rate ("1 € = 7,53450 kn", "EUR-Kurs heute: 1 EUR = 0.94 CHF")
                       r"(?<![\d.,])1\s?(?:[a-z]{3}|[€$£¥₺₽₴₸]|kn)?\s?=\s?(?:[€$£]\s?)?\d|"
                       r"exchange rate|wechselkurs|\bkurs\b|tečaj|taux de change|tipo de cambio|tasso di cambio|"
                       # a multi-buy ("Any 2 for £20", "2 Stück für 2,50 €", "3 pour 10 €")
                       r"\b(any\s+)?\d+\s*(st(ü|u)ck|stk\.?|pcs|pieces|items)?\s*(for|für|pour|por|voor|za|за)\s+"
                       r"(?:[€$£¥]\s?)?\d)", re.I)
# "Ca. EUR 3,45", "approx. $4.10", "≈ 120 zł", "environ 3,45 €": a conversion into the
# visitor's currency printed beside the listing's own price, never the price itself.
_APPROX_WORDS = (r"(ca\.?(?!\s*\$)|circa|approx\.?|approximately|≈|~|env\.?|environ|aprox\.?|aproximadamente|"
                 r"ungefähr|etwa|около|прибл\.?|약)")
_APPROX_TEXT = re.compile(r"^[\s(\[]*" + _APPROX_WORDS + r"(?=[\s\d€£¥₹₽]|[A-Z]{3}\s*\d)", re.I)
_APPROX_LABEL = re.compile(r"^[\s(\[]*" + _APPROX_WORDS + r"[\s:]*$", re.I)
_APPROX_CLASS = re.compile(r"(^|[-_\s])(approx|converted|conversion)", re.I)
_WAS_TEXT = re.compile(r"^\s*(was|orig|rrp|msrp|mrp|uvp|statt|vorher|antes|avant|prima|era|de|list( price)?|"
                       r"old price|previous price|prix précédent|prix initial|prezzo precedente|vorheriger preis|"
                       r"poprzednia cena|vorige prijs|original( price)?|price before|before|før|förr|(tidligere|tidigare|förra|forrige) ?(pris(et)?)?|"
                       r"dříve|původně|původní cena|giá gốc|giá cũ|harga (normal|asli|coret)|pre[tț] vechi|aiemmin|korábban|"
                       r"ord\.? pris|ordinarie pris|ordinær pris|normalpris|ennen|voorheen|eredeti ár|"
                       r"retail( price)?|reg\.?( price)?|compare (at|to)|originally|(manufacturer'?s? )?sugg(\.|ested)? (retail )?price|"
                       r"unverbindliche preisempfehlung( des herstellers)?|prix conseillé|piyasa fiyatı|"
                       r"regular( price)?|normal( price)?|precio (normal|anterior|lista|regular)|prix (de référence|barré)|"
                       r"alter preis|originalpreis|ursprünglicher preis|ursprünglich|adviesprijs|van ?prijs|"
                       r"pvp recomendado|pvpr|prix public conseillé|prezzo consigliato|старая цена|原價|原价|定價|定价|정가|通常価格|定価|参考価格|希望小売価格|市場価格|市场价|정상가|소비자가)"
                       r"(?:\b|(?=[(（:：]))[(（]?(?:税込|税抜)?[)）]?[:：\s]*", re.I)


# "price-including-tax", "price-incl-tax", "gross-price", "preis-brutto": the price with tax, the
# one a consumer pays; only an excluding-tax marker demotes.
_WITH_TAX = re.compile(r"(incl|including|inkl|with|gross|brutto)[-_]?(tax|vat|mwst|ust)|"
                       r"(tax|vat|mwst)[-_]?(incl\w*|inkl\w*)|gross[-_]?price|price[-_]?gross|brutto", re.I)


# "inc. VAT", "inkl. 19% MwSt.", "incl. BTW", "TVA incluse", "IVA incluido", "TTC", "moms inkl.": the
# page's prices include VAT (markup may carry them without it)
_TAX_WORD = r"(vat|mwst\.?|ust\.?|btw|iva|tva|gst|moms|mva|dph|alv|áfa|pvm|pvn|kdv|ндс|пдв|(all )?tax(es)?)"
_WITH_TAX_TEXT = re.compile(
    r"\b(inc\.?|incl\.?|including|inkl\.?|inklusive|inklusiv|inclusief|incluid[ao]|inclus[ae]?|inclusive(?: of)?|"
    r"incl\.? of|med|sis\.?|sisältää|vč\.?|včetně|zawiera|wliczony)\s*(gesetzl\.?\s*|gesetzlicher\s*|de\s*(la\s*)?)?"
    rf"(\d{{1,2}}(?:[.,]\d)?\s*%\s*)?{_TAX_WORD}\b|"
    rf"\b({_TAX_WORD}|impuestos|imposte)\.?\s*(inkl\.?|incl\.?|inclus[ae]?|incluid[ao]s?|included|compres[ao]|inclus[ao])|"
    r"\bTTC\b|税込|含税|부가세\s*포함|VAT\s*포함",
    re.I)


def _with_tax_beside(el) -> bool:
    """The price's own lines (three ancestors' first 300 characters) say it includes VAT."""
    return any(_WITH_TAX_TEXT.search(_head_text(a, 300)) for a in islice(el.iterancestors(), 3))


def _without_tax_words(marker: str) -> str:
    return _WITH_TAX.sub(" ", marker)


# A quantity tier's price: "Buy 3 for £9.00 each", "Kaufen Sie 3 für je 139,95 €", "ab 5 Stück",
# "3 for", a price for several units (not one unit's price).
_QTY_UNITS = r"(stück|stk\.?|pcs|pieces|units?|items|unidades|pièces|pezzi|ks|szt\.?)"
# ... a label that leads into the amount: "Buy 3 for", "Kaufen Sie 3 für je", "3 for", "ab 5 Stück:"
# (not a promotion badge beside the price: "Buy 2 get 1 free", "Lleva 3 por 2")
_QTY_LABEL = re.compile(r"(\b(buy|kaufen sie|kaufe|compra|achetez|acquista|kup|koop|köp)\s+)?\b\d+\s*\+?\s*"
                        r"(for|für( je)?|pour|por|za|à)\s*:?\s*$|"
                        rf"\b(ab|from|à partir de|a partir de|od|vanaf|fra|från|desde)\s+\d+\s*{_QTY_UNITS}\s*:?\s*$|"
                        rf"\b\d+\s*\+\s*{_QTY_UNITS}\s*:?\s*$", re.I)
# a tier table's row for one unit onwards: "1 - 4", "1+", "1 bis 9"
_FIRST_TIER = re.compile(r"^\D{0,12}?\b1(?![\d.,])\s*(\+|-|–|to\b|bis\b|à\b|a\b|do\b|t/m|"
                         rf"{_QTY_UNITS}|pc\b|und\.?|unidad|pièce|pezzo)", re.I)
# A block of quantity tiers: "tier-prices", "volume__prices", "staffelpreise", "quantity-discount".
_TIER_BLOCK = re.compile(r"tier(ed)?[-_]?pric|price[-_]?tier|volume[-_]*pric|staffel|quantity[-_]?discount|"
                         r"qty[-_]?discount|bulk[-_]?(pric|discount)|price[-_]?break|mengenrabatt|discount[-_]?table|"
                         r"block[-_]?prices|product[-_]?discounts|wholesale|grosir|mayorista|atacado|hurtow", re.I)


def _qty_label(label: str, el=None) -> bool:
    """A label naming a quantity tier ("Buy 3 for", "ab 10 Stück"; a price table's row cell "10+",
    "10-49"), not the one-unit row ("ab 1 Stück", "1+")."""
    if not label or _FIRST_TIER.match(label):
        return False
    if _QTY_LABEL.search(label):
        return True
    return el is not None and bool(_QTY_CELL.fullmatch(label)) \
        and any(a.tag in ("td", "dd") for a in islice([el, *el.iterancestors()], 2)) and _tier_table(el)


def _tier_table(el) -> bool:
    """The table the amount sits in is a quantity ladder: a row from one unit ("1+", "1-9"), or a
    header naming quantities (not sizes "35-38" or ages "2-3" beside their prices)."""
    table = next((a for a in el.iterancestors() if a.tag == "table"), None)
    if table is None:
        return False
    heads = " ".join(clean_text(th.text_content()) or "" for th in table.iter("th"))
    if re.search(r"\b(qty|quantity|quantities|menge|anzahl|stück|units?|pcs|pieces|quantité|cantidad|ilość|množství)\b", heads, re.I):
        return True
    for tr in table.iter("tr"):
        cell = next((c for c in tr if isinstance(c.tag, str) and c.tag in ("td", "th")), None)
        if cell is not None and _FIRST_TIER.match(clean_text(cell.text_content()) or ""):
            return True
    return False


_QTY_CELL = re.compile(r"\s*\d{1,6}\s*(\+|[-–]\s*\d{1,6})\s*:?\s*")


# a first row "bis 5" / "up to 4" / "hasta 5" (Shopware's block prices): from one unit up
_UP_TO = re.compile(r"^\W*(bis|up to|until|hasta|até|jusqu'?à|fino a|do|tot|till|max\.?)\s*\d", re.I)


def _one_unit_row(el, block) -> bool:
    """The row of a tier table (its nearest row or item inside ``block``) is for one unit on:
    "1 - 4", "1+", "ab 1 Stück", "bis 5"."""
    for a in el.iterancestors():
        if a is block:
            return False
        if a.tag in ("tr", "li") or a.getparent() is block:
            text = clean_text(_head_text(a, 400)) or ""  # its start: rows are indented generously
            return bool(_FIRST_TIER.match(text) or _UP_TO.match(text))
    return False


def _tier_block(el):
    """The outermost of six ancestors (or ``el``) marked as a block of quantity tiers (the table,
    not its cell: Shopware marks both)."""
    found = None
    for a in islice([el, *el.iterancestors()], 7):
        if _TIER_BLOCK.search(f"{a.get('class', '')} {a.get('id', '')}"):
            found = a
    return found


@dataclass
class Shown:
    """What the page shows: current prices (most likely first) and list prices."""

    current: list[PriceCandidate]
    listed: list[PriceCandidate]
    confident: bool = False
    """The first current price sits in the product's own container and is not demoted."""
    amounts: frozenset | set = frozenset()
    """Every current amount seen anywhere near the product (not only the first few)."""
    list_beside: dict | None = None
    """Current amount -> the list price printed beside it."""
    converted: frozenset | set = frozenset()
    """Amounts shown as an approximate conversion ("Ca. EUR 3,45" beside "£2,99")."""
    first_ok: bool = False
    """The first current price is not demoted (no doubtful class, label or block)."""
    grid_cards: int = 0
    """Cards of the largest grid of alike priced items linking elsewhere (0: none)."""
    tiers: frozenset | set = frozenset()
    """Amounts shown as quantity tiers' prices ("10+ units: ₹1,02,900"), not one unit's."""
    with_tax: bool = False
    """The first current price's lines say it includes VAT ("inc. VAT", "inkl. 19 % MwSt.")."""
    beside_buy: bool = False
    """The first current price is undemoted beside an add-to-cart control outside a grid's cards."""
    instalments: frozenset | set = frozenset()
    """Amounts shown as an instalment ("$24.96/mo.", "3 rate da 333,00 €")."""


# A class that says the element is *not* struck ("PriceNoThrouth", "no-strike"): shops
# restyle <s> as a plain price.
_NOT_STRUCK = re.compile(r"no[-_]?(strike|thr[ou]+[gt]h|line[-_]?through)", re.I)


def price_prop(el) -> bool:
    """itemprop="price", however the shop capitalised it (Camping World's itemprop="Price")."""
    prop = el.get("itemprop")
    return prop is not None and prop.strip().lower() == "price"


# a price in brackets that includes something the first one does not ("(£99.99 inc VAT & delivery)",
# "(99 € inkl. Versand)", "(税込1,980円 送料別)"): not a saving
_INCLUSIVE = re.compile(r"\b(inc|incl|inkl|including|inclusive|ttc|con iva|com iva|mit mwst|brutto)\b|税込|含税", re.I)


def _bracketed_saving_first(el) -> bool:
    """The element's first child is a bracketed saving, instalment or postage line, not a price
    that includes more: "127,200원 <span>(31,800원 할인)</span>", not "<span>(税込1,980円)</span>"."""
    first = el[0].text if len(el) else None
    return bool(first and first.lstrip().startswith("(") and _NEG_TEXT.search(first) and not _INCLUSIVE.search(first))


_CSS_CLASS = re.compile(r"\.(-?[_a-zA-Z][\w-]*)")


def struck_classes(css: str) -> set:
    """Class sets a page's own stylesheet strikes through: CSS-in-JS output (Emotion's
    ``<style data-emotion>.css-8xl60i{…text-decoration:line-through}</style>``, styled-components,
    CSS modules) where no class or tag says so. Selectors of classes alone (".price.-old" needs
    both), or one such inside another (".itemPrice .proper": a pair), not :hover, not tags."""
    out = set()
    for selector in _selectors_around(css, "line-through"):  # (a theme's stylesheet runs to 100s of KB)
        parts = selector.split()
        if len(parts) == 1 and _CLASSES_ONLY.fullmatch(parts[0]):
            out.add(frozenset(_CSS_CLASS.findall(parts[0])))
        elif len(parts) == 2 and all(_CLASSES_ONLY.fullmatch(p) for p in parts):
            # a class inside another (BASE's ".itemPrice .proper"): both, the second on the amount
            out.add((frozenset(_CSS_CLASS.findall(parts[0])), frozenset(_CSS_CLASS.findall(parts[1]))))
    if out:  # and the class sets the page takes the line off again (".price.sale{text-decoration:none}")
        for selector in _selectors_around(css, r"text-decoration(-line)?\s*:\s*none"):
            last = selector.split()[-1] if selector.split() else ""
            if _CLASSES_ONLY.fullmatch(last):
                out.add(("none", frozenset(_CSS_CLASS.findall(last))))
    return out


_CLASSES_ONLY = re.compile(r"(?:\.-?[_a-zA-Z][\w-]*)+")


def _selectors_around(css: str, pattern: str):
    """The selectors of each rule whose declarations hold ``pattern`` (read around each use only)."""
    for hit in re.finditer(pattern, css):
        body_start = css.rfind("{", 0, hit.start())
        if body_start < 0 or css.rfind("}", body_start, hit.start()) != -1:
            continue
        yield from css[max(css.rfind("}", 0, body_start), css.rfind("{", 0, body_start)) + 1:body_start].split(",")


# the classes of the page being read (``struck_classes`` of its <style> elements), per thread of work
_PAGE_STRUCK: contextvars.ContextVar[frozenset | set] = contextvars.ContextVar("page_struck", default=frozenset())


def _struck(el) -> bool:
    """Struck through itself, by a close ancestor, by its one child (<span><s>€9</s></span>) or by
    the page's own stylesheet."""
    if _NOT_STRUCK.search(el.get("class") or ""):
        return False
    css = _PAGE_STRUCK.get()
    if css and _struck_by_page(el, css):
        return True
    if len(el) == 1 and el[0].tag in _STRUCK_TAGS and not (el.text or "").strip() \
            and not (el[0].tail or "").strip():  # not "<s>$80</s> $60": the sale price follows
        return True
    return any(struck_mark(a) for a in islice([el, *el.iterancestors()], 4))


def struck_mark(a) -> bool:
    """``a`` itself is marked struck: <del>/<s>/<strike>, a line-through style or class, Amazon's
    data-a-strike."""
    return isinstance(a.tag, str) and (a.tag in _STRUCK_TAGS or "line-through" in (a.get("style") or "").replace(" ", "")
                                       or bool(_STRUCK_CLASS.search(a.get("class") or ""))
                                       or a.get("data-a-strike") == "true")


def _struck_by_page(el, css) -> bool:
    """The page's own stylesheet strikes ``el`` or a close ancestor: a class set it names, or a
    class set inside another (a descendant selector)."""
    chain = list(islice([el, *el.iterancestors()], 9))
    classes = [set((a.get("class") or "").split()) for a in chain]
    if any(isinstance(need, tuple) and need[0] == "none" and need[1] <= classes[0] for need in css):
        return False  # the page takes the line off this one again
    for need in css:
        if isinstance(need, tuple) and need[0] == "none":
            continue
        if isinstance(need, tuple):
            outer, inner = need
            at = next((i for i in range(min(3, len(chain))) if inner <= classes[i]), None)
            if at is not None and any(outer <= c for c in classes[at + 1:]):
                return True
        elif any(need <= c for c in classes[:3] if c):
            return True
    return False


# CSS utility classes that strike the text (Tailwind's line-through, Bootstrap's
# text-decoration-line-through, BEM's price--struck / price--strikethrough)
_STRUCK_CLASS = re.compile(r"(?:^|\s)(?:[\w-]*:)?(?:line-through|text-decoration-line-through|strikethrough|"
                           r"[\w-]+--(?:struck|strike|strikethrough|crossed))(?:\s|$)", re.I)


_INSTALMENT_MARK = re.compile(r"rata|rate-|installment|instalment|financ|finanz|klarna|afterpay|cuota|parcel|"
                              r"mensil|monthly|ratenzahl|leasing|할부|分期|分割払い|割賦|tabby|tamara|sezzle|affirm|"
                              r"clearpay|laybuy|atome|paidy|zip[-_]?(pay|money)|humm|openpay|"
                              r"part[-_]?pay|splat|splát|delbetal|avbetal|osamaks|erämaks|cicilan|angsuran|trả góp|tra-gop", re.I)
# "in 20 mesi", "12 kuud", "24 개월", "x 12": a number of months or instalments.
_INSTALMENT_TEXT = re.compile(r"\b\d{1,2}\s*(mesi|meses|months?|monate[n]?|mois|rate|rates|cuotas|parcelas|kuud|kuukautta|"
                              r"mėn|mēn\w*|měsíců|mesiacov|miesięcy|mies\.?|hónap|ay|maanden|måneder|månader|"
                              r"месяц\w*|міс\w*)\b|\d{1,2}\s*(个月|個月|ヶ月|개월)|\bx\s*\d{1,2}\b|"
                              r"\d{1,2}\s*[x×]\s*(de\s*)?\S*\d|/\s*(mes|month|monat|mois|mese|mo)\b|"
                              r"al mes|per month|pro monat|par mois|al mese|a month|mensuales|mensais|"
                              # abbreviated months and weeks: "/mth", "mtl.", "kr/mån", "kr./md.", "zł/mies.", "/wk"
                              r"/\s*(mth|mths|mnth|mon|mnd|md|mån|mies|mėn|kk|wk|week|woche|sem|semaine|semana|settimana)\b\.?|"
                              r"\bpr\.?\s?(mnd|md|mån|måned|månad)\b|\bper (mnd|måned|månad|maand)\b|[io]m? måne?aden\b|"
                              r"měsíčně|mesačne|miesięcznie|kuukaudessa|havonta|\blunar\b|/\s?(bulan|bln|tháng)\b|"
                              r"\bmtl\.|\bmonatl(\.|ich)|\ba week\b|\bper week\b|\bpro woche\b|\bpar semaine\b|\bpor semana\b|\bweekly\b|"
                              r"할부|분할|\(월\s*\d|月々|分割払い|分期|\d\s*دفعات|أقساط|قسط|\b\d{1,2}\s*(interest[- ]free\s*)?(payments|instalments|installments)\s*of", re.I)


def _instalment(el) -> bool:
    """An instalment amount ("€ 79,95 in 20 mesi", ``<div class="rata">``): the classes of
    three ancestors or the short text around the amount say so."""
    if _INSTALMENT_MARK.search(f"{el.get('class', '')} {el.get('id', '')}"):
        return True  # <div class="afterpay-note">or 4 payments of AU$4.63</div>
    for n, a in enumerate(el.iterancestors()):
        if n >= 3:
            break
        if _INSTALMENT_MARK.search(f"{a.get('class', '')} {a.get('id', '')}"):
            return True
        text = _short_text(a, 60) if n < 2 else None  # the amount's own line, not the buy box
        if text and _INSTALMENT_TEXT.search(text) and _money_count(text) <= 1:
            return True  # (a box of several amounts: "799,99 € 599,99 € ou 25,00 €/mois" is no line)
    return False


# the words after an amount that make it the price before tax: "£74.99 <p>Exc. VAT</p>",
# "¥1,800 <span>+税</span>", "1,800円<span>（税込 1,980円）</span>" (the price with tax follows)
_EX_TAX_AFTER = re.compile(r"^[\s(（]*(\+\s?税|税抜|税別|本体価格|\bexc?\.?\s?(vat|gst|tax)\b|excl\w*\.?\s?(vat|gst|tax|btw|mwst)|"
                           r"\bex\s(vat|gst|tax)\b|zzgl\.?\s?(mwst|ust)|hors tax|\bHT\b|netto\b|\+\s?(vat|iva|tva|mwst|kdv))|"
                           r"^[\s(（]*税込", re.I)


# an amount that says it includes tax ("（税込 1,980円）", "incl. VAT £89.99"): its "tax" class is no demotion
_INCL_LEAD = re.compile(r"^[\s(（]*(税込|tax incl|incl\.?\s?(vat|tax|gst)|inc\.?\s?vat|inkl\.?\s?mwst|ttc\b)", re.I)


def _text_after(el) -> str:
    """The words right after the amount: its own tail, else the short element after it, else its own
    last short child without digits (<p class="price">¥1,800 <span class="tax-note">+税</span></p>)."""
    after = (el.tail or "").strip()
    if not after:
        nxt = el.getnext()
        after = (_short_text(nxt, 40) or "") if nxt is not None and isinstance(nxt.tag, str) else ""
    if not after and len(el):
        last = el[len(el) - 1]
        after = (_short_text(last, 12) or "") if isinstance(last.tag, str) and not re.search(r"\d", last.text_content() or "") else ""
    return after


# a price only on a condition the words after it name: "$109.99 with eligible trade-in", "€0 bij een abonnement"
_ON_CONDITION_AFTER = re.compile(r"^[\s(（]*(with|w/|after|when you)\s+(an?\s+)?(eligible\s+|qualifying\s+)?"
                                 r"(\d+[- ]?(year|yr|month|mo)s?\s+)?(trade[- ]?in|new line|activation|contract|plan|subscription)|"
                                 r"^[\s(（]*(bei inzahlungnahme|mit vertrag|avec reprise|avec (un )?forfait|con permuta|"
                                 r"na troca|bij (een )?abonnement|met abonnement)|"
                                 # a store card's price ("3 790 ₽ с Ozon Картой", "with a Target Circle Card")
                                 r"^[\s(（]*([сc]\s+(\S+\s+)?карт|with (an?\s+)?(\S+\s+){0,2}card\b|mit (der\s+)?(\S+\s+)?karte\b|"
                                 r"avec (la\s+)?carte\b|con (la\s+)?tarjeta\b|"
                                 # a paid membership's ("Get it for ₹404 with Nykaa Prive")
                                 r"with (\S+\s+){0,2}(priv[eé]|xtra|membership)\b)", re.I)


def _before_tax(after: str) -> bool:
    """The words right after the amount (``_text_after``) say it is before tax."""
    m = _EX_TAX_AFTER.match(after)
    if not m:
        return False
    if after.lstrip(" (（").startswith("税込"):
        return _money_count(after) == 1  # "（税込 1,980円）": the price with tax is the one after
    return True


def _money_runs(text: str) -> list:
    """The amounts with a currency beside them in ``text`` (their number matches)."""
    if not money_in(text):
        return []
    return [m for m in _NUMBER_RUN.finditer(text) if looks_like_price(text[max(0, m.start() - 4):m.end() + 4])]


def _money_count(text: str) -> int:
    """How many amounts ``text`` holds with a currency beside them or written with a dash for their
    cents ("8 490:-", "1.299,-"); "CHF 54.–" is one."""
    runs = _money_runs(text)
    dashed = [m for m in DASH_PRICE.finditer(text) if not any(r.start() < m.end() and m.start() < r.end() for r in runs)]
    return len(runs) + len(dashed)


def _head_text(el, limit: int, sep: str = "") -> str:
    """The first ``limit`` characters of ``el``'s text (reads no further), its pieces joined by ``sep``."""
    parts, size = [], 0
    for piece in el.itertext():
        parts.append(piece)
        size += len(piece)
        if size >= limit:
            break
    return sep.join(parts)[:limit]


def _short_text(el, limit: int) -> str | None:
    """The text of ``el`` when it is at most ``limit`` characters (read no further)."""
    parts, size = [], 0
    for piece in el.itertext():
        size += len(piece)
        if size > limit * 3:  # whitespace collapses; stop reading big containers early
            return None
        parts.append(piece)
    text = clean_text("".join(parts)) or ""
    return text if len(text) <= limit else None


# a count and its unit before the amount: a word ("12 kuud"), or one CJK character ("保修1年 ￥39.00":
# a year's warranty, "3件 ￥99")
_COUNT_FIRST = re.compile(r"^\D{0,30}?\d+\s*([^\W\d_]{2,}|[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af])")
# a bare count, then a currency sign and its amount: "Pack of 3 $12.99", "Gift wrap 1 $4.00"
# (not French split cents, "1 € 99": two digits alone after a sign written after amounts are the cents;
# "Pack of 6 $24" is $24)
_COUNT_THEN_SIGN = re.compile(r"^\D{0,30}?\d+\s+(?=([^\d\s]{1,4})\s?\d)"
                              r"(?!(?![^\d\s]*[$£¥₹₩])[^\d\s]{1,4}\s?\d{2}(?![\d.,'’]))")
_NUMBER = r"\d[\d.,'’\s]*\d|\d"
_AFTER = re.compile(rf"(?P<num>{_NUMBER})\s*(?P<sym>[^\d\s]{{1,4}})")
_BEFORE = re.compile(rf"(?P<sym>[^\d\s]{{1,4}})\s*(?P<num>{_NUMBER})")
# an amount, its sign, then another number: "83,900 € 28,604 kms" (a car's price and mileage)
# (not French split cents, "3 € 49": two digits alone after the sign are the cents)
_SIGN_BETWEEN = re.compile(rf"^\D{{0,20}}?(?P<num>{_NUMBER})\s?(?P<sym>[^\d\s]{{1,4}})\s+(?!\d{{2}}(?![\d.,'’]))\d")


def _amount_part(raw: str, country: str | None) -> str:
    """The amount written next to the currency when a count leads the text ("12 kuud: 146,70 €",
    "3 for £10"); the whole text otherwise (ranges keep their first, "from" value)."""
    m = _SIGN_BETWEEN.match(raw)
    if m and currency_in_text(m.group("sym"), country=country) \
            and not currency_in_text(raw[m.end("sym"):], country=country):
        return f"{m.group('num')} {m.group('sym')}"  # "83,900 € 28,604 kms": the amount, not the count after it
    m = _COUNT_THEN_SIGN.match(raw)
    if m and currency_in_text(m.group(1), country=country) and not currency_in_text(raw[:m.start(1)], country=country):
        rest = raw[m.start(1):]  # "Pack of 3 $12.99": the amount after the count
    else:
        m = _COUNT_FIRST.match(raw)
        if not m or currency_in_text(m.group(1), country=country):
            return raw
        rest = raw[m.end():]
    for found in _AFTER.finditer(rest):  # "146,70 €"
        if currency_in_text(found.group("sym"), country=country):
            return f"{found.group('num')} {found.group('sym')}"
    for found in _BEFORE.finditer(rest):  # "£10"
        if currency_in_text(found.group("sym"), country=country):
            return f"{found.group('sym')}{found.group('num')}"
    return raw


# "Gold Price:", "Member price", "Club-Preis": a loyalty tier's price, not everyone's.
_TIER_WORDS = r"(members?|mitglied\w*|bronze|silver|gold|platinum|diamond|vip|club|loyalty|card|karten?|tarjeta|carte|plus(?!\s+bas)|cmr|" \
              r"socio|socios|membre|membres|cliente|fidélité|clube|klubowa|член\w*|клуб\w*)"
_TIER_LABEL = re.compile(rf"\b{_TIER_WORDS}[-\s]*(price|preis|precio|prix|prezzo|cena|цена|preço|价|價|価格|가격)|"
                         rf"\b(price|preis|precio|prix|prezzo|cena|цена|preço)\s+(for\s+|para\s+|pour\s+|de\s+|"
                         rf"con\s+|dla\s+|für\s+)?(les\s+|los\s+)?{_TIER_WORDS}\b|"
                         # one word for it: POWER's "Medlemspris", "Jäsenhinta", "会員価格", "회원가"; a
                         # paid programme's name (Rohlík "Xtra", Nykaa "Privé")
                         r"medlemspris|jäsenhin|klubbpris|členská cena|klubová cena|mitgliederpreis|ledenprijs|"
                         r"会員(様)?価格|会員特価|会员价|會員價|회원\s?(가|특가)|\bxtra\b|\bpriv[eé]\b", re.I)
_LABEL_TAGS = {"dt", "th", "td", "label", "strong", "b", "span", "em", "i", "small", "font"}


# A price for card holders or members only, by its classes or attribute names: Falabella's
# <li data-cmr-price>, JD's "plus-price" / "p-price-plus", "member-price", "club-price".
_LOYALTY_MARK = re.compile(r"^(cmr|plus|members?|club|vip|loyalty|tarjeta|genius)[-_]?(price|preis|precio)|"
                           r"(^|[-_])(price|preis|precio)[-_]?(plus|members?|club|vip|cmr)$", re.I)


def _loyalty(el) -> bool:
    """A class token or data attribute of the amount or three ancestors starts with the card or
    club ("cmr-price", "data-cmr-price", "plus-price") or ends the price with it ("p-price-plus");
    "product-card-price" (a product card's price) is neither."""
    for a in islice([el, *el.iterancestors()], 4):
        tokens = (a.get("class") or "").split() + [k[5:] for k in a.attrib.keys() if k.startswith("data-")]
        if any(_LOYALTY_MARK.search(t) for t in tokens):
            return True
    return False


# the price's own line saying its delivery is free ("2,980 円 税込 送料無料", "$49.99 Free Shipping"),
# not a threshold ("3,980円以上送料無料", "Free shipping over $50", "ab 29 € versandkostenfrei")
_FREE_SHIPPING = re.compile(r"送料無料|free (shipping|delivery)|kostenlose[rn]? (versand|lieferung)|versandkostenfrei|"
                            r"livraison (offerte|gratuite)|env[ií]o gratis|frete gr[aá]tis|spedizione gratuita|"
                            r"darmowa dostawa|무료\s?배송|包邮|免运费", re.I)
_THRESHOLD = re.compile(r"以上|이상|\b(over|above|ab|from|orders?|à partir|a partir|desde|od|min|minimum|spend|"
                        r"dès|sopra|vanaf)\b|\d\s?\+", re.I)


def _without_free_shipping(raw: str) -> str:
    if _FREE_SHIPPING.search(raw) and not _THRESHOLD.search(raw):
        return _FREE_SHIPPING.sub(" ", raw)
    return raw


# "Fri frakt", "Gratis levering", "Kargo Bedava", "Free shipping": a badge, not a word about the amount
_FREE = re.compile(r"\b(free|fri|gratis|kostenlos|bedava|ingyenes|ilmainen|zdarma|darmowa|gratuit[ea]?|grátis)\b|무료|送料無料|包邮",
                   re.I)


# "9 used from $124.99", "26 new from", "3 offers from", "gebraucht ab", "d'occasion à partir de":
# the lowest of other offers of the product (other conditions, other sellers), not its price
_OFFERS_FROM = re.compile(r"\b(used|refurbished|renewed|pre-?owned|new|offers?|sellers?|(?:marketplace|used|new|second-?hand) copies|gebraucht|neu|angebote?|"
                          r"occasion|reconditionn[ée]s?|neufs?|offres?|usat[oi]|nuovi|ricondizionat[oi]|offerte|"
                          r"usados?|nuevos?|reacondicionados?|ofertas?|seminovos?|novos?)"
                          r"\W{0,3}(\(\d+\)\W{0,3})?(from|ab|à partir de|dès|da|desde|a partir de)\W*$", re.I)


# the amount (with its sign or code) at the end of a text: "2 more offers from AED 2,249.00" → its words
_TRAILING_AMOUNT = re.compile(r"(?:[A-Z]{3}|[^\w\s]{1,3})?\s*\d[\d.,'’\s]*\s*(?:[A-Z]{3}|[^\w\s]{1,3})?\s*$")


def _offers_from(el) -> bool:
    """The text just before the amount (its previous element and the text after it, or its
    parent's leading text) ends "used from", "new from", "offers from"."""
    prev = previous_element(el)
    if prev is not None:
        before = f"{(prev.text_content() or '')[-40:]} {prev.tail or ''}"
    else:
        parent = el.getparent()
        before = (parent.text or "") if parent is not None else ""
    return bool(_OFFERS_FROM.search(clean_text(before[-60:]) or ""))


def _with_coupon(el, label: str) -> bool:
    """ "S$21.90 with Cart Coupon", "クーポン使用で ¥14,256": the words on the amount's own line —
    ``label`` (``_label(el, any_tag=True)``), its tail, or a next sibling with no amount of its own
    ("10 € Gutschein" beside the price is another amount's) — make it a coupon's price."""
    nxt = el.getnext()
    after = (_short_text(nxt, 40) or "") if nxt is not None and isinstance(nxt.tag, str) else ""
    words = " ".join([label, el.tail or "", "" if re.search(r"\d", after) else after])
    return bool(_CONDITIONAL.search(words))


def _signed(raw: str, amount, currency) -> bool:
    """The amount read is the one a minus or plus sign stands before ("… hace 8 días -100 €",
    "Warranty +S$69.00"; not "$8.99 + $0.60 CRV", where the sign is a deposit's)."""
    m = _MINUS_AMOUNT.search(raw)
    return m is not None and parse_amount(raw[m.end():], currency=currency) == amount


def _wrapper_label(el) -> str:
    """The label before the wrapper an amount sits alone in ("<span>MRP:</span><span><span>₹1,150</span>
    </span>"): read only for was-words (a "Price:" there says less than the amount's own label)."""
    parent = el.getparent()
    if parent is None or len(parent) != 1 or (parent.text or "").strip() or previous_element(el) is not None:
        return ""
    label = _label(parent, any_tag=True)
    # a label by its colon or an acronym ("MRP:", "RRP"), not a variant's name ("Original")
    return label if label.endswith((":", "：")) or re.fullmatch(r"[A-Z]{2,5}\.?", label) else ""


def sign_text(text: str | None) -> bool:
    """The text is a currency sign or code and nothing else ("$", " € ", "USD", "zł", "kr.", "Rs")."""
    text = (text or "").strip()
    return 0 < len(text) <= 4 and not re.search(r"\d|\s", text) and money_in(text)


def _sign_only(node) -> bool:
    """The element shows a currency sign or code and nothing else."""
    return sign_text(node.text_content())


def _range_start(node) -> bool:
    """The element is a range's lower amount, the dash after it ("$140.00</span> – <span>")."""
    return bool(re.fullmatch(r"\s*(?:[-–—]|to|bis|à|a|до)\s*", node.tail or "")) \
        and (looks_like_price(text := clean_text(node.text_content()) or "") or bool(re.fullmatch(r"\d[\d.,\s]*", text)))


def _label(el, any_tag: bool = False) -> str:
    """The short label just before the amount's element: its previous sibling ("Was:",
    ``<dt>Versandkosten:</dt>``), else its parent's leading text; "" when none or long. A sibling
    that is only the amount's currency sign is part of the amount, not its label: the label is
    before it ("<span>Suggested Price</span> <span>$</span><span>420.00</span>")."""
    prev = previous_element(el)
    for _ in range(3):  # (a range's upper amount shares the lower one's label: "$" "140.00" – "$" "260.00")
        if prev is None or not (_sign_only(prev) or _range_start(prev)):
            break
        prev = previous_element(prev)
    if prev is not None:  # a label is a small inline or table cell, not a block of its own
        label = (clean_text(prev.text_content()) or "") if any_tag or prev.tag in _LABEL_TAGS else ""
    else:
        parent = el.getparent()
        label = (clean_text(parent.text) if parent is not None else None) or ""
        if not label and parent is not None and parent.tag in ("dd", "td"):
            # <dt>通常価格(税込)：</dt><dd><span>2,500</span>円</dd>: the row's own label cell
            cell = parent.getprevious()
            if cell is not None and cell.tag in ("dt", "th", "td") and not any(isinstance(c.tag, str) for c in cell):
                label = clean_text(cell.text_content()) or ""  # (React's "1<!-- -->+": comments only)
    if len(label) >= 25 or looks_like_price(label):
        return ""  # long, or another amount ("Save $10" beside the price), not a label
    return label


# "+ Versand ab 5,90 €", "Shipping: $4.99", "Livraison 3,99 €": a postage amount, whose words
# come before the amount (a price "19,99 € inkl. Versand" only mentions it after).
_SHIPPING_FIRST = re.compile(r"^(?!.*\b(inkl|incl|including|inclusive|free|gratis|kostenlos|frei|offerte|grátis|"
                             r"gratuit[ea]?|sin|sem|zdarma|darmowa|бесплатн\w*)\b)"
                             r"\D{0,25}?\b(shipping|postage|delivery|versand\w*|porto|livraison|envío|envio|"
                             r"spedizione|frete|doprava|dostawa|wysyłka|szállítás|toimitus|frakt|levering|leverans|kargo|"
                             r"доставка|送料|運費|运费)\b\D{0,25}\d", re.I)
_SHIPPING_CLASS = re.compile(r"(^|[-_\s])(shipping|postage|delivery|versand)([-_](cost|price|fee|amount|rate)s?)?($|\s)|"
                             r"versandkosten|shipping[-_]?(cost|price|fee)", re.I)


def postage_line(text: str) -> bool:
    """Shipping words lead the amount in ``text`` ("+ Versand ab 5,90 €"): a postage line."""
    return bool(_SHIPPING_FIRST.match(text))


def _shipping(el, raw: str) -> bool:
    """A shipping cost: its own class says so, or shipping words lead its text."""
    classes = " ".join(t for t in (el.get("class") or "").split() if not re.match(r"(?i)free|no-", t))
    return postage_line(raw) or bool(_SHIPPING_CLASS.search(classes))


_CODE = re.compile(r"(?<![A-Za-z])[A-Z]{3}(?![A-Za-z])")


def _code_after(el) -> str | None:
    """An ISO 4217 code printed alone in the element right after the amount's ("$1" then "CAD",
    "1 299" then "SEK"): it names the currency a bare "$" or "kr" leaves open."""
    nxt = next_element(el)
    if nxt is None or len(nxt):
        return None
    text = (nxt.text or "").strip()
    return normalize_currency(text) if re.fullmatch(r"[A-Z]{3}", text) else None


def _sign_before(el, country: str | None) -> str | None:
    """The currency sign a bare amount's previous sibling prints alone, with no text between them:
    ``<span class="ty-price-num">SR</span><span class="ty-price-num">1,550</span>`` (CS-Cart),
    ``<sup>€</sup><span>12</span>``."""
    prev = el.getprevious()
    if prev is None or not isinstance(prev.tag, str) or len(prev) or (prev.tail or "").strip():
        return None
    text = (prev.text or "").strip()
    if not text or len(text) > 4 or re.search(r"\d", text):
        return None
    return text if currency_in_text(f"{text} 1", country=country) else None


def _sign_after(el, country: str | None) -> str | None:
    """The currency sign printed alone right after a bare amount: its next sibling's whole text,
    only spaces between them (``<span>329,000</span>&nbsp;<span>원</span>``, CS-Cart), or the
    text that follows it (``<div class="price-pure">۱۲,۴۹۰,۰۰۰</div> تومان``)."""
    tail = (el.tail or "").strip()
    if tail:
        text = tail
    else:
        nxt = el.getnext()
        if nxt is None or not isinstance(nxt.tag, str) or len(nxt):
            return None
        text = (nxt.text or "").strip()
    if not text or len(text) > 6 or re.search(r"\d", text):
        return None
    return text if currency_in_text(f"1 {text}", country=country) else None


def _digit_group(own: str, text: str) -> bool:
    """``own`` is a thousands group of the amount in ``text``: "249" or "900" in "$ 249.900"."""
    if not re.fullmatch(r"\d{1,3}", own):
        return False  # a group is one to three digits (the last one three)
    mine = re.escape(own)
    return re.search(rf"(?<![\d.,]){mine}\s?[.,'’\s]\s?\d{{3}}(?!\d)|\d\s?[.,'’\s]\s?{mine}(?!\d|[.,]\d)|"
                     rf"\d\s?([.,'’\s])\s?{mine}\s?\1\s?\d{{3}}(?!\d)" if len(own) == 3 else
                     rf"(?<![\d.,]){mine}\s?[.,'’\s]\s?\d{{3}}(?!\d)", text) is not None


_GROUP_SEP = {".", ",", "'", "’", " ", "\u00a0", "\u202f"}


def _beside_a_group(el) -> bool:
    """The span next to it (through a separator span or its tail) is another group of the same
    number: ``<span>249</span><span>.</span><span>900</span>`` — not "<del>₹1,999</del> <span>₹</span>
    <span>999</span>", where the container's other price merely ends in the same digits."""
    def digits(node) -> bool:
        return node is not None and isinstance(node.tag, str) and re.fullmatch(r"\d{1,3}", (node.text_content() or "").strip()) is not None

    def separator(node) -> bool:
        return node is not None and isinstance(node.tag, str) and (node.text_content() or "") in _GROUP_SEP

    nxt, prev = el.getnext(), el.getprevious()
    if separator(nxt):
        if digits(nxt.getnext()):
            return True
    elif (el.tail or "") in _GROUP_SEP and digits(nxt):
        return True
    if separator(prev):
        return digits(prev.getprevious())
    return prev is not None and (prev.tail or "") in _GROUP_SEP and digits(prev)


def _fragment(el, amount, ctx: PageContext) -> bool:
    """A bare amount whose parent or grandparent, a short text, is a price with a currency
    and another amount."""
    own = (clean_text(el.text_content()) or "").strip()
    whole_part = re.fullmatch(r"\d[\d.,'’\s]*\d|\d", own) is not None  # "299" before <sup>,99</sup>
    if not re.fullmatch(r"\d{1,2}|\d[\d.,\s]*[.,]", own) and not whole_part:
        return False  # only the cents ("80") or the whole part ("16.", "299") are pieces of a price
    for a in islice(el.iterancestors(), 2):
        text = _short_text(a, 40)
        if text and re.search(r"\d", text):
            currency = currency_in_text(text, country=ctx.country)
            whole = parse_amount(text, currency=currency) if currency else None
            if currency and whole is not None and whole != amount \
                    and (not whole_part or int(whole) == amount and whole != int(whole)
                         or _digit_group(own, text) and _beside_a_group(el)):
                return True  # (a whole part only when its parent is that amount with cents, or
                # a group of its digits: VTEX IO's <span>249</span><span>.</span><span>900</span>)
    return False


def _converted(el, raw: str, label: str) -> bool:
    """ "Ca. EUR 3,45" under "£2,99": an approximate conversion (its text, the label before
    it — ``_label(el, any_tag=True)`` — or the class of it or two ancestors says so)."""
    if _APPROX_TEXT.match(raw) or _APPROX_LABEL.match(label):
        return True
    return any(_APPROX_CLASS.search(f"{a.get('class', '')} {a.get('id', '')}")
               for a in islice(el.iterancestors(), 2)) or bool(_APPROX_CLASS.search(el.get("class") or ""))


def _was_words_before(before: str) -> str | None:
    """The words just before an amount with no label of its own end with a was-label two or three
    levels up (IKEA's "Tidigare pris <span><span><span>1 695</span><span>:-</span></span></span>")."""
    words = before.split()
    for k in (3, 2):  # a was-word with its price word ("Tidigare pris", "Old price"), not "Original" alone
        tail = " ".join(words[-k:]) if len(words) >= k else ""
        if tail and _PRICE_WORD.search(tail) and _WAS_TEXT.fullmatch(tail) and not _SOFT_WAS.fullmatch(tail.strip(" :")):
            return tail  # (not "Regular price" three levels up: Shopify's label of a plain price too)
    return None


def _was_word(raw: str, label: str) -> str | None:
    """The "was" word of "Was $150", "RRP: £99", "Retail Price: $125.00", or the "Was:" ``label``
    just before the amount's element (``_label(el, any_tag=True)``); None when there is none."""
    m = _WAS_TEXT.match(raw)
    if m:
        return m.group(0)
    return label if label and _WAS_TEXT.fullmatch(label) else None


# The EU's "lowest price in the 30 days before the reduction" (the Omnibus directive, 2022):
# a reference printed beside a discounted price, never what a shopper pays nor the list price.
_LOWEST = (r"(lowest|niedrigste[rn]?|tiefste[rn]?|günstigste[rn]?|tiefstpreis|bestpreis|najniższa|nejnižší|"
           r"najnižšia|najniža|najnižja|le plus bas|più basso|più bassa|più basso|más bajo|mais baixo|laagste|lägsta|"
           r"laveste|alin|halvin|legalacsonyabb|cel mai mic|най-ниската?|самая низкая|χαμηλότερη)")
_BEFORE_CUT = (r"przed obniżką|vor (der )?(preissenkung|preisreduzierung|reduzierung|rabattierung|preisänderung)|"
               r"avant (la )?(réduction|remise|promotion|baisse)|before (the )?(discount|reduction|price reduction|"
               r"promotion|sale)|prima (dello|della) (sconto|riduzione)|antes de(l| la)? (descuento|rebaja|reducción)|"
               r"před slevou|pred zľavou|voor (de )?(korting|prijsverlaging)|före (prissänkning|rabatt)")
_DAYS30 = (r"\b30\b[\s-]*(derniers\s+)?(days?|tage?n?|dni|dní|jours|giorni|días|dias|dagen|dagar|dage|dager|päivä|"
           r"nap|zile|дн|ημερών)")
_OMNIBUS = re.compile(rf"{_LOWEST}\b.{{0,45}}({_DAYS30}|{_BEFORE_CUT})|{_DAYS30}.{{0,30}}{_LOWEST}\b|"
                      # Sweden's "Tidigare lägsta pris" (the previous lowest price) names no period
                      rf"\b(tidigare|tidligere|aiempi|previous|vorheriger?|ancien|precedente)\s+{_LOWEST}\b", re.I | re.S)


# an option bought with the product, priced on its own: "Add engraving $15.00", "3-Year Protection
# for $18.99", "Subscribe – delivered every 2 weeks $15.30", "Geschenkverpackung 3,00 €"
_ADDON = re.compile(r"\b(add(ing)?\s+(an?\s+)?(gift|engrav|protection|warranty|insurance|monogram|personali[sz])\w*|"
                    r"gift[- ]?wrap\w*|engraving|monogram\w*|\d+[- ]years?\s+(protection|warranty|coverage)|"
                    r"protection plan|extended warranty|subscribe|subscription|delivered every|auto[- ]?replenish|"
                    r"geschenkverpackung|gravur|emballage cadeau|gravure|garantieverlängerung|"
                    r"extension de garantie|garant[íi]a (extendida|ampliada)|estensione (di |della )?garanzia|"
                    r"rozszerzon\w+ gwarancj\w+|(?:продл[её]нн?\w*|расширенн\w*) гаранти\w+|гаранти\w+ продл[её]нн?\w*|"
                    r"erweiterte garantie|garantia estendida)|"
                    # an extended warranty or a breakage cover in CJK shops ("特惠延长保修1年 ￥39.00", JD's services)
                    r"延长保修|延保|只换不修|碎屏(?:保|险)|意外(?:保护|险)|延長保証|延長保固|보증\s?연장", re.I)


def _addon(el, raw: str = "") -> bool:
    """The add-on's words are in the amount's own option: its own text before the amount
    ("Extended warranty 2 years $39.00" in one link), its parent's text before it, or a
    sibling before it in the same parent ("<label>Add engraving <span>$15.00</span></label>")."""
    if raw and _ADDON.search(raw) and not _FREE.search(raw):
        return True
    parent = el.getparent()
    if parent is None or len(parent) > 3:
        return False  # (a product's whole box, "Subscribe for 10% off" above its price, is no option)
    words = [parent.text or ""]
    for sib in parent:
        if sib is el:
            break
        words += [_head_text(sib, 80) if isinstance(sib.tag, str) else "", sib.tail or ""]
    text = clean_text(" ".join(words)) or ""
    return len(text) <= 80 and bool(_ADDON.search(text)) and not _FREE.search(text)


def _hidden(el) -> bool:
    """The amount is not shown: inline ``display:none`` on its own element, or in a <template>."""
    for n, a in enumerate([el, *el.iterancestors()]):
        if a.tag == "template" and not (a.get("shadowrootmode") or a.get("shadowroot")):
            return True  # (a declarative shadow root's template is shown)
        if n == 0 and "display:none" in (a.get("style") or "").replace(" ", "").lower() and not price_prop(a):
            return True  # (only the amount's own style: browser snapshots leave it on shown wrappers;
            # a hidden itemprop="price" is the shown price's markup)
    return False


# text for screen readers only (not Amazon's a-offscreen: its pieces beside it are no amount alone)
_READ_ALOUD = re.compile(r"(?:^|\s)(?:screen-reader-text|sr-only|visually-hidden|u-visually-hidden|screenreader-only|"
                         r"sr-text|a11y-hidden)(?:\s|$)", re.I)


def _read_aloud_copy(el) -> bool:
    """The amount sits in text for screen readers only (itself or its parent so classed) beside a shown
    copy of it in a box with a struck price: WooCommerce's translated "Il prezzo originale era: 159,00 €." after the
    struck ``<del aria-hidden="true">159,00 €</del>`` — the copy of what the page shows, in words a
    was-label rule may not know (not an amount alone: MediaMarkt's copy of its price in pieces)."""
    own = next((a for a in (el, el.getparent()) if a is not None and _READ_ALOUD.search(a.get("class") or "")), None)
    box = own.getparent() if own is not None else None
    said = clean_text(_head_text(own, 120)) or "" if own is not None else ""
    if box is None or _amount_alone(said.rstrip(".")) or not any(k.tag in _STRUCK_TAGS for k in box.iter()):
        return False  # an amount alone is the shown pieces' clean copy (MediaMarkt's "1099.00 €" beside "€" "1.099"
        # ",–"); and beside no struck price the worded copy may be the only whole amount ("24" "99" in pieces)
    digits = [re.sub(r"\D", "", m) for m in re.findall(r"\d[\d.,'’ ]*\d|\d", said)]
    # a sibling shows the same amount (its digits, whole or in pieces: "159,00 €", "24" "99")
    return any(
        kid is not own and isinstance(kid.tag, str) and not _READ_ALOUD.search(kid.get("class") or "")
        and (shown := re.sub(r"\D", "", _head_text(kid, 120))) and any(d and d in shown for d in digits)
        for kid in box)


_ON_REQUEST = re.compile(r"^\W*((price|prices) (on|upon) (request|application)|call for (a )?price|"
                         r"preis auf anfrage|prix sur demande|prezzo su richiesta|precio (a|bajo) consulta|precio bajo pedido|"
                         r"consultar precio|preço sob consulta|prijs op aanvraag|cena na (zapytanie|dotaz)|pris på förfrågan|"
                         r"pris på forespørgsel|pris på forespørsel|hinta pyydettäessä|цена по запросу|価格はお問い合わせ|"
                         r"가격 문의)\W*$", re.I)  # (the whole text: not "Lieferzeit auf Anfrage", "Muster auf Anfrage")


def _on_request(sc) -> bool:
    """A price-classed element of the product's part says the price is given on request ("Prijs op
    aanvraag", "Preis auf Anfrage", "Price on application") and shows no amount."""
    for _, el in sc.prices:
        text = _short_text(el, 60)
        if text and not re.search(r"\d", text) and _ON_REQUEST.search(text) and not _in_chrome(el) \
                and not among_others(el) and not elsewhere(el):
            return True
    return False


def _words_before(el) -> str:
    """The words just before the amount: its parent's text and earlier siblings, up to three
    levels up, never past another amount ("… payments of <b>AED 549.75</b>" → "… payments of")."""
    node, words = el, ""
    for _ in range(3):
        parent = node.getparent()
        if parent is None:
            break
        before, size, sib = [], 0, node.getprevious()  # read backwards, only as far as needed
        while sib is not None and size < 160:
            before += [sib.tail or "", _head_text(sib, 120) if isinstance(sib.tag, str) else ""]
            size += len(before[-1]) + len(before[-2])
            sib = sib.getprevious()
        if sib is None:
            before.append(parent.text or "")
        text = (clean_text(" ".join(reversed(before))) or "")[-160:]
        amounts = _money_runs(text)
        if amounts:  # another amount stands between: the words before it are its own
            return f"{text[amounts[-1].end():]} {words}".strip()
        if text:
            words = f"{text} {words}".strip()
        if len(words) >= 120:
            break
        node = parent
    return words


# the line names a price ("lowest price", "Preis", "prix", "cena"…), and is no promise or policy
_PRICE_WORD = re.compile(r"price|preis|prix|prezzo|precio|preço|cena|prijs|pris|hinta|ár|preț|цена|τιμή", re.I)
_NOT_OMNIBUS = re.compile(r"guarant|garant|return|retour|reso|devoluc|rückgabe|zwrot|vrácen|retur", re.I)


def _omnibus_text(text: str) -> bool:
    m = _OMNIBUS.search(text)
    return bool(m) and bool(_PRICE_WORD.search(text[max(0, m.start() - 25):m.end() + 8])) and not _NOT_OMNIBUS.search(text)


def _omnibus(el, raw: str, before: str) -> bool:
    """The amount is the Omnibus reference ("Najniższa cena z 30 dni przed obniżką: 2 149,00 zł",
    "Niedrigster Preis der letzten 30 Tage: 19,99 €"): by its own text, the words just before it
    (``_words_before``) or an omnibus class on it or the wrappers those words came from."""
    if _omnibus_text(raw) or _omnibus_text(before):
        return True
    return any("omnibus" in (a.get("class") or "").lower() for a in islice([el, *el.iterancestors()], 4))


# "Split into 4 interest-free payments of", "oder 3 Raten à", "12x de", "ou 3 fois": an
# instalment's amount comes right after words that end so
_INSTALMENT_BEFORE = re.compile(r"(\b\d{1,2}\s*(interest[- ]free\s+|monthly\s+)?(payments|instalments|installments|raten|"
                                r"rate|cuotas|parcelas|fois|mensualités|vezes)\b[^\d]{0,25}|\b\d{1,2}\s*[x×])\s*"
                                r"(of|de|von|à|a|da|zu je|je|sans frais)?\s*:?$", re.I)


# "Regular price" is a list price beside a sale price, but Shopify themes (and others) label
# every plain price so for screen readers: the product's price when nothing else is shown.
# (India's MRP is also the price a shopper pays when no offer price is shown beside it)
# (a recommended price alone may be the price: "Adviesprijs € 89,95", "PVP Recomendado: 39,95 €")
_SOFT_WAS = re.compile(r"(reg\.?|regular|normal)( price)?|precio (normal|regular)|harga normal|mrp|"
                       r"adviesprijs|pvp recomendado|pvpr|prix public conseillé|prezzo consigliato", re.I)


# A price-classed element holding a bare amount ("69.<sup>99</sup>" in span.currentPrice):
# shops that print the currency only in the checkout. Its currency is the shop country's.
_BARE_AMOUNT = re.compile(r"\d{1,3}(?:[.,\s’']\d{3})+(?:[.,]\d{2})?|\d+[.,]\d{2}|\d{2,6}")


def _bare_price(el, raw: str) -> bool:
    """A price-classed element holding only an amount (``span#unit_price`` "55.<sup>99</sup>").
    One whose class also says "old", "unit", "shipping"… counts only when nothing else is shown."""
    m = _WAS_TEXT.match(raw)  # "Før 13 990,-": a bare was price, read with its word
    if not _BARE_AMOUNT.fullmatch(re.sub(r"\s*([,.:]-|[,.]–)$", "", raw[m.end() if m else 0:].strip().rstrip("*"))):
        return False
    marks = " ".join(marker(a) for a in (el, el.getparent()) if a is not None).lower()
    # "5.299,-" in Proshop's span.site-currency-attention: a currency class, where the dash is the
    # amount's only mark (not a warranty's "79.–" or a gift wrap's "49,-" beside the buy button)
    return "price" in marks or _DASH_CLASS.search(marks) is not None and DASH_PRICE.fullmatch(raw.strip().rstrip("*")) is not None


_DASH_CLASS = re.compile(r"currency|pris|cena|cijena|hinta")


# Blocks that hold other products for certain (their prices are dropped) …
_OTHERS = re.compile(r"recommend|upsell|cross-?sell|also-?(bought|viewed|like)|bought[-_]?together|(^|[-_])fbt|"
                     r"sponsor|recently-?viewed|"
                     # a marketplace's other sellers' offers for the same product: the buy box's is the price
                     r"(^|[-_\s])(other|more|alt)[-_]?(offers?|sellers?)|(^|[-_\s])mp[-_]offer|sellers?[-_]?(list|table)", re.I)
# … and blocks that usually do (their prices are demoted: a shop may name its own box so).
# A bare amount so marked is not the price even when nothing else is shown.
_NOT_ALONE = re.compile(r"shipping|delivery|tax|vat|excl|instal|monthly|month|per[-_]|basis|(?<!product)base[-_]?price|deposit|cashback|"
                        r"bonus|reward|saving|cart|basket", re.I)
_ELSEWHERE = re.compile(r"related|similar|recently|viewed|accessor|bundle|complete-the-look|tile|advert|"
                        r"deliver|shipping|courier|freight|versand|livraison|envio|frete|spedizion|"
                        # a marketplace box beside the buy box (Buy.com's own listing at the list
                        # price); on a page where it is the only offer, it is still the price
                        r"marketplace[-_]?(box|offers?|listings?|sellers?)|"
                        # a marketplace's seller offer beside the buy box (Walmart's "1 other seller from
                        # $50.51", div.prod-SellerOffer linking to the product's sellers page)
                        r"seller[-_]?offers?", re.I)
# WooCommerce writes the product's categories and tags as classes on its own container.
# Its post classes also say the product is "shipping-taxable" (not a shipping block).
_TAXONOMY = re.compile(r"^(product_cat|product_tag|category|tag)-|^(shipping-taxable|taxable|purchasable|"
                       r"has-post-thumbnail|instock|outofstock|onbackorder)$", re.I)


def _block_marks(el, levels: int = 6):
    """The class and id tokens of up to ``levels`` ancestors, taxonomy classes left out."""
    for a in islice(el.iterancestors(), levels):
        if a.tag in ("body", "html"):
            return  # (Magento's body class names the product's URL key)
        tokens = f"{a.get('class') or ''} {a.get('id') or ''}".split()
        yield " ".join(t for t in tokens if not _TAXONOMY.match(t))


# A block's own heading saying its products are others, in the languages of the shops seen.
_OTHERS_HEADING = re.compile(
    r"similar (products|items)|related (products|items)|you (may|might) also like|customers who (bought|viewed)|"
    r"hasonló termékek|podobné produkty|vergelijkbare|liknande produkter|lignende produkter|samankaltaiset|"
    r"recently viewed|people also (bought|viewed)|other (offers|sellers)|(more|other|marketplace) buying choices|autres? offres?|"
    r"weitere angebote|otras ofertas|outras ofertas|altre offerte|inne oferty|andere aanbieders|"
    r"zuletzt angesehen|vus récemment|vistos recientemente|"
    r"visti di recente|vistos recentemente|recent bekeken|ostatnio oglądane|naposledy prohlížené|"
    r"недавно просмотренные|вы смотрели|son gezdi[gğ]iniz|最近チェックした|最近見た|최근 본 상품|最近浏览|最近瀏覽|"
    r"frequently bought together|also (bought|viewed)|recommended for you|sponsored products|"
    r"ähnliche (artikel|produkte)|das könnte (dir|ihnen) auch gefallen|kunden kauften auch|"
    r"produits similaires|vous aimerez (peut-être )?aussi|articles similaires|"
    r"productos (similares|relacionados)|(también )?te (puede|podría) interesar|prodotti (simili|correlati)|"
    r"(ti )?potrebbe (anche )?interessar|produtos (semelhantes|relacionados)|você também pode gostar|"
    r"vergelijkbare producten|gerelateerde producten|podobne produkty|polecane produkty|"
    r"podobné (produkty|zboží)|související (produkty|zboží)|похожие товары|с этим товаром (покупают|смотрят)|"
    r"вам может понравиться|сопутствующие товары|схожі товари|benzer ürünler|関連商品|おすすめ商品|"
    r"関連する商品|관련 상품|추천 상품|相关商品|猜你喜欢|מוצרים דומים|منتجات (مشابهة|ذات صلة)", re.I)
_HEADING_TAGS = {"h2", "h3", "h4", "h5", "h6"}


def _headed_as_others(block) -> bool:
    """The block's own heading (its first child: an h2-h6 or a title- or head-classed element
    of short text) says its products are others ("Похожие товары", "You may also like"). Only
    the first child: a page whose product block comes first and "Customers also viewed" second
    is not headed so."""
    child = next((c for c in block if isinstance(c.tag, str)), None)
    if child is None or not (child.tag in _HEADING_TAGS or re.search(r"title|head", child.get("class") or "", re.I)):
        return False
    text = _short_text(child, 60)  # reads no further than that: a site header's mega-menu is long
    return bool(text) and bool(_OTHERS_HEADING.search(text))


# A block of offers for some buyers: a coupon's, a bank card's, an app's price ("BEST OFFERS" "Best Price:
# Rs. 1619" "Coupon code: STYLENEW300" under Myntra's buy box; Flipkart's "Available offers")
_OFFERS_HEADING = re.compile(r"((best|available|bank|card|more|special|exclusive|coupon)\s+)?(offers?|coupons?)(\s+for you)?|"
                             r"ofertas bancarias|angebote für dich|offres? (bancaires?|partenaires?)|クーポン|쿠폰|优惠券", re.I)


def _headed_as_offers(el) -> bool:
    """Within three levels under a block whose own heading (its first child) names offers or coupons."""
    for a in islice(el.iterancestors(), 3):
        child = next((c for c in a if isinstance(c.tag, str)), None)
        if child is not None and child is not el and child.tag in _HEADING_TAGS \
                and _OFFERS_HEADING.fullmatch((_short_text(child, 40) or "").strip(" :")):
            return True
    return False


_SMALL_CLASS = re.compile(r"^(?P<stem>[\w-]*?[a-z])(?P<sep>[-_]{1,2})(small|sm|mini)$", re.I)


_PRICE_STEM = re.compile(r"price|prices|cost|amount|preis|prix|precio|prezzo|cena|цена|ціна", re.I)


def _smaller_twin(el) -> bool:
    """A price printed small beside its twin printed big — ``p.product-prices__small`` "28 999₴" then
    ``p.product-prices__big`` "24 999₴" (Rozetka; the page's stylesheet strikes the small one): the
    small one is the former price. Twins: the same class stem with a size word, siblings."""
    parent = el.getparent()
    if parent is None or not _amount_alone(clean_text(_head_text(el, 60)) or ""):
        return False  # (not "25,98 € / 1 l", "44,95 € inkl. Versand": a unit price, a price with postage)
    for token in (el.get("class") or "").split():
        m = _SMALL_CLASS.match(token)
        if m is None or not _PRICE_STEM.search(m["stem"]):
            continue  # (Tailwind's text-sm beside text-lg, Bootstrap's visible-sm: no price's size)
        twins = {f"{m['stem']}{m['sep']}{size}".casefold() for size in ("big", "large", "lg", "main")}
        if any(sib is not el and isinstance(sib.tag, str) and twins.intersection((sib.get("class") or "").casefold().split())
               for sib in parent):
            return True
    return False


_CROSS_SELL = re.compile(r"cross-?sell", re.I)  # (a class this plain is a block of other products even far up)


def among_others(el) -> bool:
    """Inside a recommendations, sponsored or bought-together block (up to six levels up; a cross-selling
    block up to nine: Shopware 6's card in ``product-detail-cross-selling`` is eight), by its class names,
    or (six up) by its own heading."""
    return any(_OTHERS.search(m) if n < 6 else bool(_CROSS_SELL.search(m)) for n, m in enumerate(_block_marks(el, 9))) \
        or any(_headed_as_others(a) for a in islice(el.iterancestors(), 6))


def elsewhere(el) -> bool:
    """Inside a related-products, accessories or delivery-options block (up to six levels up)."""
    return any(_ELSEWHERE.search(m) for m in _block_marks(el))


# a query parameter that names the product ("model.xml?modelid=2415364", "product.php?id=5")
_ID_PARAM = re.compile(r"^(?:(?:p|product|products|item|model|goods|article)_?)?id$|^(?:sku|pid|item|product)$",
                       re.I)


def _ids(query: str) -> dict:
    return {k.lower(): v for k, v in parse_qsl(query) if _ID_PARAM.search(k)}


def other_page(href: str | None, page: str) -> bool:
    """A link to another page than ``page`` (its URL without the fragment): another path, or
    the same script with another product's id ("model.xml?modelid=3577639" on modelid=2415364's
    page); a variant's or a tracking query on the same path is the same page."""
    href = (href or "").split("#")[0]
    path, _, query = href.partition("?")
    path = path.rstrip("/")
    if not path and not query or path.startswith("javascript") \
            or re.search(r"\.(jpe?g|png|gif|webp|avif)$", path, re.I):
        return False
    page_path, _, page_query = page.partition("?")
    if path and not page_path.rstrip("/").endswith(path):  # "?modelid=…" alone: this page's path
        return True
    mine, theirs = _ids(page_query), _ids(query)
    return any(k in mine and mine[k] != v for k, v in theirs.items())


def _in_tile(el, page_url: str) -> bool:
    """Inside a listing or recommendation tile: within a link to another page (the product's
    own price is never a link to some other product), or in a list item that shows another
    product (``<li><a href=p2><img></a><a href=p2>Name</a><span>US$ 3.49</span></li>``)."""
    page = page_url.split("#")[0]
    for n, a in enumerate([el, *el.iterancestors()]):
        if n >= 7:
            break
        if a.tag == "a":
            return other_page(a.get("href"), page)
        if a.tag == "li" and (n <= 4 and _product_tile(a, page) or _listing_card(a, page)):
            return True
    return False


def _listing_card(li, page: str) -> bool:
    """One of a run of alike list items (their first class the same) that links to another page
    (three or more such items, or two whose item links twice to one page, by its picture and
    its name): a listing of other products or ads."""
    cls = (li.get("class") or "").split()
    parent = li.getparent()
    if not cls or parent is None:
        return False
    alike = sum(1 for sib in islice(parent.iterchildren("li"), 50) if (sib.get("class") or "").split()[:1] == cls[:1])
    if alike < 2:
        return False
    hrefs = [(link.get("href") or "").split("#")[0] for link in li.iterdescendants("a")]
    others = [h for h in hrefs if other_page(h, page)]
    return alike >= 3 and bool(others) or any(others.count(h) >= 2 for h in set(others))


def _product_tile(li, page: str) -> bool:
    """A list item whose picture links to another page that a text link in it names too."""
    pictured, named = set(), set()
    for link in li.iterdescendants("a"):
        href = (link.get("href") or "").split("#")[0]
        if not other_page(href, page):
            continue
        if link.find(".//img") is not None:
            pictured.add(href)
        elif (link.text_content() or "").strip():
            named.add(href)
    return bool(pictured & named)


_in_chrome = in_chrome
_GRID = 5  # alike priced cards that make a grid of other products


def _signature(el) -> tuple:
    """Tag and first class of an element and its three nearest ancestors."""
    return tuple((a.tag, ((a.get("class") or "").split() or [""])[0]) for a in islice([el, *el.iterancestors()], 4))


def _grid(elements: list, page_url: str) -> tuple[set, int]:
    """Price elements printed alike (same tags and classes four levels deep) in five or more
    distinct cards of one container, most of the cards linking to another page: a grid of
    other products (a search or category listing, a carousel whose classes do not say so) whose prices
    are never this page's product's."""
    page = page_url.split("#")[0]
    groups: dict[tuple, list] = {}
    for el in elements:
        groups.setdefault(_signature(el), []).append(el)
    out: set = set()
    most = 0
    for els in groups.values():
        if len(els) < _GRID:
            continue
        chains = [[*reversed(list(el.iterancestors())), el] for el in els]
        depth = 0
        while all(len(c) > depth + 1 for c in chains) and all(c[depth + 1] is chains[0][depth + 1] for c in chains):
            depth += 1
        if not all(len(c) > depth + 1 for c in chains):
            continue
        cards = {id(c[depth + 1]): c[depth + 1] for c in chains}
        if len(cards) < _GRID:
            continue
        linked = sum(1 for card in cards.values()
                     if any(other_page(a.get("href"), page) for a in [card, *card.iterdescendants("a")] if a.tag == "a"))
        if linked >= 0.8 * len(cards):
            out.update(els)
            most = max(most, len(cards))
    return out, most


def _in_card(el, grid: set) -> bool:
    """``el`` sits in one of the grid's cards: its nearest ancestor holding any of the grid's
    prices holds just one (a card), not several (the grid itself, or the page around it)."""
    chain = {a: n for n, a in enumerate(el.iterancestors())}
    nearest, count = None, 0
    for price in grid:
        at = next((chain[a] for a in price.iterancestors() if a in chain), None)
        if at is None:
            continue
        if nearest is None or at < nearest:
            nearest, count = at, 1
        elif at == nearest:
            count += 1
    return count == 1


def _ancestor_depths(el) -> dict:
    if el is None:
        return {}
    chain = [el, *el.iterancestors()]
    return {a: len(chain) - i for i, a in enumerate(chain)}


def _shared_depth(el, depths: dict) -> int:
    """Depth of the nearest ancestor ``el`` shares with the element behind ``depths``."""
    for a in el.iterancestors():
        if a in depths:
            return depths[a]
    return 0


def _buy_button(sc, heading, heading_pos: int):
    """The add-to-cart control nearest the product heading (after it preferred), not in chrome.

    A buy box printed before the heading (a right-hand column first in the source) that holds
    several offers ("Print", "Print (UK cart, £)") starts with the main one, as on screen: the
    first button of the group that does not hold the heading, not the nearest (its last)."""
    buttons = [(pos, el) for pos, el in sc.buy_buttons if not _in_chrome(el)]
    if not buttons:
        return None
    # after the heading preferred, unless one before it is less than half as far (a buy box in
    # a column printed before the heading, the next button after it another product's)
    pos, best = min(buttons, key=lambda b: (b[0] < heading_pos, abs(b[0] - heading_pos)))
    before = [b for b in buttons if b[0] < heading_pos]
    if pos >= heading_pos and before:
        near = max(before, key=lambda b: b[0])
        if 2 * (heading_pos - near[0]) < pos - heading_pos:
            pos, best = near
    if pos >= heading_pos or heading is None:
        return best
    outer = set(heading.iterancestors())
    mine = set(best.iterancestors())
    for _, el in sorted(buttons, key=lambda b: b[0]):
        if el is best:
            break
        shared = next((a for a in el.iterancestors() if a in mine), None)
        if shared is not None and shared not in outer:
            return el  # the group's first offer
    return best


# a part the page does not show at all (JCPenney's <span class="pp__price__value hide">15</span>, the
# list price beside "$<span>15</span>"); screen-reader text (sr-only, a-offscreen) is another matter,
# and so is a part a responsive class shows on a desktop (Bootstrap's "d-none d-md-inline",
# Tailwind's "hidden sm:inline")
_NOT_SHOWN = re.compile(r"(?:^|\s)(?:hide|hidden|is-hidden|d-none|u-hide)(?:\s|$)")
_SHOWN_FROM = re.compile(r"(?:^|\s)(?:d-(?:sm|md|lg|xl|xxl)-(?:block|inline(?:-block|-flex)?|flex|grid|table[\w-]*)|"
                         r"(?:sm|md|lg|xl|2xl):(?:block|inline(?:-block|-flex)?|flex|grid|table[\w-]*|contents))(?:\s|$)")


def not_shown(node) -> bool:
    """The page does not show ``node`` at all (a hiding class without a responsive one that shows it,
    display:none, the hidden attribute)."""
    if not isinstance(node.tag, str):
        return False
    cls = node.get("class") or ""
    return bool(_NOT_SHOWN.search(cls)) and not _SHOWN_FROM.search(cls) \
        or "display:none" in (node.get("style") or "").replace(" ", "") or node.get("hidden") is not None


def unstrike_prices(doc) -> None:
    """An ``itemprop="price"`` element that shows the struck list price and the sale price
    together (Mango: ``<span itemprop="price"><span class="strikethrough">$79.99</span><span>$39.99
    </span></span>``) holds the price it shows unstruck: written into its ``content`` for every
    reader (extruct's microdata, the page reader), when that is one amount in the struck one's
    currency sign (not "≈ US$254.10" beside "¥37,980") and no <sup> holds its cents."""
    for el in doc.xpath('//*[@itemprop][not(@content)][*]'):
        if not price_prop(el) or el.find(".//sup") is not None:
            continue
        struck = [d for d in el.iterdescendants() if struck_mark(d)]
        if not struck or any(struck_mark(a) for a in el.iterancestors()):
            continue
        shown = "".join(d.text_content() for d in struck if not any(a in struck for a in d.iterancestors()))
        rest = " ".join(without(el, lambda d: struck_mark(d) or not_shown(d)).text_content().split())
        was, now = _ONE_AMOUNT.fullmatch(" ".join(shown.split())), _ONE_AMOUNT.fullmatch(rest)
        if was and now and (was["pre"].strip(), was["post"]) == (now["pre"].strip(), now["post"]):
            el.set("content", rest)


# one amount and nothing else but its currency sign or code: "$39.99", "1.299,00 €", "EUR 12"
_ONE_AMOUNT = re.compile(r"(?P<pre>(?:[A-Z]{0,3}[$€£¥₹₩₺₽]|[A-Z]{3}\s?)?)\s*\d[\d.,'’ ]*\s*"
                         r"(?P<post>[$€£¥₹₩₺₽]|[A-Z]{3}|[.,]-|)")


# inline elements a shop prints a price's cents in ("89<sup>99</sup>", "89<small>,99 €</small>")
_PIECE_TAGS = {"sup", "sub", "small", "span", "b", "strong", "em", "i", "u"}


# units that already end in their cents ("79,00", "$15.5"): two digits after them are no cents of theirs
_HAS_CENTS = re.compile(r"\d[.,]\d{1,2}\s*$")


def _with_cents(units: str, point: str | None, cents: str) -> str:
    """Whole units and their split cents as one amount: "69." + "99" (its own point), "$189" + ".99"
    (the cents bring theirs), "$15" + "99" → "$15.99", and "289.990" + "00" → "289.990,00" (grouped by
    points, so its cents follow a comma)."""
    point = point or ("" if units[-1] in ".," else "," if re.search(r"\d\.\d{3}$", units) else ".")
    return f"{units}{point}{cents}"


def cents_piece(el, text: str) -> bool:
    """``el`` shows only the cents (perhaps with the sign) of the whole units just before it: in the
    text before it (``89<sup>€99</sup>``, ``24<small>,99 €</small>``, ``<b>Prix :</b> 89<sup>€99</sup>``)
    or, with their own separator, in the element before it (``<span>19</span><span>,99 €*</span>``;
    not "$49" after a quantity "2", nor "49 €" after "79,00")."""
    if el.tag not in _PIECE_TAGS or not re.fullmatch(r"\s*(?:[€$£]\s?|[.,])?\d{2}(?:\s?[€$£])?\*?\s*", text):
        return False
    prev, parent = previous_element(el), el.getparent()
    before = (parent.text if prev is None else prev.tail) if parent is not None else None
    if before and before.strip():
        return bool(re.search(r"\d\s*$", before)) and not _HAS_CENTS.search(before)
    if prev is None or not re.match(r"\s*[.,]\d", text):
        return False
    units = (prev.text_content() or "").strip()
    return bool(re.search(r"\d$", units)) and not _HAS_CENTS.search(units)


def _raw(el) -> tuple[str | None, bool]:
    """The price text of ``el`` (its parts the page does not show left out) and whether it joined
    split cents ("$249<sup>99</sup>" → "$249.99")."""
    if price_prop(el) and el.get("content"):
        return el.get("content"), False
    el = without(el, not_shown)
    text = element_text(el)
    if text and len(el):
        kids = [k for k in el if isinstance(k.tag, str)]
        while kids and not (kids[-1].text_content() or "").strip() and not (kids[-1].tail or "").strip():
            kids.pop()  # an empty footnote marker after the cents: <sup>99</sup><i></i>
        sign = ""
        while len(kids) >= 2 and not (kids[-1].tail or "").strip() and len(sign) < 16:
            end = clean_text(kids[-1].text_content()) or ""
            if not end or len(end) > 6 or re.search(r"\d", end):
                break
            # the currency after the cents: 289.990<sup>00</sup> <span>Ft</span>; and tax words
            # after it (24<sup>99</sup><span>€</span><span>TTC</span>, <span>inkl.</span><span>MwSt.</span>)
            sign = " " + end + sign
            kids.pop()
        last = kids[-1] if kids else el[len(el) - 1]
        tail = clean_text(last.tail) or ""
        # "89<sup>99</sup> €": the currency after the cents, in the text after them
        sign_tail = sign_text(tail)
        after_struck = (p := previous_element(last)) is not None and struck_mark(p) and not (p.tail or "").strip()
        lead = (clean_text(last.text_content()) or "") if isinstance(last.tag, str) else ""
        cents_after = re.fullmatch(r"(\d{2})(\s?(?:[€$£¥]|[A-Z]{3}))?\*?", tail)
        if cents_after and not sign and re.search(r"\d[.,]$", lead) and not _HAS_CENTS.search(lead[:-1]):
            # Play.com's "<strong>£3.</strong>95": the units and the point in an element, the cents after it
            parts = [el.text or ""]
            for kid in el:
                if kid is last:
                    break
                parts += [kid.text_content() if isinstance(kid.tag, str) else "", kid.tail or ""]
            before = re.sub(r"\s+", " ", "".join(parts)).lstrip()
            return f"{before}{lead}{cents_after.group(1)}{cents_after.group(2) or ''}", True
        if isinstance(last.tag, str) and (not tail or sign or sign_tail) and not after_struck:
            # (not "<s>59</s> <b>49</b> €": 49 is the price after a struck one, not 59's cents)
            cents = clean_text(last.text_content()) or ""
            parts = [el.text or ""]
            for kid in el:
                if kid is last:
                    break
                parts += [kid.text_content() if isinstance(kid.tag, str) else "", kid.tail or ""]
            before = clean_text("".join(parts)) or ""
            # "99", or ".99" / ",99" with its own separator, and the currency sign after them ("15<sup>,99 €</sup>")
            split = re.fullmatch(r"([.,])?(\d{2})(\s?(?:[€$£¥]|[A-Z]{3}))?\*?", cents)
            if re.fullmatch(r"[.,:]?[-–—]", cents) and re.search(r"\d$", before):
                return f"{before},00{clean_text(last.tail) or ''}{sign}", True  # bol.com's "229<sup>-</sup>": "229,-"
            euro = re.fullmatch(r"€\s?(\d{2})", cents)  # France's "89<sup>€99</sup>": the sign as the point
            if euro and re.search(r"\d$", before) and not re.search(r"[€$£]", before) and not _HAS_CENTS.search(before):
                return f"{before},{euro.group(1)} €{clean_text(last.tail) or ''}{sign}", True
            if split and split.group(3) and (cur := currency_in_text(before)) \
                    and cur != currency_in_text(f"1{split.group(3)}"):
                split = None  # "€ 29 <span>31 CHF</span>": a second currency's amount, not cents
            if split and re.search(r"\d[.,]?$", before) and not _HAS_CENTS.search(before) \
                    and not (split.group(1) and before[-1] in ".,"):
                whole = _with_cents(before, split.group(1), split.group(2))
                return f"{whole}{split.group(3) or ''}{clean_text(last.tail) or ''}{sign}", True
    return text, False


# The buy box's own label before the amount ("Price:", "Your price", "Our Price:", "Preis:"):
# as good a sign as a price-like class ("itemFinalPrice" in a recommendations row is not
# better than the "Price:" cell beside the product's name).
_PRICE_LABEL = re.compile(r"((our|your|sale|special|now|selling|current|today's|final)\s+)?price\s*:?|"
                          r"(ihr |unser )?preis\s*:?|(notre |votre )?prix\s*:?|precio\s*:?|prezzo\s*:?|preço\s*:?|"
                          r"prijs\s*:?|pris\s*:?|cena\s*:?|цена\s*:?|ціна\s*:?|fiyat(ı)?\s*:?|hinta\s*:?|ár\s*:?|"
                          r"販売価格\s*[:：]?|価格\s*[:：]?|售价\s*[:：]?|价格\s*[:：]?|價格\s*[:：]?|판매가|가격", re.I)


def _was_child(kid, text: str) -> bool:
    """A price box's child that shows a was price: struck (<del>, a line-through), a was/RRP word
    before its amount, or a list-price class."""
    return kid.tag in _STRUCK_TAGS or _struck(kid) or bool(_WAS_TEXT.match(text)) \
        or bool(_LIST_CLASS.search(kid.get("class") or ""))


def _after_was(el) -> str | None:
    """The price written as the element's own text after a was price inside it:
    ``<b><span class="productOldPrice">Statt 64,90 EUR</span><br>Nur 49,90 EUR</b>``
    (xt:Commerce, osCommerce specials), ``<div class="price"><s>$80</s> $60</div>``. The
    element's whole text holds both amounts, so it was read as the was price (or as a wrapper
    of its struck child) and the sale price, in no element of its own, was never seen."""
    for kid in el:
        if not isinstance(kid.tag, str) or kid.tag == "br":
            continue
        text = clean_text(kid.text_content()) or ""
        if not looks_like_price(text) or not _was_child(kid, text):
            continue
        tail, nxt = [kid.tail or ""], kid.getnext()
        while nxt is not None and nxt.tag == "br":  # "Statt …<br />Nur 49,90 EUR"
            tail.append(nxt.tail or "")
            nxt = nxt.getnext()
        after = clean_text(" ".join(tail))
        if after and _lone_amount(after):
            return after
    return None


_CENTS_PIECE = re.compile(r"(?:[€$£]\s?)?[.,]?\d{2}\s?(?:[€$£¥]|[A-Z]{3})?\*?")  # "99", ",99 €", "€99": a split price's cents


def _in_pieces(el) -> bool:
    """An ``itemprop="price"`` element whose ``content`` is its price and whose children are only the
    pieces it shows (Home Depot's ``<span itemprop="price" content="31.57"><span>$</span><span>31</span>
    <span>57</span></span>``): none of them is a price of its own ("31" is not $31)."""
    if not (price_prop(el) and el.get("content")):
        return False
    kids = [d for d in el.iterdescendants() if isinstance(d.tag, str)]  # (not comments: React's "<!-- -->")
    return bool(kids) and not any(looks_like_price(clean_text(d.text_content()) or "") for d in kids)


def _after_struck(el) -> tuple[str, str] | None:
    """(was, now) of an element that opens with a struck (was) price and shows the sale price in
    pieces after it: ``<div class="price"><s>$20.00</s> $<span>15</span>.<sup>00</sup></div>``,
    ``<p class="price"><s>$20.00</s> $15<sup>99</sup></p>``. Read whole, its split cents were
    joined onto both amounts and the struck one came first; read after the struck child, the
    rest is the price (its cents joined as ever). Only what the page shows is read (a hidden
    compare-at price is no was price), and the rest is the price alone or with a now/sale word
    (not "Member price $5.99", "with Nectar £10.00": a price for some shoppers only)."""
    if price_prop(el) and el.get("content") or (el.text or "").strip() or len(el) > 12:
        return None
    whole = el.text_content()
    if len(whole) > 120 or not _DIGIT.search(whole):
        return None
    shown = [k for k in el if isinstance(k.tag, str) and k.tag != "br" and not not_shown(k)]
    if len(shown) < 2:
        return None  # "<s>$80</s> $60" with no pieces after it: _after_was reads its tail
    first = shown[0]
    was = clean_text(_raw(first)[0]) or ""  # "<s>$20<sup>99</sup></s>": $20.99
    if not _lone_amount(was) or not _was_child(first, was):
        return None
    bare = copy.deepcopy(without(el, not_shown))  # (only now, for the few that open with a was price)
    kids = [k for k in bare if isinstance(k.tag, str) and k.tag != "br"]
    if len(kids) < 2 or (bare.text or "").strip():
        return None
    first = kids[0]
    if any(looks_like_price(t) and not _CENTS_PIECE.fullmatch(t) for k in kids[1:] if (t := clean_text(k.text_content()) or "")):
        return None  # the sale price whole in an element of its own: read as such
    first.drop_tree()  # its tail (" $") kept
    now, _ = _raw(bare)
    now = clean_text(now)
    if not now or not _lone_amount(now) or currency_in_text(now) != currency_in_text(was):
        return None  # not one amount in the struck one's currency ("22%" after "Rp629.000")
    if _for_some(now):
        return None  # "Member price $5.99", "with Nectar £10.00", "Autoship $61.74", "VIP price $15.99":
        # not every shopper's price
    return was, now


def _for_some(raw: str) -> bool:
    """The amount's own text says it is a price for some shoppers only: "Member price $58.49",
    "Clubpreis 3,49 €", "£3.75 Clubcard Price", "Autoship $61.74", "$5 off with code"."""
    if _EVERYONE.search(raw):
        return False  # "Preis für Mitglieder und Nichtmitglieder: 59,90 €"
    return bool(_TIER_LABEL.search(raw) or _CONDITIONAL.search(raw) or _REPEAT_ORDER.search(raw))


_EVERYONE = re.compile(r"non-?members?|nichtmitglied\w*|non[- ]membres?|no socios|niet-leden", re.I)


_REPEAT_ORDER = re.compile(r"\b(auto-?ship|autoship|subscribe|subscription|abo|abonnement|suscripción|repeat delivery)\b", re.I)


def _lead_before_was(el) -> str | None:
    """The element's own leading amount when a child after it is a was price or a fee:
    ``<p class="price">$54.40 <del>$68.00</del></p>``, Squarespace's ``$54.40 <span>Sale Price:</span>
    <span class="original-price">$68.00</span>``, ``6,99 € <small>zzgl. 3,30 € Pfand</small>``; with
    its cents when they follow in a child of their own (``$24<span>.99</span> <del>$34.99</del>``)."""
    lead = (el.text or "").strip()
    if not lead or not _lone_amount(lead) or not looks_like_price(lead):
        return None
    amount = lead
    for n, kid in enumerate(k for k in el if isinstance(k.tag, str)):
        text = clean_text(kid.text_content()) or ""
        if n == 0 and (el.text or "")[-1:].isdigit() and not (kid.tail or "")[:1].strip() \
                and (cents := re.fullmatch(r"([.,])?(\d{2})", text)) and not _HAS_CENTS.search(amount):
            amount = _with_cents(amount, cents.group(1), cents.group(2))  # "$24<span>.99</span>", not "$54 <span>12</span>"
            continue
        if looks_like_price(text):
            shown = _was_child(kid, text) \
                or bool(_NEG_TEXT.search(text)) and not _INCLUSIVE.search(text)  # a fee after it ("zzgl. 3,30 €
            # Pfand"), not the price with tax and delivery ("(£99.99 inc VAT & delivery)")
            return amount if shown else None
    return None


_NOW_WORD = re.compile(r"\s*(?:\b(?:now(?: only)?|sale|only|our price|nur|jetzt(?: nur)?|ahora|maintenant|seulement|adesso|"
                       r"solo|teraz|nu|nyt|nú|агора|сейчас|зараз)\b\.?\s*:?|→|->|⇒|▶|»)\s*", re.I)
_ARROW_PAIR = re.compile(r"^(?P<was>[^→>⇒▶»]*\d[^→>⇒▶»]*?)\s*(?:→|->|⇒|▶|»)\s*(?P<now>[^→>⇒▶»]*\d[^→>⇒▶»]*)$")


def _was_then_now(raw: str) -> tuple[str, str] | None:
    """(was, now) of one text holding both: "Was £34.99 Now £24.99", "RRP £22.00 Our price £11.00",
    "statt 34,99 € nur 24,99 €"; "39,000원 → 29,000원" (an arrow, no was-word)."""
    m = _WAS_TEXT.match(raw)
    if m:
        rest = raw[m.end():]
        for now in _NOW_WORD.finditer(rest):
            was, cur = rest[:now.start()].strip(), rest[now.end():].strip()
            if was and cur and _lone_amount(was) and _lone_amount(cur) and looks_like_price(cur):
                return raw[:m.end()] + was, cur
        return None
    m = _ARROW_PAIR.match(raw)
    if m and _lone_amount(m.group("was").strip()) and _lone_amount(m.group("now").strip()) \
            and looks_like_price(m.group("now")):
        return m.group("was").strip(), m.group("now").strip()
    return None


def _tail_price(el) -> str | None:
    """A price written as bare text between the children of a long mixed cell (old table
    layouts: ``<td><font size=4>Name</font><br><img …><br>Price: $129.00<input …></td>``): the
    first short text after a child that is one amount with a word or two, not postage."""
    for kid in el:
        tail = kid.tail
        if not tail or len(tail) > 80 or not _DIGIT.search(tail):
            continue
        text = clean_text(tail)
        if text and _lone_amount(text) and not postage_line(text):
            return text
    return None


def _lone_amount(text: str) -> bool:
    """One amount and a word or two ("Nur 49,90 EUR", "Price: $129.00", "Now $60"): not
    "20 x 49,95 zł", "3 rate da 333,00 €", "2 for $30" (instalments and multi-buys), nor a
    saving, unit or postage amount by its words."""
    return len(text) <= 40 and looks_like_price(text) and len(_NUMBER_RUN.findall(text)) == 1 \
        and not _INSTALMENT_TEXT.search(text) and not _NEG_TEXT.search(text)


_DIGIT = re.compile(r"\d")
_NUMBER_RUN = re.compile(r"\d(?:[\d.,'’\s]*\d)?")


# A word of mixed-case letters with digits between letters, six characters or more: an encoded
# value (base64 "MzI5Ljk5" is 329.99, which the page fills in by script) or a model code, whose
# digits are no amount ("MzI5Ljk5 $" would read as $5).
_ENCODED = re.compile(r"(?<![\w/.-])(?=[A-Za-z0-9+/]{6,}={0,2}(?![\w/.-]))(?=[A-Za-z0-9+/]*[a-z])(?=[A-Za-z0-9+/]*[A-Z])"
                      r"[A-Za-z0-9+/]*[A-Za-z]\d+[A-Za-z][A-Za-z0-9+/]*={0,2}"
                      # and a template's placeholder ("${1}", "{{ price }}", "{0}") left in the page
                      r"|\$?\{\{?[^{}]*\}\}?")


# A minus sign right before an amount after other words ("12 cambios, hace 8 días -100 €", a
# price history's drop; "Rabatt -15 €"): a change or a saving, not a price. Not a range's dash
# ("100 - 200 €") nor a code's ("P100D-100").
_MINUS_AMOUNT = re.compile(r"(?<![\w.,])[-−–](?=[€$£¥₹]?\d+(?:[.,]\d+)*(?!\s?%)(?![\d.,]))|(?<=\s)\+\s?(?=(?:[A-Z]{1,2}\$|[€$£¥₹])\s?\d)")


def shown_prices(sc, heading, heading_pos: int, ctx: PageContext, limit: int = 3) -> Shown:
    """The current and list prices the page shows for its product (see the module doc)."""
    token = _PAGE_STRUCK.set(sc.struck_classes)
    try:
        return _shown_prices(sc, heading, heading_pos, ctx, limit)
    finally:
        _PAGE_STRUCK.reset(token)


def _meta_currency(el, ctx: PageContext) -> str | None:
    """A ``<meta itemprop="price" content="36.97">``'s currency: its sibling ``priceCurrency`` meta's, else the
    one the short text of the element it sits in shows with the same amount (Etsy's "US$ 36.97+"; not "+ $4.95
    shipping")."""
    parent = el.getparent()
    if el.tag != "meta" or parent is None:
        return None
    for sib in parent:  # <meta itemprop="priceCurrency" content="USD"> beside it (outside any itemscope it is
        # no markup offer: the page's own reading, as with structured data off)
        if sib.tag == "meta" and (sib.get("itemprop") or "").lower() in ("pricecurrency", "currency"):
            code = normalize_currency(sib.get("content"), country=ctx.country)
            if code:
                return code
    text = element_text(parent) or ""
    if not text or len(text) > 40 or parse_amount(el.get("content"), structured=True) != parse_amount(text):
        return None
    return currency_in_text(text, country=ctx.country)


def _shown_prices(sc, heading, heading_pos: int, ctx: PageContext, limit: int) -> Shown:
    heading_depths = _ancestor_depths(heading)
    names = {squash(t) for t in [*ctx.hints, element_text(heading) if heading is not None else None] if t}
    buy = _buy_button(sc, heading, heading_pos)
    buy_depths = _ancestor_depths(buy)
    hinted = {id(el) for _, el in sc.prices}
    seen: set[int] = set()
    pool = []
    for pos, el in sc.prices + sc.text_prices:
        if id(el) not in seen:
            seen.add(id(el))
            pool.append((pos, el))
    nearest = sorted(pool, key=lambda p: abs(p[0] - heading_pos))[:_NEAREST]
    candidates = []
    was_pairs: list = []  # (el, list price) read from a "was … now …" text
    split: set = set()
    own_text: set = set()  # elements read by their own leading text (not a wrapper of their children)

    def was_pair(el, was_raw: str) -> None:
        """The was price a text or a price box shows beside its current one, kept as a list price."""
        was_cur = currency_in_text(was_raw, country=ctx.country)
        was_amount = parse_amount(_amount_part(was_raw, ctx.country), currency=was_cur)
        if was_amount is not None:
            was_pairs.append((el, PriceCandidate(was_amount, was_cur, was_raw, role="list")))
        own_text.add(el)

    for pos, el in sorted(nearest, key=lambda p: p[0]):
        struck = _after_struck(el)
        if struck:  # "<s>$20.00</s> $<span>15</span>.<sup>00</sup>": the price after the struck one
            (was_raw, raw), joined = struck, True
            was_pair(el, was_raw)
        else:
            raw, joined = _raw(el)
        if joined or _in_pieces(el):
            split.add(el)
        if raw and el.text and (len(raw) > 40 or not joined and _bracketed_saving_first(el)) \
                and looks_like_price(el.text.strip()):
            # "$89.95<span> inc GST</span><br><span>($81.77 ex GST – GST $8.18)</span>": the
            # element's own leading amount, not its whole long text; so also before a bracketed
            # saving ("127,200원 <span>(31,800원 할인)</span>", Cafe24; not "(税込1,980円)", the
            # price with tax that the rules below prefer)
            raw = el.text.strip()
            own_text.add(el)
        if raw and len(el) and not joined and not price_prop(el):
            after = _after_was(el) or (_tail_price(el) if len(raw) > 40 or not looks_like_price(raw) else None)
            if after:
                raw = after
                own_text.add(el)
            elif lead := _lead_before_was(el):
                raw = lead  # "<p class="price">$54.40 <del>$68.00</del></p>": its own leading amount
                own_text.add(el)
        pair = _was_then_now(raw) if raw and len(raw) <= 60 else None
        if pair:  # "Was £34.99 Now £24.99", "statt 34,99 € nur 24,99 €", "39,000원 → 29,000원" in one text
            was_raw, raw = pair
            was_pair(el, was_raw)
        if raw and squash(raw) in names and len(re.findall(r"[^\W\d_]{2,}", raw)) >= 2:
            continue  # the product's name ("AMD Ryzen 7 7800X3D", "Porsche 911 GT3 RS"), not an amount
        if raw and cents_piece(el, raw):
            continue  # the cents of the amount before it ("89<sup>€99</sup>"), no price of their own
        if raw and _ENCODED.search(raw):
            raw = _ENCODED.sub(" ", raw)  # Costco's "Online Price MzI5Ljk5 $" (base64), "a ${1}": no amount
        if not raw or len(raw) > 40 or not re.search(r"\d", raw):
            continue
        bare = False
        if not price_prop(el) and not looks_like_price(raw):
            if not _bare_price(el, raw):
                continue
            bare = True
        if _in_chrome(el):
            continue
        currency = currency_in_text(raw, country=ctx.country)
        if currency is None and price_prop(el) and el.get("content"):
            # <span itemprop="price" content="253">253.0 грн</span>: the text shows the currency
            currency = currency_in_text(element_text(el) or "", country=ctx.country) or _meta_currency(el, ctx)
        if not _CODE.search(raw) and (currency is None or re.search(r"\$|\bkr\b|¥", raw)):
            currency = _code_after(el) or currency  # <span>$1</span><span>CAD</span>: "$" left open
        if currency is None and bare:
            sign = _sign_before(el, ctx.country) or _sign_after(el, ctx.country)  # <span>SR</span><span>1,550</span>
            if sign:
                currency = currency_in_text(f"1 {sign}", country=ctx.country)
                raw = f"{raw} {sign}"  # the amount read with its sign (toman: ten rials)
        amount = parse_amount(_amount_part(raw, ctx.country), currency=currency)
        if amount is None:
            continue
        candidates.append((pos, el, raw, amount, currency, bare))
    # A wrapper with more text than its inner price ("$400 5 bids" around "$400") is not a
    # price itself; one with the same text (li.price around span.price-old) is kept.
    # Split cents ("$249<sup>99</sup>") are the other way round: the wrapper is the price.
    # A bare amount that is a piece of a price printed with its currency (Amazon's "80" in
    # <span class="a-price">€<span>16.</span><span class="a-price-fraction">80</span></span>)
    # is no price of its own.
    candidates = [c for c in candidates if not (c[5] and _fragment(c[1], c[3], ctx))]
    texts = {el: clean_text(raw) for _, el, raw, _, _, _ in candidates}
    wrappers = {a for _, el, raw, _, _, _ in candidates for a in el.iterancestors()
                if a in texts and texts[a] != texts[el] and a not in split and a not in own_text}
    wrappers |= {el for _, el, _, _, _, _ in candidates if any(a in split for a in el.iterancestors())}
    current, listed, elements, converted, fallback = [], [], {}, set(), []
    tiers: set = set()
    instalments: set = set()
    tier_first: dict[int, int] = {}  # tier block -> its first amount's element
    currencies = {c[4] for c in candidates}
    grid, grid_cards = _grid([c[1] for c in candidates if c[1] not in wrappers], ctx.base_url)
    for pos, el, raw, amount, currency, bare in candidates:
        if el in wrappers or el in grid:
            continue
        tag_label = _label(el, any_tag=True)  # the short text just before the amount, any element
        if currency and any(c and c != currency for c in currencies) and _converted(el, raw, tag_label):
            converted.add(amount)  # beside a price in another currency: a conversion of it
            continue
        marks = " ".join(marker(a) for a in (el, el.getparent()) if a is not None)
        cand = PriceCandidate(amount, currency, raw)
        depth = max(_shared_depth(el, heading_depths), _shared_depth(el, buy_depths))
        if _hidden(el) or _read_aloud_copy(el):
            continue  # display:none, a <template>: not shown; a screen reader's copy of a shown amount
        before = _words_before(el)
        if _omnibus(el, raw, before):
            continue  # the EU's 30-day lowest price: a reference, neither current nor list
        struck = _struck(el)
        was = None if struck else (_was_word(raw, tag_label) or (None if tag_label else _was_word(raw, _wrapper_label(el)))
                                   or (None if tag_label else _was_words_before(before)))
        if struck or was is not None:
            listed.append((el, PriceCandidate(amount, currency, raw, role="list")))
            if struck or not _SOFT_WAS.fullmatch(was.strip(" :")):
                continue
        tier = _tier_block(el)
        if tier is not None and not (tier_first.setdefault(id(tier), id(el)) == id(el) and _one_unit_row(el, tier)) \
                or _qty_label(tag_label, el):
            tiers.add(amount)  # a quantity tier's price; a tier table's first row is one unit's
            continue
        if _INSTALMENT_TEXT.search(raw):
            instalments.add(amount)  # ("$24.96/mo.": the markup's price may be this one, a month's)
        bad = bool(_PRICE_BAD.search(_without_tax_words(marks))) and not _INCL_LEAD.match(raw) \
            or bool(_NEG_TEXT.search(_without_free_shipping(raw))) or _before_tax(after := _text_after(el)) \
            or bool(_ON_CONDITION_AFTER.match(after)) \
            or raw.lstrip().startswith(("+", "-", "−", "–")) or _signed(raw, amount, currency) \
            or _instalment(el) or was is not None \
            or (len(raw) > 12 and bool(_INSTALMENT_TEXT.search(raw))) or bool(_INSTALMENT_BEFORE.search(before[-60:])) \
            or _addon(el, raw) or _for_some(raw) or _headed_as_offers(el)
        listish = bool(_LIST_CLASS.search(marks) or _CAMEL_LIST.search(marks)) or _smaller_twin(el)
        if listish:
            listed.append((el, PriceCandidate(amount, currency, raw, role="list")))
        if among_others(el) or _in_tile(el, ctx.base_url) or _shipping(el, raw):
            continue  # another product's price (a tile, a sponsored or "also bought" block) or postage
        label = _label(el)
        bad = bad or elsewhere(el) or (bool(_NEG_TEXT.search(label)) and not _FREE.search(label)) \
            or bool(_TIER_LABEL.search(label)) or _loyalty(el) or _with_coupon(el, tag_label) \
            or _offers_from(el) or bool(_OFFERS_FROM.search(_TRAILING_AMOUNT.sub("", raw)))
        if bare and bad:
            if _NOT_ALONE.search(_without_tax_words(marks)):
                continue
            fallback.append(((True, -depth, listish, False, True, True, abs(pos - heading_pos)), cand))
            elements[id(cand)] = el
            continue  # a bare amount with a doubtful class: only when nothing else is shown
        good = bool(_PRICE_GOOD.search(marks)) or bool(_PRICE_LABEL.fullmatch(tag_label))
        # price-marked: itself, or the price-classed wrapper whose visible copy it is
        marked = id(el) in hinted or id(el.getparent()) in hinted
        # at the same depth a price whose class says "list" ("price-standard" beside "price-sales",
        # both repeated by the buy button) comes after one that does not
        # among doubtful amounts a month's instalment comes last (Apple's "From $799" in a "fullprice" class
        # beside "or $33.29/mo. for 24 mo."): printed as the price it is the worst mistake
        key = (2 if bad and amount in instalments else int(bad), -depth, listish, not marked, not good, bare,
               abs(pos - heading_pos))
        current.append((key, cand))
        elements[id(cand)] = el
    listed.extend(was_pairs)
    current = current or fallback
    current.sort(key=lambda r: r[0])
    if current and current[0][0][0] and _on_request(sc):
        current = []  # "Prijs op aanvraag" in the product's price box: the doubtful amounts are others'
    current = _settle_by_saving(current, listed, elements)
    current = _settle_by_now(current, listed, elements)
    current = _settle_by_percent(current, listed, elements)
    if current and _saving_only(current[0][1].note):
        # "Save $5.00" beside a struck "$20.00": the saving, never the price to print (after a price,
        # its sign still tells an unsigned price's currency: "89.00" "Save $10"); nor a doubtful amount
        # after it ("Free shipping on orders over $50"): the page prints no sale price
        near: set = set()  # the savings' containers, three levels up
        while current:
            el = elements[id(current[0][1])]
            ups = [el, *islice(el.iterancestors(), 3)]
            if _saving_only(current[0][1].note):
                near.update(ups)
            elif not current[0][0][0] or any(a in near for a in ups):
                break  # an undemoted price, or a demoted one in the saving's own price box ("15,00 € inkl. MwSt.")
            current.pop(0)
    out: list[PriceCandidate] = []
    for _, cand in current:
        if all(c.amount != cand.amount for c in out):
            out.append(cand)
        if len(out) >= limit:
            break
    # Confident: a price-marked, undemoted candidate within three levels of the heading's or
    # the buy button's own container (what a person reads as "the price").
    near = [len(d) - 3 for d in (heading_depths, buy_depths) if d]
    confident = bool(current and near) and not current[0][0][0] and not current[0][0][3] \
        and -current[0][0][1] >= min(near)
    # Beside its own buy button: the first price is undemoted and within three levels of the add-to-cart
    # control's container, that button outside the grid's cards (Tailwind's product page, unclassed
    # "$192" above "Add to bag", then twelve "Customers also purchased" cards): a product's page.
    beside_buy = bool(current and buy_depths and grid) and not current[0][0][0] \
        and _shared_depth(elements[id(current[0][1])], buy_depths) >= len(buy_depths) - 3 and not _in_card(buy, grid)
    pairs = _list_beside(current, listed, elements)
    return Shown(out, [c for _, c in listed], confident, {c.amount for _, c in current}, pairs, converted,
                 first_ok=bool(current) and not current[0][0][0], grid_cards=grid_cards, tiers=tiers,
                 beside_buy=beside_buy, instalments=instalments,
                 with_tax=bool(current) and _with_tax_beside(elements[id(current[0][1])]))


_SAVED = re.compile(r"\b(save|saving|you save|off|sparen|sie sparen|gespart|ersparnis|ahorra[rs]?|ahorrás|ahorro|"
                    r"экономите|экономия|выгода|oszczędzasz|ušetříte|tasarruf|"
                    r"économisez|risparmi[ao]?|rabatt|desconto|economi[sz]e|скидка|скидку|skidka|sleva|"
                    r"popust|zniżka|rabat)\b", re.I)


# a price or saving for some shoppers only: with a coupon, a code, a membership, a loyalty card,
# the app ("€6,64 mit Gutschein", "members' price", "with code SAVE10")
_CN_PROMO = r"(?:加(?:价|價)?(?:购|購)?|[赠贈]|(?<![配运運往])[送返]|领取?|領取?|下单立[减減]|立[减減])"
_CONDITIONAL = re.compile(r"クーポン|쿠폰|优惠券|優惠券|折價券|"
                          # Chinese promotions: "【加10元得热销保护套】", "加价购￥10" (add ¥10, get a case), "赠3元京券"
                          # (a ¥3 coupon as a gift), "满199减100", "立减20元", "返5元", "10元换购": an add-on's or a
                          # coupon's amount, or a bracketed promotion tag's ("【直降10元】") (not "送2块", two pieces
                          # free, "满99元包邮", "配送 ￥6", nor "已省5元" or "直降￥10" beside the price, a saving)
                          rf"{_CN_PROMO}(?:\s*[¥￥$]\s*\d|\s*\d[\d.,]*\s*元)|[满滿]\s*[¥￥$]?\s*\d[\d.,]*[^\d减減]{{0,3}}[减減]|"
                          r"\d[\d.,]*\s*元\s*[换換][购購]|[换換][购購]\s*[¥￥$]\s*\d|【[^】\d]{0,6}(?:[¥￥]\s*\d|\d[\d.,]*\s*元)[^】]{0,12}】|"
                          r"\b(gutschein\w*|coupons?|cupom|cupón|kupon|voucher|(promo|discount|rabatt)?code|"
                          r"members?|member's|mitglied\w*|club price|loyalty card|kundenkarte|tarjeta|"
                          r"in the app|in-app|app only|ebay plus|sepette|"  # (Trendyol's "Sepette 6.412,40 TL": a basket campaign's price)
                          # supermarkets' loyalty prices: "£4.50 with Nectar", "Clubcard Price", "mit PAYBACK"
                          r"(with|mit|avec|con)\s+(nectar|clubcard|payback|my ?waitrose|boots advantage|card))\b|"
                          r"\bclubcard price\b", re.I)


_SAVING_LEAD = re.compile(r"\s*(?:you\s+|vous\s+|du\s+|sie\s+|je\s+)?(?:save|savings?|sparen|sparst|spart|ersparnis|"
                          r"ahorra[rs]?|ahorro|économisez|bespaart?|risparmi[ao]?|economi[sz]e|oszczędzasz|ušetříte|"
                          r"экономия|экономите)\b", re.I)


def _saving_only(note: str) -> bool:
    """The text is a saving and its one amount is the saving ("Save $5.00", "Ersparnis 10,00 €"; not
    "Save 25% Now $89.99", which holds the price)."""
    m = _SAVING_LEAD.match(note)
    return bool(m) and bool(_SAVING_REST.fullmatch(note[m.end():].strip(" :")))


# the saving's one amount, then perhaps its share: "$5.00", "5,00 €", "$5.00 (25%)", "$5 (25% off)"
_SAVING_REST = re.compile(r"(?:[^\d\s]{1,4}\s?)?\d[\d.,'’ ]*(?:\s?[^\d\s(]{1,4})?\s*(?:\(?-?\d+(?:[.,]\d+)?\s?%(?:\s*off)?\)?)?",
                           re.I)


def _settle_by_saving(current: list, listed: list, elements: dict) -> list:
    """ "$ 99", "$ 79", "$20 OFF" with no strike or class to tell them apart: the two amounts
    (of the first four shown, one of them the price that would be printed) whose difference is
    the saving the page prints are the list price (the higher, moved to ``listed``) and the sale
    price (first from then on). Not when a struck price already explains the saving ("$99",
    <del>$119</del>, "Save $20"), nor for a price "mit Gutschein" (a coupon's, a member's: no
    price for every shopper)."""
    if not current:
        return current
    saving = {id(c) for _, c in current if _SAVED.search(c.note)}
    saved = [c.amount for _, c in current if id(c) in saving and not _CONDITIONAL.search(c.note)]
    plain = [(k, c) for k, c in current if id(c) not in saving]
    first = plain[0][1] if plain else None
    struck = {c.amount for _, c in listed}
    for amount in saved:
        if any(s - c.amount == amount for s in struck for _, c in plain):
            continue  # the struck list price and a current one already make this saving
        top = [c for _, c in plain[:4]]
        pair = next(((a, b) for a in top for b in top if a.amount > b.amount and a.amount - b.amount == amount
                     and a.currency == b.currency and first in (a, b)), None)
        parent = elements[id(pair[1])].getparent() if pair else None
        if pair and not (parent is not None and _CONDITIONAL.search(_head_text(parent, 200))):
            was, now = pair
            listed.append((elements.get(id(was)), PriceCandidate(was.amount, was.currency, was.note, role="list")))
            rest = [r for r in current if r[1] is not was and r[1] is not now]
            return [next(r for r in current if r[1] is now)] + rest
    return current


# a discount badge of its own: the percentage alone, signed or with an off-word ("-29%", "29% GIẢM", "Save 30%")
_DISCOUNT_BADGE = re.compile(
    r"\s*[(\[]?\s*(?:[-−–]\s?(?P<a>\d{1,2})\s?%|(?P<b>\d{1,2})\s?%\s*(?:off|giảm|rabatt|desc(?:uento|onto)?|dto\.?|"
    r"sconto|remise|korting|taniej|zniżki|indirim|скидка|знижка|할인|割引|オフ|引き|折)?!?|"
    r"(?:save|spare|sparen|spar|ahorra|économisez|risparmi|economize|bespaar|oszczędzasz)\s+(?P<c>\d{1,2})\s?%)"
    r"\s*[)\]]?\s*", re.I)


def _badges(box) -> list[tuple]:
    """The discount badges in ``box``: (element, percentage) of each element whose whole text is one."""
    out = []
    for n, el in enumerate(box.iter()):
        if n > 200:
            break
        if isinstance(el.tag, str) and not len(el) and (m := _DISCOUNT_BADGE.fullmatch(el.text or "")):
            out.append((el, int(m.group("a") or m.group("b") or m.group("c"))))
    return out


def _plain_line(el, skip: set) -> bool:
    """The amount's line (its parent's text, badges left out) holds amounts and currency signs only ("KSh"): no
    words saying for whom or on what condition ("Pagando con bonifico: 95,00 €", "5+ boxes: $10.80")."""
    line = el.getparent() if el.getparent() is not None else el
    text = " ".join(kid.text for n, kid in enumerate(line.iter())
                    if n < 40 and isinstance(kid.tag, str) and kid not in skip and kid.text)
    return "+" not in text and all(_CODE.fullmatch(w) or sign_text(w) for w in re.findall(r"[^\W\d_]{2,}", text))


def _settle_by_percent(current: list, listed: list, elements: dict) -> list:
    """Shopee's "₫1.390.000 - ₫1.690.000", "₫990.000 - ₫1.290.000", "29% GIẢM", the strike in a stylesheet
    the page does not hold: two of the first three amounts whose difference is the percentage a discount
    badge in the box they share prints (a "-29%" or "29% off" of its own, within a point), each on a line
    of amounts alone, are the list price (the higher, moved to ``listed``) and the price. Not a tax rate
    ("inc. and ex. 10% GST", "税率10%"), a condition's price ("Pagando con bonifico: 95,00 € (sconto 5%)",
    "5+ boxes: $10.80 (10% off)"), nor when a struck price already explains it."""
    if len(current) < 2 or current[0][0][0]:
        return current
    struck = {c.amount for _, c in listed}
    top = [(k, c) for k, c in current[:3] if not k[0]]
    for (_, was), (nkey, now) in ((a, b) for a in top for b in top if a[1].amount > b[1].amount):
        if was.currency != now.currency or current[0][1] not in (was, now) \
                or any(s > now.amount for s in struck):
            continue
        off = 100 * (was.amount - now.amount) / was.amount
        box = _shared_box(elements[id(was)], elements[id(now)])
        badges = _badges(box) if box is not None else []
        skip = {b for b, _ in badges}
        if any(abs(off - pct) <= 1 for _, pct in badges) and not _for_some(_head_text(box, 300, " ")) \
                and _plain_line(elements[id(now)], skip) and _plain_line(elements[id(was)], skip):
            listed.append((elements[id(was)], PriceCandidate(was.amount, was.currency, was.note, role="list")))
            return [(nkey, now)] + [r for r in current if r[1] is not now and r[1] is not was]
    return current


def _shared_box(a, b, levels: int = 3):
    """The nearest element holding both ``a`` and ``b``, at most ``levels`` above ``a``."""
    ups = [a, *islice(a.iterancestors(), levels)]
    return next((u for u in ups if u is b or any(x is u for x in b.iterancestors())), None)


def _settle_by_now(current: list, listed: list, elements: dict) -> list:
    """Gap's "$64.95" then "Now $52.00", two lines of one price box: the amount the page leads with a
    now-word ("Now", "Sale", "Jetzt"), its line the word and the amount alone, right after a line that
    is a higher amount alone (the element or its parent, at the same level; not options of a list) is
    the price, the other its list price."""
    if len(current) < 2 or current[0][0][0] or not _amount_alone(current[0][1].note):
        return current
    first = current[0][1]
    before = [elements[id(first)], elements[id(first)].getparent()]
    for key, cand in current[1:3]:
        el = elements[id(cand)]
        kid = next((k for k in el if isinstance(k.tag, str)), None)
        # its own line: the text before a block inside it (Gap's reviews widget in the price's <h5>)
        text = clean_text(el.text) or "" if kid is not None and kid.tag in _BLOCK_TAGS else cand.note
        lead = _NOW_LEAD.match(text)
        if key[0] or not lead or not _amount_alone(re.sub(r"[^\w.,'’$€£¥]+$", "", text[lead.end():])) \
                or cand.amount >= first.amount \
                or cand.currency != first.currency:
            continue  # (not "Now $15 each when you buy 2", "Sale: $25 gift card", "Now $649.99 Refurbished";
            # a rating's stars after it are no words)
        # the now-line comes right after the plain one, at the same level (sibling lines of one box, not
        # a swatch, an add-on or a strip of other products after it)
        if any(b is not None and a.tag not in _OPTION_TAGS and previous_element(a) is b
               for a, b in zip([el, el.getparent()], before)):
            listed.append((elements[id(first)], PriceCandidate(first.amount, first.currency, first.note, role="list")))
            return [(key, cand)] + [r for r in current if r[1] is not cand and r[1] is not first]
    return current


_BLOCK_TAGS = {"div", "p", "ul", "ol", "dl", "table", "section", "form"}
_OPTION_TAGS = {"li", "option", "td", "tr", "label", "dd"}  # a list's options, a table's cells


def _amount_alone(text: str) -> bool:
    """An amount and its currency sign or code, nothing else: "$64.95", "39,99 €", "USD 52.00" (not
    "$39/day", "$5 ea")."""
    m = re.fullmatch(r"\s*(\S{0,4}?)\s?(\d[\d.,'’ ]*\d|\d)\s?(\S{0,4})\s*", text)
    return bool(m) and all(not g or sign_text(g) for g in (m.group(1), m.group(3)))


# the amount's own text opens with a now-word: "Now $52.00", "Sale $19.99", "Jetzt 39,99 €"
_NOW_LEAD = re.compile(r"\s*(?:now(?: only)?|sale|jetzt(?: nur)?|ahora|maintenant|adesso|teraz|nu|nyt)\b\.?\s*:?\s*(?=\S{0,4}\d)", re.I)


_TABLE_TAGS = {"table", "tbody"}  # rows of one price table (Cafe24's "판매가" row above "할인판매가")


def _list_beside(current: list, listed: list, elements: dict) -> dict:
    """Current amount -> the list price printed beside it (sharing a container at most three levels
    up from the price, four from the list price: SFRA's "PVP Recomendado: <span class="strike-through
    list"><span class="value">"), or rows of one table, so a list price is only ever paired with its own
    sale price."""
    pairs = {}
    for _, cand in current:
        el = elements[id(cand)]
        if cand.amount in pairs:
            continue
        up = {a: n for n, a in enumerate([el, *el.iterancestors()]) if n <= 3 or n <= 5 and a.tag in _TABLE_TAGS}
        for other, lp in listed:
            if other is None or elsewhere(other):
                continue  # (a bundle's struck price beside the buy box: "Im Set mit …: <s>1.299,00 €</s>")
            common = next((n for n, a in enumerate([other, *other.iterancestors()])
                           if a in up and (n <= 4 or n <= 5 and a.tag in _TABLE_TAGS)), None)
            if common is not None and lp.amount > cand.amount:
                pairs[cand.amount] = lp
                break
    return pairs
