"""Decoding images from strangers: checked from the header first, then decoded small.

Every place that decodes an image it did not draw itself (product photos, reference
uploads, stored backgrounds, prefills edited by users) goes through ``decode_image``:

1. ``Image.open`` reads only the header. The formats are the ones a browser shows on a
   product page (``FORMATS``), so no exotic decoder (EPS runs Ghostscript) is ever reached.
2. The pixel count (width × height, × frames for an animation) is checked against
   ``IMAGE_MAX_PIXELS`` (default 40 MP) *before* any pixel is decoded. A 190 KB PNG can
   declare 13,000 × 13,000 px (~500 MB once decoded); it is refused with a reason a user
   can read: "image is 13000 × 13000 px, over the 40 MP limit".
3. Only the first frame is decoded, at the size the caller needs (``cover``: at least this
   big on both sides, e.g. CLIP's 224 px; ``fit``: at most this big, e.g. a 480 px
   thumbnail). JPEGs decode at 1/2, 1/4 or 1/8 scale straight from the DCT (``draft``);
   other formats decode whole and are reduced at once (palette and 1-bit images strip by
   strip, so the full-size picture never exists in RGB).
4. The full-size decodes of one process share ``DECODE_MEMORY_BYTES``: six ranking
   threads and four worker threads cannot each hold a 40 MP picture at the same time (one
   larger than the whole budget waits until it decodes alone).
"""

from __future__ import annotations

import io
import math
import re
import threading
import warnings
from contextlib import contextmanager
from dataclasses import dataclass

from PIL import Image, UnidentifiedImageError

# formats a browser shows in an <img> (JPEG includes MPO, the JPEG of many phone cameras)
FORMATS = ("JPEG", "PNG", "GIF", "WEBP", "AVIF", "BMP")
DECODE_MEMORY_BYTES = 256 * 1024 * 1024
DEFAULT_MAX_PIXELS = 40_000_000
_ANIMATED = ("GIF", "PNG", "WEBP", "AVIF")  # where extra frames are an animation (not MPO's previews)
_REDUCIBLE = ("L", "LA", "RGB", "RGBA", "RGBX", "CMYK", "YCbCr", "I", "F")  # Image.reduce() works
_STRIP_BYTES = 4 * 1024 * 1024  # one strip of a palette image converted to RGB(A) at a time
_ORIENTATION = {2: Image.Transpose.FLIP_LEFT_RIGHT, 3: Image.Transpose.ROTATE_180,
                4: Image.Transpose.FLIP_TOP_BOTTOM, 5: Image.Transpose.TRANSPOSE,
                6: Image.Transpose.ROTATE_270, 7: Image.Transpose.TRANSVERSE,
                8: Image.Transpose.ROTATE_90}

# Our pixel budget replaces Pillow's warning (Pillow's hard error above ~179 MP stays).
warnings.filterwarnings("ignore", category=Image.DecompressionBombWarning)
Image.init()
_OPENERS = [f for f in FORMATS if f in Image.OPEN]  # AVIF only when Pillow was built with it


class ImageRejected(ValueError):
    """The bytes are not an image we decode; ``reason`` is written for a user."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class ImageTooLarge(ImageRejected):
    """Over the pixel budget (found from the header; nothing was decoded)."""


@dataclass(frozen=True)
class ImageInfo:
    """What the header says."""

    width: int
    height: int
    format: str
    frames: int = 1


def max_pixels() -> int:
    """The configured pixel budget (``IMAGE_MAX_PIXELS``)."""
    from core.settings import get_settings

    return max(1, int(getattr(get_settings(), "image_max_pixels", DEFAULT_MAX_PIXELS)))


def _mp(pixels: int) -> str:
    return f"{pixels / 1e6:.0f} MP" if pixels >= 10e6 else f"{pixels / 1e6:.1f} MP"


def _open(data: bytes, limit: int | None) -> tuple[Image.Image, ImageInfo]:
    """The image opened lazily (header only) and checked against the budget."""
    limit = max_pixels() if limit is None else limit
    try:
        im = Image.open(io.BytesIO(data), formats=_OPENERS)
    except Image.DecompressionBombError as exc:  # over Pillow's own hard limit (~179 MP)
        m = re.search(r"\((\d+) pixels\)", str(exc))
        size = f"{_mp(int(m.group(1)))}" if m else "too many pixels"
        raise ImageTooLarge(f"image has {size}, over the {_mp(limit)} limit") from None
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, EOFError) as exc:
        raise ImageRejected("image could not be decoded") from exc
    w, h = im.size
    if w < 1 or h < 1:
        raise ImageRejected("image could not be decoded")
    if w * h > limit:
        raise ImageTooLarge(f"image is {w} × {h} px, over the {_mp(limit)} limit")
    frames = 1
    if im.format in _ANIMATED and getattr(im, "is_animated", False):
        try:
            frames = int(im.n_frames)
            im.seek(0)
        except (OSError, ValueError, EOFError) as exc:
            raise ImageRejected("image could not be decoded") from exc
        if w * h * frames > limit:
            raise ImageTooLarge(f"image is an animation of {frames} frames of {w} × {h} px "
                                f"({_mp(w * h * frames)}), over the {_mp(limit)} limit")
    return im, ImageInfo(w, h, im.format, frames)


def probe(data: bytes, *, limit: int | None = None) -> ImageInfo:
    """Size, format and frames from the header alone; raises ``ImageRejected`` over budget."""
    im, info = _open(data, limit)
    im.close()
    return info


class _DecodeMemory:
    """Bytes of full-size decodes in flight in this process, bounded (thread-safe)."""

    def __init__(self, limit: int) -> None:
        self.limit, self.used = limit, 0
        self._cond = threading.Condition()

    @contextmanager
    def reserve(self, nbytes: int):
        nbytes = min(nbytes, self.limit)  # larger than the budget: waits until it is alone
        with self._cond:
            self._cond.wait_for(lambda: self.used + nbytes <= self.limit)
            self.used += nbytes
        try:
            yield
        finally:
            with self._cond:
                self.used -= nbytes
                self._cond.notify_all()


_memory = _DecodeMemory(DECODE_MEMORY_BYTES)


def _bytes_per_pixel(mode: str) -> int:
    if mode in ("1", "L", "P"):
        return 1
    return 2 if mode.startswith("I;16") else 4


def _has_alpha(im: Image.Image) -> bool:
    return im.mode in ("RGBA", "LA", "PA", "RGBa", "La") or "transparency" in im.info


def _orientation(im: Image.Image) -> int:
    """EXIF orientation from the raw EXIF block (``getexif()`` would decode a PNG first)."""
    raw = im.info.get("exif")
    if not raw:
        return 1
    exif = Image.Exif()
    try:
        exif.load(raw)
        value = int(exif.get(0x0112, 1))
    except Exception:  # noqa: BLE001 - broken EXIF: show the image as stored
        return 1
    return value if value in _ORIENTATION else 1


def _scale(size: tuple[int, int], cover: tuple[int, int] | None, fit: tuple[int, int] | None) -> float:
    w, h = size
    scale = 1.0
    if cover:
        scale = min(scale, max(cover[0] / w, cover[1] / h))
    if fit:
        scale = min(scale, fit[0] / w, fit[1] / h)
    return scale


def _reduce_in_strips(im: Image.Image, factor: int, mode: str) -> Image.Image:
    """``im.convert(mode).reduce(factor)`` without the full-size converted copy."""
    w, h = im.size
    out = Image.new(mode, (math.ceil(w / factor), math.ceil(h / factor)))
    rows = factor * max(1, _STRIP_BYTES // (4 * w * factor))
    for top in range(0, h, rows):
        strip = im.crop((0, top, w, min(h, top + rows))).convert(mode)
        out.paste(strip.reduce(factor) if factor > 1 else strip, (0, top // factor))
    return out


def decode_image(data: bytes, *, cover: tuple[int, int] | None = None,
                 fit: tuple[int, int] | None = None, mode: str | None = "RGB",
                 limit: int | None = None) -> Image.Image:
    """The first frame of ``data``, upright (EXIF), decoded no larger than needed.

    ``cover``: the result still covers this box (both sides at least as large, unless the
    image is smaller); ``fit``: the result fits inside this box. ``mode`` "RGB"/"RGBA", or
    None for "RGBA" when the image has transparency, else "RGB". Raises ``ImageRejected``
    (with a reason for a user) when the image is over the pixel budget or cannot be decoded.
    """
    im, info = _open(data, limit)
    try:
        orientation = _orientation(im)  # JPEG, WebP: in the header
        if orientation >= 5:  # stored sideways: the boxes apply to the turned picture
            cover, fit = cover and cover[::-1], fit and fit[::-1]
        scale = _scale((info.width, info.height), cover, fit)
        target = (max(1, round(info.width * scale)), max(1, round(info.height * scale)))
        if im.format in ("JPEG", "MPO") and scale < 1:
            im.draft("RGB", target)  # DCT scaling: 1/2, 1/4 or 1/8, still >= target
        with _memory.reserve(im.size[0] * im.size[1] * _bytes_per_pixel(im.mode)):
            im.load()
            orientation = orientation if orientation > 1 else _orientation(im)  # PNG: maybe after the pixels
            out_mode = mode or ("RGBA" if _has_alpha(im) else "RGB")
            factor = int(min(im.size[0] / target[0], im.size[1] / target[1]) / 2)  # reducing_gap 2
            if im.mode not in _REDUCIBLE:  # palette, 1-bit, 16-bit: convert while reducing
                work = "RGBA" if _has_alpha(im) else "RGB"
                im = _reduce_in_strips(im, max(1, factor), work)
            if im.size != target:
                im = im.resize(target, Image.Resampling.BICUBIC, reducing_gap=2.0)
        if orientation > 1:
            im = im.transpose(_ORIENTATION[orientation])
        return im if im.mode == out_mode else im.convert(out_mode)
    except ImageRejected:
        raise
    except (OSError, ValueError, SyntaxError, EOFError, MemoryError, Image.DecompressionBombError) as exc:
        raise ImageRejected("image could not be decoded") from exc
