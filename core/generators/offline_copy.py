"""Offline copywriter: a prefill written from the scraped product, no network.

Headline from the shortened title (framed by the variant's angle, in the page's language:
core/generators/copy_i18n.py), a benefit-led
subtitle picked from the description, a price widget from the extracted price, a CTA
phrased per variant, and colours taken from the source photo's own palette.
"""

from __future__ import annotations

import re

from PIL import Image

from core.errors import GenerationError
from core.images import ImageTooLarge, decode_image
from core.generators.brief import (
    ProductBrief,
    clean_text,
    clip_words,
    format_price,
    is_latin,
    is_rtl,
    rating_worth_showing,
    sentences,
    short_title,
    with_ellipsis,
    without_dangling_words,
)
from core.generators.price_once import price_once
from core.generators.copy_i18n import WORDS, CopyWords, copy_words
from core.generators.variants import ANGLES, VariantPlan, plan_variant
from core.palette import banner_colors, extract_palette
from core.prefill import CTA_MAX, HEADLINE_MAX, SUBTITLE_MAX, validate_prefill

# Words that signal a sentence says what the buyer gets, not what the item is made of.
_BENEFIT_WORDS = re.compile(
    r"\b(you|your|keeps?|lasts?|protects?|easy|easier|comfort\w*|save|saves|helps?|perfect|"
    r"enjoy|effortless|durable|light(weight)?|fast|quiet|soft|warm|cool|fresh|safe|"
    r"waterproof|all[- ]day|every ?day|without|never|free)\b",
    re.IGNORECASE,
)
_FREE_SHIPPING = re.compile(
    r"free (shipping|delivery)|livraison gratuite|kostenloser versand|versandkostenfrei|"
    r"env[ií]o gratis|frete gr[aá]tis|envio gr[aá]tis|spedizione gratuita|darmowa dostawa|"
    r"besplatna dostava|brezpla[cč]na dostava|doprava zdarma|bezmaksas pieg[aā]de|tasuta tarne|"
    r"бесплатная доставка|무료\s?배송|משלוח חינם",
    re.IGNORECASE)
_DISCOUNT = re.compile(r"(?<!\d)(\d{1,2})\s?%\s?(off|discount|rabatt|de réduction)", re.IGNORECASE)
_RATING = re.compile(r"(?<![\d.])([0-4](?:[.,]\d)?|5(?:[.,]0)?)\s?(?:/\s?5|out of 5|stars?)",
                     re.IGNORECASE)


def _words(brief: ProductBrief, title: str) -> CopyWords | None:
    """The page's language's words; English for a Latin title on a page of unknown language;
    None (no frames, the title in its own words) for a language we have no words for."""
    if brief.language:
        return copy_words(brief.language)
    return WORDS["en"] if is_latin(title) else None


def _headline(brief: ProductBrief, plan: VariantPlan, taken: set[str]) -> str:
    """First template of this angle (then any angle) whose result no other variant has."""
    title = short_title(brief.title or brief.brand or "New arrival", brief.brand, HEADLINE_MAX)
    price = format_price(brief.price, brief.currency, brief.language)
    candidates: list[str] = []
    words = _words(brief, title)
    if words is not None:
        order = [plan.angle] + [a for a in words.headlines if a != plan.angle]
        for angle in order:
            for tpl in words.headlines[angle]:
                if "{p}" in tpl and not price:
                    continue
                # only frame the title if the frame fits: never cut a name to fit a slogan
                text = tpl.format(t=title, p=price)
                if len(text) <= HEADLINE_MAX:
                    candidates.append(text)
    else:
        # a language without frames keeps the title's own words; variants differ by the part shown
        full = clean_text(brief.title)
        candidates += [title, clip_words(full, HEADLINE_MAX)]
        if price:
            candidates.append(clip_words(f"{title} · {price}", HEADLINE_MAX))
        # (not the shop speaking of itself: "【创维M300】京东JD.COM提供…正品行货，全国价格最低" is
        # JD's blurb, not a headline)
        candidates += [clip_words(s, HEADLINE_MAX) for s in sentences(brief.description)[:3]
                       if not (_SHOP_LINE.search(s) or _NAMES_A_SHOP.search(s))]
    candidates.append(title)
    for text in candidates:
        if text and text.casefold() not in taken:
            return text
    # every wording is taken (many variants of a product in a language we have no frames
    # for): repeat one, in turn; the variants still differ in subtitle, CTA, layout and
    # colours. Never a "#4" on an ad.
    unique = list(dict.fromkeys(t for t in candidates if t))
    return unique[plan.index % len(unique)] if unique else title


# A sentence that reads as small print, not as a reason to buy: a footnote marker, conditions,
# caveats ("* Subject to availability", "Even if you're using Multi-user …").
_SMALL_PRINT = re.compile(
    r"^\s*[*†‡¹²³※]|[.!]\s?\*|\b(subject to|terms (and|&) conditions|terms apply|sold separately|"
    r"may vary|for details|even if|not available|not included|requires? (a|an|the)\b|"
    r"compatible (only )?with)\b|イメージです|画像はイメージ|仅供参考",
    re.IGNORECASE)
# "Free delivery on orders over £50": a condition, not free shipping for this product
_CONDITIONAL = re.compile(
    r"\b(over|above|from|orders? of|spend|min(imum)?|ab|dès|à partir de|desde|a partir de|"
    r"oltre|powyżej|od)\s*[$€£¥₹]?\s?\d", re.IGNORECASE)


# A shop's service line, not a word about the product: delivery, returns, stock, prices, "Buy …
# online at …", the shop naming itself ("Play.com is the top UK site for DVDs") — meta descriptions
# and site-wide banners: "Free 30-Days Returns.", "Compre agora pelo menor preço!", "Gratis Versand
# durch Amazon ab 29€". Kept for a subtitle only when the description says nothing else.
_SHOP_LINE = re.compile(
    # (the service word next to it, or one word between: "Free 30-Days Returns", "Free UK Delivery";
    # "Quick-dry fabric returns to shape" is no service)
    r"\b(free|easy|fast|next[- ]day|same[- ]day|express|worldwide|fast & free)"
    r"(?:\s+(?:[\w-]*\d[\w-]*|uk|us|eu|standard|international|worldwide|next[- ]day|same[- ]day|prime))?"
    r"\s+(returns?|delivery|shipping|dispatch|exchanges?)\b|"
    r"\b(returns? (policy|within)|money[- ]back|price match|in stock|out of stock|dispatched|"
    r"ships? (in|within|today|free)|customer (service|reviews?)|order (now|today|online)|"
    r"(low|best|great|unbeatable) (prices?|deals?)|eligible orders?|click (&|and) collect)\b|"
    r"^\s*(buy|shop|order)\b.*\b(online|at|from)\b|"
    # the same in the shops' other languages
    r"\b(menor|melhor|mejor|meilleur|miglior|besten?|g[üu]nstigsten?|laagste) (pre[çc]o|precio|prix|prezzo|preis|prijs)|"
    r"\b(em|en|in) (oferta|offerta)|\bmais ofertas|\bcompre (agora|j[áa]|online)|\bcompra (online|ahora|ya)|"
    r"\bachetez|\bacquista (ora|online)|\bjetzt (kaufen|bestellen)|\bg[üu]nstig kaufen|\bpreisvergleich|"
    r"\bversand|\bbestellwert|\blieferung|\blivraison|\bspedizione|\bverzending|\bbezorging|"
    r"\bentrega (gr[aá]tis|r[aá]pida)|\bfrete|\benv[ií]o|\bretours?\b|\br[üu]ckgabe|"
    # Chinese and Japanese shops' own lines: "genuine goods", "lowest price in the country", "online
    # shopping guide", "cash on delivery", "nationwide warranty"; "mail order", "lowest price"
    r"正品行货|价格最低|最低价|网购|货到付款|全国联保|样样齐全|通販|最安値|"
    # Arabic and Persian shops': "at the best price in Egypt", "shop online"; "online order",
    # "online shop", "buy and review (a book)"
    r"بأفضل سعر|أفضل الأسعار|تسوق أونلاين|اشتر[يِ]? أونلاين|سفارش اینترنتی|خرید اینترنتی|فروشگاه اینترنتی|خرید و معرفی",
    re.IGNORECASE)
# the shop's own address in a sentence ("… em oferta na americanas.com!", "Play.com is the top UK
# site"): it speaks of the shop, and on a marketplace of another shop than the user's
# (the top-level domain in lower case, as addresses are written: "cotton.It keeps" is a missing space)
_NAMES_A_SHOP = re.compile(r"\b[A-Za-z0-9-]+\.(com|net|co\.uk|de|fr|es|it|nl|ca|pl|br|jp|in|au|co)\b(?![-/])")
# "Kondensationseffizienzklasse: A", "Farbe: weiß": a spec table's row, not a sentence
_SPEC_ROW = re.compile(r"^[^:.!?]{2,40}:\s*\S[^.!?]{0,24}$")
# how a sentence may end; a description whose last sentence ends otherwise was cut by the shop
# ("… with the growth o": a meta description cut at 160 characters), or says so ("…", "...")
_SENTENCE_END = ".!?。！？؟\"'”’»)]"
# short words a sentence may really end on; any other one or two lower-case letters at the end
# of a long unpunctuated sentence are what is left of a cut word
_SHORT_WORDS = frozenset("a i an as at be by do go he in is it me my no of on or so to up us we "
                         "de da do em la le el en et il un ya je tu du au ce se si ne ma mi su".split())


def _cut_by_shop(sentence: str, description: list[str]) -> bool:
    """True for a sentence the shop cut: its own "…"/"...", the unfinished last sentence of a
    description whose other sentences end properly, or a long one ending on a piece of a word
    ("… with the growth o"). A lone phrase with no full stop ("Soft cotton tee in navy") is a
    phrase, not a cut."""
    text = sentence.rstrip()
    if text.endswith(("…", "...")):
        return True
    if text.endswith(tuple(_SENTENCE_END)) or sentence is not description[-1]:
        return False
    last = text.rpartition(" ")[2]
    if len(description) > 1 and sum(len(s) + 1 for s in description) >= 140:
        return True  # the length shops cut meta descriptions at (about 150-160 characters)
    return (len(text.split()) >= 8 and last.isalpha() and last.islower() and len(last) <= 2
            and last not in _SHORT_WORDS)


def _weak(sentence: str, description: list[str]) -> bool:
    """A sentence that is no good subtitle while a whole one is there: cut by the shop, a piece
    of one (it starts in lower case: "soft spots." split off its sentence), a spec row."""
    return (_cut_by_shop(sentence, description) or sentence[:1].islower()
            or bool(_SPEC_ROW.match(sentence)))


def _finish_cut(sentence: str) -> str:
    """A shop-cut sentence without its last, perhaps partial, word, marked as cut."""
    text = sentence.rstrip(" .…")
    head = text.rpartition(" ")[0]
    if not head:  # one word: nothing to drop
        return with_ellipsis(clip_words(text, SUBTITLE_MAX - 1))
    return with_ellipsis(clip_words(without_dangling_words(head), SUBTITLE_MAX - 1))


def _subtitle(brief: ProductBrief, plan: VariantPlan, headline: str) -> str:
    """A benefit-led sentence of the description; variants rotate through the best ones.
    Whole sentences about the product come first (one too long for the banner is cut and ends
    with "…"), then weak ones (cut by the shop, pieces, spec rows); when only the shop's service
    lines or lines naming its address are left, the brand, else those lines; small print last."""
    every = sentences(brief.description)
    found = [s for s in every if s.casefold() != headline.casefold()]
    if not found:
        return clip_words(clean_text(brief.brand), SUBTITLE_MAX)
    fine = [x for x in found if not _SMALL_PRINT.search(x)]
    pool = fine or found  # small print only when the description is nothing else

    def tier(s: str) -> int:
        if _NAMES_A_SHOP.search(s):
            return 3
        return 2 if _SHOP_LINE.search(s) or _FREE_SHIPPING.search(s) else 1 if _weak(s, every) else 0

    tiers = [tier(s) for s in pool]
    best_tier = min(tiers)
    if best_tier >= 2 and clean_text(brief.brand):  # only the shop speaking of itself: the brand
        return clip_words(clean_text(brief.brand), SUBTITLE_MAX)
    ranked = sorted(
        (s for s, t in zip(pool, tiers) if t == best_tier),
        key=lambda s: (len(s) > SUBTITLE_MAX, -len(_BENEFIT_WORDS.findall(s)), abs(len(s) - 60)),
    )
    chosen = ranked[: min(3, len(ranked))][plan.index % min(3, len(ranked))]
    if _cut_by_shop(chosen, every):
        return _finish_cut(chosen)
    if len(chosen) <= SUBTITLE_MAX:
        return chosen
    cut = clip_words(chosen, SUBTITLE_MAX - 1)
    return with_ellipsis(cut) if cut else clip_words(chosen, SUBTITLE_MAX)


def _cta(brief: ProductBrief, plan: VariantPlan, headline: str) -> str:
    """The variant's CTA phrasing, in the page's language when we have its words."""
    words = _words(brief, headline)
    if words is None:
        return plan.cta_options()[0][:CTA_MAX]
    opts = words.ctas[plan.angle]
    return opts[(plan.index // len(ANGLES)) % len(opts)][:CTA_MAX]


def _widgets(brief: ProductBrief, plan: VariantPlan) -> list[dict]:
    """Only widgets the product data supports: no invented discounts or ratings."""
    text = f"{brief.title} {brief.description}"
    widgets: list[dict] = []
    if brief.price is not None and brief.price >= 0:
        badge = {"type": "price_badge", "price": str(brief.price), "currency": brief.currency or "",
                 "locale": brief.language or ""}  # printed as the shop prints prices
        if brief.list_price is not None and brief.list_price > brief.price:
            badge["compare_at"] = str(brief.list_price)  # the shop's own struck list price
        widgets.append(badge)
    if m := _DISCOUNT.search(text):
        widgets.append({"type": "discount", "percent": int(m.group(1))})
    # a rating is a reason to buy only when it is a good one: "★ 2.0 (5)" on an ad (a walk-
    # through saw it) advertises against the product
    if brief.rating is not None and 0 < brief.rating <= 5:
        if rating_worth_showing(brief.rating):
            rating = {"type": "rating", "value": float(brief.rating)}
            if brief.rating_count:
                rating["count"] = int(brief.rating_count)
            widgets.append(rating)
    elif (m := _RATING.search(text)) and rating_worth_showing(m.group(1)):
        widgets.append({"type": "rating", "value": float(m.group(1).replace(",", "."))})
    if (m := _FREE_SHIPPING.search(text)) and not _CONDITIONAL.search(text[m.end():m.end() + 40]):
        words = _words(brief, brief.title)
        widgets.append({"type": "free_shipping",
                        "label": words.free_shipping if words else "Free shipping"})
    if plan.angle == "value" and widgets:
        widgets.insert(0, widgets.pop())  # value-led variants lead with the offer
    return widgets


def _decode(source_image: bytes) -> Image.Image:
    # the palette needs few pixels: JPEGs decode at 1/8 scale; a bomb is refused from its header
    try:
        return decode_image(source_image, fit=(128, 128))
    except ImageTooLarge as exc:  # "image is 13000 × 13000 px, over the 40 MP limit"
        raise GenerationError(f"The product {exc.reason}; choose another image") from exc
    except Exception as exc:  # noqa: BLE001 - any decoder failure means the same to a user
        raise GenerationError(
            "The product image could not be read as a picture; choose another image"
        ) from exc


class OfflineCopyWriter:
    """Writes prefills from the product data alone (the embedded default)."""

    name = "offline"

    def write_prefill(
        self,
        brief: ProductBrief,
        source_image: bytes,
        *,
        variant_index: int,
        batch_size: int,
        other_headlines: list[str],
    ) -> dict:
        """A validated prefill for one variant, without background URLs."""
        plan = plan_variant(variant_index)
        taken = {h.casefold() for h in other_headlines if h}
        headline = _headline(brief, plan, taken)
        rtl = is_rtl(headline)
        align = plan.alignment
        if rtl and align == "left":
            align = "right"
        swatches = extract_palette(_decode(source_image))
        prefill = {
            "headline": headline,
            "subtitle": _subtitle(brief, plan, headline),
            "cta_text": _cta(brief, plan, headline),
            "colors": banner_colors(swatches, dark=plan.dark_panel),
            "widgets": _widgets(brief, plan),
            "visual_vibe": f"{plan.tone}, {plan.angle}-led, {plan.background_style} backdrop",
            "layout": {"text_position": plan.text_position, "alignment": align,
                       "direction": "rtl" if rtl else "ltr"},
            "brand": clip_words(clean_text(brief.brand), 40),
            "cta_url": brief.url if brief.url.startswith(("http://", "https://")) else None,
        }
        if prefill["subtitle"] and prefill["subtitle"].casefold() in (
                prefill["brand"].casefold(), clip_words(clean_text(brief.brand), SUBTITLE_MAX).casefold()):
            # the brand line already says it: no "SOURCING MAP" over "sourcing map" (a walk-through's
            # text-only banner of a page with no description)
            prefill["subtitle"] = ""
        if brief.instruction:  # a regeneration with the user's instruction
            from core.generators.instruction import apply_instruction

            name = short_title(brief.title or brief.brand or "New arrival", brief.brand, HEADLINE_MAX)
            words = _words(brief, brief.title or "")
            prefill = apply_instruction(prefill, brief.instruction, title=name,
                                        price=format_price(brief.price, brief.currency, brief.language),
                                        free_shipping=words.free_shipping if words else "Free shipping")
        return validate_prefill(price_once(prefill))  # the price once: copy or badge
