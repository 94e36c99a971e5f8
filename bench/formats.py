"""Benchmark the ad formats and the quality gate (issue 15, items 2 and 5).

    .venv/bin/python -m bench.formats [--runs 15]

Quality gate: the fixture shop's products (tests/productsite.py, Latin) plus a Japanese and
an Arabic product, three offline variants each (three text positions), every format; the
share of banners passing the gate before and after its automatic fixes (font size down to the
format's floor, colours moved until they reach WCAG 4.5:1 / 3:1), with no brand kit and with a
sample brand kit (logo, legal line, brand colours that clash with some photos: a light grey
subtitle, a yellow button). Failures are counted by kind.

Render time per format: PNG and HTML of one banner (background, logo, brand font, legal line),
median / p90 of warm runs and the first (cold) call, wall and CPU time of this thread.
"""

from __future__ import annotations

import argparse
import base64
import io
import json
import platform
import statistics
import time
from collections import Counter
from decimal import Decimal

from PIL import Image, ImageDraw

from core.brand import BrandKit, apply_kit
from core.generators import ProductBrief
from core.generators.offline_background import OfflineBackgroundMaker
from core.generators.offline_copy import OfflineCopyWriter
from core.render import render_banner_html, render_banner_png
from core.render.brand_assets import font_family
from core.render.formats import FORMATS
from core.render.quality import gate
from core.render.safe import safe_prefill
from tests.productsite import PRODUCTS, product_photo

EXTRA = [
    ({"name": "ステンレス製 真空断熱 タンブラー 500ml", "brand": "サーモ", "price": "2980",
      "currency": "JPY", "colors": [(40, 40, 48), (200, 200, 205)],
      "description": "真空断熱構造で飲み物の温度を長時間キープします。持ち運びに便利な軽量設計。"}),
    ({"name": "سماعات لاسلكية بخاصية إلغاء الضوضاء", "brand": "صوت", "price": "349.00",
      "currency": "SAR", "colors": [(20, 140, 120), (250, 250, 250)],
      "description": "صوت نقي وبطارية تدوم طويلا. تصميم مريح للاستخدام اليومي."}),
]


def _logo() -> str:
    img = Image.new("RGBA", (360, 120), (0, 0, 0, 0))
    draw = ImageDraw.Draw(img)
    draw.rounded_rectangle((0, 0, 359, 119), 30, fill=(20, 20, 60, 255))
    draw.ellipse((20, 20, 100, 100), fill=(250, 200, 0, 255))
    out = io.BytesIO()
    img.save(out, "PNG")
    return "data:image/png;base64," + base64.b64encode(out.getvalue()).decode()


SAMPLE_KIT = BrandKit(logo_url=_logo(), colors={"secondary": "#B8B8B8", "button": "#FFD23F"},
                      font="NotoSerif", cta_words=["Get yours", "Discover more", "Treat yourself"],
                      legal="Offer valid while stocks last. Prices include VAT.")


def banners() -> list[dict]:
    """Offline prefills with their backgrounds: every product, three variants."""
    out = []
    writer, maker = OfflineCopyWriter(), OfflineBackgroundMaker()
    for p in [*PRODUCTS, *EXTRA]:
        brief = ProductBrief(title=p["name"], description=p["description"],
                             price=Decimal(p["price"]), currency=p["currency"], brand=p["brand"])
        photo = product_photo(tuple(p["colors"]))
        for v in range(3):
            prefill = writer.write_prefill(brief, photo, variant_index=v, batch_size=3,
                                           other_headlines=[])
            bg = maker.make_background(photo, variant_index=v, brief=brief)
            prefill["generated_background_url"] = ("data:image/jpeg;base64,"
                                                   + base64.b64encode(bg).decode())
            out.append(prefill)
    return out


def _kind(failure: str) -> str:
    for key, kind in (("does not fit", "fit"), ("contrast", "contrast"), ("product", "product"),
                      ("price shown", "price once")):
        if key in failure:
            return kind
    return "other"


def pass_rates(prefills: list[dict], kit: BrandKit | None) -> dict:
    total, before, after = 0, 0, 0
    kinds_before, kinds_after, fixes = Counter(), Counter(), Counter()
    per_format = {}
    for name in FORMATS:
        fb = fa = 0
        for v, prefill in enumerate(prefills):
            data, _ = safe_prefill(apply_kit(prefill, kit, v % 3) if kit else prefill)
            family, _ = font_family(data["font"], None)
            _, _, r0 = gate(data, name, family=family, fix=False)
            _, _, r1 = gate(data, name, family=family, fix=True)
            total += 1
            fb += r0.passed
            fa += r1.passed
            kinds_before.update({_kind(f) for f in r0.failures})
            kinds_after.update({_kind(f) for f in r1.failures})
            fixes.update({"font size" if "px" in f else "colour" for f in r1.fixes})
        per_format[name] = {"before": round(fb / len(prefills), 3),
                            "after": round(fa / len(prefills), 3)}
        before += fb
        after += fa
    return {"banners": total, "pass_before": round(before / total, 3),
            "pass_after": round(after / total, 3), "failing_kinds_before": dict(kinds_before),
            "failing_kinds_after": dict(kinds_after), "banners_fixed_by": dict(fixes),
            "per_format": per_format}


def _timed(fn, runs: int) -> dict:
    c0, w0 = time.thread_time(), time.perf_counter()
    fn()
    cold = (time.perf_counter() - w0) * 1000
    wall, cpu = [], []
    for _ in range(runs):
        w0, c0 = time.perf_counter(), time.thread_time()
        fn()
        cpu.append((time.thread_time() - c0) * 1000)
        wall.append((time.perf_counter() - w0) * 1000)
    wall.sort()
    return {"median_ms": round(statistics.median(wall), 1),
            "p90_ms": round(wall[int(0.9 * (runs - 1))], 1),
            "median_cpu_ms": round(statistics.median(cpu), 1), "cold_ms": round(cold, 1)}


def render_times(prefill: dict, runs: int) -> dict:
    out = {}
    for name in FORMATS:
        out[name] = {"png": _timed(lambda: render_banner_png(prefill, name), runs),
                     "html": _timed(lambda: render_banner_html(prefill, name), runs)}
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=15)
    args = ap.parse_args(argv)
    print(f"# {platform.machine()}, Python {platform.python_version()}, "
          f"Pillow {Image.__version__}; {args.runs} warm runs")
    started = time.perf_counter()
    prefills = banners()
    result = {
        "products": len(PRODUCTS) + len(EXTRA), "variants": 3, "formats": len(FORMATS),
        "gate_no_kit": pass_rates(prefills, None),
        "gate_sample_kit": pass_rates(prefills, SAMPLE_KIT),
        "render": render_times(apply_kit(prefills[3], SAMPLE_KIT, 0), args.runs),
    }
    result["bench_seconds"] = round(time.perf_counter() - started, 1)
    print(json.dumps(result, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
