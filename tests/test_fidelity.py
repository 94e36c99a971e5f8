"""The product fidelity check on generated backgrounds (issue 15, item 4)."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from core.generators import ProductBrief, get_generators
from core.generators.cutout import find_cutout
from core.generators.fidelity import MAX_ATTEMPTS, check_fidelity, encode_png, generate_checked
from core.generators.offline_background import CANVAS, place_product
from core.prefill import validate_prefill
from tests import product_photos as photos
from tests.fakes.gemini_server import gemini_fake, gemini_settings  # noqa: F401

BRIEF = ProductBrief(title="Terracotta mug", url="https://shop.example/p/mug")


def _photo(make=photos.mug_with_handle) -> tuple[bytes, Image.Image]:
    data, _ = make(800)
    return data, Image.open(io.BytesIO(data)).convert("RGB")


def recoloured(img: Image.Image) -> Image.Image:
    """What an image model does when it 'improves' the product: another colour."""
    r, g, b = img.split()
    return Image.merge("RGB", (b, g, r))


def another_product(img: Image.Image) -> Image.Image:
    data, _ = photos.transparent_bottle(img.width)
    return Image.open(io.BytesIO(data)).convert("RGB")


def generated(img: Image.Image, side: str = "right", alter=None) -> bytes:
    """A background as an image model might return it: a new gradient scene, the product
    moved to ``side`` and resized — unchanged, or altered by ``alter``."""
    if alter is not None:
        img = alter(img)
    ramp = Image.linear_gradient("L").resize((CANVAS, CANVAS)).rotate(90)
    canvas = Image.composite(Image.new("RGB", (CANVAS, CANVAS), (230, 200, 150)),
                             Image.new("RGB", (CANVAS, CANVAS), (40, 90, 160)), ramp)
    place_product(canvas, img, find_cutout(img).mask, side)
    out = io.BytesIO()
    canvas.save(out, "JPEG", quality=85)
    return out.getvalue()


@pytest.mark.parametrize("make", [photos.mug_with_handle, photos.shoe_on_white,
                                  photos.transparent_bottle], ids=lambda f: f.__name__)
@pytest.mark.parametrize("side", ["right", "left", "top"])
def test_the_same_product_moved_and_resized_on_a_new_scene_passes(make, side):
    data, img = _photo(make)
    f = check_fidelity(data, generated(img, side))
    assert f.passed, f
    x0, y0, x1, y1 = f.box
    if side == "right":
        assert x0 > 0.4  # found where it was put
    if side == "left":
        assert x1 < 0.6


@pytest.mark.parametrize("make", [photos.mug_with_handle, photos.shoe_on_white],
                         ids=lambda f: f.__name__)
def test_a_recoloured_product_fails(make):
    data, img = _photo(make)
    f = check_fidelity(data, generated(img, alter=recoloured))
    assert not f.passed and f.colour < f.threshold, f


@pytest.mark.parametrize("make", [photos.mug_with_handle, photos.shoe_on_white],
                         ids=lambda f: f.__name__)
def test_another_product_in_its_place_fails(make):
    data, img = _photo(make)
    assert not check_fidelity(data, generated(img, alter=another_product)).passed


def test_an_altered_product_is_regenerated_through_gemini(gemini_fake, gemini_settings):
    data, img = _photo()
    gemini_fake.reply_image(encode_png(Image.open(io.BytesIO(generated(img, alter=recoloured)))))
    gemini_fake.reply_image(encode_png(Image.open(io.BytesIO(generated(img)))))
    maker = get_generators().background
    out, report = generate_checked(maker, data, variant_index=0, brief=BRIEF)
    calls = gemini_fake.calls("generate")
    assert len(calls) == 2  # the altered one, then a regeneration that kept the product
    assert all("Keep the product itself exactly as it is" in "\n".join(c.texts()) for c in calls)
    assert report["passed"] and report["attempts"] == 2 and report["note"] == ""
    assert check_fidelity(data, out).passed
    assert validate_prefill({"headline": "Mug", "cta_text": "Buy",
                             "product_fidelity": report})["product_fidelity"] == report


def test_a_product_changed_every_time_is_flagged_after_bounded_attempts(gemini_fake, gemini_settings):
    data, img = _photo()
    for _ in range(MAX_ATTEMPTS):
        gemini_fake.reply_image(encode_png(Image.open(io.BytesIO(generated(img, alter=recoloured)))))
    out, report = generate_checked(get_generators().background, data, variant_index=0, brief=BRIEF)
    assert len(gemini_fake.calls("generate")) == MAX_ATTEMPTS
    assert not report["passed"] and report["attempts"] == MAX_ATTEMPTS
    assert "changed the product" in report["note"] and "colours differ" in report["note"]
    assert report["score"] < report["threshold"]


def test_offline_backgrounds_are_not_checked_they_keep_the_products_pixels(settings_env):
    settings_env(GEMINI_API_KEY="")
    data, _ = _photo()
    out, report = generate_checked(get_generators().background, data, variant_index=0, brief=BRIEF)
    assert report is None and out[:2] == b"\xff\xd8"


def test_no_clip_weights_no_torch(monkeypatch):
    import sys

    import core.rank

    monkeypatch.setattr(core.rank, "get_clip_model", lambda: None)
    data, img = _photo()
    before = "torch" in sys.modules
    f = check_fidelity(data, generated(img))
    assert f.clip is None and "clip" not in f.method
    assert ("torch" in sys.modules) == before


def test_a_preview_whose_product_keeps_changing_is_flagged_on_its_prefill(
        db, gemini_fake, gemini_settings, settings_env, workspace):
    import sqlalchemy as sa

    from core.batches import create_batch, get_batch
    from core.generators.gemini import GeminiBackgroundMaker
    from core.pipeline import stages
    from core.settings import get_settings
    from db.engine import unit_of_work
    from db.models import Preview
    from tests.stages import FakeStages, embedded_worker, wait_for

    settings_env(RETRY_SCHEDULE_SECONDS="60,60,60", GENERATION_RATE_LIMIT="0/m", LEASE_SECONDS="10")
    data, img = _photo()
    for _ in range(MAX_ATTEMPTS):
        gemini_fake.reply_image(encode_png(Image.open(io.BytesIO(generated(img, alter=recoloured)))))
    with embedded_worker():
        fake = FakeStages().install()

        class Gens:  # the copy stays scripted; every Gemini call is a background
            copy = type("copy", (), {"write_prefill": staticmethod(fake.write_prefill)})
            background = GeminiBackgroundMaker(get_settings())

        stages.override(generators=lambda: Gens, fetch_image=lambda url: data)
        info = create_batch(workspace, "alice", [{"url": "https://shop.example.com/p/mug", "batch_size": 1}])
        wait_for(lambda: get_batch(workspace, info.id).batch.status in ("done", "failed"), timeout=60)
        with unit_of_work() as s:
            prefill, status, err = s.execute(sa.select(Preview.prefill, Preview.status, Preview.error_message).where(Preview.batch_id == info.id)).one()
    assert len(gemini_fake.calls("generate")) == MAX_ATTEMPTS
    flag = prefill["product_fidelity"]
    assert flag["passed"] is False and flag["attempts"] == MAX_ATTEMPTS and "changed the product" in flag["note"]


def test_the_preview_card_says_why_a_preview_is_flagged():
    import datetime as dt
    import uuid

    from core.views import PreviewInfo
    from pages.preview_card import _summary

    note = "The generated background changed the product (similarity 0.17 < 0.60 after 3 attempts)"
    prefill = {"headline": "Mug", "product_fidelity": {
        "score": 0.17, "threshold": 0.6, "method": "ssim+colour (cut-out)", "attempts": 3,
        "passed": False, "note": note}}
    p = PreviewInfo(uuid.uuid4(), "ws", uuid.uuid4(), None, "https://shop.example/p", 0, None,
                    prefill, 1, "done", None, None, 0, None, dt.datetime.now(dt.timezone.utc), None, None)
    assert "similarity 0.17" in _summary(p)
    passed = {**prefill, "product_fidelity": {**prefill["product_fidelity"], "passed": True, "note": ""}}
    import dataclasses

    assert "changed the product" not in _summary(dataclasses.replace(p, prefill=passed))


from tests.test_rank import clip_settings, tiny_weights  # noqa: E402,F401


def test_with_clip_weights_clip_gives_its_image_image_similarity(tiny_weights, clip_settings):
    clip_settings(CLIP_MODEL="Tiny-Test", CLIP_WEIGHTS_PATH=str(tiny_weights))
    data, img = _photo()
    f = check_fidelity(data, generated(img))
    assert f.clip is not None and -1.0 <= f.clip <= 1.0 and "clip" in f.method
