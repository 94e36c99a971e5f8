"""Image ranking: the real open_clip path on a tiny random model, the fallback, and planning."""

from __future__ import annotations

import io
import json

import pytest
from PIL import Image

from core import rank
from core.errors import RankingError, ScrapeError
from core.extract import ExtractedProduct
from core.rank import RankResult, get_clip_model, plan_source_images, rank_images
from core.settings import reset_settings
from tests.httpserver import local_server  # noqa: F401 - fixture

TINY = {"embed_dim": 32, "vision_cfg": {"image_size": 32, "layers": 1, "width": 64, "patch_size": 16},
        "text_cfg": {"context_length": 16, "vocab_size": 49408, "width": 32, "heads": 2, "layers": 1}}


def png(width: int, height: int, color=(200, 30, 30)) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (width, height), color).save(buf, "PNG")
    return buf.getvalue()


@pytest.fixture(scope="session")
def tiny_weights(tmp_path_factory):
    """A randomly initialised tiny open_clip model saved as a weights file (no download)."""
    import open_clip
    import torch

    folder = tmp_path_factory.mktemp("clip")
    (folder / "Tiny-Test.json").write_text(json.dumps(TINY))
    open_clip.add_model_config(folder)
    torch.manual_seed(0)
    model, _, _ = open_clip.create_model_and_transforms("Tiny-Test", pretrained=None)
    path = folder / "tiny.pt"
    torch.save(model.state_dict(), path)
    return path


@pytest.fixture
def clip_settings(settings_env):
    """Point the settings at a model and forget the per-process model around the test."""
    def apply(**values):
        settings_env(**values)
        get_clip_model.cache_clear()

    yield apply
    get_clip_model.cache_clear()
    reset_settings()


@pytest.fixture
def no_cached_weights(monkeypatch, clip_settings):
    monkeypatch.setattr(rank, "_cached_pretrained_file", lambda model, tag: None)
    clip_settings(CLIP_WEIGHTS_PATH="/nonexistent/weights.pt")


def product(title="Blue Widget", **kw) -> ExtractedProduct:
    return ExtractedProduct(url="https://shop.example/p", title=title, **kw)


def loader_for(files: dict[str, bytes]):
    def load(url: str) -> bytes:
        if url not in files:
            raise ScrapeError("image returned HTTP 404", transient=False)
        return files[url]
    return load


def test_without_weights_the_heuristic_ranks_and_says_so(no_cached_weights):
    files = {"https://cdn.example/banner.jpg": png(600, 100),
             "https://cdn.example/blue-widget.jpg": png(800, 800),
             "https://cdn.example/x.jpg": png(60, 60)}
    result = rank_images(product(), list(files), loader=loader_for(files))
    assert result.method == "heuristic"
    assert result.ranked == ["https://cdn.example/blue-widget.jpg", "https://cdn.example/banner.jpg",
                             "https://cdn.example/x.jpg"]
    assert result.scores == sorted(result.scores, reverse=True)


def test_alt_text_matching_the_title_lifts_an_image_in_the_heuristic(no_cached_weights):
    files = {f"https://cdn.example/{n}.jpg": png(500, 500) for n in "abcd"}
    plain = rank_images(product(), list(files), loader=loader_for(files))
    described = rank_images(product(image_alts={"https://cdn.example/d.jpg": "Blue widget, front"}),
                            list(files), loader=loader_for(files))
    assert [u[-5] for u in plain.ranked] == ["a", "b", "c", "d"]
    assert [u[-5] for u in described.ranked] == ["a", "b", "d", "c"]  # d now beats c


def test_images_that_fail_to_load_are_dropped_and_reported(no_cached_weights):
    files = {"https://cdn.example/ok.jpg": png(300, 300),
             "https://cdn.example/broken.jpg": b"<html>not an image</html>",
             "https://cdn.example/tiny.png": png(10, 10)}
    result = rank_images(product(), list(files) + ["https://cdn.example/missing.jpg"], loader=loader_for(files))
    assert result.ranked == ["https://cdn.example/ok.jpg"]
    assert dict(result.dropped) == {
        "https://cdn.example/broken.jpg": "image could not be decoded",
        "https://cdn.example/tiny.png": "image is too small (10x10)",
        "https://cdn.example/missing.jpg": "image returned HTTP 404",
    }


def test_an_unexpected_loader_crash_is_a_dropped_image(no_cached_weights):
    def explode(url):
        raise RuntimeError("boom")

    result = rank_images(product(), ["https://cdn.example/a.jpg"], loader=explode)
    assert result == RankResult(ranked=[], method="heuristic", scores=[],
                                dropped=[("https://cdn.example/a.jpg", "image could not be downloaded (RuntimeError)")])


def test_the_product_images_are_used_when_no_list_is_given(no_cached_weights):
    files = {"https://cdn.example/a.jpg": png(300, 300)}
    assert rank_images(product(images=list(files)), loader=loader_for(files)).ranked == list(files)


def test_clip_ranks_with_the_configured_weights(tiny_weights, clip_settings):
    clip_settings(CLIP_MODEL="Tiny-Test", CLIP_WEIGHTS_PATH=str(tiny_weights))
    files = {f"https://cdn.example/{n}.png": png(64 + n, 64, (n * 40, 255 - n * 40, 90)) for n in range(5)}
    result = rank_images(product(), list(files), loader=loader_for(files))
    assert result.method == "clip:Tiny-Test"
    assert sorted(result.ranked) == sorted(files) and result.scores == sorted(result.scores, reverse=True)
    scorer = get_clip_model()
    assert scorer is get_clip_model()  # built once per process
    # the scores are the model's image-text cosine similarities
    import torch

    with torch.inference_mode():
        image = scorer.preprocess(Image.open(io.BytesIO(files[result.ranked[0]])).convert("RGB"))
        img = scorer.model.encode_image(image[None], normalize=True)
        txt = scorer.model.encode_text(scorer.tokenizer([rank.product_text(product())]), normalize=True)
    assert result.scores[0] == pytest.approx(float(img[0] @ txt[0]), abs=1e-5)


def test_a_second_batch_on_the_same_product_costs_no_model_time(tiny_weights, clip_settings):
    clip_settings(CLIP_MODEL="Tiny-Test", CLIP_WEIGHTS_PATH=str(tiny_weights))
    files = {f"https://cdn.example/{n}.png": png(70, 70 + n) for n in range(4)}
    first = rank_images(product(), list(files), loader=loader_for(files))
    encoded = get_clip_model().encoded_images
    second = rank_images(product(), list(files), loader=loader_for(files))
    assert encoded == 4 and get_clip_model().encoded_images == 4
    assert second.ranked == first.ranked and second.scores == first.scores


def test_an_unreadable_weights_file_falls_back_to_the_heuristic(tmp_path, tiny_weights, clip_settings, monkeypatch):
    monkeypatch.setattr(rank, "_cached_pretrained_file", lambda model, tag: None)
    bad = tmp_path / "bad.pt"
    bad.write_bytes(b"not a checkpoint")
    clip_settings(CLIP_MODEL="Tiny-Test", CLIP_WEIGHTS_PATH=str(bad))
    files = {"https://cdn.example/a.jpg": png(300, 300)}
    assert rank_images(product(), list(files), loader=loader_for(files)).method == "heuristic"


def test_images_are_downloaded_under_the_fetch_rules(local_server, no_cached_weights, settings_env):
    local_server.routes["/a.png"] = (200, {"Content-Type": "image/png"}, png(200, 200))
    local_server.routes["/b.png"] = (500, {"Content-Type": "text/plain"}, b"oops")
    rank.load_image_bytes.cache_clear()
    refused = rank_images(product(), [local_server.url("/a.png")])
    assert refused.ranked == [] and "private" in refused.dropped[0][1]
    settings_env(ALLOW_PRIVATE_FETCH="1")
    result = rank_images(product(), [local_server.url("/a.png"), local_server.url("/b.png")])
    assert result.ranked == [local_server.url("/a.png")]
    assert result.dropped == [(local_server.url("/b.png"), "image returned HTTP 500")]
    requests = len(local_server.requests)
    assert rank.load_image_bytes(local_server.url("/a.png")) == png(200, 200)  # reused, not refetched
    assert len(local_server.requests) == requests
    rank.load_image_bytes.cache_clear()


@pytest.mark.parametrize("ranked,batch_size,expected", [
    (["1", "2", "3"], 7, ["1", "2", "3", "1", "2", "3", "1"]),
    (["1", "2", "3"], 2, ["1", "2"]),
    (["1"], 3, ["1", "1", "1"]),
])
def test_planning_cycles_through_the_ranked_images(ranked, batch_size, expected):
    assert plan_source_images(ranked, batch_size) == expected


def test_planning_with_no_usable_image_is_a_clear_failure():
    with pytest.raises(RankingError) as info:
        plan_source_images([], 3)
    assert info.value.message == "no usable product image was found on the page"
    assert not info.value.transient


def test_planning_needs_a_positive_batch_size():
    with pytest.raises(RankingError, match="at least 1"):
        plan_source_images(["1"], 0)


# --- nothing heavy is imported unless it is used (issue 11, item 10) -----------------------

HEAVY = ("torch", "torchvision", "open_clip", "safetensors", "pandas", "google.genai")

_WORKER_RANKS = r"""
import io, json, sys
import actors.worker  # the production worker's imports (stub broker: REDIS_URL is unset)
after_import = sorted(m for m in sys.modules if m.split(".")[0] in {"torch", "open_clip"})
from PIL import Image
from core import rank
from core.extract import ExtractedProduct
if len(sys.argv) > 1:  # weights present: the tiny model's config is registered when it is built
    create = rank.ClipScorer.create.__func__
    def create_tiny(cls, model_name, pretrained):
        import open_clip
        open_clip.add_model_config(sys.argv[1])
        return create(cls, model_name, pretrained)
    rank.ClipScorer.create = classmethod(create_tiny)
buf = io.BytesIO()
Image.new("RGB", (300, 200), (200, 30, 30)).save(buf, "PNG")
result = rank.rank_images(ExtractedProduct(url="https://shop.example/p", title="Blue Widget"),
                          ["https://cdn.example/a.png"], loader=lambda url: buf.getvalue())
heavy = {name: name in sys.modules for name in %r}
print(json.dumps({"after_import": after_import, "method": result.method, "ranked": result.ranked,
                  "heavy": heavy}))
""" % (HEAVY,)


def _run_worker_ranking(tmp_path, env_over: dict, *args: str) -> dict:
    import os
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CLIP_", "HF_", "REDIS_URL"))}
    env.update({"PYTHONPATH": str(root), "HF_HOME": str(tmp_path / "hf"), **env_over})
    out = subprocess.run([sys.executable, "-c", _WORKER_RANKS, *args], cwd=root, env=env,
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr[-3000:]
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_a_worker_ranking_with_the_heuristic_imports_neither_torch_nor_open_clip(tmp_path):
    got = _run_worker_ranking(tmp_path, {})  # default CLIP_MODEL/CLIP_PRETRAINED, empty HF cache
    assert got["after_import"] == []
    assert got["method"] == "heuristic" and got["ranked"] == ["https://cdn.example/a.png"]
    assert got["heavy"] == {name: False for name in HEAVY}


def test_with_a_weights_file_ranking_imports_torch_and_ranks_with_clip(tmp_path, tiny_weights):
    got = _run_worker_ranking(tmp_path, {"CLIP_MODEL": "Tiny-Test", "CLIP_WEIGHTS_PATH": str(tiny_weights)},
                              str(tiny_weights.parent))
    assert got["after_import"] == []  # importing the worker loads nothing of CLIP
    assert got["method"] == "clip:Tiny-Test" and got["ranked"] == ["https://cdn.example/a.png"]
    assert got["heavy"]["torch"] and got["heavy"]["open_clip"]


_FINDS_CACHED = r"""
import json, sys
from core import rank
path = rank._cached_pretrained_file("ViT-B-32", "laion2b_s34b_b79k")
print(json.dumps({"path": path, "torch": "torch" in sys.modules, "open_clip": "open_clip" in sys.modules}))
"""


def test_weights_in_the_hugging_face_cache_are_found_without_importing_torch(tmp_path):
    import os
    import subprocess
    import sys
    from pathlib import Path

    # the layout huggingface_hub writes: models--org--name/{refs/main, snapshots/<rev>/<file>}
    repo = tmp_path / "hub" / "models--laion--CLIP-ViT-B-32-laion2B-s34B-b79K"
    (repo / "refs").mkdir(parents=True)
    (repo / "refs" / "main").write_text("0123abcd")
    weights = repo / "snapshots" / "0123abcd" / "open_clip_model.safetensors"
    weights.parent.mkdir(parents=True)
    weights.write_bytes(b"weights")
    root = Path(__file__).resolve().parent.parent
    env = {k: v for k, v in os.environ.items() if not k.startswith("HF_")}
    env.update({"PYTHONPATH": str(root), "HF_HUB_CACHE": str(tmp_path / "hub")})
    out = subprocess.run([sys.executable, "-c", _FINDS_CACHED], cwd=root, env=env,
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr[-3000:]
    assert json.loads(out.stdout.strip().splitlines()[-1]) == {
        "path": str(weights), "torch": False, "open_clip": False}


def test_the_torch_free_tag_table_answers_like_open_clip():
    import open_clip

    pairs = open_clip.list_pretrained()
    assert len(pairs) > 100
    for model, tag in pairs + [("ViT-B-32", "LAION2B-S34B-B79K"), ("ViT-B-32", "nope"), ("Nope", "openai")]:
        assert rank._pretrained_cfg(model, tag) == open_clip.get_pretrained_cfg(model, tag), (model, tag)
