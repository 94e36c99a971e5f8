"""Benchmark the offline generators and the PNG renderer.

    .venv/bin/python -m bench.generation [--runs 15]

Targets (issue 4): offline prefill + background for one variant from a 2000×2000 photo
≤ 300 ms median; PNG render of one banner ≤ 150 ms median. Cold (first-call) times
include loading the fonts' glyph tables and are reported separately.
"""

from __future__ import annotations

import argparse
import base64
import io
import os
import platform
import statistics
import time
from decimal import Decimal

from PIL import Image, ImageDraw, ImageFilter

from core.generators import ProductBrief
from core.generators.offline_background import OfflineBackgroundMaker
from core.generators.offline_copy import OfflineCopyWriter
from core.render import SIZES, render_banner_png

BRIEF = ProductBrief(
    title="Acme Thermo Bottle - Stainless Steel 500 ml, Midnight Blue",
    description=("Double-wall vacuum insulation keeps your drinks cold for 24 hours. "
                 "Leak-proof lid, easy to clean. Free shipping on all orders."),
    price=Decimal("29.90"), currency="EUR", brand="Acme", url="https://shop.example/p/1",
)


def photo(size: int = 2000) -> bytes:
    """A 2000×2000 JPEG product shot with texture (noise), like a real catalogue photo."""
    noise = Image.effect_noise((size, size), 24).convert("RGB")
    img = Image.blend(Image.new("RGB", (size, size), (238, 236, 232)), noise, 0.08)
    d = ImageDraw.Draw(img)
    d.rounded_rectangle((size * 0.36, size * 0.2, size * 0.64, size * 0.86), size // 20,
                        fill=(24, 40, 92))
    d.rectangle((size * 0.42, size * 0.12, size * 0.58, size * 0.22), fill=(180, 180, 186))
    img = img.filter(ImageFilter.SMOOTH)
    out = io.BytesIO()
    img.save(out, "JPEG", quality=90)
    return out.getvalue()


def timed(fn, runs: int) -> tuple[float, list[float]]:
    cold = _ms(fn)
    return cold, [_ms(fn) for _ in range(runs)]


def _ms(fn) -> float:
    t = time.perf_counter()
    fn()
    return (time.perf_counter() - t) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    src = photo()
    copy, bg = OfflineCopyWriter(), OfflineBackgroundMaker()
    counter = iter(range(10**6))

    def one_variant():
        i = next(counter) % 4
        p = copy.write_prefill(BRIEF, src, variant_index=i, batch_size=4, other_headlines=[])
        return p, bg.make_background(src, variant_index=i, brief=BRIEF)

    cold, warm = timed(one_variant, args.runs)
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python "
          f"{platform.python_version()}, Pillow {Image.__version__}")
    print(f"offline prefill + background (2000x2000 JPEG): median {statistics.median(warm):.0f} ms"
          f", p90 {sorted(warm)[int(len(warm) * 0.9) - 1]:.0f} ms, cold {cold:.0f} ms "
          f"(target <= 300 ms)")
    prefill, background = one_variant()
    prefill["generated_background_url"] = ("data:image/jpeg;base64,"
                                           + base64.b64encode(background).decode())
    for name in SIZES:
        cold, warm = timed(lambda: render_banner_png(prefill, name), args.runs)
        print(f"PNG render {name:9} {SIZES[name][0]}x{SIZES[name][1]}: median "
              f"{statistics.median(warm):.0f} ms, cold {cold:.0f} ms (target <= 150 ms)")


if __name__ == "__main__":
    main()
