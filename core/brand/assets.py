"""Brand kit files: the logo (PNG, or SVG sanitised and rasterised once) and the font.

An uploaded SVG is never inlined into a banner: scripts, event handlers, external
references, embedded documents and entity tricks are stripped, then CairoSVG (in its safe
mode: no external files, no entities) draws it to a PNG. Banners only ever embed that PNG.
Fonts are accepted as TTF/OTF that fontTools can read and that map at least one character.
"""

from __future__ import annotations

import io
import re

from core.errors import ValidationError

LOGO_MAX_BYTES = 2_000_000
FONT_MAX_BYTES = 10_000_000
LOGO_SIDE = 800  # the rasterised/normalised logo's longest side

SVG_NS = "http://www.w3.org/2000/svg"
XLINK = "{http://www.w3.org/1999/xlink}href"
# shapes, text, paint servers and grouping: everything a logo needs, nothing that runs or loads
SVG_ELEMENTS = {
    "svg", "g", "path", "rect", "circle", "ellipse", "line", "polyline", "polygon", "text",
    "tspan", "defs", "linearGradient", "radialGradient", "stop", "clipPath", "mask", "use",
    "symbol", "title", "desc",
}
_UNSAFE_VALUE = re.compile(r"url\(\s*['\"]?(?!#)|javascript:|data:|expression\(|@import",
                           re.IGNORECASE)


def is_svg(data: bytes) -> bool:
    head = data[:1024].lstrip().lower()
    return head.startswith(b"<svg") or (head.startswith(b"<?xml") and b"<svg" in data[:4096].lower())


def sanitize_svg(data: bytes) -> bytes:
    """The SVG with only drawing elements and attributes left (raises ValidationError)."""
    from lxml import etree

    if len(data) > LOGO_MAX_BYTES:
        raise ValidationError("The SVG logo is over 2 MB")
    if re.search(rb"<!DOCTYPE|<!ENTITY", data, re.IGNORECASE):
        raise ValidationError("SVG logos with a DOCTYPE or entities are not accepted")
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                             huge_tree=False, remove_comments=True, remove_pis=True)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        raise ValidationError(f"The SVG logo cannot be read: {exc}") from None
    if etree.QName(root).localname != "svg":
        raise ValidationError("The logo file is not an SVG image")
    # a link drawn around a logo's shapes or words: the link goes, what it holds stays
    etree.strip_tags(root, f"{{{SVG_NS}}}a", "a")
    for el in list(root.iter()):
        if not isinstance(el.tag, str):
            continue
        name = etree.QName(el)
        if name.namespace not in (None, SVG_NS) or name.localname not in SVG_ELEMENTS:
            if el.getparent() is not None:
                el.getparent().remove(el)
            continue
        for attr in list(el.attrib):
            local = etree.QName(attr).localname.lower()
            value = el.attrib[attr]
            if local.startswith("on"):  # event handlers run script
                del el.attrib[attr]
            elif local == "href" and not value.startswith("#"):
                del el.attrib[attr]  # only references inside the document
            elif _UNSAFE_VALUE.search(value):
                del el.attrib[attr]
    return etree.tostring(root)


def rasterize_svg(data: bytes) -> bytes:
    """A sanitised SVG drawn to PNG, its longest side ``LOGO_SIDE``."""
    import cairosvg

    clean = sanitize_svg(data)
    try:
        png = cairosvg.svg2png(bytestring=clean, output_width=LOGO_SIDE, unsafe=False)
        from PIL import Image

        with Image.open(io.BytesIO(png)) as im:
            if im.height > im.width:
                png = cairosvg.svg2png(bytestring=clean, output_height=LOGO_SIDE, unsafe=False)
    except Exception as exc:  # noqa: BLE001 - any drawing error is the file's fault
        raise ValidationError(f"The SVG logo cannot be drawn: {str(exc)[:120]}") from None
    return png


def normalise_logo(data: bytes) -> bytes:
    """The logo as a metadata-free RGBA PNG, longest side ≤ ``LOGO_SIDE`` (PNG or SVG in)."""
    from PIL import Image

    from core.images import ImageRejected, decode_image

    if len(data) > LOGO_MAX_BYTES:
        raise ValidationError("The logo is over 2 MB")
    if is_svg(data):
        data = rasterize_svg(data)
    elif data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValidationError("The logo must be a PNG or an SVG file")
    try:
        img = decode_image(data, fit=(LOGO_SIDE, LOGO_SIDE), mode="RGBA")
    except ImageRejected as exc:
        raise ValidationError(f"The logo cannot be used: {exc}") from None
    img.thumbnail((LOGO_SIDE, LOGO_SIDE), Image.Resampling.LANCZOS)
    if img.getchannel("A").getbbox() is None:
        raise ValidationError("The logo is fully transparent")
    out = io.BytesIO()
    img.save(out, "PNG", optimize=True)
    return out.getvalue()


def check_font(data: bytes) -> tuple[str, str]:
    """(extension, family name) of an uploaded TTF/OTF (raises ValidationError)."""
    from fontTools.ttLib import TTFont

    if len(data) > FONT_MAX_BYTES:
        raise ValidationError("The font is over 10 MB")
    magic = data[:4]
    if magic not in (b"\x00\x01\x00\x00", b"OTTO", b"true"):
        raise ValidationError("The font must be a TrueType (.ttf) or OpenType (.otf) file")
    try:
        with TTFont(io.BytesIO(data), lazy=True) as tt:
            cmap = tt["cmap"].getBestCmap() or {}
            name = tt["name"].getDebugName(1) or "Uploaded font"
            if "glyf" not in tt and "CFF " not in tt and "CFF2" not in tt:
                raise ValidationError("The font has no glyph outlines")
    except ValidationError:
        raise
    except Exception:  # noqa: BLE001 - a broken font is the upload's fault
        raise ValidationError("The font file cannot be read") from None
    if not cmap:
        raise ValidationError("The font maps no characters")
    return ("otf" if magic == b"OTTO" else "ttf"), name[:80]
