"""The pluggable boundaries of the pipeline: scraping, ranking, images, generators, storage.

Production code uses the real implementations; tests may swap one stage (e.g. an instant
generator for benchmarks) with :func:`override`.

Source photos. A preview's ``source_image_url`` is one of:

- a shop image URL (what the ranking chose). ``prepare_source`` keeps a copy of each planned
  photo in media storage (``photos/<digest of the URL>``, ``keep_source_photos``), so the
  worker that generates the preview — any worker, on any host — reads that copy instead of
  asking the shop's CDN again (which may refuse a request without the product page as
  ``Referer``, or rate-limit it);
- ``/media/products/<product>/photos/…``: a photo a user gave the product on the Previews
  page (upload or pasted URL), read from media storage;
- ``TEXT_ONLY_SOURCE``: the user chose a text-only banner. The generators get a plain
  canvas (``TextOnlySource``); the copy is written as usual, then given the text-only layout
  and a colour scheme of its own, and no background is generated from a photo.

Photos reach the generators as JPEG, PNG or WebP: AVIF, TIFF, BMP, GIF, JPEG 2000 (anything
Pillow decodes, within the pixel budget) are converted first.
"""

from __future__ import annotations

import hashlib
import io
import logging
from typing import Any

log = logging.getLogger(__name__)

_overrides: dict[str, Any] = {}

TEXT_ONLY_SOURCE = "/media/text-only"  # passes the prefill's URL rules; no file behind it
PHOTO_PREFIX = "photos/"
UPLOAD_MARK = "/media/products/"  # photos users gave a product (core.previews.give_product_photo)
_GENERATOR_TYPES = ("image/jpeg", "image/png", "image/webp")


def override(**stages: Any) -> None:
    """Replace stages by name (``scrape``, ``rank``, ``fetch_image``, ``generators``, ``storage``)."""
    _overrides.update(stages)


def reset() -> None:
    _overrides.clear()


def scrape(url: str, should_stop=None):
    """``should_stop``: a ``() -> bool`` the real scraper polls while fetching (cancel)."""
    if "scrape" in _overrides:
        return _overrides["scrape"](url)
    from core.scrape import scrape_product

    return scrape_product(url, should_stop=should_stop)


def rank(product, image_urls: list[str], should_stop=None):
    if "rank" in _overrides:
        return _overrides["rank"](product, image_urls)
    from core.rank import rank_images

    return rank_images(product, image_urls, should_stop=should_stop)


def is_upload(url: str | None) -> bool:
    """A photo a user gave the product (kept first when the page is scraped again)."""
    return bool(url) and url.startswith(UPLOAD_MARK)


def photo_key(url: str) -> str:
    """Where the copy of a shop photo is kept in media storage."""
    return PHOTO_PREFIX + hashlib.sha256(url.encode("utf-8")).hexdigest()[:40]


class TextOnlySource(bytes):
    """The "photo" of a text-only banner: a plain canvas (a valid PNG, so any generator can
    read it), marked by its type so the wrapped generators recognise it."""


def _canvas() -> TextOnlySource:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (480, 480), (244, 241, 236)).save(out, "PNG")
    return TextOnlySource(out.getvalue())


def for_generators(data: bytes) -> bytes:
    """``data`` as JPEG/PNG/WebP (what the generators and Gemini take); other formats Pillow
    decodes (AVIF, TIFF, BMP, GIF, JPEG 2000) are converted, at most 2048 px a side."""
    from core.fetch import sniff_image_type

    if sniff_image_type(data[:32]) in _GENERATOR_TYPES or isinstance(data, TextOnlySource):
        return data
    from core.images import ImageRejected, decode_image

    try:
        image = decode_image(data, fit=(2048, 2048), mode=None)
    except ImageRejected:
        return data  # the generators refuse it in their own words ("choose another image")
    out = io.BytesIO()
    if image.mode == "RGBA":
        image.save(out, "PNG")
    else:
        image.save(out, "JPEG", quality=92)
    return out.getvalue()


def fetch_image(url: str) -> bytes:
    """The source photo's bytes for generation (see the module docstring)."""
    if "fetch_image" in _overrides:
        return _overrides["fetch_image"](url)
    if url == TEXT_ONLY_SOURCE:
        return _canvas()
    from core.errors import ScrapeError

    if url.startswith("/media/"):
        data = storage().get(url)
        if data is None:
            raise ScrapeError("The product photo given for this product is missing from the media "
                              "store; upload it again", transient=False)
        return for_generators(data)
    from core.rank import cached_image_bytes, load_image_bytes

    data = cached_image_bytes(url)  # the ranking in this process downloaded it moments ago
    if data is None:
        data = storage().get("/media/" + photo_key(url))  # kept by prepare_source
    if data is None:
        data = load_image_bytes(url)  # last resort: the shop's CDN again, without the page
    return for_generators(data)


def keep_source_photos(urls: list[str], *, referer: str | None = None, should_stop=None) -> int:
    """Store a copy of each planned shop photo (best effort); returns how many were kept."""
    if "fetch_image" in _overrides:
        return 0  # tests and benchmarks that script the images keep nothing
    from core.errors import ScrapeError
    from core.fetch import FetchStopped
    from core.rank import load_image_bytes

    kept = 0
    for url in dict.fromkeys(urls):
        if url == TEXT_ONLY_SOURCE or url.startswith("/media/"):
            continue
        try:
            data = load_image_bytes(url, referer=referer, should_stop=should_stop)
            storage().put(photo_key(url), data, "application/octet-stream")
            kept += 1
        except FetchStopped:
            raise
        except ScrapeError as exc:
            log.warning("sources.photo_not_kept", extra={"url": url, "reason": exc.message})
        except Exception:  # noqa: BLE001 - generation will fetch it itself
            log.warning("sources.photo_not_kept", extra={"url": url}, exc_info=True)
    return kept


# colour schemes of text-only banners (background, text, primary, secondary, button, button
# text): every text/background and button-text/button pair is above 4.5:1 (tested)
TEXT_ONLY_SCHEMES = [
    {"background": "#FFF7ED", "text": "#1C1917", "primary": "#C2410C", "secondary": "#57534E",
     "button": "#C2410C", "button_text": "#FFFFFF"},
    {"background": "#0F172A", "text": "#F8FAFC", "primary": "#38BDF8", "secondary": "#CBD5E1",
     "button": "#38BDF8", "button_text": "#0F172A"},
    {"background": "#ECFDF5", "text": "#064E3B", "primary": "#047857", "secondary": "#065F46",
     "button": "#047857", "button_text": "#FFFFFF"},
    {"background": "#F5F3FF", "text": "#2E1065", "primary": "#6D28D9", "secondary": "#4C1D95",
     "button": "#6D28D9", "button_text": "#FFFFFF"},
    {"background": "#1F2937", "text": "#F9FAFB", "primary": "#FBBF24", "secondary": "#E5E7EB",
     "button": "#FBBF24", "button_text": "#111827"},
    {"background": "#FDF2F8", "text": "#500724", "primary": "#BE185D", "secondary": "#831843",
     "button": "#BE185D", "button_text": "#FFFFFF"},
]


def text_only_prefill(prefill: dict, variant_index: int) -> dict:
    """A copywriter's prefill turned into a text-only banner: layout and colours (one scheme
    per variant, so the variants differ)."""
    out = dict(prefill)
    layout = dict(out.get("layout") or {})
    layout.update(style="text_only", alignment="center")
    out["layout"] = layout
    out["colors"] = dict(TEXT_ONLY_SCHEMES[variant_index % len(TEXT_ONLY_SCHEMES)])
    out["product_image_url"] = None
    return out


class _CopyWriter:
    def __init__(self, inner) -> None:
        self._inner = inner
        self.name = getattr(inner, "name", "copy")

    def write_prefill(self, brief, source_image: bytes, **kwargs) -> dict:
        from core.usage import scope

        with scope("copy", self._inner):  # the usage ledger (core/usage.py)
            prefill = self._inner.write_prefill(brief, source_image, **kwargs)
        if isinstance(source_image, TextOnlySource):
            prefill = text_only_prefill(prefill, kwargs.get("variant_index", 0))
        return prefill


class _BackgroundMaker:
    def __init__(self, inner) -> None:
        self._inner = inner
        self.name = getattr(inner, "name", "background")
        # an image-to-image maker's product is checked (core.generators.fidelity)
        self.generative = getattr(inner, "generative", False)

    def make_background(self, source_image: bytes, **kwargs) -> bytes:
        if isinstance(source_image, TextOnlySource):
            return bytes(source_image)  # nothing to compose: the text-only layout draws no image
        from core.usage import scope

        with scope("background", self._inner):  # the usage ledger (core/usage.py)
            return self._inner.make_background(source_image, **kwargs)


class _Generators:
    """The generators in use, aware of text-only sources."""

    def __init__(self, inner) -> None:
        self.copy = _CopyWriter(inner.copy)
        self.background = _BackgroundMaker(inner.background)


def generators():
    if "generators" in _overrides:
        return _Generators(_overrides["generators"]())
    from core.generators import get_generators

    return _Generators(get_generators())


def storage():
    if "storage" in _overrides:
        return _overrides["storage"]()
    from core.storage import get_storage

    return get_storage()
