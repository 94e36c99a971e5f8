"""Small text processors shared by the extractors: ``(value) -> value`` and nothing else."""

from __future__ import annotations

import copy
import html
import re

import lxml.html

_SPACE = re.compile(r"\s+")


def _unsafe_table() -> dict[int, str | None]:
    """Characters no extracted text keeps: C0 controls but tab/newline/carriage return, DEL,
    C1 controls, the bidi embedding/override/isolate controls (U+202A–U+202E, U+2066–U+2069:
    they reorder what follows, e.g. "Shoe\u202egpj.exe") and lone surrogates (not encodable).
    Those that are whitespace to Python (VT, FF, FS–US, NEL) become a space, the rest go.
    NUL in particular: PostgreSQL text columns refuse it."""
    codes = [*range(0x00, 0x20), *range(0x7F, 0xA0), *range(0x202A, 0x202F),
             *range(0x2066, 0x206A), *range(0xD800, 0xE000)]
    return {c: (" " if chr(c).isspace() else None) for c in codes if chr(c) not in "\t\n\r"}


_UNSAFE = _unsafe_table()
_URL_DROP = {**_UNSAFE, ord("\t"): None, ord("\n"): None, ord("\r"): None}
_ANY_UNSAFE = re.compile("[" + "".join(re.escape(chr(c)) for c in _UNSAFE) + "]")


def strip_unsafe(text: str) -> str:
    """``text`` without control, bidi-override and lone-surrogate characters (see ``_UNSAFE``)."""
    return text.translate(_UNSAFE) if _ANY_UNSAFE.search(text) else text


def safe_url(url: str | None) -> str | None:
    """A URL without any of those characters, nor tabs and line breaks (which browsers drop
    from URLs too); None when nothing is left."""
    if url is None:
        return None
    cleaned = str(url).translate(_URL_DROP).strip()
    return cleaned or None
_PRIVATE_USE = re.compile("[\ue000-\uf8ff]")
_EDGE_INVISIBLE = re.compile("^[\u200c\u200d\u200e\u200f\u2060\s]+|[\u200c\u200d\u200e\u200f\u2060\s]+$")
_INLINE_TAG = re.compile(r"</?(wbr|br|b|i|em|strong|span|sup|sub|small|u|mark)(\s+[\w-]+=(\"[^\"<>]*\"|'[^'<>]*'|[^\s<>]+))*\s*/?>",
                         re.I)
# Template placeholders left in pages by broken themes ("$metabrand", "{{ product.vendor }}").
_PLACEHOLDER = re.compile(r"^\s*(\$[a-z_]+|\{\{.*\}\}|\{%.*%\}|%[a-z_]+%|\[[a-z_]+\]|null|undefined|none|n/?a)\s*$", re.I)


def clean_text(value: object) -> str | None:
    """Entity-decoded, whitespace-collapsed text, or None when nothing is left."""
    if value is None:
        return None
    if isinstance(value, (list, tuple)):
        value = next((v for v in value if clean_text(v)), None)
        if value is None:
            return None
    if isinstance(value, dict):
        value = value.get("name") or value.get("@value") or value.get("value")
        if value is None:
            return None
    text = strip_unsafe(str(value))
    # Some pages escape entities twice ("k&amp;uuml;hlt"); two rounds undo that.
    for _ in range(2):
        if "&" not in text:
            break
        text = html.unescape(text)
    text = strip_unsafe(text)  # again: entities can spell them too ("&#0;", "&#x202e;")
    if "<" in text:  # inline markup inside a value ("Kinderhandschu<wbr/>he" in eBay's JSON-LD)
        text = _INLINE_TAG.sub(lambda m: " " if m.group(1).lower() == "br" else "", text)
    text = text.replace("\u00a0", " ").replace("\u200b", "").replace("\ufeff", "")
    text = _PRIVATE_USE.sub("", text)  # icon-font glyphs
    text = _SPACE.sub(" ", text).strip()
    # zero-width (non-)joiners and direction marks at the edges ("\u200cدو قرن سکوت"); inside a
    # Persian word a ZWNJ is spelling and stays
    text = _EDGE_INVISIBLE.sub("", text).strip()
    return text or None


def is_placeholder(text: str | None) -> bool:
    """True for blanks and unrendered template variables."""
    return not text or bool(_PLACEHOLDER.match(text))


_URLISH = re.compile(r"://|^/|^www\.|\.(aspx?|html?|php|jsp)\b|[?&]\w+=")
_GENERIC_WORDS = {"view", "see", "shop", "all", "more", "other", "brand", "brands", "product", "products",
                  "item", "items", "by", "from", "the", "our", "manufacturer", "collection", "range"}


def plausible_brand(value: str | None) -> bool:
    """A name, not a link (``//shop.com/Search.aspx?m=14``), a link's generic words
    ("View all brand products") or a code without a letter (``data-brand="|80|"``)."""
    if not value or is_placeholder(value) or len(value) > 60 or _URLISH.search(value):
        return False
    if not re.search(r"[^\W\d_]", value):
        return False  # no letter: an id code ("|80|", "1234"), not a name
    words = re.findall(r"\w+", value.casefold())
    return bool(words) and not all(w in _GENERIC_WORDS for w in words)


# how a line may end and go on with the next one in the same sentence
_LINE_GOES_ON = tuple(".!?:;,…。！？؟、：；，-–—(/&+")
_BULLET = re.compile(r"^\s*(?:[•·▪◦●■□✓✔➤►*]|[-–—](?=\s))\s*")
_LINE_BREAK = re.compile(r"\r\n|\r|\n|\u2028")


def lines_as_sentences(text: str, *, blocks: bool = False) -> str:
    """A description's lines joined so that each keeps its own sentence: "Copper, oxidized
    brass\nHook closure\nArgentina" (a list's items, which pages and microdata give as lines)
    reads "Copper, oxidized brass. Hook closure. Argentina" instead of one run-on phrase.
    A line ending without punctuation gets a full stop when the next starts a new thought (a
    capital, a digit, a bullet); a line wrapped mid-sentence ("a soft cotton\nshirt") goes on.
    ``blocks``: the lines are HTML blocks (list items, paragraphs), each its own sentence
    whatever it starts with. Bullets are dropped."""
    out: list[str] = []
    for raw in _LINE_BREAK.split(text):
        bullet = _BULLET.match(raw) is not None  # (an indented line is no bullet)
        line = _SPACE.sub(" ", _BULLET.sub("", raw)).strip()
        if not line:
            continue
        if out and not out[-1].endswith(_LINE_GOES_ON) and (
                blocks or bullet or line[0].isupper() or line[0].isdigit() or wide_char(out[-1][-1])):
            out[-1] += "。" if wide_char(out[-1][-1]) else "."  # (Chinese and Japanese end with their own stop)
        out.append(line)
    joined = ""
    for line in out:
        joined += line if not joined or joined.endswith("。") else " " + line
    return joined


def wide_char(char: str) -> bool:
    """A Chinese or Japanese character (a line of them ends with 。, which needs no space after it)."""
    return "\u3040" <= char <= "\u30ff" or "\u3400" <= char <= "\u9fff" or "\uf900" <= char <= "\ufaff"


_BLOCK_TAGS = ("p", "li", "div", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "dt", "dd", "ul", "ol", "table")


def _markup_as_lines(markup: str) -> str:
    """The text of an HTML fragment, each block its own sentence and each <br> a line."""
    try:
        fragment = lxml.html.fragment_fromstring(markup, create_parent="div")
    except (ValueError, lxml.etree.ParserError):
        return re.sub(r"<[^>]+>", " ", markup)
    for el in fragment.iter("br", *_BLOCK_TAGS):
        if el.tag == "br":
            el.tail = "\u2028" + (el.tail or "")
        else:  # a block starts and ends a line
            el.text = "\u2029" + (el.text or "")
            el.tail = "\u2029" + (el.tail or "")
    # the markup's own line breaks are spaces; a <br> inside a paragraph is a line, judged as one
    raw = fragment.text_content().replace("\r", " ").replace("\n", " ").replace("\u2028", "\n")
    parts = (lines_as_sentences(part) for part in raw.split("\u2029"))
    return lines_as_sentences("\n".join(part for part in parts if part), blocks=True)


def html_to_text(value: object) -> str | None:
    """Plain text of an HTML fragment (descriptions often carry markup, sometimes escaped); its
    lines and blocks (list items, paragraphs) keep their own sentences (``lines_as_sentences``)."""
    if isinstance(value, str):
        raw = value
        for _ in range(2):  # escaped markup ("&lt;p&gt;…")
            if "&lt;" in raw and "&gt;" in raw and "<" not in raw:
                raw = html.unescape(raw)
        if "<" in raw and ">" in raw:
            value = _markup_as_lines(raw)
        elif "\n" in raw or "\r" in raw:
            value = lines_as_sentences(raw)  # plain text's own lines ("…brass\nHook closure")
    text = clean_text(value)
    if text and "<" in text and ">" in text:  # markup once escaped inside a list or object value
        text = clean_text(_markup_as_lines(text))
    return text


def next_element(el):
    """The element after ``el`` among its siblings (comments and processing instructions
    skipped), or None."""
    nxt = el.getnext()
    while nxt is not None and not isinstance(nxt.tag, str):
        nxt = nxt.getnext()
    return nxt


def previous_element(el):
    """The element before ``el`` among its siblings (comments and processing instructions
    skipped), or None."""
    prev = el.getprevious()
    while prev is not None and not isinstance(prev.tag, str):
        prev = prev.getprevious()
    return prev


def squash(text: str | None) -> str:
    """Letters and digits only, lower case: "Leonin Snarecaster" and "LeoninSnarecaster.jpg"'s
    stem compare equal."""
    return re.sub(r"[\W_]+", "", (text or "").casefold())


def element_text(el) -> str | None:
    """Visible-ish text of an lxml element: scripts and styles left out."""
    parts: list[str] = []
    for node in el.iter():
        if node.tag in ("script", "style", "noscript", "template") or not isinstance(node.tag, str):
            if node is not el and node.tail:
                parts.append(node.tail)
            continue
        if node.text:
            parts.append(node.text)
        if node is not el and node.tail:
            if node.tag == "wbr" and parts:  # a word-break opportunity: "Kinderhandschu<wbr>he"
                parts[-1] += node.tail
            else:
                parts.append(node.tail)
    return clean_text(" ".join(parts))


def tokens(text: str | None) -> set[str]:
    """Lower-case word tokens (letters/digits, length >= 2) used for overlap scores."""
    if not text:
        return set()
    return {t for t in re.findall(r"\w+", text.casefold()) if len(t) >= 2}


def overlap(a: str | None, b: str | None) -> float:
    """Share of ``a``'s tokens that also occur in ``b`` (0..1)."""
    ta, tb = tokens(a), tokens(b)
    if not ta:
        return 0.0
    return len(ta & tb) / len(ta)


_SECTIONING = {"main", "article", "section"}


def in_chrome(el) -> bool:
    """Inside the page's navigation, an aside, or the site header/footer. A ``<header>`` or
    ``<footer>`` within ``main``/``article``/``section`` (or a container whose class says
    product/detail/content/main) belongs to that part (a product's heading block often is one);
    an ``<aside>`` only within ``main``/``article`` or a product/pdp/detail container (a buy box;
    a theme's "site-content" wraps its sidebar too); a cart drawer is chrome anywhere. A header or footer
    around ``main`` (libxml2's parse of one left open) does not make what ``main`` holds chrome."""
    ancestors = list(el.iterancestors())
    for i, a in enumerate(ancestors):
        if a.tag == "main":
            return False  # (a header around ``main`` is a parse of a header left open: libxml2 ignores a
            # ``</header>`` while a ``<div>`` in it is open, where a browser closes both)
        if a.tag == "nav" or a.tag == "aside" and _CART_MARK.search(marker(a)):
            return True  # (a cart drawer is chrome wherever a theme renders it)
        if a.tag in ("header", "footer") and not _CONTENT_HEADER.search(marker(a)) \
                and not any(_is_section(b) for b in ancestors[i + 1:] if b.tag not in ("body", "html")):
            # (a product page's <body class="is-ctl-product">, Shopware's, holds the site header too; a header
            # classed as the product's or an entry's, "product-header", "entry-header", is the content's)
            return True
        if a.tag == "aside" and not any(b.tag in ("main", "article") or _PRODUCT_MARK.search(marker(b))
                                        for b in ancestors[i + 1:]):
            return True  # (a theme's "site-content" wraps its sidebar too: only a product's own part counts)
    return False


_PRODUCT_MARK = re.compile(r"product|pdp|detail", re.I)
_CONTENT_HEADER = re.compile(r"(product|pdp|detail|entry|item|article|post|summary)[-_]?(header|head|heading|top|info)", re.I)


# a cart shown over the page (not a buy box, "cart-box", whose class may name the cart too)
_CART_MARK = re.compile(r"drawer|mini[-_]?(cart|basket|bag)|side[-_]?cart|off[-_]?canvas|flyout|"
                        r"(cart|basket|bag)[-_]?(drawer|sidebar|flyout|popup|panel|preview|summary|overlay)", re.I)


_SECTION_MARK = re.compile(_PRODUCT_MARK.pattern + r"|content|main", re.I)


def _is_section(el) -> bool:
    return el.tag in _SECTIONING or bool(_SECTION_MARK.search(f"{el.get('class', '')} {el.get('id', '')}"))


# Test and automation attributes that say what an element is where the classes are hashed
# (CSS modules, styled-components): data-testid="product-price", data-aut-id="itemPrice" (OLX).
TEST_KEYS = frozenset({"data-testid", "data-test", "data-test-id", "data-qa", "data-cy", "data-aut-id",
                       "data-automation-id", "data-auto-id", "data-at"})


def marker(el) -> str:
    """An element's class and id, and the values of its test attributes, as one string."""
    keys = el.keys()
    out = f"{el.get('class') or ''} {el.get('id') or ''}"
    if keys and not TEST_KEYS.isdisjoint(keys):
        out += " " + " ".join(el.get(k) for k in TEST_KEYS if el.get(k))
    return out


def without(el, drop):
    """``el`` itself when no descendant matches ``drop``, else a copy without those descendants
    (their tails kept)."""
    if not any(drop(d) for d in el.iterdescendants()):
        return el
    bare = copy.deepcopy(el)
    for d in [d for d in bare.iterdescendants() if drop(d)]:
        d.drop_tree()
    return bare
