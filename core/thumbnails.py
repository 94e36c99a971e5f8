"""Small inline images for on-screen previews.

A page of 100 banners with full-size backgrounds inlined would weigh tens of megabytes;
the grid shows the banner a few hundred pixels wide, so a downscaled JPEG is enough.
Downloads keep using the full-size media.
"""

from __future__ import annotations

import base64
import io

from PIL import Image, ImageOps

THUMB_SIDE = 480  # on-screen banners are at most ~440 CSS px wide
THUMB_NAME = "thumb.jpg"


def thumbnail_url(background_url: str | None) -> str | None:
    """Where the pipeline keeps the screen-sized copy of a generated background."""
    if not background_url or not background_url.startswith("/media/previews/"):
        return None
    return background_url.rsplit("/", 1)[0] + "/" + THUMB_NAME


def thumbnail_jpeg(data: bytes, max_side: int = 640, quality: int = 78) -> bytes | None:
    """``data`` (any image Pillow reads) shrunk to ``max_side`` as JPEG; None if unreadable."""
    try:
        img = Image.open(io.BytesIO(data))
        img.draft("RGB", (max_side, max_side))  # JPEG: decode at reduced scale, much faster
        img = ImageOps.exif_transpose(img).convert("RGB")
    except (OSError, ValueError, Image.DecompressionBombError):
        return None
    img.thumbnail((max_side, max_side), Image.Resampling.BILINEAR, reducing_gap=2.0)
    out = io.BytesIO()
    img.save(out, "JPEG", quality=quality)  # no optimize pass: it doubles the time
    return out.getvalue()


def thumbnail_data_uri(data: bytes | None, max_side: int = 640) -> str | None:
    """``data:image/jpeg;base64,…`` of the shrunk image, or None."""
    small = thumbnail_jpeg(data, max_side) if data else None
    if small is None:
        return None
    return "data:image/jpeg;base64," + base64.b64encode(small).decode("ascii")
