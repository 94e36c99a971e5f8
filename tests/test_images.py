"""Images from strangers: bombs refused from their header before any decoding (ranking,
offline background and copy, thumbnails, PNG rendering), large images decoded reduced."""

from __future__ import annotations

import io
import threading
import time
from decimal import Decimal

import pytest
from PIL import Image, ImageDraw, ImageFile

from bench.image_bomb import bomb_png
from core import images, rank
from core.errors import GenerationError, ScrapeError
from core.extract import ExtractedProduct
from core.generators.brief import ProductBrief
from core.generators.offline_background import OfflineBackgroundMaker
from core.generators.offline_copy import OfflineCopyWriter
from core.images import ImageRejected, ImageTooLarge, decode_image, probe
from core.rank import rank_images
from core.render import render_banner_png
from core.thumbnails import thumbnail_jpeg
from tests.test_render_html import prefill

pytestmark = pytest.mark.filterwarnings("ignore::PIL.Image.DecompressionBombWarning")  # ours applies
BOMB_REASON = "image is 13000 × 13000 px, over the 40 MP limit"
BRIEF = ProductBrief(title="Acme Thermo Bottle", description="Keeps drinks cold.",
                     price=Decimal("29.90"), currency="EUR")


@pytest.fixture(scope="module")
def bomb() -> bytes:
    data = bomb_png(13000, 13000)  # a real PNG: 169 MP, ~500 MB as RGB, a few KB on disk
    assert len(data) < 200_000 and Image.open(io.BytesIO(data)).size == (13000, 13000)
    return data


@pytest.fixture
def decoded(monkeypatch):
    """The size of every image Pillow actually decodes (ImageFile.load), in order."""
    sizes: list[tuple[int, int]] = []
    real = ImageFile.ImageFile.load

    def load(self):
        if self.tile:  # pixels still to decode
            sizes.append(self.size)
        return real(self)

    monkeypatch.setattr(ImageFile.ImageFile, "load", load)
    return sizes


@pytest.fixture
def no_clip(monkeypatch):
    monkeypatch.setattr(rank, "get_clip_model", lambda: None)


def encoded(img: Image.Image, fmt: str = "PNG", **kw) -> bytes:
    out = io.BytesIO()
    img.save(out, fmt, **kw)
    return out.getvalue()


def photo(w: int, h: int, fmt: str = "JPEG") -> bytes:
    img = Image.new("RGB", (w, h), (230, 230, 230))
    ImageDraw.Draw(img).ellipse((w // 4, h // 4, 3 * w // 4, 3 * h // 4), fill=(200, 40, 40))
    return encoded(img, fmt, **({"quality": 90} if fmt == "JPEG" else {}))


# --- the bomb, everywhere ---------------------------------------------------------------

def test_ranking_refuses_bombs_from_the_header_and_keeps_the_rest(bomb, decoded, no_clip):
    files = {"https://cdn.example/ok.jpg": photo(600, 600),
             "https://cdn.example/bomb-1.png": bomb, "https://cdn.example/bomb-2.png": bomb}
    started = time.perf_counter()
    result = rank_images(ExtractedProduct(url="https://shop.example/p", title="Bottle"), list(files),
                         loader=files.__getitem__)
    assert result.ranked == ["https://cdn.example/ok.jpg"]
    assert dict(result.dropped) == {"https://cdn.example/bomb-1.png": BOMB_REASON,
                                    "https://cdn.example/bomb-2.png": BOMB_REASON}
    assert (13000, 13000) not in decoded and decoded  # the photo was decoded, no bomb was
    assert time.perf_counter() - started < 2  # decoding the two takes seconds


def test_the_offline_background_refuses_a_bomb_before_decoding(bomb, decoded):
    with pytest.raises(GenerationError) as info:
        OfflineBackgroundMaker().make_background(bomb, variant_index=0, brief=BRIEF)
    assert info.value.message == f"The product {BOMB_REASON}; choose another image"
    assert not info.value.transient
    assert decoded == []


def test_the_offline_copy_refuses_a_bomb_before_decoding(bomb, decoded):
    with pytest.raises(GenerationError, match="over the 40 MP limit"):
        OfflineCopyWriter().write_prefill(BRIEF, bomb, variant_index=0, batch_size=1, other_headlines=[])
    assert decoded == []


def test_a_bomb_gets_no_thumbnail_and_is_not_decoded(bomb, decoded):
    assert thumbnail_jpeg(bomb, 480) is None
    assert decoded == []


def test_a_bomb_as_background_renders_a_placeholder_saying_why(bomb, decoded):
    result = render_banner_png(prefill(), "square", resolve=lambda url: bomb)
    assert f"background {BOMB_REASON}: a placeholder is shown" in result.warnings
    assert decoded == []


def test_over_pillows_own_limit_the_reason_still_reads_well(decoded):
    with pytest.raises(ImageTooLarge) as info:
        probe(bomb_png(20000, 20000))
    assert info.value.reason == "image has 400 MP, over the 40 MP limit"
    assert decoded == []


def test_the_budget_is_a_setting(settings_env, decoded):
    data = photo(1200, 1000, "PNG")
    assert decode_image(data).size == (1200, 1000)
    settings_env(IMAGE_MAX_PIXELS="1000000")
    with pytest.raises(ImageTooLarge, match=r"^image is 1200 × 1000 px, over the 1\.0 MP limit$"):
        decode_image(data)
    assert decoded == [(1200, 1000)]  # only the first, allowed, decode


def test_an_animation_counts_every_frame():
    frames = []
    for i in range(40):
        frame = Image.new("L", (1200, 1000), 0)
        ImageDraw.Draw(frame).rectangle((i * 20, 0, i * 20 + 40, 40), fill=255)
        frames.append(frame)
    gif = encoded(frames[0], "GIF", save_all=True, append_images=frames[1:])
    with pytest.raises(ImageTooLarge) as info:
        probe(gif)
    assert info.value.reason == ("image is an animation of 40 frames of 1200 × 1000 px (48 MP), "
                                 "over the 40 MP limit")
    assert probe(encoded(frames[0], "GIF", save_all=True, append_images=frames[1:3])).frames == 3


def test_formats_a_browser_would_not_show_are_not_decoded():
    tiff = encoded(Image.new("RGB", (100, 100)), "TIFF")
    with pytest.raises(ImageRejected, match="^image could not be decoded$"):
        decode_image(tiff)
    with pytest.raises(ImageRejected, match="^image could not be decoded$"):
        decode_image(b"<html>not an image</html>")


# --- allowed images are decoded no larger than the stage needs ---------------------------

def test_ranking_decodes_a_large_jpeg_reduced(decoded, no_clip):
    files = {"https://cdn.example/big.jpg": photo(4000, 3000)}
    result = rank_images(ExtractedProduct(url="https://shop.example/p", title="Bottle"), list(files),
                         loader=files.__getitem__)
    assert result.ranked == list(files)
    assert decoded == [(500, 375)]  # 1/8 scale straight from the DCT


def test_clip_input_is_decoded_at_the_models_size(decoded):
    seen = []

    class Scorer:
        name, image_side = "fake", 224

        def prepare(self, data, image):
            seen.append(image.size)
            return None

        def scores(self, prepared, text):
            return [0.5] * len(prepared)

    files = {"https://cdn.example/big.jpg": photo(4000, 3000), "https://cdn.example/big.png": photo(3000, 2000, "PNG")}
    rank_images(ExtractedProduct(url="https://shop.example/p", title="Bottle"), list(files),
                loader=files.__getitem__, clip=Scorer())
    assert sorted(seen) == sorted([(299, 224), (336, 224)])
    assert (500, 375) in decoded and (3000, 2000) in decoded  # a PNG has no reduced decoding


def test_thumbnails_and_backgrounds_decode_a_large_jpeg_reduced(decoded):
    big = photo(4000, 3000)
    thumb = Image.open(io.BytesIO(thumbnail_jpeg(big, 480)))
    assert thumb.size == (480, 360)
    background = OfflineBackgroundMaker().make_background(big, variant_index=0, brief=BRIEF)
    assert Image.open(io.BytesIO(background)).size == (1080, 1080)
    assert decoded[:2] == [(500, 375), (2000, 1500)]  # 1/8 for 480 px, 1/2 to cover 1080 px


def test_a_large_palette_png_is_reduced_strip_by_strip_with_its_transparency():
    img = Image.new("P", (3000, 2000), 0)
    img.putpalette([255, 255, 255, 200, 30, 30] + [0] * 762)
    ImageDraw.Draw(img).rectangle((0, 0, 2999, 999), fill=1)  # top half red, bottom transparent
    small = decode_image(encoded(img, "PNG", transparency=0), fit=(300, 300), mode=None)
    assert small.mode == "RGBA" and small.size == (300, 200)
    assert small.getpixel((150, 40)) == (200, 30, 30, 255)
    assert small.getpixel((150, 160))[3] == 0
    flat = decode_image(encoded(img, "PNG"), fit=(300, 300))
    assert flat.mode == "RGB" and flat.getpixel((150, 40)) == (200, 30, 30)


def test_exif_orientation_is_applied_after_reducing():
    img = Image.new("RGB", (800, 400), (20, 120, 220))
    exif = img.getexif()
    exif[0x0112] = 6  # rotate 90° clockwise to display
    assert decode_image(encoded(img, "JPEG", exif=exif), fit=(100, 100)).size == (50, 100)


def test_full_size_decodes_share_one_memory_budget():
    budget = images._DecodeMemory(100)
    inside, seen, lock = [], [], threading.Lock()

    def decode(nbytes):
        with budget.reserve(nbytes):
            with lock:
                inside.append(nbytes)
                seen.append(list(inside))
            time.sleep(0.02)
            with lock:
                inside.remove(nbytes)

    threads = [threading.Thread(target=decode, args=(n,)) for n in (60, 60, 30, 250, 10)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(5)
    assert not any(t.is_alive() for t in threads) and budget.used == 0
    assert len(seen) == 5
    for together in seen:  # never over the budget; one larger than it decodes alone
        assert sum(together) <= 100 or together == [250]


def test_a_loader_error_is_still_reported_as_before(no_clip):
    def load(url):
        raise ScrapeError("image returned HTTP 404", transient=False)

    result = rank_images(ExtractedProduct(url="https://shop.example/p", title="T"), ["https://x/a.png"], loader=load)
    assert result.dropped == [("https://x/a.png", "image returned HTTP 404")]


def test_a_sideways_photo_covers_the_box_once_turned(decoded):
    img = Image.new("RGB", (2400, 4000), (20, 120, 220))  # stored portrait, shown landscape
    exif = img.getexif()
    exif[0x0112] = 8
    small = decode_image(encoded(img, "JPEG", exif=exif), cover=(1200, 628))
    assert small.size == (1200, 720)  # not 2000 × 1200: the box was applied to the turned picture
    assert decoded == [(1200, 2000)]  # 1/2 scale (1/4 would be too small once turned)


def test_clip_sees_the_centre_of_a_long_strip_not_a_giant_resize():
    scorer = rank.ClipScorer(model=None, preprocess=lambda image: image.size, tokenizer=None, name="fake")
    assert scorer.prepare(b"x", Image.new("RGB", (5000, 100)))[1] == (200, 100)
    assert scorer.prepare(b"x", Image.new("RGB", (100, 5000)))[1] == (100, 200)
    assert scorer.prepare(b"x", Image.new("RGB", (300, 200)))[1] == (300, 200)
