"""Product photos found in the HTML itself: ``<img>``/``<source>``, lazy-loading attributes,
``<noscript>`` fallbacks and zoom links, scored by how much they look like the main gallery.
"""

from __future__ import annotations

import re

import lxml.html

from core.extract.images import (GENERIC_CAPTION, LIGHTBOX, absolute_url, image_identity, is_chrome_image,
                                 largest_srcset)
from core.extract.prices import money_in
from core.extract.shown_prices import not_shown, other_page
from core.extract.text import clean_text, squash, tokens

# Attributes holding a larger rendition first, the plain src last.
_BIG_ATTRS = ("data-zoom-image", "data-large-image", "data-old-hires", "data-hires", "data-zoom",
              "data-large", "data-full", "data-fullsize", "data-original", "data-image")
_SRCSET_ATTRS = ("data-srcset", "srcset", "data-lazy-srcset")
_SRC_ATTRS = ("data-src", "data-lazy-src", "data-lazy", "data-echo", "lazy-src", "data-lazy-img", "src")
# galleries some platforms name in their own words (Tilda's slider "t-slds__…", Myntra's "image-grid-image")
_OWN_GALLERY = r"t-slds|image-grid"
_GOOD = re.compile(r"gallery|product[-_]?(view|detail|details|page|info)?[-_]?(image|img|photo|media|picture)|"
                   r"main[-_]?(image|img|photo|picture)|"
                   r"zoom|hero|primary|landing|slide|swiper|carousel|pdp[-_]{0,2}(image|img|photo|media|gallery|main|hero|carousel|slider)|photo|thumbnail|image-block|"
                   r"media|lightbox|fotorama|viewer|preview|enlarge|"
                   # Cafe24's "prd-img"/"keyImg"/"BigImage", Brazil's "produto-fotos", Germany's "produktbild"
                   r"prd[-_]?(img|image|photo|pic)|keyimg|big[-_]?im(a)?g|fotos?\b|foto[-_]|imagem|imagen|produktbild|immagine|"
                   r"galer(ie|ia|ij)|" + _OWN_GALLERY)
_BAD = re.compile(r"related|recommend|similar|upsell|cross|also|recent|viewed|suggest|sponsor|"
                  r"footer|header|nav|menu|banner|cart|review|logo|brand|social|share|advert|promo|"
                  r"avatar|seller|swatch|colou?r|payment|badge|icon|teaser|blog|(?<!t-)store")  # (Tilda's product block is "t-store")
# The slide or thumbnail the gallery shows now (the selected colour's photo).
_SELECTED = re.compile(r"(^|[\s_-])(active|selected|current|is-active|is-selected|slick-current|"
                       r"swiper-slide-active|flickity-slide-selected|checked)([\s_-]|$)", re.I)
# a gallery that numbers its photos in their alt texts: "… image 1", "Photo 2 of 7", "vue 3"
_NUMBERED = re.compile(r"(?:^|\W)(?:image|img|photo|picture|pic|view|vue|bild|foto|imagen|immagine|"
                       r"zdj[eę]cie|slide)\s*(?:no\.?|#)?\s*(\d{1,2})(?:\s*(?:of|/|von|de|sur|di|z)\s*\d{1,2})?\s*$",
                       re.I)
_CLONE = re.compile(r"slick-cloned|swiper-slide-duplicate|owl-item cloned|cloned|bx-clone")
# (the nearest of those and ``main``: a header left open around ``main`` is no chrome of it, see in_chrome)
_IN_CHROME_XPATH = "//img[ancestor::*[self::nav or self::header or self::footer or self::aside or self::main][1][not(self::main)]]"
_IMG_EXT = re.compile(r"\.(jpe?g|png|webp|avif)(\?|$)", re.I)


# a lazy loader's stand-in in ``src`` until the photo is shown ("…/images/empty.gif", "lazy-placeholder.png")
_PLACEHOLDER_SRC = re.compile(r"(?:^|/)(?:(?:empty|blank|spacer|transparent|placeholder|loading|loader|lazy|lazyload|1x1|"
                              r"grey|gray|clear|pixel|trans|dummy|img|image|bg|\d+x\d+)[-_.]?)+\.(?:gif|png|svg|jpe?g|webp)$",
                              re.I)  # the whole file name stand-in words: "empty.gif", "grey-pixel.gif", "lazy-placeholder.png"


def _int(value) -> int | None:
    m = re.match(r"\s*(\d+)", value or "")
    return int(m.group(1)) if m else None


def _filled(value: str | None) -> str | None:
    """A lazy loader's address template filled in ("…/candle_{width}x.jpg", Shopify's data-src, at 1024
    pixels wide); None for one with another placeholder left ("{size}", "%7Bheight%7D")."""
    if not value:
        return value
    value = re.sub(r"\{width\}|%7Bwidth%7D", "1024", value, flags=re.I)
    return None if re.search(r"\{\w*\}|%7B\w*%7D", value) else value


def _big(el) -> list[str]:
    """The larger renditions an element's zoom/large attributes name: addresses only (Wayfair's
    data-zoom="1" is a switch, not a file: it read as the page's folder ".../p/1")."""
    return [v for a in _BIG_ATTRS if (v := (el.get(a) or "").strip()) and ("/" in v or "." in v)]


def image_url(el, base_url: str) -> str | None:
    """The largest rendition an element points at (zoom attribute, srcset, lazy src, src)."""
    for value in _big(el):
        url = absolute_url(_filled(value), base_url)
        if url:
            return url
    for attr in _SRCSET_ATTRS:
        url = absolute_url(largest_srcset(_filled(el.get(attr))), base_url)
        if url:
            return url
    for attr in _SRC_ATTRS:
        value = _filled(el.get(attr))
        if value and not value.startswith("data:"):
            url = absolute_url(value, base_url)
            if url:
                return url
    parent = el.getparent()
    if parent is not None and parent.tag == "a" and _IMG_EXT.search(parent.get("href", "")):
        return absolute_url(parent.get("href"), base_url)
    m = _BACKGROUND.search(el.get("style") or "") if el.tag not in ("img", "source") else None
    return absolute_url(m.group(2), base_url) if m else None


_BACKGROUND_GALLERY = re.compile(r"gallery|product[-_]?(image|img|photo|media|picture)|slide|swiper|carousel|zoom|"
                                 r"thumb|photo|fotorama|pdp|main[-_]?(image|img|photo)|" + _OWN_GALLERY)
# A slide drawn as a CSS background: style="background-image: url('//cdn…/vase-front_1200x.jpg')"
_BACKGROUND = re.compile(r"background(?:-image)?\s*:[^;]*?url\(\s*(['\"]?)([^'\")]+)\1\s*\)", re.I)


def _priced_tile(el, page_url: str) -> bool:
    """The photo links to another page, and the link shows a price: a tile of another product
    (Tiffany's RichRelevance "rrItem" carousel, in a block marked "current"), not the gallery."""
    for n, a in enumerate(el.iterancestors()):
        if n >= 3:
            return False
        if a.tag == "a":
            text = a.text_content()
            return len(text) < 400 and any(c.isdigit() for c in text) and money_in(text) \
                and other_page(a.get("href"), page_url.split("#")[0])
    return False


_NEAR = 3  # ancestors this close are the photo's own block; further up, page layout


def _context(el, depth: int = 6) -> tuple[str, str, str]:
    """Own class/id, those of the nearest ancestors, and those of the ancestors further up
    (to ``depth``), lower case."""
    own = f"{el.get('class', '')} {el.get('id', '')} {el.get('itemprop', '')}".lower()
    chain = []
    for n, a in enumerate(el.iterancestors()):
        if n >= depth:
            break
        cls = a.get("class", "")
        if "brand-" in cls or "_cat-" in cls or "tag-" in cls or "category-" in cls or "pa_" in cls:
            cls = _TERM_CLASS.sub("", cls)
        chain.append(f"{cls} {a.get('id', '')} {a.tag}")
    return own, " ".join(chain[:_NEAR]).lower(), " ".join(chain[_NEAR:]).lower()


# WordPress post classes naming the product's terms ("pwb-brand-esthederm", "product_cat-phone-cases",
# "product_tag-sale" on WooCommerce's product wrapper): words of its taxonomy, not of the block
_TERM_CLASS = re.compile(r"(?<!\S)(?:product_cat|product_tag|product_brand|pwb-brand|pa_[\w-]+?|tag|category)-\S+")


def _noscript_images(doc) -> list:
    out = []
    for ns in doc.iter("noscript"):
        text = ns.text or ""
        if "<img" in text:
            try:
                frag = lxml.html.fragment_fromstring(text, create_parent="div")
            except (ValueError, lxml.etree.ParserError):
                continue
            for img in frag.iter("img"):
                ns.append(img)  # keep the ancestors (gallery markers) of the noscript
                out.append(img)
    return out


def _named_by_file(el, title_tokens: set[str], title_key: str) -> float:
    """Evidence an alt-less ``<img>`` shows the product: its lightbox link's caption names
    it (3), its file name spells the name or the product code in it ("LeoninSnarecaster.jpg",
    "HSBU2546R.gif": 2), or shares a long word with it ("mozzarella_big1.jpg": 1.5)."""
    # the link around the photo, or beside it (<img …><a class="lightbox" title="…"></a>)
    for link in (el.getparent(), el.getnext(), el.getprevious()):
        if link is None or link.tag != "a":
            continue
        rel = link.get("rel") or ""
        # its caption: the title attribute, or the set named in rel ("shadowbox[Game Over]")
        caption = link.get("title") or (m.group(1) if (m := re.search(r"\[([^\]]{3,})\]", rel)) else None)
        if caption and GENERIC_CAPTION.fullmatch(caption.strip()):
            caption = None  # "shadowbox[gallery]", "Click to enlarge": no name; the file name may be
        if caption and LIGHTBOX.search(f"{rel} {link.get('class') or ''}"):
            return 3 * len(title_tokens & tokens(caption)) / len(title_tokens)
    src = el.get("src") or el.get("data-src") or ""
    stem = src.split("?")[0].rsplit("/", 1)[-1].rsplit(".", 1)[0].casefold()
    key = squash(stem)
    if len(key) >= 6 and not key.isdigit() and (key in title_key or any(
            len(t) >= 6 and re.search(r"\d", t) and re.search(r"[a-z]", t) and t in key for t in title_tokens)):
        return 2.0
    words = {w for w in re.split(r"[\W_]+", stem) if len(w) >= 5}
    return 1.5 if words & title_tokens else 0.0


def _selected(el) -> bool:
    """The element, or one of its three nearest ancestors, is the gallery's selected item."""
    for n, a in enumerate([el, *el.iterancestors()]):
        if n > 3:
            break
        if _SELECTED.search(a.get("class") or "") or a.get("aria-selected") == "true" \
                or a.get("aria-current") in ("true", "page") or a.get("data-selected") == "true":
            return True
    return False


def _links_to_itself(el) -> bool:
    """``<a href="../photos/0642-01.JPG"><img src="../photos/0642-01_small.jpg"></a>``: an old
    shop's thumbnail opening the same photo larger (not a banner linking to a page)."""
    link = el.getparent()
    if link is None or link.tag != "a":
        return False
    href, src = link.get("href") or "", el.get("src") or ""
    if not href or not src or not _IMG_EXT.search(href) or not _IMG_EXT.search(src):
        return False
    return image_identity(href) == image_identity(src)


def gallery_images(doc, images: list, heading_pos: int, title: str | None,
                   base_url: str, clones: set | None = None, unloaded: dict | None = None
                   ) -> tuple[list[str], dict[str, str], str | None, dict[str, int]]:
    """Likely product photos, best first, their alt texts, the photo the gallery shows now
    (its selected slide or thumbnail, e.g. the chosen colour) when one is marked, and the
    photos' numbers when the gallery numbers them ("… image 1", "… image 2", …). ``clones``
    receives the identities of photos first seen in a looping carousel's copy of a slide (the
    last slide copied before the first: bxSlider's ``li.bx-clone``), which markup may list first.
    ``unloaded`` receives, for a gallery photo the page has not shown (only a lazy loader's attribute
    names it, its ``src`` still a placeholder: a saved page's hidden view), the photo shown beside it
    in the same gallery (LensCrafters' loaded front view beside the lazy three-quarter view)."""
    seen: set[str] = set()
    scored = []
    title_tokens = tokens(title)
    title_key = squash(title or "")

    title_words = re.findall(r"\w+", (title or "").casefold())

    def title_starts(alt: str) -> bool:
        return title_key.startswith(squash(alt))

    def leading_words(alt: str) -> float:
        """Share of the alt's words that are the title's first words, in order, when at
        least three ("Copper Jewelry Wire CWIR-CW0.4mm-1" on "Copper Jewelry Wire, Lead
        Free …"): a shop's short name plus its item code."""
        words = re.findall(r"\w+", alt.casefold())
        n = 0
        while n < min(len(words), len(title_words)) and words[n] == title_words[n]:
            n += 1
        return n / len(words) if n >= 3 else 0.0

    chrome = set(doc.xpath(_IN_CHROME_XPATH))
    fallback: set = set()  # thumbnails kept only for linking to their own full size
    loaded: list = []  # (element, url) of scored <img> photos whose src is the photo
    waiting: list = []  # … whose src is still a lazy loader's placeholder
    extra = [(heading_pos, el) for el in _noscript_images(doc)]
    for pos, el in list(images) + extra:
        if el.tag == "source":
            continue  # read through the <img> of its <picture>
        own, near, far = _context(el)
        chain = f"{near} {far}"
        if _CLONE.search(chain) or _CLONE.search(own):
            if clones is not None and (url := image_url(el, base_url)) and image_identity(url) not in seen:
                clones.add(image_identity(url))
            continue  # a looping carousel's copy of another slide
        if clones is not None and el.tag == "img" and (el.get("src") or "").startswith(("http", "/")):
            seen.add(image_identity(absolute_url(el.get("src"), base_url) or ""))
        if el.tag not in ("img", "source") and not el.get("itemprop") == "image" \
                and not _BACKGROUND_GALLERY.search(f"{own} {near}"):
            continue  # a CSS background outside a gallery's slides: a hero banner, a texture
        in_chrome = el in chrome
        alt = clean_text(el.get("alt") or el.get("title") or el.get("data-name"))
        labelled = False
        if not alt and (label := clean_text(el.get("aria-label"))) and (
                el.tag not in ("img", "source") or title_tokens & tokens(label)):
            alt, labelled = label, el.tag in ("img", "source")
            # a slide's label; a photo's only when it names the product (Xbox's empty alt beside aria-label="Image
            # from Gears of War image no. 1 of 15"), not "Zoom"; its file name may name it better ("Open image 1 of 4")
        score = 0.0
        if el.get("itemprop") == "image":
            score += 3
        if _GOOD.search(own) or _GOOD.search(chain):
            score += 1.5
        if _BAD.search(own) or _BAD.search(near):
            score -= 2.5
        elif _BAD.search(far):
            # a word of a page-layout column ("content_store_lt" holding the cover photo) says
            # less than one of the photo's own block ("related-products" around a tile)
            score -= 1.5
        if in_chrome:
            score -= 5
        if title_tokens and alt:
            alt_tokens = tokens(alt)
            common = len(title_tokens & alt_tokens)
            # the alt names the product: most of the title, or a name the title starts with
            # ("Leonin Snarecaster" in "Leonin Snarecaster (Duel Decks: Speed vs. Cunning)")
            named = 3 * max(common / len(title_tokens),
                            common / len(alt_tokens) if len(alt_tokens) >= 2 and title_starts(alt) else 0,
                            leading_words(alt))
            score += max(named, _named_by_file(el, title_tokens, title_key)) if labelled else named
        elif title_tokens:  # no alt: the photo's file name or its lightbox caption may name it
            score += _named_by_file(el, title_tokens, title_key)
        if _big(el):
            score += 1
        self_linked = 0 <= score < 1.5 and _links_to_itself(el)
        if self_linked:
            score += 1.5  # a thumbnail linking to its own full size: a photo when nothing else is
        if score < 1.5:
            continue  # decided before the (costlier) URL work
        if _priced_tile(el, base_url):
            continue  # another product's tile in a recommendations carousel (its link, its price)
        url = image_url(el, base_url)
        # libxml2 does not know <source> is void, so the <img> may sit inside it
        picture = next((a for n, a in enumerate(el.iterancestors()) if n < 3 and a.tag == "picture"), None)
        if picture is not None and not _big(el) and not any(el.get(a) for a in _SRCSET_ATTRS):
            # <img src> is the fallback; the <source> srcset lists the real renditions
            for src in picture.iter("source"):
                bigger = absolute_url(largest_srcset(src.get("srcset") or src.get("data-srcset")), base_url)
                if bigger:
                    url = bigger
                    break
        if not url:
            continue
        width, height = _int(el.get("width")), _int(el.get("height"))
        if is_chrome_image(url, width=width, height=height):
            continue
        distance = abs(pos - heading_pos) if heading_pos >= 0 else pos
        scored.append((score, distance, pos, url, alt, _selected(el)))
        if unloaded is not None and el.tag == "img":
            src = el.get("src") or ""
            full = absolute_url(src, base_url) or ""
            real = bool(full) and not src.startswith("data:") and (
                image_identity(full) == image_identity(url)
                or not _PLACEHOLDER_SRC.search(src.split("?")[0]) and not is_chrome_image(full))
            (loaded if real else waiting).append((el, url))
        if self_linked:
            fallback.add(url)
    if unloaded is not None and waiting and loaded:
        _beside_shown(waiting, loaded, unloaded)
    good = [s for s in scored if s[0] >= 1.5]
    if any(s[3] not in fallback for s in good):
        good = [s for s in good if s[3] not in fallback]  # (a size chart's, a certificate's thumbnail)
    good.sort(key=lambda s: (-round(s[0]), s[2]))
    urls: list[str] = []
    alts: dict[str, str] = {}
    for _, _, _, url, alt, _ in good:
        if url not in urls:
            urls.append(url)
            if alt:
                alts[url] = alt
    best = round(good[0][0]) if good else 0
    shown = next((s[3] for s in good if s[5] and round(s[0]) >= best - 1), None)
    return urls, alts, shown, _numbers(good, best)


# an image beside the heading that shows no product: a size chart, an energy label, an award, a video's still
_NOT_PHOTO = re.compile(r"size[-_ ]?(chart|guide)|energy|energie|label|award|badge|certif|youtube|ytimg|vimeo|video|"
                        r"play[-_]?button|qr[-_]?code", re.I)
_BLOCK_LEVELS = 4  # the heading's ancestors searched for the product's own block
_BLOCK_MOST = 6  # photos in that block, beyond which it is a page's layout, not one product's block


def block_photo(heading, base_url: str) -> str | None:
    """No gallery, alt text or markup names a photo: the one shown in the product's own block, the
    nearest ancestor of the heading (up to four levels) holding a photo — Sainsbury's
    ``<div class="pd__left"><img src="…/640x640.jpg" alt=""></div>`` beside ``pd__right``'s ``<h1>``.
    Not the site's chrome, an icon, another product's tile or a block of related products; None
    when the nearest block with photos holds more than a few (a page layout, a listing)."""
    if heading is None:
        return None
    chrome = set(heading.getroottree().xpath(_IN_CHROME_XPATH))  # (the elements: ids of lxml proxies are reused)
    for n, block in enumerate(heading.iterancestors()):
        if n >= _BLOCK_LEVELS or block.tag in ("body", "html", "main"):
            return None
        photos = []
        for el in block.iter("img"):
            own, near, _ = _context(el)
            url = image_url(el, base_url)
            if not url or el in chrome or _BAD.search(own) or _BAD.search(near) or _CLONE.search(f"{own} {near}") \
                    or _NOT_PHOTO.search(f"{url} {el.get('alt') or ''} {own}") \
                    or is_chrome_image(url, width=_int(el.get("width")), height=_int(el.get("height"))) \
                    or _priced_tile(el, base_url):
                continue
            photos.append(url)
        if photos:
            return photos[0] if len(set(photos)) <= _BLOCK_MOST else None
    return None


def _beside_shown(waiting: list, loaded: list, out: dict) -> None:
    """For each photo still on its placeholder, the visible loaded photo sharing its gallery (a
    common ancestor at most two levels up from both): what the gallery shows in its place. Not a
    photo loaded anywhere on the page (a description's or a tile's), nor one hidden itself."""
    shown_ids = {image_identity(u) for _, u in loaded}
    for el, url in waiting:
        key = image_identity(url)
        if key in shown_ids or key in out:
            continue
        ups = [a for n, a in enumerate(el.iterancestors()) if n < 2]
        for other, other_url in loaded:
            chain = [a for n, a in enumerate(other.iterancestors()) if n < 2]
            common = next((a for a in chain if a in ups), None)
            if common is None:
                continue
            path = [other] + chain[:chain.index(common)]
            if not any(not_shown(a) or a.get("aria-hidden") == "true" for a in path):
                out[key] = other_url
                break


def _numbers(good: list, best: int) -> dict[str, int]:
    """The photos' numbers in a gallery that numbers them in their alt texts ("… image 1",
    "… image 2"), among the best photos; empty unless at least two distinct numbers."""
    numbers: dict[str, int] = {}
    for score, _, _, url, alt, _ in good:
        m = _NUMBERED.search(alt or "")
        if m and round(score) >= best - 1:
            numbers.setdefault(url, int(m.group(1)))
    return numbers if len(set(numbers.values())) >= 2 else {}


# --- a gallery built by JavaScript: photos only in the page's inline state ---------------------

_STATE_KEY = re.compile(
    r"""["']?(?:images?|imgs?|photos?|pictures?|gallery|galleryImages|media|imagePathList|"""
    r"""image_?urls?|imageUrls?|large_?image|zoom_?image|main_?image)["']?\s*[:=]\s*""", re.I)
_STATE_URL = re.compile(
    r"""(?:https?:)?(?:\\?/){2}[^\s"'<>\\]+?(?:\\?/[^\s"'<>\\]+?)*?\.(?:jpe?g|png|webp|avif)"""
    r"""(?:\?[^\s"'<>\\]*)?(?=["'\\\s,\]])""", re.I)
_STATE_SCRIPTS = "//script[not(@type) or @type='text/javascript' or @type='application/json']"
_STATE_NEAR = 3000  # characters around a list in which the product's name must occur


def script_images(doc, title: str | None, base_url: str, limit: int = 12) -> list[str]:
    """Photos a JavaScript gallery would show, read from the page's inline state, for a page
    whose markup and HTML hold none. Only lists under an image-like key ("images",
    "gallery", "imagePathList"…) whose object names the product (its name within a few
    thousand characters) or whose files are named after it: a recommendation block's state
    names other products."""
    title_tokens = {t for t in tokens(title) if len(t) >= 3}
    if not title_tokens:
        return []
    title_low = (title or "").casefold()
    urls: list[str] = []
    for script in doc.xpath(_STATE_SCRIPTS):
        text = script.text or ""
        if len(text) < 20 or not _STATE_KEY.search(text):
            continue
        low = text.casefold()
        for key in _STATE_KEY.finditer(text):
            window = text[key.end():key.end() + 4000]
            if window.startswith("["):
                window = window[:window.find("]") + 1 or len(window)]
            else:
                window = window[:600]
            found = [m.group(0) for m in _STATE_URL.finditer(window)]
            if not found:
                continue
            around = low[max(0, key.start() - _STATE_NEAR):key.end() + _STATE_NEAR]
            named = title_low[:60] in around or len(title_tokens & tokens(around)) >= \
                max(2, (len(title_tokens) + 1) // 2)
            for raw in found:
                raw = raw.replace("\\/", "/")  # JSON's escaped slashes
                name = raw.rsplit("/", 1)[-1]
                if not (named or title_tokens & {t for t in re.findall(r"[a-z0-9]+", name.casefold())}):
                    continue
                url = absolute_url(raw, base_url)
                if url and url not in urls and not is_chrome_image(url):
                    urls.append(url)
                if len(urls) >= limit:
                    return urls
    return urls
