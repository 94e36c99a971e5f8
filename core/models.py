"""CLIP weights: fetch the configured ones, say what a process would load.

    python -m core.models fetch [--load]     # make models
    python -m core.models status

``fetch`` downloads the weights of the configured model through open_clip's own download
functions, which call ``huggingface_hub.hf_hub_download``: the real hub protocol, the
``HF_ENDPOINT`` mirror (read when huggingface_hub is imported), the ``HF_HOME`` /
``HF_HUB_CACHE`` cache, ``HF_TOKEN`` for gated repositories, resumable and verified
downloads. What is downloaded is exactly what ``core.rank`` later finds in that cache:

- ``CLIP_WEIGHTS_PATH`` names an existing file: nothing to download.
- ``CLIP_MODEL`` = ``hf-hub:org/repo``: ``open_clip_config.json`` and the weights
  (``open_clip_model.safetensors``, else ``open_clip_pytorch_model.bin``) of that repository.
- else the ``CLIP_MODEL`` / ``CLIP_PRETRAINED`` pair: the file open_clip's pretrained table
  names for that tag (``ViT-B-32`` / ``laion2b_s34b_b79k`` → the
  ``laion/CLIP-ViT-B-32-laion2B-s34B-b79K`` repository, ~600 MB).

``status`` imports neither torch nor open_clip. Workers fetch at boot only when
``CLIP_FETCH_AT_BOOT`` is set (``actors/models.py``).
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
import time
from dataclasses import asdict, dataclass, field

from core.errors import AppError
from core.settings import get_settings

log = logging.getLogger(__name__)


class ModelFetchError(AppError):
    """The configured CLIP weights could not be downloaded; the message says why."""


@dataclass
class FetchResult:
    """What ``fetch_weights`` found or downloaded."""

    model: str
    source: str  # what core.rank will build from: a file path or local-dir:<folder>
    files: list[str] = field(default_factory=list)
    bytes: int = 0
    downloaded: bool = False  # False: CLIP_WEIGHTS_PATH was already a file
    seconds: float = 0.0
    endpoint: str = ""


def hub_endpoint() -> str:
    """The hub the downloads go to (``HF_ENDPOINT`` or huggingface.co)."""
    try:
        from huggingface_hub import constants
    except ImportError:
        return ""
    return constants.ENDPOINT


def _size(paths: list[str]) -> int:
    return sum(os.path.getsize(p) for p in paths if os.path.exists(p))


def fetch_weights(settings=None) -> FetchResult:
    """Download the configured CLIP weights into the Hugging Face cache (no-op when present:
    huggingface_hub checks the cached copy's ETag and downloads nothing new)."""
    from core import rank

    settings = settings or get_settings()
    started = time.monotonic()
    weights = settings.clip_weights_path.strip()
    if weights and os.path.isfile(weights):
        return FetchResult(settings.clip_model, weights, [weights], _size([weights]), False)
    if weights:
        log.warning("models.weights_path_missing", extra={"path": weights})
    repo = rank.hub_repo(settings.clip_model)
    try:
        from open_clip import pretrained as oc  # imports torch: this is the download command
    except ImportError as exc:
        raise ModelFetchError(f"open_clip is not installed ({exc}); run `make install`") from exc
    try:
        if repo:
            files = [oc.download_pretrained_from_hf(repo, filename=rank.HUB_CONFIG),
                     oc.download_pretrained_from_hf(repo)]  # safetensors first, then .bin
        else:
            cfg = rank._pretrained_cfg(settings.clip_model, settings.clip_pretrained)
            if not cfg:
                raise ModelFetchError(
                    f"open_clip has no pretrained weights {settings.clip_pretrained!r} for "
                    f"{settings.clip_model!r}: check CLIP_MODEL / CLIP_PRETRAINED "
                    "(python -c 'import open_clip; print(open_clip.list_pretrained())')")
            files = [oc.download_pretrained(cfg)]
    except ModelFetchError:
        raise
    except Exception as exc:  # noqa: BLE001 - hub errors: offline, 401 gated, 404, timeouts
        raise ModelFetchError(
            f"Could not download the CLIP weights of {settings.clip_model} from {hub_endpoint()}: "
            f"{str(exc)[:400]}") from exc
    source = rank.weights_source(settings)
    if not source:
        raise ModelFetchError(
            f"The weights were downloaded to {files[-1]}, but the ranking does not find them "
            "there: set the same HF_HOME / HF_HUB_CACHE for the download and the workers")
    result = FetchResult(settings.clip_model, source, files, _size(files), True,
                         round(time.monotonic() - started, 2), hub_endpoint())
    log.info("models.fetched", extra=asdict(result))
    return result


def status(settings=None) -> dict:
    """What this process would rank with, without importing torch or open_clip."""
    from core import rank

    settings = settings or get_settings()
    source = rank.weights_source(settings)
    return {"model": settings.clip_model, "pretrained": settings.clip_pretrained,
            "weights_path": settings.clip_weights_path, "source": source,
            "method": f"clip:{settings.clip_model}" if source else rank.HEURISTIC,
            "fetch_at_boot": settings.clip_fetch_at_boot}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m core.models", description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    fetch = sub.add_parser("fetch", help="download the configured CLIP weights (HF_ENDPOINT, HF_HOME)")
    fetch.add_argument("--load", action="store_true", help="also build the model once to check the files")
    sub.add_parser("status", help="where the weights would be loaded from (no torch import)")
    args = parser.parse_args(argv)
    if args.command == "status":
        print(json.dumps(status()))
        return 0
    try:
        result = fetch_weights()
    except ModelFetchError as exc:
        print(json.dumps({"error": exc.message}), file=sys.stderr)
        return 1
    out = asdict(result)
    if args.load:
        from core import rank

        rank.get_clip_model.cache_clear()
        scorer = rank.get_clip_model()
        out["loaded"] = scorer is not None
        if scorer is None:
            print(json.dumps({**out, "error": "the weights did not load (see the log)"}), file=sys.stderr)
            return 1
        out["method"] = f"clip:{scorer.name}"
    print(json.dumps(out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
