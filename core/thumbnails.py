"""Small inline images for on-screen previews.

A page of 100 banners with full-size backgrounds inlined would weigh tens of megabytes;
the grid shows the banner a few hundred pixels wide, so a downscaled JPEG is enough.
Downloads keep using the full-size media.
"""

from __future__ import annotations

import base64
import io

from core.images import ImageRejected, decode_image

THUMB_SIDE = 480  # on-screen banners are at most ~440 CSS px wide
THUMB_NAME = "thumb.jpg"


def thumbnail_url(background_url: str | None) -> str | None:
    """Where the pipeline keeps the screen-sized copy of a generated background."""
    if not background_url or not background_url.startswith("/media/previews/"):
        return None
    return background_url.rsplit("/", 1)[0] + "/" + THUMB_NAME


def thumbnail_jpeg(data: bytes, max_side: int = 640, quality: int = 78) -> bytes | None:
    """``data`` shrunk to ``max_side`` as JPEG; None if unreadable or over the pixel budget
    (checked from the header, before decoding: see core/images.py)."""
    try:
        img = decode_image(data, fit=(max_side, max_side))  # JPEG: decoded at reduced scale
    except ImageRejected:
        return None
    out = io.BytesIO()
    img.save(out, "JPEG", quality=quality)  # no optimize pass: it doubles the time
    return out.getvalue()


def thumbnail_data_uri(data: bytes | None, max_side: int = 640) -> str | None:
    """``data:image/jpeg;base64,…`` of the shrunk image, or None."""
    small = thumbnail_jpeg(data, max_side) if data else None
    if small is None:
        return None
    return "data:image/jpeg;base64," + base64.b64encode(small).decode("ascii")
