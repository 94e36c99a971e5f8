"""A small local shop for end-to-end tests and benchmarks: product pages with JSON-LD
``Product`` data and real PNG photos (drawn with Pillow), served on 127.0.0.1.

``ProductSite()`` is a context manager; ``site.product_urls`` lists its product pages.
Run ``python -m tests.productsite`` to browse it by hand.
"""

from __future__ import annotations

import io
import json
from html import escape

from PIL import Image, ImageDraw

from tests.httpserver import LocalServer

PRODUCTS = [
    {"slug": "retro-console", "name": "Retro Game Console, 620 Classic Games", "price": "24.99",
     "currency": "EUR", "brand": "PlayBox", "colors": [(214, 40, 57), (30, 30, 36)],
     "description": "Plug-and-play console with two wireless controllers and HDMI output."},
    {"slug": "trail-shoe", "name": "Trail Running Shoe Ultra Grip", "price": "129.00",
     "currency": "EUR", "brand": "Stride", "colors": [(38, 120, 212), (240, 240, 235)],
     "description": "Lightweight trail shoe with a rock plate and a sticky rubber outsole."},
    {"slug": "desk-lamp", "name": "Minimalist LED Desk Lamp", "price": "59.90",
     "currency": "EUR", "brand": "Lumen", "colors": [(245, 190, 40), (50, 55, 60)],
     "description": "Dimmable lamp with warm to cool white and a USB-C charging port."},
]


def product_photo(colors: tuple, size: int = 800, variant: int = 0) -> bytes:
    """A studio-style product photo: a plain light backdrop and a coloured object."""
    main, accent = colors
    img = Image.new("RGB", (size, size), (246, 246, 244))
    draw = ImageDraw.Draw(img)
    pad = size // 5 + variant * size // 20
    draw.rounded_rectangle([pad, pad + size // 10, size - pad, size - pad], radius=size // 12,
                           fill=main)
    draw.ellipse([size // 2 - size // 8, size // 3, size // 2 + size // 8, size // 3 + size // 4],
                 fill=accent)
    out = io.BytesIO()
    img.save(out, "PNG")
    return out.getvalue()


def product_page(p: dict, base: str) -> str:
    """An HTML product page as shops write them: JSON-LD, Open Graph, a gallery."""
    images = [f"{base}/img/{p['slug']}-{i}.png" for i in range(3)]
    data = {
        "@context": "https://schema.org", "@type": "Product", "name": p["name"],
        "description": p["description"], "image": images, "brand": {"@type": "Brand",
                                                                     "name": p["brand"]},
        "offers": {"@type": "Offer", "price": p["price"], "priceCurrency": p["currency"],
                   "availability": "https://schema.org/InStock"},
    }
    gallery = "".join(f'<img src="{escape(u)}" alt="{escape(p["name"])}" width="800" '
                      f'height="800">' for u in images)
    return (
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>"
        f"<title>{escape(p['name'])} | Demo Shop</title>"
        f"<meta property='og:title' content='{escape(p['name'])}'>"
        f"<meta property='og:image' content='{escape(images[0])}'>"
        f"<script type='application/ld+json'>{json.dumps(data)}</script></head><body>"
        f"<h1>{escape(p['name'])}</h1><div class='gallery'>{gallery}</div>"
        f"<p class='price'>{p['price']} {p['currency']}</p><p>{escape(p['description'])}</p>"
        "</body></html>"
    )


class ProductSite(LocalServer):
    """The shop, started on a free port."""

    def __init__(self) -> None:
        super().__init__()
        base = self.base_url
        html = {"Content-Type": "text/html; charset=utf-8"}
        png = {"Content-Type": "image/png", "Cache-Control": "max-age=3600"}
        for p in PRODUCTS:
            self.routes[f"/products/{p['slug']}"] = (200, html, product_page(p, base))
            for i in range(3):
                self.routes[f"/img/{p['slug']}-{i}.png"] = (200, png,
                                                            product_photo(p["colors"], variant=i))

    @property
    def product_urls(self) -> list[str]:
        return [self.url(f"/products/{p['slug']}") for p in PRODUCTS]


if __name__ == "__main__":  # pragma: no cover - manual browsing
    import time

    with ProductSite() as site:
        print("\n".join(site.product_urls))
        while True:
            time.sleep(3600)
