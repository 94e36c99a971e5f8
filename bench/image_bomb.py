"""Peak memory of image bombs: ranking a page with two, an offline background, a thumbnail.

    python -m bench.image_bomb [--code DIR] [--side 13000]

A bomb is a real PNG, 13,000 × 13,000 px of 1-bit grey (~20 KB; issue 11 met a 190 KB one):
Pillow would decode it to 169 MB per copy, ~500 MB once converted to RGB. Each case runs in
a fresh child process (this file run as a script, importing ``core`` from ``--code``, default
this checkout; an export of an older commit gives the "before" figures). The child warms up
(imports, one small ranking, so torch is loaded where the code loads it), resets its peak
RSS (``/proc/self/clear_refs``), runs the case and reports ``VmHWM`` minus the RSS before it.

Cases: ``rank_normal`` (a page of 4 JPEG photos, 1600 px), ``rank_bombs`` (the same page plus
two bombs), ``rank_large`` (plus two 6000 × 6000 RGB PNGs: allowed, 144 MB each decoded; the
process decodes at most 256 MB of full-size pixels at once), ``background_normal`` /
``background_bomb`` (one offline background), ``thumbnail_bomb``. Prints one JSON line; the goal is ranking the bomb page ≤ +200 MB over
the normal page.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import struct
import subprocess
import sys
import time
import zlib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GOAL_MB = 200
CASES = ("rank_normal", "rank_bombs", "rank_large", "background_normal", "background_bomb",
         "thumbnail_bomb")
LARGE = 6000  # rank_large: two 6000 × 6000 RGB PNGs, 36 MP each, under the 40 MP budget


def bomb_png(width: int = 13000, height: int = 13000, *, rgb: bool = False) -> bytes:
    """A valid PNG of ``width`` × ``height`` black pixels (1-bit grey, or 8-bit RGB), built row
    by row (no image in memory): a few tens of KB that decode to width × height bytes (1-bit)
    or 4 × that (RGB; Pillow keeps RGB in 4 bytes a pixel)."""
    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    row = b"\0" * (1 + (3 * width if rgb else (width + 7) // 8))  # filter byte + pixels
    comp = zlib.compressobj(9)
    idat = b"".join(comp.compress(row) for _ in range(height)) + comp.flush()
    depth, color_type = (8, 2) if rgb else (1, 0)
    header = struct.pack(">IIBBBBB", width, height, depth, color_type, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


def _status(field: str) -> float:
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    return 0.0


def _photo(seed: int, side: int = 1600) -> bytes:
    from PIL import Image, ImageDraw

    img = Image.effect_noise((side, side), 30 + seed).convert("RGB")
    ImageDraw.Draw(img).ellipse((side // 4, side // 4, 3 * side // 4, 3 * side // 4),
                                fill=(40 * seed % 256, 90, 160))
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=85)
    return buf.getvalue()


def _child(case: str, side: int) -> dict:
    from core.extract import ExtractedProduct
    from core.rank import rank_images

    product = ExtractedProduct(url="https://shop.example/p", title="Blue ceramic coffee mug")
    page = {f"https://cdn.example/photo-{n}.jpg": _photo(n) for n in range(4)}
    bomb = bomb_png(side, side)
    if case == "rank_bombs":
        page.update({"https://cdn.example/bomb-1.png": bomb, "https://cdn.example/bomb-2.png": bomb})
    if case == "rank_large":
        large = bomb_png(LARGE, LARGE, rgb=True)
        page.update({"https://cdn.example/large-1.png": large, "https://cdn.example/large-2.png": large})
    # warm-up: imports (torch, where the code under test loads it), thread pool, allocator
    warm = {"https://cdn.example/w.jpg": _photo(9, 400)}
    rank_images(product, list(warm), loader=warm.__getitem__)
    from core.generators.brief import ProductBrief
    from core.generators.offline_background import OfflineBackgroundMaker
    from core.thumbnails import thumbnail_jpeg

    brief = ProductBrief(title=product.title)
    OfflineBackgroundMaker().make_background(warm["https://cdn.example/w.jpg"], variant_index=0, brief=brief)
    before = _status("VmRSS")
    with open("/proc/self/clear_refs", "w") as fh:
        fh.write("5")  # resets VmHWM to the current RSS
    started, outcome = time.perf_counter(), {}
    if case.startswith("rank"):
        result = rank_images(product, list(page), loader=page.__getitem__)
        outcome = {"method": result.method, "kept": len(result.ranked),
                   "dropped": [reason for _, reason in result.dropped]}
    elif case.startswith("background"):
        photo = bomb if case == "background_bomb" else page["https://cdn.example/photo-0.jpg"]
        try:
            OfflineBackgroundMaker().make_background(photo, variant_index=0, brief=brief)
            outcome = {"refused": None}
        except Exception as exc:  # noqa: BLE001 - the refusal is the figure
            outcome = {"refused": str(exc)}
    elif case == "thumbnail_bomb":
        outcome = {"thumbnail": thumbnail_jpeg(bomb, 480) is not None}
    seconds = time.perf_counter() - started
    return {"case": case, "rss_before_mb": round(before), "peak_mb": round(_status("VmHWM")),
            "delta_mb": round(_status("VmHWM") - before), "seconds": round(seconds, 2), **outcome}


def _run(case: str, code: Path, side: int) -> dict:
    env = {**os.environ, "PYTHONPATH": str(code), "REDIS_URL": "", "GEMINI_API_KEY": "",
           "CTABS_SECRETS_FILE": "/nonexistent/secrets.toml"}
    out = subprocess.run([sys.executable, str(Path(__file__).resolve()), "--child", case, "--side", str(side)],
                         cwd=code, env=env, capture_output=True, text=True, timeout=600)
    if out.returncode != 0:
        raise SystemExit(f"{case} failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--code", type=Path, default=ROOT, help="checkout whose core/ is measured")
    parser.add_argument("--side", type=int, default=13000, help="bomb width and height in px")
    parser.add_argument("--child", choices=CASES, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(_child(args.child, args.side)))
        return 0
    results = {case: _run(case, args.code.resolve(), args.side) for case in CASES}
    extra = results["rank_bombs"]["delta_mb"] - results["rank_normal"]["delta_mb"]
    print(json.dumps({
        "bomb": f"{args.side}x{args.side} PNG, {len(bomb_png(args.side, args.side)) // 1024} KB",
        "code": str(args.code), "rank_bombs_extra_mb": extra, "goal_mb": GOAL_MB, "ok": extra <= GOAL_MB,
        **{case: {k: v for k, v in r.items() if k != "case"} for case, r in results.items()},
    }, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    if str(ROOT) not in sys.path and __package__ in (None, ""):
        sys.path.append(str(ROOT))  # the child imports core from --code (PYTHONPATH) first
    sys.exit(main())
