"""Worker memory: RSS idle and after N previews through the real offline pipeline.

    python -m bench.worker_rss [--previews 500] [--threads 4] [--skip-worker]

Two measurements, one JSON line:

* ``import``: a fresh process runs ``import actors.worker`` (stub broker) and then one
  heuristic ranking (no CLIP weights, empty Hugging Face cache): RSS after each, and which
  heavy modules (torch, torchvision, open_clip, safetensors, pandas, google.genai) it loaded.
* ``worker``: one real ``dramatiq actors.worker --processes 1 --threads N`` on a temporary
  PostgreSQL database and a Redis prefix of its own (both removed afterwards). Its stages
  (``PIPELINE_STAGES=bench.worker_rss:install``) fake only the network: each product page
  gives 3 JPEG photos (1200 px) from memory. Ranking (heuristic: no weights), decoding, the
  offline background and copy, thumbnails and media storage (the database) are the real
  ones. RSS (``VmRSS``, and the peak ``VmHWM``) of the worker child process once it idles
  after boot and after the batch of N previews is done; "torch mapped" = a libtorch shared
  object in ``/proc/<pid>/maps``.

For a "before" figure, run this file from an export of an older commit
(``git archive <rev> | tar -x -C DIR``, copy this file into ``DIR/bench/``, run it there).
"""

from __future__ import annotations

import argparse
import io
import json
import os
import subprocess
import sys
import tempfile
import time
import uuid
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HEAVY = ("torch", "torchvision", "open_clip", "safetensors", "pandas", "google.genai")
PHOTOS = 3

_IMPORT_PROBE = r"""
import io, json, sys
def rss():
    with open("/proc/self/status") as fh:
        return next(int(l.split()[1]) // 1024 for l in fh if l.startswith("VmRSS:"))
start = rss()
import actors.worker
after_import = rss()
from PIL import Image
from core.extract import ExtractedProduct
from core.rank import rank_images
buf = io.BytesIO()
Image.new("RGB", (600, 600), (200, 30, 30)).save(buf, "JPEG")
result = rank_images(ExtractedProduct(url="https://shop.example/p", title="Mug"),
                     ["https://cdn.example/a.jpg"], loader=lambda url: buf.getvalue())
print(json.dumps({"python_mb": start, "after_import_mb": after_import, "after_ranking_mb": rss(),
                  "method": result.method,
                  "heavy_loaded": [m for m in %r if m in sys.modules]}))
""" % (HEAVY,)


# --- stages used inside the worker process -------------------------------------------------

def _photo(i: int) -> bytes:
    from PIL import Image, ImageDraw

    img = Image.new("RGB", (1200, 1200), (245, 245, 245))
    draw = ImageDraw.Draw(img)
    draw.rounded_rectangle((300, 200, 900, 1000), 80, fill=(40 + 70 * i, 90, 200 - 50 * i))
    draw.ellipse((450, 350, 750, 650), fill=(250, 200, 40))
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=88)
    return buf.getvalue()


def install() -> None:
    """Worker-side: fake the network only (pages and photos); everything else is real."""
    from core.extract import ExtractedProduct
    from core.pipeline import stages
    from core.rank import rank_images

    photos = [_photo(i) for i in range(PHOTOS)]

    def load(url: str) -> bytes:
        return photos[int(url.rsplit("-", 1)[1].split(".")[0]) % PHOTOS]

    def scrape(url: str) -> ExtractedProduct:
        return ExtractedProduct(
            url=url, title="Acme Thermo Bottle 500 ml", brand="Acme", price=Decimal("29.90"),
            currency="EUR", description="Keeps drinks cold for 24 hours. Free shipping.",
            images=[f"{url}/photo-{i}.jpg" for i in range(PHOTOS)])

    stages.override(scrape=scrape, fetch_image=load,
                    rank=lambda product, urls: rank_images(product, urls, loader=load))


# --- the measuring side --------------------------------------------------------------------

def _status(pid: int) -> dict[str, int]:
    out = {}
    with open(f"/proc/{pid}/status") as fh:
        for line in fh:
            key, _, value = line.partition(":")
            if key in ("VmRSS", "VmHWM"):
                out[key] = int(value.split()[0]) // 1024
    return out


def _descendants(pid: int) -> list[int]:
    found, todo = [], [pid]
    while todo:
        p = todo.pop()
        try:
            for task in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{task}/children") as fh:
                    kids = [int(k) for k in fh.read().split()]
                found += kids
                todo += kids
        except FileNotFoundError:
            continue
    return found


def _torch_mapped(pid: int) -> bool:
    with open(f"/proc/{pid}/maps") as fh:
        return any("libtorch" in line for line in fh)


def _worker_pid(group_pid: int) -> int:
    """The process that runs the actors: the largest dramatiq descendant (the parent only forks)."""
    kids = _descendants(group_pid)
    if not kids:
        return group_pid
    return max(kids, key=lambda p: _status(p).get("VmRSS", 0))


def measure_import() -> dict:
    with tempfile.TemporaryDirectory() as hf:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("CLIP_", "HF_", "REDIS_URL"))}
        env.update({"PYTHONPATH": str(ROOT), "HF_HOME": hf, "GEMINI_API_KEY": ""})
        out = subprocess.run([sys.executable, "-c", _IMPORT_PROBE], cwd=ROOT, env=env,
                             capture_output=True, text=True, timeout=300)
    if out.returncode != 0:
        raise SystemExit(out.stderr[-3000:])
    return json.loads(out.stdout.strip().splitlines()[-1])


def measure_worker(previews: int, threads: int) -> dict:
    from bench.harness import REDIS_URL, RedisSender, delete_prefix, start_workers, stop_workers, temp_database

    prefix = f"ctabs-bench-{uuid.uuid4().hex[:8]}"
    media = tempfile.mkdtemp(prefix="ctabs-bench-")
    hf = tempfile.mkdtemp(prefix="ctabs-bench-hf-")
    for key in [k for k in os.environ if k.startswith(("CLIP_", "HF_"))]:
        os.environ.pop(key)
    try:
        with temp_database() as db_url:
            env = {"DATABASE_URL": db_url, "REDIS_URL": REDIS_URL, "REDIS_PREFIX": prefix,
                   "PIPELINE_STAGES": "bench.worker_rss:install", "MEDIA_ROOT": media, "HF_HOME": hf,
                   "GEMINI_API_KEY": "", "GENERATION_RATE_LIMIT": "0/m", "MAX_URLS_PER_BATCH": "100",
                   "BATCH_SIZE_MAX": "10"}
            os.environ.update(env)
            from core import dispatch
            from core.batches import create_batch, get_batch
            from core.settings import reset_settings

            reset_settings()
            sender = RedisSender(REDIS_URL, prefix)
            dispatch.register(lambda kind, args, *rest: sender(kind, args, *rest))
            procs = start_workers(1, env, threads=threads)
            try:
                time.sleep(8)  # boot, migrations check, first reconcile
                pid = _worker_pid(procs[0].pid)
                idle = _status(pid)
                per_url = 10
                t0 = time.perf_counter()
                info = create_batch("bench", "bench", [{"url": f"https://shop.example.com/p/{i}", "batch_size": per_url}
                                                       for i in range(max(1, previews // per_url))])
                while get_batch("bench", info.id).batch.status not in ("done", "failed"):
                    time.sleep(0.5)
                elapsed = time.perf_counter() - t0
                progress = get_batch("bench", info.id).batch.progress
                time.sleep(1)
                after = _status(pid)
                torch = _torch_mapped(pid)
            finally:
                stop_workers(procs)
                sender.close()
    finally:
        delete_prefix(REDIS_URL, prefix)
    return {"previews": previews, "done": progress.done, "failed": progress.failed,
            "threads": threads, "seconds": round(elapsed, 1),
            "idle_rss_mb": idle["VmRSS"], "after_rss_mb": after["VmRSS"], "peak_rss_mb": after["VmHWM"],
            "torch_mapped": torch}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--previews", type=int, default=500)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--skip-worker", action="store_true", help="only the import measurement")
    args = parser.parse_args(argv)
    result = {"code": str(ROOT), "import": measure_import()}
    if not args.skip_worker:
        result["worker"] = measure_worker(args.previews, args.threads)
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
