"""Generated studio product photos with a known shape: golden inputs for the cut-out.

Each maker returns ``(jpeg_bytes, truth)``: a JPEG as a shop would publish it (sensor noise,
anti-aliased edges, quality 90) and the product's true silhouette as a boolean array.
Shapes are drawn at twice the size and reduced, so edges are as soft as a real photo's.
"""

from __future__ import annotations

import io

import numpy as np
from PIL import Image, ImageDraw, ImageFilter

WHITE = (255, 255, 255)


def _finish(product: Image.Image, alpha: Image.Image, size: int, backdrop=WHITE,
            noise: float = 3.0, seed: int = 1) -> tuple[bytes, np.ndarray]:
    """Composite the product (drawn at 2× size) over the backdrop, add noise, encode JPEG."""
    product = product.resize((size, size), Image.Resampling.LANCZOS)
    alpha = alpha.resize((size, size), Image.Resampling.BOX)
    photo = Image.new("RGB", (size, size), backdrop)
    photo.paste(product, (0, 0), alpha)
    rng = np.random.default_rng(seed)
    px = np.asarray(photo, dtype=np.float32) + rng.normal(0, noise, (size, size, 1))
    photo = Image.fromarray(np.clip(px, 0, 255).astype(np.uint8))
    out = io.BytesIO()
    photo.save(out, "JPEG", quality=90)
    return out.getvalue(), np.asarray(alpha) > 127


def _texture(img: Image.Image, box, amount: int = 18, seed: int = 3) -> None:
    """Fabric-like texture inside ``box`` (so the product is not one flat colour)."""
    x0, y0, x1, y1 = box
    w, h = x1 - x0, y1 - y0
    rng = np.random.default_rng(seed)
    region = np.asarray(img.crop(box), dtype=np.int16)
    grain = rng.integers(-amount, amount + 1, (h, w, 1))
    img.paste(Image.fromarray(np.clip(region + grain, 0, 255).astype(np.uint8)), (x0, y0))


def shoe_on_white(size: int = 2000) -> tuple[bytes, np.ndarray]:
    """A navy sneaker with a thick near-white sole, on a white backdrop."""
    s = size * 2
    alpha = Image.new("L", (s, s), 0)
    product = Image.new("RGB", (s, s), WHITE)
    da, dp = ImageDraw.Draw(alpha), ImageDraw.Draw(product)
    k = s / 1000
    upper = [(180, 560), (230, 420), (380, 360), (470, 300), (560, 300), (600, 380),
             (700, 430), (820, 470), (840, 560)]
    upper = [(x * k, y * k) for x, y in upper]
    sole = (170 * k, 540 * k, 860 * k, 640 * k)
    da.polygon(upper, fill=255)
    da.rounded_rectangle(sole, radius=40 * k, fill=255)
    dp.polygon(upper, fill=(32, 44, 92))
    _texture(product, (int(170 * k), int(290 * k), int(850 * k), int(570 * k)))
    # the sole: near-white rubber, a shade darker towards its bottom edge, a thin grey welt
    dp.rounded_rectangle(sole, radius=40 * k, fill=(236, 236, 232), outline=(196, 196, 190),
                         width=int(4 * k))
    dp.rectangle((190 * k, 600 * k, 840 * k, 620 * k), fill=(226, 226, 222))
    dp.line([(200 * k, 560 * k), (830 * k, 560 * k)], fill=(205, 205, 200), width=int(3 * k))
    # laces: white on navy
    for i in range(5):
        x = (420 + i * 40) * k
        dp.line([(x, 340 * k), (x + 30 * k, 380 * k)], fill=(250, 250, 250), width=int(8 * k))
    return _finish(product, alpha, size)


def mug_with_handle(size: int = 2000) -> tuple[bytes, np.ndarray]:
    """A terracotta mug whose handle encloses a hole of backdrop, on an off-white backdrop."""
    s = size * 2
    alpha = Image.new("L", (s, s), 0)
    product = Image.new("RGB", (s, s), (246, 244, 240))
    da, dp = ImageDraw.Draw(alpha), ImageDraw.Draw(product)
    k = s / 1000
    body = (300 * k, 300 * k, 620 * k, 720 * k)
    handle_outer = (540 * k, 400 * k, 760 * k, 620 * k)
    handle_inner = (600 * k, 450 * k, 710 * k, 570 * k)
    for d, colour in ((da, 255), (dp, (176, 86, 58))):
        d.ellipse(handle_outer, fill=colour)
        d.ellipse(handle_inner, fill=0 if d is da else (246, 244, 240))
        d.rounded_rectangle(body, radius=30 * k, fill=colour)
    # rim and a soft vertical shading on the body
    dp.ellipse((300 * k, 280 * k, 620 * k, 330 * k), fill=(150, 70, 46))
    da.ellipse((300 * k, 280 * k, 620 * k, 330 * k), fill=255)
    for i in range(40):
        x = 300 * k + i * 8 * k
        shade = int(20 * abs(i - 20) / 20)
        dp.line([(x, 330 * k), (x, 700 * k)], fill=(176 - shade, 86 - shade // 2, 58 - shade // 2),
                width=int(8 * k))
    return _finish(product, alpha, size, backdrop=(246, 244, 240), seed=2)


def transparent_bottle(size: int = 2000) -> tuple[bytes, np.ndarray]:
    """A clear glass bottle: tinted see-through body, darker edges, a white highlight stripe."""
    s = size * 2
    alpha = Image.new("L", (s, s), 0)
    product = Image.new("RGB", (s, s), WHITE)
    da, dp = ImageDraw.Draw(alpha), ImageDraw.Draw(product)
    k = s / 1000
    body = (380 * k, 360 * k, 620 * k, 860 * k)
    neck = (455 * k, 180 * k, 545 * k, 380 * k)
    cap = (445 * k, 130 * k, 555 * k, 200 * k)
    for box, r in ((body, 50), (neck, 20), (cap, 10)):
        da.rounded_rectangle(box, radius=r * k, fill=255)
    glass = (212, 230, 226)  # white seen through green-tinted glass
    dp.rounded_rectangle(body, radius=50 * k, fill=glass, outline=(120, 150, 146), width=int(10 * k))
    dp.rounded_rectangle(neck, radius=20 * k, fill=glass, outline=(120, 150, 146), width=int(8 * k))
    dp.rounded_rectangle(cap, radius=10 * k, fill=(60, 60, 64))
    # the highlight: pure white, as blown-out as the backdrop
    dp.rounded_rectangle((420 * k, 420 * k, 440 * k, 800 * k), radius=8 * k, fill=WHITE)
    product = product.filter(ImageFilter.GaussianBlur(1.5))
    return _finish(product, alpha, size, seed=3)


def busy_scene(size: int = 2000) -> bytes:
    """A product photographed in a room: no plain backdrop to cut from."""
    rng = np.random.default_rng(4)
    base = rng.integers(0, 255, (16, 16, 3), dtype=np.uint8)
    img = Image.fromarray(base).resize((size, size), Image.Resampling.BICUBIC)
    ImageDraw.Draw(img).ellipse((700, 700, 1300, 1300), fill=(200, 40, 40))
    out = io.BytesIO()
    img.save(out, "JPEG", quality=90)
    return out.getvalue()


def iou(mask: np.ndarray, truth: np.ndarray) -> float:
    """Intersection over union of two boolean masks."""
    return float((mask & truth).sum() / max(1, (mask | truth).sum()))
