"""Benchmark the offline cut-out on 2000 × 2000 studio photos (issue 15, item 3).

    .venv/bin/python -m bench.cutout [--runs 15]

Per photo (a shoe with a white sole on white, a mug with a handle, a clear glass bottle —
the golden photos of tests/test_cutout.py): the mask's IoU against the true shape, and the
time of the cut-out alone (``find_cutout`` on the decoded 2000 px photo) and of decode +
cut-out. Also the whole offline background for one variant, as the pipeline runs it (it
decodes the photo at the canvas size, 1080 px), and the product fidelity check of a
generated 1080 px background against the 2000 px photo (issue 15, item 4). Median and p90 of warm runs, CPU time of
this thread (the machine is shared) beside wall time.
"""

from __future__ import annotations

import argparse
import io
import json
import platform
import statistics
import time

import numpy as np
from PIL import Image

from core.generators import ProductBrief
from core.generators.cutout import find_cutout
from core.generators.fidelity import check_fidelity
from core.generators.offline_background import CANVAS, OfflineBackgroundMaker, place_product
from tests import product_photos as photos

PHOTOS = {"shoe (white sole on white)": photos.shoe_on_white,
          "mug with handle": photos.mug_with_handle,
          "clear glass bottle": photos.transparent_bottle}


def _generated(img: Image.Image) -> bytes:
    """A 1080 px result as an image model might return it: the product moved onto a new scene."""
    canvas = Image.new("RGB", (CANVAS, CANVAS), (40, 90, 160))
    place_product(canvas, img, find_cutout(img).mask, "right")
    out = io.BytesIO()
    canvas.save(out, "JPEG", quality=88)
    return out.getvalue()


def _timed(fn, runs: int) -> dict:
    fn()  # warm
    wall, cpu = [], []
    for _ in range(runs):
        w0, c0 = time.perf_counter(), time.thread_time()
        fn()
        cpu.append((time.thread_time() - c0) * 1000)
        wall.append((time.perf_counter() - w0) * 1000)
    wall.sort()
    cpu.sort()
    return {"median_ms": round(statistics.median(wall), 1), "p90_ms": round(wall[int(0.9 * (runs - 1))], 1),
            "median_cpu_ms": round(statistics.median(cpu), 1)}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=15)
    args = ap.parse_args(argv)
    print(f"# {platform.machine()}, Python {platform.python_version()}, Pillow {Image.__version__}, "
          f"numpy {np.__version__}; {args.runs} warm runs")
    maker = OfflineBackgroundMaker()
    brief = ProductBrief(title="Bench product")
    for name, make in PHOTOS.items():
        data, truth = make(2000)
        img = Image.open(io.BytesIO(data)).convert("RGB")
        cut = find_cutout(img)
        iou = photos.iou(np.asarray(cut.mask) > 127, truth) if cut else 0.0
        row = {
            "photo": name, "iou": round(iou, 4),
            "cutout": _timed(lambda: find_cutout(img), args.runs),
            "decode+cutout": _timed(
                lambda: find_cutout(Image.open(io.BytesIO(data)).convert("RGB")), args.runs),
            "offline background": _timed(
                lambda: maker.make_background(data, variant_index=0, brief=brief), args.runs),
        }
        result = _generated(img)
        row["fidelity score"] = check_fidelity(data, result).score
        row["fidelity check"] = _timed(lambda: check_fidelity(data, result), args.runs)
        print(json.dumps(row))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
