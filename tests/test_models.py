"""CLIP that really ranks (issue 12): `make models` (python -m core.models fetch) downloads
the configured weights through open_clip / huggingface_hub's real download from a local
server speaking the Hub's file protocol (HF_ENDPOINT), into HF_HOME; workers load the model
once at boot (fetching first with CLIP_FETCH_AT_BOOT); nothing imports torch without weights.

Each case runs in a subprocess: huggingface_hub reads HF_ENDPOINT and HF_HOME when it is
imported, exactly as in a worker started with them.
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.fakes.hub_server import HubServer, commit_of

ROOT = Path(__file__).resolve().parent.parent
REPO = "ctabs-test/tiny-clip"
MODEL = f"hf-hub:{REPO}"
TINY = {"embed_dim": 32, "vision_cfg": {"image_size": 32, "layers": 1, "width": 64, "patch_size": 16},
        "text_cfg": {"context_length": 16, "vocab_size": 49408, "width": 32, "heads": 2, "layers": 1}}


@pytest.fixture(scope="module")
def tiny_repo(tmp_path_factory) -> dict[str, bytes]:
    """A randomly initialised tiny open_clip model as an hf-hub repository holds it."""
    import open_clip
    import torch
    from safetensors.torch import save

    folder = tmp_path_factory.mktemp("tiny-config")
    (folder / "Tiny-Test.json").write_text(json.dumps(TINY))
    open_clip.add_model_config(folder)
    torch.manual_seed(0)
    model, _, _ = open_clip.create_model_and_transforms("Tiny-Test", pretrained=None)
    state = {k: v.contiguous() for k, v in model.state_dict().items()}
    bin_file = io.BytesIO()
    torch.save(state, bin_file)
    config = {"model_cfg": TINY, "preprocess_cfg": {"mean": [0.48145466, 0.4578275, 0.40821073],
                                                    "std": [0.26862954, 0.26130258, 0.27577711]}}
    return {"open_clip_config.json": json.dumps(config).encode(),
            "open_clip_model.safetensors": save(state),
            "open_clip_pytorch_model.bin": bin_file.getvalue()}


@pytest.fixture
def hub(tiny_repo):
    with HubServer({REPO: {k: v for k, v in tiny_repo.items() if k != "open_clip_pytorch_model.bin"},
                    "ctabs-test/bin-only": {k: v for k, v in tiny_repo.items()
                                            if k != "open_clip_model.safetensors"}}) as server:
        yield server


def run(args: list[str], tmp_path: Path, hub: HubServer | None, **env_over: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CLIP_", "HF_", "REDIS_URL"))}
    env.update({"PYTHONPATH": str(ROOT), "HF_HOME": str(tmp_path / "hf"), "CLIP_MODEL": MODEL,
                "HF_HUB_DISABLE_TELEMETRY": "1", "HF_HUB_DISABLE_PROGRESS_BARS": "1"})
    if hub is not None:
        env["HF_ENDPOINT"] = hub.base_url
    env.update(env_over)
    return subprocess.run([sys.executable, *args], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=240)


def last_json(out: str) -> dict:
    return json.loads(out.strip().splitlines()[-1])


def test_make_models_downloads_through_the_hub_protocol_into_hf_home(tmp_path, hub, tiny_repo):
    got = run(["-m", "core.models", "fetch", "--load"], tmp_path, hub)
    assert got.returncode == 0, got.stderr[-3000:]
    out = last_json(got.stdout)
    snapshot = tmp_path / "hf" / "hub" / "models--ctabs-test--tiny-clip" / "snapshots" / commit_of(REPO)
    assert out["source"] == f"local-dir:{snapshot}" and out["downloaded"] and out["loaded"]
    assert out["method"] == f"clip:{MODEL}" and out["endpoint"] == hub.base_url
    for name in ("open_clip_config.json", "open_clip_model.safetensors"):
        assert (snapshot / name).read_bytes() == tiny_repo[name]
        assert hub.gets(name) == [f"/{REPO}/resolve/main/{name}"]  # downloaded once
    assert ("HEAD", f"/{REPO}/resolve/main/open_clip_model.safetensors") in hub.requests
    # a second run finds the files current (ETag) and downloads nothing
    again = run(["-m", "core.models", "fetch"], tmp_path, hub)
    assert again.returncode == 0, again.stderr[-3000:]
    assert len(hub.gets("open_clip_model.safetensors")) == 1
    # and what a worker would rank with is answered without torch
    status = run(["-c", "import json, sys; from core import models; s = models.status(); "
                        "print(json.dumps({**s, 'torch': 'torch' in sys.modules, "
                        "'open_clip': 'open_clip' in sys.modules}))"], tmp_path, None)
    assert last_json(status.stdout) | {} == {
        "model": MODEL, "pretrained": "laion2b_s34b_b79k", "weights_path": "",
        "source": f"local-dir:{snapshot}", "method": f"clip:{MODEL}", "fetch_at_boot": False,
        "torch": False, "open_clip": False}


def test_a_repository_with_only_pytorch_weights_is_fetched_too(tmp_path, hub):
    got = run(["-m", "core.models", "fetch", "--load"], tmp_path, hub, CLIP_MODEL="hf-hub:ctabs-test/bin-only")
    assert got.returncode == 0, got.stderr[-3000:]
    assert last_json(got.stdout)["loaded"]
    # open_clip asks for the safetensors file first (404 EntryNotFound), then the .bin
    assert ("HEAD", "/ctabs-test/bin-only/resolve/main/open_clip_model.safetensors") in hub.requests
    assert hub.gets("open_clip_pytorch_model.bin") == ["/ctabs-test/bin-only/resolve/main/open_clip_pytorch_model.bin"]


def test_a_failed_download_says_why(tmp_path, hub):
    got = run(["-m", "core.models", "fetch"], tmp_path, hub, CLIP_MODEL="hf-hub:ctabs-test/nope")
    assert got.returncode == 1
    error = last_json(got.stderr)["error"]
    assert error.startswith(f"Could not download the CLIP weights of hf-hub:ctabs-test/nope from {hub.base_url}")


def test_an_unknown_pretrained_tag_is_named(tmp_path):
    got = run(["-m", "core.models", "fetch"], tmp_path, None, CLIP_MODEL="ViT-B-32", CLIP_PRETRAINED="nope")
    assert got.returncode == 1 and "has no pretrained weights 'nope' for 'ViT-B-32'" in got.stderr


_BOOT = r"""
import json, sys, time
mode = sys.argv[1]
if mode == "embedded":
    import actors.worker  # the worker's imports, with ClipModelBoot registered
    from actors.broker import broker
    from actors.models import ClipModelBoot
    boot = next(m for m in broker.middleware if isinstance(m, ClipModelBoot))
else:  # a production worker (REDIS_URL set): the model is loaded in the boot thread
    from actors.models import ClipModelBoot
    boot = ClipModelBoot()
imported_torch = "torch" in sys.modules
from core import rank
from core.extract import ExtractedProduct
builds = []
create = rank.ClipScorer.create.__func__
def counted(cls, *args):
    builds.append("build")
    return create(cls, *args)
rank.ClipScorer.create = classmethod(counted)
boot.after_worker_boot(None, None)  # what dramatiq calls once the worker has started
returned = "torch" in sys.modules
if boot.warm_up_thread is not None:
    boot.warm_up_thread.join(120)
from PIL import Image
import io
buf = io.BytesIO(); Image.new("RGB", (80, 80), (200, 30, 30)).save(buf, "PNG")
first = rank.rank_images(ExtractedProduct(url="https://shop.example/p", title="Red mug"),
                         ["https://cdn.example/a.png"], loader=lambda u: buf.getvalue())
second = rank.rank_images(ExtractedProduct(url="https://shop.example/q", title="Blue mug"),
                          ["https://cdn.example/b.png"], loader=lambda u: buf.getvalue())
print(json.dumps({"imported_torch": imported_torch, "torch_after_boot": returned, "builds": builds,
                  "methods": [first.method, second.method],
                  "thread": boot.warm_up_thread is not None}))
"""


@pytest.mark.parametrize("mode", ["embedded", "production"])
def test_a_worker_fetches_at_boot_and_loads_the_model_once(tmp_path, hub, mode):
    env = {"CLIP_FETCH_AT_BOOT": "1"} | ({"REDIS_URL": "redis://127.0.0.1:1/0"} if mode == "production" else {})
    got = run(["-c", _BOOT, mode], tmp_path, hub, **env)
    assert got.returncode == 0, got.stderr[-3000:]
    out = last_json(got.stdout)
    assert not out["imported_torch"]  # importing the worker loads nothing of CLIP
    assert out["builds"] == ["build"]  # built once, at boot; not by the rankings
    assert out["methods"] == [f"clip:{MODEL}"] * 2
    assert out["thread"] == (mode == "embedded")  # the dashboard's worker loads aside
    if mode == "production":
        assert out["torch_after_boot"]  # loaded before after_worker_boot returned
    assert len(hub.gets("open_clip_model.safetensors")) == 1


def test_without_weights_or_fetching_a_worker_boots_without_torch(tmp_path):
    got = run(["-c", _BOOT, "embedded"], tmp_path, None, CLIP_MODEL="ViT-B-32")
    assert got.returncode == 0, got.stderr[-3000:]
    out = last_json(got.stdout)
    assert out == {"imported_torch": False, "torch_after_boot": False, "builds": [],
                   "methods": ["heuristic", "heuristic"], "thread": False}


def test_a_worker_without_the_hub_ranks_by_the_heuristic(tmp_path):
    got = run(["-c", _BOOT, "production"], tmp_path, None, CLIP_FETCH_AT_BOOT="1",
              HF_ENDPOINT="http://127.0.0.1:9", HF_HUB_ETAG_TIMEOUT="2", HF_HUB_DOWNLOAD_TIMEOUT="2")
    assert got.returncode == 0, got.stderr[-3000:]
    assert last_json(got.stdout)["methods"] == ["heuristic", "heuristic"]
