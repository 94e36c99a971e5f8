"""A prefill's brand assets for the renderers: the font family and the logo.

The font is an installed Noto family or an uploaded TTF/OTF stored as media; both renderers
use the same file (PNG through ``core.fonts``, HTML as an ``@font-face`` with the font
subset to the banner's characters and inlined as ``data:``, which the iframe's CSP allows).
The logo is a PNG (uploaded SVGs are rasterised once, at upload, by ``core.brand.logo``),
drawn "contain" in the slot the layout gives it.
"""

from __future__ import annotations

import base64
import functools
import io
import re

from PIL import Image

from core import fonts
from core.render.layout import BannerLayout
from core.render.safe import Resolver

_ANY_DATA_URI = re.compile(r"^data:[\w/+.-]+;base64,([A-Za-z0-9+/=]+)$")


_FONT_MAGIC = (b"\x00\x01\x00\x00", b"OTTO", b"true")
_PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def _decoded(got) -> bytes | None:
    if isinstance(got, bytes):
        return got
    if isinstance(got, str) and (m := _ANY_DATA_URI.match(got)):
        return base64.b64decode(m.group(1))
    return None


def _media_bytes(url: str, resolve: Resolver | None, usable) -> bytes | None:
    """The bytes of a brand file: through ``resolve`` when it gives the real file, else from
    media storage (a page's resolver may hand out JPEG thumbnails, which would lose a logo's
    transparency and cannot stand in for a font)."""
    for source in (resolve, None):
        if source is None:
            from core.storage import get_storage

            source = get_storage().data_uri
        try:
            data = _decoded(source(url))
        except Exception:  # noqa: BLE001 - a broken store must not break the banner
            data = None
        if data and usable(data):
            return data
    return None


def _is_font(data: bytes) -> bool:
    return data[:4] in _FONT_MAGIC


def logo_source(url: str | None, resolve: Resolver | None) -> tuple[str | None, bytes | None]:
    """The logo as (data URI for HTML, PNG bytes), or (None, None)."""
    if not url:
        return None, None
    if url.startswith("https://"):
        return url, None  # the browser may load it; the PNG renderer does no network I/O
    if not url.startswith("/media/"):  # an inline data: image, as the prefill gives it
        data = _decoded(url)
        return (url, data) if data else (None, None)
    data = _media_bytes(url, resolve, lambda d: d[:8] == _PNG_MAGIC)  # kit logos are PNG
    if data is None:
        return None, None
    return "data:image/png;base64," + base64.b64encode(data).decode(), data


@functools.lru_cache(maxsize=64)
def _uploaded_family(url: str, resolve: Resolver | None) -> str:
    # uploaded font URLs carry their content hash, so one URL is always the same font
    data = _media_bytes(url, resolve, _is_font)
    return fonts.register_font(data) if data else ""


def font_family(ref: str, resolve: Resolver | None) -> tuple[str, list[str]]:
    """The ``core.fonts`` family key of a prefill's ``font`` and warnings."""
    if not ref:
        return "", []
    if not ref.startswith("/media/"):
        return (ref, []) if fonts.family_files(ref) else (
            "", [f"font {ref} is not installed: Noto Sans used"])
    try:
        family = _uploaded_family(ref, resolve)
    except Exception:  # noqa: BLE001 - unhashable resolver or unreadable file
        data = _media_bytes(ref, resolve, _is_font)
        family = fonts.register_font(data) if data else ""
    if not family:
        return "", ["brand font file is missing: Noto Sans used"]
    return family, []


@functools.lru_cache(maxsize=128)
def _subset(path: str, text: str) -> tuple[str, bytes]:
    """(format, bytes) of ``path`` cut down to the glyphs of ``text`` (WOFF2 if possible)."""
    from fontTools import subset

    options = subset.Options()
    options.layout_features = ["*"]
    options.notdef_outline = True
    font = subset.load_font(path, options)
    sub = subset.Subsetter(options)
    sub.populate(text=text)
    sub.subset(font)
    out = io.BytesIO()
    for flavor, fmt in (("woff2", "woff2"), (None, "truetype")):
        try:
            font.flavor = flavor
            out = io.BytesIO()
            font.save(out)
            return fmt, out.getvalue()
        except Exception:  # noqa: BLE001 - woff2 needs brotli; plain TTF always works
            continue
    return "truetype", out.getvalue()


def font_face_css(family: str, text: str) -> str:
    """``@font-face`` rules for the brand family ('BrandFont'), subset to ``text``."""
    rules = []
    chars = "".join(sorted(set(text + " …"))) or " "
    for weight, path in sorted(fonts.family_files(family).items()):
        try:
            fmt, data = _subset(str(path), chars)
        except Exception:  # noqa: BLE001 - an unsubsettable font is embedded whole
            fmt, data = "truetype", path.read_bytes()
        mime = "font/woff2" if fmt == "woff2" else "font/ttf"
        rules.append("@font-face{font-family:'BrandFont';font-weight:%d;"
                     "src:url(data:%s;base64,%s) format('%s')}"
                     % (weight, mime, base64.b64encode(data).decode(), fmt))
    return "".join(rules)


def logo_image(raw: bytes, fit: tuple[int, int]) -> Image.Image | None:
    """The logo decoded as RGBA no larger than ``fit``, or None if it is not an image."""
    from core.images import decode_image

    try:
        return decode_image(raw, fit=fit, mode="RGBA")
    except Exception:  # noqa: BLE001 - a broken logo must not break the banner
        return None


def paste_logo(canvas: Image.Image, logo: Image.Image, layout: BannerLayout) -> None:
    """Draw ``logo`` contained in ``layout.logo``, aligned like the text."""
    box = layout.logo
    scale = min(box.w / logo.width, box.h / logo.height)
    size = (max(1, round(logo.width * scale)), max(1, round(logo.height * scale)))
    fitted = logo.resize(size, Image.Resampling.LANCZOS)
    x = {"left": box.x, "center": box.x + (box.w - size[0]) // 2,
         "right": box.right - size[0]}.get(layout.logo_align, box.x)
    y = box.y + (box.h - size[1]) // 2
    canvas.paste(fitted, (x, y), fitted)
