"""Rank a product's candidate images and plan which ones feed a batch.

``rank_images`` downloads the candidates the way a browser shows them on the product page
(same safety rules as pages, the page as ``Referer``, in parallel, bounded; a 429/5xx/broken
connection is tried once more after a short wait), drops those that fail to load (reporting
why, counted by kind in ``RankResult.failures``), and orders the rest by CLIP image-text
similarity with the product text. ``acquisition_error`` turns "none could be used" into an
error a user can act on ("48 images found, none could be downloaded: 40 refused by the shop
(HTTP 403), 8 timed out"), transient when a later try may succeed.

The CLIP model is built once per process from ``CLIP_WEIGHTS_PATH``, or from the
``CLIP_MODEL``/``CLIP_PRETRAINED`` pair (or an ``hf-hub:org/repo`` model) when its weights are
in the local Hugging Face cache. Ranking never downloads: ``python -m core.models fetch``
(``make models``) does, or the worker at boot with ``CLIP_FETCH_AT_BOOT`` (``warm_up``).
Without weights the ranking falls back to a documented heuristic and says so in
``RankResult.method``.
"""

from __future__ import annotations

import hashlib
import logging
import math
import os
import re
import threading
import time
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
from core.fetch import FetchStopped, StopCheck, fetch_image
from core.images import ImageRejected, ImageTooLarge, decode_image, probe
from core.settings import get_settings

log = logging.getLogger(__name__)

MAX_DOWNLOADS = 6  # parallel image downloads per ranking
MAX_CANDIDATES = 24
MAX_TRIED = 48  # when none of the first MAX_CANDIDATES is usable, the next ones are tried too
MIN_SIDE = 48  # smaller images are icons or thumbnails, not usable sources
HEURISTIC = "heuristic"
QUICK_RETRY_MAX_WAIT = 2.0  # a 429/503 asking for longer waits for the pipeline's schedule
QUICK_RETRY_DEFAULT_WAIT = {429: 1.0}  # else 0.5 s (5xx, broken connections)


@dataclass(frozen=True)
class ImageFailure:
    """Why one candidate image was dropped, in a form that can be counted."""

    url: str
    reason: str  # for people: "image returned HTTP 403"
    kind: str  # "http", "timeout", "connect", "broken", "too_small", "undecodable", ...
    status: int | None = None
    transient: bool = False  # a later try may succeed (403/429/5xx, time-outs, connections)


@dataclass
class RankResult:
    """Usable images best first, how they were ranked, and what was dropped."""

    ranked: list[str]
    method: str  # "clip:<model>" or "heuristic"
    scores: list[float]
    dropped: list[tuple[str, str]] = field(default_factory=list)  # (url, reason)
    failures: list[ImageFailure] = field(default_factory=list, compare=False)  # same, counted
    tried: int = field(default=0, compare=False)  # candidates downloaded (at most MAX_CANDIDATES)


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


def _quick_retry_wait(exc: ScrapeError) -> float | None:
    """How long to wait before trying an image once more at once, or None (not worth it)."""
    status, failure = exc.ids.get("status"), exc.ids.get("failure")
    if status == 429 or (status or 0) in (500, 502, 503, 504) or failure in ("connect", "broken"):
        wait = exc.ids.get("retry_after")
        wait = QUICK_RETRY_DEFAULT_WAIT.get(status, 0.5) if wait is None else float(wait)
        return wait if wait <= QUICK_RETRY_MAX_WAIT else None
    return None


def download_image(url: str, *, referer: str | None = None,
                   should_stop: StopCheck | None = None) -> bytes:
    """Image bytes as a browser on ``referer`` would get them: a 429, 5xx or broken connection
    is tried once more after ``Retry-After`` (at most ``QUICK_RETRY_MAX_WAIT`` s, else 0.5–1 s).
    Anything else, or a second failure, raises the ``ScrapeError`` (the pipeline's schedule
    retries the transient ones later)."""
    try:
        return fetch_image(url, referer=referer, should_stop=should_stop).data
    except FetchStopped:
        raise
    except ScrapeError as exc:
        wait = _quick_retry_wait(exc)
        if wait is None:
            raise
        log.info("rank.image_retry", extra={"url": url, "status": exc.ids.get("status"), "wait": wait})
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline:
            if should_stop is not None and should_stop():
                raise FetchStopped() from None
            time.sleep(min(0.1, max(0.0, deadline - time.monotonic())))
        return fetch_image(url, referer=referer, should_stop=should_stop).data


def load_image_bytes(url: str, *, referer: str | None = None,
                     should_stop: StopCheck | None = None) -> bytes:
    """Image bytes for ``url`` under the fetch safety rules (``download_image``); recent
    downloads (64 MB) are kept in memory so the pipeline can reuse the bytes the ranking
    already fetched."""
    data = _downloads.get(url)
    if data is None:
        data = download_image(url, referer=referer, should_stop=should_stop)
        _downloads.put(url, data)
    return data


load_image_bytes.cache_clear = _downloads.clear  # type: ignore[attr-defined]


def cached_image_bytes(url: str) -> bytes | None:
    """The bytes of ``url`` if this process downloaded them recently, else None (no network)."""
    return _downloads.get(url)


def _failure(url: str, exc: BaseException) -> ImageFailure:
    if isinstance(exc, ScrapeError):
        return ImageFailure(url, exc.message, exc.ids.get("failure") or "other",
                            exc.ids.get("status"), bool(exc.transient))
    if isinstance(exc, ImageTooLarge):
        return ImageFailure(url, exc.reason, "too_large")
    if isinstance(exc, ImageRejected):
        return ImageFailure(url, exc.reason, "undecodable")
    if isinstance(exc, (OSError, ValueError)):
        return ImageFailure(url, "image could not be decoded", "undecodable")
    return ImageFailure(url, f"image could not be downloaded ({exc.__class__.__name__})", "other")


def _download(urls: list[str], loader: Callable[[str], bytes],
              prepare: Callable[[bytes, Image.Image], object] | None,
              side: int = HEURISTIC_SIDE, offset: int = 0) -> tuple[list[_Candidate], list[ImageFailure]]:
    """Load, decode and (with ``prepare``) preprocess candidates in parallel threads.

    Sizes and the pixel budget come from the header (an image bomb is refused before any
    decoding); the pixels are decoded only as large as ``side`` on the shorter side."""
    def one(pair):
        index, url = pair
        try:
            data = loader(url)
        except FetchStopped:
            raise
        except Exception as exc:  # noqa: BLE001 - a broken image never breaks the ranking
            return index, url, None, _failure(url, exc)
        try:
            info = probe(data)
            size = (info.width, info.height)
            if min(size) < MIN_SIDE:
                return index, url, None, ImageFailure(
                    url, f"image is too small ({size[0]}x{size[1]})", "too_small")
            image = decode_image(data, cover=(side, side))
            prepared = prepare(data, image) if prepare else None
        except (ImageRejected, OSError, ValueError) as exc:
            return index, url, None, _failure(url, exc)
        return index, url, _Candidate(url, index, size, prepared), None

    kept, failures = [], []
    with ThreadPoolExecutor(max_workers=max(1, min(MAX_DOWNLOADS, len(urls)))) as pool:
        for index, url, candidate, failure in pool.map(one, list(enumerate(urls, start=offset))):
            if candidate is None:
                failures.append(failure)
            else:
                kept.append(candidate)
    return kept, failures


def _failure_label(f: ImageFailure) -> str:
    """How a kind of failure is counted in the message a user reads."""
    status = f.status
    if f.kind == "http" and status is not None:
        if status in (401, 403):
            return f"refused by the shop (HTTP {status})"
        if status == 429:
            return "refused as too many requests (HTTP 429)"
        if status in (404, 410):
            return f"not found (HTTP {status})"
        if status >= 500:
            return f"failed on the shop's server (HTTP {status})"
        return f"refused (HTTP {status})"
    return {
        "timeout": "timed out",
        "connect": "could not connect",
        "broken": "connection broke off",
        "dns": "on servers whose names could not be found",
        "tls": "secure connection failed",
        "address": "on a private address (not fetched)",
        "url": "not valid image addresses",
        "redirects": "redirected too often",
        "size": "larger than 15 MB",
        "type": "not images",
        "too_small": "too small (icons)",
        "too_large": "too large to decode",
        "undecodable": "not readable as images",
    }.get(f.kind, "failed")


# what to do when trying again cannot help (404s, no photo on the page): the way out
NO_RETRY_HELP = ". Retrying will not help: give the product a photo, or make text-only banners"

_DOWNLOAD_KINDS = frozenset({"http", "timeout", "connect", "broken", "dns", "tls", "address", "url",
                             "redirects", "size", "other"})


def acquisition_error(found: int, result: RankResult) -> RankingError | None:
    """None when at least one image is usable; else the error a user reads, e.g.
    "48 images found, none could be downloaded: 40 refused by the shop (HTTP 403), 8 timed out".

    Transient (retried on the schedule) when any failure may pass: refusals (401/403), 429,
    5xx, time-outs and broken connections; permanent when the page shows no photo at all or
    every image was unusable for good (404, not an image, too small)."""
    if result.ranked:
        return None
    if found == 0:
        return RankingError("No usable product image: the page shows no product photo"
                            + NO_RETRY_HELP, transient=False, for_good=True)
    failures = list(getattr(result, "failures", None) or [])
    counts: dict[str, int] = {}
    for f in failures:
        label = _failure_label(f)
        counts[label] = counts.get(label, 0) + 1
    tried = getattr(result, "tried", 0) or len(failures) or found
    download_only = failures and all(f.kind in _DOWNLOAD_KINDS for f in failures)
    what = "none could be downloaded" if download_only else "none could be used"
    head = f"{found} image{'s' if found != 1 else ''} found, {what}"
    if tried < found:
        head += f" (the first {tried} were tried)"
    parts = [f"{n} {label}" for label, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))]
    message = head + (": " + ", ".join(parts) if parts else "")
    transient = any(f.transient or (f.kind == "http" and f.status in (401, 403)) for f in failures)
    return RankingError(message + ("" if transient else NO_RETRY_HELP), transient=transient,
                        for_good=not transient)


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
        """Build from an open_clip model name and a weights file/tag (None = random weights);
        ``local-dir:<folder>`` builds from a folder holding ``open_clip_config.json`` and the
        weights (an hf-hub model's cached snapshot)."""
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


HF_HUB_PREFIX = "hf-hub:"  # open_clip's schema: config and weights from a hub repository
HUB_CONFIG = "open_clip_config.json"
HUB_WEIGHTS = ("open_clip_model.safetensors", "open_clip_pytorch_model.bin")  # open_clip's order


def hub_repo(model_name: str) -> str | None:
    """``org/repo`` of an ``hf-hub:org/repo`` model name, else None."""
    if model_name.startswith(HF_HUB_PREFIX):
        return model_name[len(HF_HUB_PREFIX):].strip("/") or None
    return None


def _cached_hub_model(repo: str) -> str | None:
    """The cached snapshot folder of an ``hf-hub:`` model when it holds the config and a
    weights file (what open_clip downloads for such a model), else None. No network."""
    try:
        config = _hf_cached_file(repo, HUB_CONFIG)
    except ImportError:
        return None
    if not config:
        return None
    if any(_hf_cached_file(repo, name) for name in HUB_WEIGHTS):
        return os.path.dirname(config)
    return None


def weights_source(settings=None) -> str | None:
    """Where this process would build CLIP from, or None (the heuristic ranks).

    A ``CLIP_WEIGHTS_PATH`` file; else the cached file of the ``CLIP_MODEL``/``CLIP_PRETRAINED``
    tag; for an ``hf-hub:org/repo`` model, ``local-dir:<cached snapshot>``. Imports neither
    torch nor open_clip and never touches the network."""
    settings = settings or get_settings()
    weights = settings.clip_weights_path.strip()
    if weights and os.path.isfile(weights):
        return weights
    repo = hub_repo(settings.clip_model)
    if repo:
        folder = _cached_hub_model(repo)
        return f"local-dir:{folder}" if folder else None
    if settings.clip_pretrained:
        return _cached_pretrained_file(settings.clip_model, settings.clip_pretrained)
    return None


def _build(settings, source: str) -> ClipScorer:
    if source.startswith("local-dir:"):  # an hf-hub model's cached snapshot: config + weights
        scorer = ClipScorer.create(source, None)
        scorer.name = settings.clip_model
        return scorer
    return ClipScorer.create(settings.clip_model, source)


RECHECK_SECONDS = 60.0  # without weights, look again this often (e.g. after `make models`)
BOOT_WAIT_SECONDS = 300.0  # a ranking waits this long for the worker's boot-time fetch + load


class _ModelState:
    """The process's one CLIP model: built once, looked for again while absent."""

    def __init__(self) -> None:
        self.lock = threading.Lock()  # two threads must not build two models
        self.booted = threading.Event()  # cleared while the worker's boot warm-up runs
        self.booted.set()
        self.clear()

    def clear(self) -> None:
        self.scorer: ClipScorer | None = None
        self.checked_at: float | None = None  # monotonic time of the last look without a model
        self.failed: set[str] = set()  # sources that did not load (not tried again)
        self.warned = False

    def load(self, *, force: bool = False) -> ClipScorer | None:
        """Under ``lock``: the model, building it when weights are (newly) available."""
        if self.scorer is not None:
            return self.scorer
        now = time.monotonic()
        if not force and self.checked_at is not None and now - self.checked_at < RECHECK_SECONDS:
            return None
        self.checked_at = now
        settings = get_settings()
        source = weights_source(settings)
        if not source or source in self.failed:
            if not source and not self.warned:
                self.warned = True
                log.warning("rank.clip_unavailable", extra={"model": settings.clip_model})
            return None
        try:
            self.scorer = _build(settings, source)
        except Exception as exc:  # noqa: BLE001 - a bad weights file means fallback, not a crash
            self.failed.add(source)
            log.warning("rank.clip_load_failed", extra={"error": repr(exc)})
            return None
        log.info("rank.clip_loaded", extra={"model": settings.clip_model, "source": source})
        return self.scorer


_state = _ModelState()


def get_clip_model() -> ClipScorer | None:
    """The process-wide CLIP scorer, or None when no weights are available (fallback ranking).

    While the worker's boot warm-up (``warm_up``) fetches or loads the model, rankings wait
    for it (up to ``BOOT_WAIT_SECONDS``) instead of ranking by the heuristic meanwhile."""
    if not _state.booted.is_set():
        _state.booted.wait(BOOT_WAIT_SECONDS)
    with _state.lock:
        return _state.load()


def _cache_clear() -> None:
    with _state.lock:
        _state.clear()


get_clip_model.cache_clear = _cache_clear  # type: ignore[attr-defined]


def warm_up(*, fetch: bool = False, background: bool = False):
    """Load the CLIP model now (at worker boot), after fetching its weights with ``fetch``
    (``CLIP_FETCH_AT_BOOT``). Rankings that start meanwhile wait for it.

    ``background``: run in a thread of its own and return it (the embedded worker, so the
    dashboard comes up at once); else run here and return the scorer (or None)."""
    _state.booted.clear()

    def run():
        try:
            if fetch:
                from core.models import fetch_weights

                try:
                    fetch_weights()
                except Exception as exc:  # noqa: BLE001 - no network: rank by the heuristic
                    log.warning("rank.clip_fetch_failed", extra={"error": str(exc)[:500]})
            with _state.lock:
                return _state.load(force=True)
        finally:
            _state.booted.set()

    if background:
        thread = threading.Thread(target=run, name="clip-warm-up", daemon=True)
        thread.start()
        return thread
    return run()


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
                loader: Callable[[str], bytes] | None = None, clip: ClipScorer | None = None,
                should_stop: StopCheck | None = None) -> RankResult:
    """Usable images of ``product`` best first; failures are dropped and reported, never raised.

    The default loader sends the product page as ``Referer``; ``should_stop`` ends the
    downloads when the work was cancelled (``FetchStopped``)."""
    found = list(dict.fromkeys(image_urls if image_urls is not None else product.images))
    urls = found[:MAX_CANDIDATES]
    scorer = clip if clip is not None else get_clip_model()
    if loader is None:
        page = getattr(product, "url", None) or None

        def loader(url: str) -> bytes:
            return load_image_bytes(url, referer=page, should_stop=should_stop)
    prepare, side = (scorer.prepare, scorer.image_side) if scorer else (None, HEURISTIC_SIDE)
    kept, failures = _download(urls, loader, prepare, side)
    if not kept and len(found) > len(urls):  # nothing usable yet: the page's other images
        more = found[len(urls):MAX_TRIED]
        kept, more_failures = _download(more, loader, prepare, side, offset=len(urls))
        failures += more_failures
        urls += more
    dropped = [(f.url, f.reason) for f in failures]
    if not kept:
        return RankResult(ranked=[], method=f"clip:{scorer.name}" if scorer else HEURISTIC,
                          scores=[], dropped=dropped, failures=failures, tried=len(urls))
    if scorer is not None:
        scores = scorer.scores([c.prepared for c in kept], product_text(product))
        method = f"clip:{scorer.name}"
    else:
        scores = [heuristic_score(c, len(urls), product) for c in kept]
        method = HEURISTIC
    order = sorted(range(len(kept)), key=lambda i: (-scores[i], kept[i].index))
    log.info("rank.completed", extra={"method": method, "kept": len(kept), "dropped": len(dropped)})
    return RankResult(ranked=[kept[i].url for i in order], method=method,
                      scores=[round(scores[i], 6) for i in order], dropped=dropped,
                      failures=failures, tried=len(urls))


def plan_source_images(ranked: list[str], batch_size: int) -> list[str]:
    """Source image for each of ``batch_size`` previews, cycling the ranked list (1,2,3,1,2,3,1)."""
    if batch_size < 1:
        raise RankingError(f"batch size must be at least 1 (got {batch_size})", transient=False)
    if not ranked:
        raise RankingError("no usable product image was found on the page", transient=False)
    return [ranked[i % len(ranked)] for i in range(batch_size)]
