"""CLIP ranking time on CPU: 20 images, ViT-B-32 (random weights: timing only, no download).

    python -m bench.ranking [--images 20] [--model ViT-B-32] [--size 800]

Images are generated in memory (JPEG, SIZE x SIZE) and served by an in-memory loader, so the
figure is decode + preprocess + model time, not network time. Prints one JSON line: model
load time, the first ranking (every image through the model) and a second ranking of the same
images (embeddings cached: no model time). ``first_rank_cpu_s`` is CPU time summed over
torch's threads: on a busy machine it shows the work done when wall time mostly shows waiting.
"""

from __future__ import annotations

import argparse
import io
import json
import platform
import random
import sys
import time

from PIL import Image

from core.extract import ExtractedProduct
from core.rank import ClipScorer, rank_images


def _images(count: int, size: int) -> dict[str, bytes]:
    rng = random.Random(7)
    out = {}
    for n in range(count):
        img = Image.effect_noise((size, size), 40 + n).convert("RGB")
        img.paste((rng.randrange(256), rng.randrange(256), rng.randrange(256)), (0, 0, size // 2, size // 3))
        buf = io.BytesIO()
        img.save(buf, "JPEG", quality=85)
        out[f"https://cdn.example/product/photo-{n}.jpg"] = buf.getvalue()
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--images", type=int, default=20)
    parser.add_argument("--model", default="ViT-B-32")
    parser.add_argument("--size", type=int, default=800)
    args = parser.parse_args(argv)
    import torch

    files = _images(args.images, args.size)
    product = ExtractedProduct(url="https://shop.example/p", title="Blue ceramic coffee mug", brand="Potter")
    started = time.perf_counter()
    scorer = ClipScorer.create(args.model, pretrained=None)
    load_s = time.perf_counter() - started
    started, cpu = time.perf_counter(), time.process_time()
    first = rank_images(product, list(files), loader=files.__getitem__, clip=scorer)
    first_s, first_cpu = time.perf_counter() - started, time.process_time() - cpu
    encoded = scorer.encoded_images
    started = time.perf_counter()
    second = rank_images(product, list(files), loader=files.__getitem__, clip=scorer)
    second_s = time.perf_counter() - started
    print(json.dumps({
        "model": args.model, "weights": "random", "images": args.images, "image_px": args.size,
        "torch_threads": torch.get_num_threads(), "model_load_s": round(load_s, 2),
        "first_rank_s": round(first_s, 2), "first_rank_cpu_s": round(first_cpu, 2),
        "second_rank_s": round(second_s, 2),
        "encoded_first": encoded, "encoded_second": scorer.encoded_images - encoded,
        "method": first.method, "same_order": first.ranked == second.ranked,
        "python": platform.python_version(), "torch": torch.__version__,
    }))
    return 0


if __name__ == "__main__":
    sys.exit(main())
