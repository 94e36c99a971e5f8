"""A local shop whose image CDN behaves like real ones (tests and ``bench.image_acquisition``).

``ShopCDN()`` (a context manager; 127.0.0.1, free port) serves product pages with JSON-LD
``Product`` data whose images live under ``/img/<behaviour>/<n>.<ext>``. Behaviours seen on
real shops' CDNs:

- ``plain``: always 200 (JPEG).
- ``referer``: hotlink protection: 403 unless the ``Referer`` is a page of this shop.
- ``avif``: the CDN only serves AVIF, and refuses (406) a client whose ``Accept`` does not
  list ``image/avif``.
- ``slow``: answers after ``slow_seconds`` (under the fetch deadline).
- ``flaky``: 429 with ``Retry-After: 1`` to the first request for each image, then 200.
- ``bot``: a bot wall: 403 unless the request looks like a browser's ``<img>`` (a
  ``Mozilla/`` user agent, ``Accept`` with ``image/``, ``Sec-Fetch-Dest: image``).
- ``refuse``: always 403.  ``hang``: sends nothing for ``hang_seconds`` (past the deadline).
- ``gone``: 404.
- ``wall``: 403 while ``wall_up`` is True (a CDN that refuses for a while, then serves).

``page(kind, count)`` is the URL of a product page whose ``count`` images all behave like
``kind``; ``page_of({"refuse": 40, "hang": 8})`` mixes them. Every request is recorded.
"""

from __future__ import annotations

import io
import json
import threading
import time
from html import escape
from urllib.parse import urlsplit

from PIL import Image, ImageDraw

from tests.httpserver import LocalServer, Request

KINDS = ("plain", "referer", "avif", "slow", "flaky", "bot", "refuse", "hang", "gone", "wall")


def photo(n: int, fmt: str = "JPEG", size: int = 320) -> bytes:
    """A product-like photo (plain backdrop, coloured object) in ``fmt``."""
    hue = (n * 53) % 255
    img = Image.new("RGB", (size, size), (245, 244, 240))
    draw = ImageDraw.Draw(img)
    draw.rounded_rectangle([size // 5, size // 4, size * 4 // 5, size * 4 // 5], radius=size // 10,
                           fill=(hue, 255 - hue, 120))
    out = io.BytesIO()
    img.save(out, fmt, **({"quality": 60} if fmt in ("JPEG", "AVIF", "WEBP") else {}))
    return out.getvalue()


class ShopCDN(LocalServer):
    def __init__(self, *, slow_seconds: float = 1.0, hang_seconds: float = 8.0) -> None:
        super().__init__()
        self.slow_seconds = slow_seconds
        self.hang_seconds = hang_seconds
        self._seen: set[str] = set()
        self._lock = threading.Lock()
        self._pages: dict[str, list[str]] = {}
        self._photos: dict[tuple[int, str], bytes] = {}
        self._titles: dict[str, tuple[str, str]] = {}
        self.wall_up = True
        self.routes = _Routes(self)

    # --- pages ----------------------------------------------------------------------------
    def page_of(self, kinds: dict[str, int], title: str = "Trail Running Shoe Ultra Grip",
                price: str = "129.00") -> str:
        """A product page whose images behave as ``kinds`` says (``{"referer": 3}``)."""
        name = f"p{len(self._pages)}"
        images = [f"/img/{kind}/{name}-{i}.{'avif' if kind == 'avif' else 'jpg'}"
                  for kind, count in kinds.items() for i in range(count)]
        self._pages[name] = images
        self._titles[name] = (title, price)
        return self.url(f"/product/{name}")

    def page(self, kind: str, count: int = 3, **kw) -> str:
        return self.page_of({kind: count}, **kw)

    def images_of(self, page_url: str) -> list[str]:
        return [self.url(p) for p in self._pages[urlsplit(page_url).path.rsplit("/", 1)[-1]]]

    def _page(self, name: str):
        title, price = self._titles[name]
        data = {"@context": "https://schema.org", "@type": "Product", "name": title,
                "brand": {"@type": "Brand", "name": "Stride"},
                "description": "Lightweight trail shoe with a rock plate and a sticky outsole.",
                "image": [self.url(p) for p in self._pages[name]],
                "offers": {"@type": "Offer", "price": price, "priceCurrency": "EUR"}}
        body = (f"<!doctype html><html><head><title>{escape(title)} | Shop</title>"
                f'<script type="application/ld+json">{json.dumps(data)}</script></head>'
                f"<body><h1>{escape(title)}</h1></body></html>")
        return 200, {"Content-Type": "text/html; charset=utf-8"}, body

    # --- images ---------------------------------------------------------------------------
    def _photo(self, n: int, fmt: str) -> bytes:
        key = (n, fmt)
        if key not in self._photos:
            self._photos[key] = photo(n, fmt)
        return self._photos[key]

    def _image(self, request: Request, kind: str, name: str):
        n = sum(map(ord, name))
        jpeg = {"Content-Type": "image/jpeg"}
        h = request.headers
        if kind == "referer" and not h.get("referer", "").startswith(self.url("/product/")):
            return 403, {"Content-Type": "text/html"}, b"<h1>Hotlinking is not allowed</h1>"
        if kind == "avif":
            if "image/avif" not in h.get("accept", ""):
                return 406, {"Content-Type": "text/plain"}, b"AVIF only"
            return 200, {"Content-Type": "image/avif", "Vary": "Accept"}, self._photo(n, "AVIF")
        if kind == "slow":
            time.sleep(self.slow_seconds)
        if kind == "flaky":
            with self._lock:
                first = request.path not in self._seen
                self._seen.add(request.path)
            if first:
                return 429, {"Content-Type": "text/plain", "Retry-After": "1"}, b"slow down"
        if kind == "bot":
            browser = (h.get("user-agent", "").startswith("Mozilla/") and "image/" in h.get("accept", "")
                       and h.get("sec-fetch-dest") == "image")
            if not browser:
                return 403, {"Content-Type": "text/html"}, b"<h1>Access denied</h1>"
        if kind == "refuse" or (kind == "wall" and self.wall_up):
            return 403, {"Content-Type": "text/html"}, b"<h1>Forbidden</h1>"
        if kind == "gone":
            return 404, {"Content-Type": "text/plain"}, b"not found"
        if kind == "hang":
            time.sleep(self.hang_seconds)
        return 200, jpeg, self._photo(n, "JPEG")

    def respond(self, request: Request):
        path = urlsplit(request.path).path
        parts = path.strip("/").split("/")
        if len(parts) == 2 and parts[0] == "product" and parts[1] in self._pages:
            return self._page(parts[1])
        if len(parts) == 3 and parts[0] == "img" and parts[1] in KINDS:
            return self._image(request, parts[1], parts[2].rsplit(".", 1)[0])
        return 404, {"Content-Type": "text/plain"}, b"not found"

    def image_requests(self, kind: str | None = None) -> list[Request]:
        return [r for r in self.requests if r.path.startswith(f"/img/{kind}/" if kind else "/img/")]


class _Routes(dict):
    """Every path goes to the shop (LocalServer looks routes up by path)."""

    def __init__(self, shop: ShopCDN) -> None:
        super().__init__()
        self._shop = shop

    def get(self, key, default=None):  # noqa: D401 - dict protocol
        return self._shop.respond

    def __contains__(self, key) -> bool:
        return True


__all__ = ["KINDS", "ShopCDN", "photo"]
