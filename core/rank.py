"""Rank a product's candidate images and plan which ones feed a batch.

``rank_images`` downloads the candidates (same safety rules as pages, in parallel, bounded),
drops those that fail to load (reporting why), and orders the rest by CLIP image-text
similarity with the product text. The CLIP model is built once per process from
``CLIP_WEIGHTS_PATH`` or, when already in the local Hugging Face cache, the
``CLIP_MODEL``/``CLIP_PRETRAINED`` pair. Nothing is downloaded for it. Without weights the
ranking falls back to a documented heuristic and says so in ``RankResult.method``.
"""

from __future__ import annotations

import hashlib
import logging
import math
import os
import re
import threading
from collections import OrderedDict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Callable
from urllib.parse import unquote, urlsplit

from PIL import Image

from core.errors import RankingError, ScrapeError
from core.extract import ExtractedProduct
from core.extract.text import tokens
from core.fetch import fetch_image
from core.images import ImageRejected, decode_image, probe
from core.settings import get_settings

log = logging.getLogger(__name__)

MAX_DOWNLOADS = 6  # parallel image downloads per ranking
MAX_CANDIDATES = 24
MIN_SIDE = 48  # smaller images are icons or thumbnails, not usable sources
HEURISTIC = "heuristic"


@dataclass
class RankResult:
    """Usable images best first, how they were ranked, and what was dropped."""

    ranked: list[str]
    method: str  # "clip:<model>" or "heuristic"
    scores: list[float]
    dropped: list[tuple[str, str]] = field(default_factory=list)  # (url, reason)


HEURISTIC_SIDE = 64  # the heuristic reads sizes from the header; decoding only proves the file
MAX_CLIP_ASPECT = 2.0  # CLIP sees the central square; a longer image is cropped before preprocessing


@dataclass
class _Candidate:
    url: str
    index: int
    size: tuple[int, int]  # as served, before any reduced-scale decoding
    prepared: object = None  # what the scorer computed in the download thread


class _ByteCache:
    """Recently downloaded images, bounded by total size (thread-safe)."""

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes, self._items, self._size = max_bytes, OrderedDict(), 0
        self._lock = threading.Lock()

    def get(self, key: str) -> bytes | None:
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                return self._items[key]
        return None

    def put(self, key: str, data: bytes) -> None:
        with self._lock:
            if key in self._items or len(data) > self.max_bytes:
                return
            self._items[key] = data
            self._size += len(data)
            while self._size > self.max_bytes:
                _, old = self._items.popitem(last=False)
                self._size -= len(old)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self._size = 0


_downloads = _ByteCache(max_bytes=64 * 1024 * 1024)


def load_image_bytes(url: str) -> bytes:
    """Image bytes for ``url`` under the fetch safety rules; recent downloads (64 MB) are kept
    in memory so the pipeline can reuse the bytes the ranking already fetched."""
    data = _downloads.get(url)
    if data is None:
        data = fetch_image(url).data
        _downloads.put(url, data)
    return data


load_image_bytes.cache_clear = _downloads.clear  # type: ignore[attr-defined]


def _download(urls: list[str], loader: Callable[[str], bytes],
              prepare: Callable[[bytes, Image.Image], object] | None,
              side: int = HEURISTIC_SIDE) -> tuple[list[_Candidate], list[tuple[str, str]]]:
    """Load, decode and (with ``prepare``) preprocess candidates in parallel threads.

    Sizes and the pixel budget come from the header (an image bomb is refused before any
    decoding); the pixels are decoded only as large as ``side`` on the shorter side."""
    def one(pair):
        index, url = pair
        try:
            data = loader(url)
        except ScrapeError as exc:
            return index, url, None, exc.message
        except Exception as exc:  # noqa: BLE001 - a broken image never breaks the ranking
            return index, url, None, f"image could not be downloaded ({exc.__class__.__name__})"
        try:
            info = probe(data)
            size = (info.width, info.height)
            if min(size) < MIN_SIDE:
                return index, url, None, f"image is too small ({size[0]}x{size[1]})"
            image = decode_image(data, cover=(side, side))
            prepared = prepare(data, image) if prepare else None
        except ImageRejected as exc:
            return index, url, None, exc.reason
        except (OSError, ValueError):
            return index, url, None, "image could not be decoded"
        return index, url, _Candidate(url, index, size, prepared), None

    kept, dropped = [], []
    with ThreadPoolExecutor(max_workers=max(1, min(MAX_DOWNLOADS, len(urls)))) as pool:
        for index, url, candidate, reason in pool.map(one, list(enumerate(urls))):
            if candidate is None:
                dropped.append((url, reason))
            else:
                kept.append(candidate)
    return kept, dropped


class ClipScorer:
    """An open_clip model with its transforms, tokenizer and an embedding cache."""

    def __init__(self, model, preprocess, tokenizer, name: str, cache_size: int = 2048,
                 image_side: int = 224) -> None:
        self.model, self.preprocess, self.tokenizer, self.name = model, preprocess, tokenizer, name
        self.image_side = image_side  # the model's input size: images are decoded no larger
        self._cache: OrderedDict[str, object] = OrderedDict()
        self._cache_size = cache_size
        self._lock = threading.Lock()
        self.encoded_images = 0  # how many images went through the model (tests, benchmarks)

    @classmethod
    def create(cls, model_name: str, pretrained: str | None) -> "ClipScorer":
        """Build from an open_clip model name and a weights file/tag (None = random weights)."""
        import open_clip

        import torch

        model, _, preprocess = open_clip.create_model_and_transforms(model_name, pretrained=pretrained)
        model.eval()
        tokenizer = open_clip.get_tokenizer(model_name)
        with torch.inference_mode():  # warm-up at load time (lazy kernel set-up), not on the first batch
            model.encode_image(preprocess(Image.new("RGB", (64, 64)))[None], normalize=True)
            model.encode_text(tokenizer(["warm-up"]), normalize=True)
        size = getattr(getattr(model, "visual", None), "image_size", 224)
        side = max(size) if isinstance(size, (tuple, list)) else int(size)
        return cls(model, preprocess, tokenizer, model_name, image_side=side)

    def _remember(self, key: str, value) -> None:
        self._cache[key] = value
        self._cache.move_to_end(key)
        while len(self._cache) > self._cache_size:
            self._cache.popitem(last=False)

    def prepare(self, data: bytes, image: Image.Image) -> tuple[str, object]:
        """(cache key, preprocessed tensor). Runs in the download threads, so preprocessing
        overlaps the downloads; the model only sees images whose key is not cached."""
        w, h = image.size
        if max(w, h) > MAX_CLIP_ASPECT * min(w, h):
            # the transforms resize the shorter side and crop the centre: cropping first gives
            # the same pixels without resizing a 1:50 strip to 224 x 11,200 first
            if w > h:
                cw, ch = round(h * MAX_CLIP_ASPECT), h
            else:
                cw, ch = w, round(w * MAX_CLIP_ASPECT)
            left, top = (w - cw) // 2, (h - ch) // 2
            image = image.crop((left, top, left + cw, top + ch))
        return "img:" + hashlib.sha1(data).hexdigest(), self.preprocess(image)

    def scores(self, prepared: list[tuple[str, object]], text: str) -> list[float]:
        """Cosine similarity of each prepared image with ``text`` (embeddings cached by content)."""
        import torch

        with self._lock, torch.inference_mode():
            missing = list({key: tensor for key, tensor in prepared if key not in self._cache}.items())
            if missing:
                feats = self.model.encode_image(torch.stack([t for _, t in missing]), normalize=True)
                self.encoded_images += len(missing)
                for (key, _), feat in zip(missing, feats):
                    self._remember(key, feat)
            text_key = "txt:" + text
            if text_key not in self._cache:
                self._remember(text_key, self.model.encode_text(self.tokenizer([text]), normalize=True)[0])
            text_feat = self._cache[text_key]
            return [float(self._cache[key] @ text_feat) for key, _ in prepared]


_TABLE_BLOCKED = ("torch", "torchvision", "safetensors", "huggingface_hub", "numpy")


@lru_cache(maxsize=1)
def _open_clip_pretrained_table():
    """open_clip's ``get_pretrained_cfg``, read without importing torch (None: not installed).

    ``import open_clip`` (any submodule: the package's ``__init__`` runs first) costs ~0.7 GiB
    of torch + torchvision per process. The table of pretrained tags lives in
    ``open_clip/pretrained.py``, plain data plus download helpers; that file imports torch
    only through ``safetensors.torch`` (inside ``try/except ImportError``) and the hub client
    the same way. So its code runs here, with those imports refused, its relative imports
    (``constants``, ``version``: no imports of their own) loaded the same way, and ``tqdm``
    stubbed. tests/test_rank.py checks that torch stays out and that the answers match
    ``open_clip.get_pretrained_cfg``.
    """
    import builtins
    import importlib.util
    import types

    spec = importlib.util.find_spec("open_clip")  # finds the folder; runs nothing
    if spec is None or not spec.submodule_search_locations:
        return None
    folder = list(spec.submodule_search_locations)[0]
    loaded: dict[str, types.SimpleNamespace] = {}

    def guarded_import(name, globals=None, locals=None, fromlist=(), level=0):
        if level:  # "from .constants import X"
            return load(name)
        root = name.partition(".")[0]
        if root in _TABLE_BLOCKED:
            raise ImportError(f"{name} is not imported to read open_clip's pretrained table")
        if root == "tqdm":
            return types.SimpleNamespace(tqdm=None)
        return builtins.__import__(name, globals, locals, fromlist, level)

    def load(name: str) -> types.SimpleNamespace:
        if name not in loaded:
            path = os.path.join(folder, name + ".py")
            with open(path, encoding="utf-8") as fh:
                code = compile(fh.read(), path, "exec")
            namespace = {"__name__": f"_open_clip_table.{name}", "__file__": path,
                         "__builtins__": {**vars(builtins), "__import__": guarded_import}}
            exec(code, namespace)  # noqa: S102 - the installed open_clip's own file
            loaded[name] = types.SimpleNamespace(**namespace)
        return loaded[name]

    return load("pretrained").get_pretrained_cfg


def _pretrained_cfg(model_name: str, tag: str) -> dict:
    """open_clip's config for a pretrained tag: {"hf_hub": "org/name/[file]", "url": ...}."""
    try:
        lookup = _open_clip_pretrained_table()
    except Exception as exc:  # noqa: BLE001 - a future open_clip layout: answer, if heavily
        log.warning("rank.pretrained_table_unreadable", extra={"error": repr(exc)})
        try:
            import open_clip
        except ImportError:
            return {}
        lookup = open_clip.get_pretrained_cfg
    return (lookup(model_name, tag) or {}) if lookup else {}


def _hf_cached_file(repo_id: str, filename: str) -> str | None:
    """The Hugging Face cache's copy of ``repo_id/filename`` at ``main``, if present (no network)."""
    from huggingface_hub import constants  # the cache location rules (HF_HUB_CACHE, HF_HOME); no client

    folder = os.path.join(constants.HF_HUB_CACHE, "models--" + repo_id.replace("/", "--"))
    try:
        with open(os.path.join(folder, "refs", "main"), encoding="utf-8") as fh:
            revision = fh.read().strip()
    except OSError:
        return None
    path = os.path.join(folder, "snapshots", revision, filename)
    return path if revision and os.path.isfile(path) else None


def _cached_pretrained_file(model_name: str, tag: str) -> str | None:
    """The local file of an open_clip pretrained tag if it is already cached (no download).

    Neither torch nor open_clip is imported: a worker without weights ranks with the heuristic
    and never pays for them."""
    cfg = _pretrained_cfg(model_name, tag)
    hub = cfg.get("hf_hub") or ""
    if hub:
        repo, filename = os.path.split(hub)  # "org/name/" = default file names
        for name in ([filename] if filename else []) + ["open_clip_model.safetensors", "open_clip_pytorch_model.bin"]:
            try:
                path = _hf_cached_file(repo, name)
            except ImportError:
                return None
            if path:
                return path
    url = cfg.get("url") or ""
    if url:
        path = os.path.join(os.path.expanduser("~/.cache/clip"), os.path.basename(urlsplit(url).path))
        if os.path.isfile(path):
            return path
    return None


_model_lock = threading.Lock()


@lru_cache(maxsize=1)
def _load_clip_model() -> ClipScorer | None:
    settings = get_settings()
    weights = settings.clip_weights_path.strip()
    source = None
    if weights and os.path.isfile(weights):
        source = weights
    elif settings.clip_pretrained:
        source = _cached_pretrained_file(settings.clip_model, settings.clip_pretrained)
    if not source:
        log.warning("rank.clip_unavailable", extra={"model": settings.clip_model})
        return None
    try:
        scorer = ClipScorer.create(settings.clip_model, source)
    except Exception as exc:  # noqa: BLE001 - a bad weights file means fallback, not a crash
        log.warning("rank.clip_load_failed", extra={"error": repr(exc)})
        return None
    log.info("rank.clip_loaded", extra={"model": settings.clip_model})
    return scorer


def get_clip_model() -> ClipScorer | None:
    """The process-wide CLIP scorer, or None when no weights are available (fallback ranking)."""
    with _model_lock:  # two threads must not build two models
        return _load_clip_model()


get_clip_model.cache_clear = _load_clip_model.cache_clear  # type: ignore[attr-defined]


def product_text(product: ExtractedProduct) -> str:
    """The text images are compared with: brand and title."""
    title = product.title or ""
    brand = product.brand or ""
    text = title if brand.casefold() in title.casefold() else f"{brand} {title}".strip()
    return f"a photo of {text}" if text else "a product photo"


def heuristic_score(candidate: _Candidate, total: int, product: ExtractedProduct) -> float:
    """Fallback score in [0, 1] (documented in docs/EXTRACTION.md).

    0.45 x position (the page's main image first), 0.25 x resolution (shorter side, saturating
    at 1000 px), 0.15 x aspect ratio (square-ish photos over banners), 0.15 x overlap of the
    alt text and file name with the product title.
    """
    position = 1.0 - candidate.index / max(total, 1)
    w, h = candidate.size
    resolution = min(1.0, math.log(max(min(w, h), 1)) / math.log(1000))
    ratio = max(w, h) / max(min(w, h), 1)
    aspect = 1.0 / ratio if ratio < 3 else 0.0
    name = unquote(urlsplit(candidate.url).path.rsplit("/", 1)[-1])
    words = tokens(re.sub(r"[-_.+]", " ", name)) | tokens(product.image_alts.get(candidate.url))
    title_words = tokens(product.title)
    text = len(words & title_words) / len(title_words) if title_words else 0.0
    return 0.45 * position + 0.25 * resolution + 0.15 * aspect + 0.15 * min(1.0, text * 2)


def rank_images(product: ExtractedProduct, image_urls: list[str] | None = None, *,
                loader: Callable[[str], bytes] | None = None, clip: ClipScorer | None = None) -> RankResult:
    """Usable images of ``product`` best first; failures are dropped and reported, never raised."""
    urls = list(dict.fromkeys(image_urls if image_urls is not None else product.images))[:MAX_CANDIDATES]
    scorer = clip if clip is not None else get_clip_model()
    kept, dropped = _download(urls, loader or load_image_bytes, scorer.prepare if scorer else None,
                              scorer.image_side if scorer else HEURISTIC_SIDE)
    if not kept:
        return RankResult(ranked=[], method=f"clip:{scorer.name}" if scorer else HEURISTIC,
                          scores=[], dropped=dropped)
    if scorer is not None:
        scores = scorer.scores([c.prepared for c in kept], product_text(product))
        method = f"clip:{scorer.name}"
    else:
        scores = [heuristic_score(c, len(urls), product) for c in kept]
        method = HEURISTIC
    order = sorted(range(len(kept)), key=lambda i: (-scores[i], kept[i].index))
    log.info("rank.completed", extra={"method": method, "kept": len(kept), "dropped": len(dropped)})
    return RankResult(ranked=[kept[i].url for i in order], method=method,
                      scores=[round(scores[i], 6) for i in order], dropped=dropped)


def plan_source_images(ranked: list[str], batch_size: int) -> list[str]:
    """Source image for each of ``batch_size`` previews, cycling the ranked list (1,2,3,1,2,3,1)."""
    if batch_size < 1:
        raise RankingError(f"batch size must be at least 1 (got {batch_size})", transient=False)
    if not ranked:
        raise RankingError("no usable product image was found on the page", transient=False)
    return [ranked[i % len(ranked)] for i in range(batch_size)]
