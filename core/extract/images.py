"""Image URLs: resolve, pick the largest ``srcset`` candidate, drop site chrome, de-duplicate.

``image_identity`` decides when two URLs are the same photo at another size: CDNs put the size
in the query (``?sw=513``), in the file name (``_1024x1024``, ``._AC_SL1500_``, ``,large``) or in
a path folder (``/500x500/``); the identity strips those so one photo counts once.
"""

from __future__ import annotations

import html
import re
from urllib.parse import unquote, urljoin, urlsplit

from w3lib.url import safe_url_string

_IMAGE_EXT = re.compile(r"\.(jpe?g|png|webp|avif|gif|bmp|tiff?|jfif)$", re.I)
# UI art, and documents that are never a photo: Amazon's sponsored-products carousel holds
# "…/logging/log-action.html?adId=…" view pixels (a fetch counts an ad impression). Image
# scripts (thumbnail.asp?file=…, thumb.aspx?i=…) stay.
_BAD_EXT = re.compile(r"\.(svg|ico|cur|html?|js|css|json|xml|txt)$", re.I)
# Path words that mark site chrome rather than product photos.
_CHROME = re.compile(
    r"(^|[/_.\-])(logo|logos|icon|icons|favicon|sprite|sprites|pixel|spacer|blank|placeholder|"
    r"loader|loading|spinner|badge|badges|flag|flags|emoji|avatar|payment|payments|rating|"
    r"stars?|tracking|beacon|transparent|1x1|no[-_]?image|noimage|default[-_]?image|"
    r"(?:img|image)[-_]?empty)"  # JLCPCB's "img-empty.29365da.png"
    r"(?=$|[/_.\-\d])",
    re.I,
)
# A file named for a viewer's control, not a photo: a lightbox's prev.png / next.gif / close.png,
# arrow_left.png, btn_zoom.gif (a whole file name, UI art formats: "next-gen-console.jpg",
# "button-cell.jpg", "arrows.jpg" are photos).
_CONTROL_FILE = re.compile(r"^(prev|previous|next|close|arrow[-_]?(left|right|up|down|prev|next)|"
                           r"(btn|button)[-_]?(prev|previous|next|close|left|right|zoom))(@\dx)?\.(png|gif|svg)$", re.I)
_TRACKERS = ("facebook.com/tr", "google-analytics.com", "doubleclick.net", "bat.bing.com",
             "/pixel", "scorecardresearch.com", "googletagmanager.com")
# Renditions: size tokens inside the file name.
_NAME_SIZE = [
    re.compile(r"\._[^/]*?_(?=\.)"),                          # amazon: id._AC_SL1500_.jpg
    re.compile(r"_(\d+x\d*|\d*x\d+)(@\dx)?(?=\.|$)"),         # name_1024x1024.jpg
    re.compile(r"-\d+x\d+(?=\.|$)"),                          # name-300x300.jpg
    re.compile(r",[a-z]+(?=\.|$)"),                           # name,large.jpg
    re.compile(r"[_-](grande|compact|large|medium|small|thumb|thumbnail|master|zoom|"
               r"pico|icon|original|big|xl|xxl|hires|lowres|product|cart|catalog)(?=\.|$)", re.I),
]
_GENERIC_STEM = re.compile(r"^(s-l\d+|image|img|main|default|large|original|photo|picture|"
                           r"full|zoom|\d+|[a-z]\d?)$", re.I)
_SIZE_SEGMENT = re.compile(r"^(\d+x\d+|w\d+|h\d+|[a-z]{1,3}|img-\d+|size-?\w+|resize\w*|"
                           r"thumbs?|small|medium|large|big|zoom|original|orig|\d+hq)$", re.I)


# A photo link that opens a lightbox (its title is the photo's caption).
LIGHTBOX = re.compile(r"prettyphoto|lightbox|fancybox|colorbox|thickbox|shadowbox|slimbox|highslide", re.I)
# a lightbox link's caption that names no product: a set name ("shadowbox[gallery]"), "Click to enlarge"
GENERIC_CAPTION = re.compile(r"(gallery|images?|photos?|pictures?|product|products|zoom|group|set|album|"
                              r"lightbox|shadowbox|slimbox|highslide)[-_ ]?\d*|"
                              r".*\b(click|enlarge|vergr[öo]ß\w*|agrandir|ingrandire|ampliar|zoom)\b.*", re.I)


def absolute_url(value: object, base_url: str | None) -> str | None:
    """An absolute http(s) URL for ``value`` resolved against ``base_url``, or None."""
    if not isinstance(value, str):
        if isinstance(value, dict):
            value = value.get("url") or value.get("contentUrl") or value.get("@id")
            return absolute_url(value, base_url)
        return None
    url = html.unescape(value).strip().replace("\\/", "/")
    if not url or url.startswith(("data:", "javascript:", "blob:", "#", "about:")) or "{{" in url:
        return None
    if url.startswith("//"):
        scheme = urlsplit(base_url or "").scheme or "https"
        url = f"{scheme}:{url}"
    try:
        url = urljoin(base_url or "", url)
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return None
    if url.isascii() and " " not in url and "\t" not in url:
        return url
    return safe_url_string(url)


_DESCRIPTOR = re.compile(r"^(\d+(?:\.\d+)?)([wxh])(,?)$")


def largest_srcset(srcset: str | None) -> str | None:
    """The URL of the largest candidate in a ``srcset`` (``800w`` / ``2x`` descriptors).

    Parsed as the HTML standard says: a URL runs to the next whitespace (trailing commas end
    a candidate), so URLs that contain commas (``name,large.jpg``) survive.
    """
    if not srcset:
        return None
    best, best_size = None, -1.0
    url, size = None, 1.0

    def close():
        nonlocal best, best_size
        if url and size > best_size:
            best, best_size = url, size

    for token in srcset.split():
        m = _DESCRIPTOR.match(token) if url else None
        if m:
            size = float(m.group(1)) * (1000 if m.group(2) == "x" else 1)
            if m.group(3):
                close()
                url, size = None, 1.0
            continue
        if token.startswith(",") and url:
            close()
            url, size = None, 1.0
            token = token.lstrip(",")
            if not token:
                continue
        if url:  # a new URL without a comma before it: the previous candidate ended
            close()
            size = 1.0
        url = token.rstrip(",")
        if token.endswith(","):
            close()
            url, size = None, 1.0
    close()
    return best


def is_chrome_image(url: str, *, width: int | None = None, height: int | None = None) -> bool:
    """True for icons, logos, sprites, tracking pixels, SVG UI art and tiny images."""
    parts = urlsplit(url)
    path = unquote(parts.path)
    if _BAD_EXT.search(path) or any(t in url for t in _TRACKERS) or _CONTROL_FILE.match(path.rsplit("/", 1)[-1]):
        return True
    if _CHROME.search(path.rsplit("/", 2)[-2] + "/" + path.rsplit("/", 1)[-1] if path.count("/") >= 2 else path):
        return True
    if width is not None and height is not None and (width <= 40 or height <= 40):
        return True
    if width is not None and width <= 16 or height is not None and height <= 16:
        return True
    return False


def image_identity(url: str) -> str:
    """A key equal for renditions of one photo (size tokens, size folders, query dropped)."""
    parts = urlsplit(url)
    path = unquote(parts.path).lower()
    segments = [s for s in path.split("/") if s]
    if not segments:
        return parts.netloc.lower() + "?" + parts.query
    name = segments[-1]
    for rx in _NAME_SIZE:
        name = rx.sub("", name)
    stem = name.rsplit(".", 1)[0] if "." in name else name
    if len(stem) >= 6 and not _GENERIC_STEM.match(stem) and not stem.isdigit():
        return stem
    folders = [s for s in segments[:-1] if not _SIZE_SEGMENT.match(s)]
    key = "/".join(folders[-2:] + [stem])
    if not _IMAGE_EXT.search(path) and parts.query and len(stem) < 6:
        key += "?" + parts.query  # e.g. /image?id=123: the query is the identity
    return key


def dedupe_images(urls: list[str]) -> list[str]:
    """Keep the first URL of each identity, in order."""
    seen: set[str] = set()
    out: list[str] = []
    for url in urls:
        key = image_identity(url)
        if key not in seen:
            seen.add(key)
            out.append(url)
    return out
