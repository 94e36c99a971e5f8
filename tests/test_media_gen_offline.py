"""Offline generators: real pictures from the prompt, real MP4s, labelled as offline."""

from __future__ import annotations

import io

import imageio_ffmpeg
import pytest
from PIL import Image

from core.errors import GenerationError
from core.media_gen import MediaRequest, get_media_generators
from core.media_gen.mp4 import encode_mp4, probe_mp4
from core.media_gen.offline_image import OfflineImageGenerator, draw_overlay, render_image
from core.media_gen.offline_video import OfflineVideoGenerator
from core.media_gen.params import IMAGE_SIZES, video_size


def png(color, size=(320, 200)) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", size, color).save(buf, "PNG")
    return buf.getvalue()


def mean(img: Image.Image, box) -> tuple[int, ...]:
    return img.crop(box).resize((1, 1), Image.Resampling.BOX).getpixel((0, 0))


def test_without_a_key_the_offline_generators_are_used(settings_env):
    gens = get_media_generators()
    assert gens.image.name == gens.video.name == "offline"


@pytest.mark.parametrize("ratio", list(IMAGE_SIZES))
def test_images_have_the_aspect_ratios_size(ratio):
    (out,) = OfflineImageGenerator().generate(MediaRequest("image", "A lighthouse", aspect_ratio=ratio))
    img = Image.open(io.BytesIO(out.data))
    assert img.format == "PNG" and img.size == IMAGE_SIZES[ratio] == (out.width, out.height)


def test_the_same_prompt_draws_the_same_image_and_outputs_differ():
    req = MediaRequest("image", "Green hills under a blue sky", number_of_outputs=2)
    first, second = OfflineImageGenerator().generate(req)
    assert first.data != second.data
    assert OfflineImageGenerator().generate(req)[0].data == first.data


def test_colour_words_in_the_prompt_pick_the_palette():
    blue = render_image("deep blue", (256, 256))
    red = render_image("deep red", (256, 256))
    r, g, b = mean(blue, (100, 60, 160, 120))
    assert b > r + 60
    r, g, b = mean(red, (100, 60, 160, 120))
    assert r > b + 60


def test_every_image_carries_the_offline_badge_and_the_prompt_caption():
    overlay = draw_overlay("A caption to read", (800, 450))
    alpha = overlay.getchannel("A")
    assert alpha.getpixel((30, 20)) > 100  # the badge's corner
    assert alpha.getpixel((400, 200)) == 0  # the picture itself is left clear
    assert alpha.getpixel((400, 440)) > 100  # the caption band


def test_a_reference_image_is_the_base_of_the_picture():
    (out,) = OfflineImageGenerator().generate(MediaRequest(
        "image", "Moody", reference_image=png((250, 10, 10)), reference_mime="image/png"))
    r, g, b = mean(Image.open(io.BytesIO(out.data)).convert("RGB"), (400, 300, 600, 500))
    assert r > 150 and g < 110


def test_an_unreadable_reference_is_a_clear_error():
    with pytest.raises(GenerationError, match="reference image could not be read"):
        OfflineImageGenerator().generate(MediaRequest("image", "x", reference_image=b"junk"))


@pytest.mark.parametrize("ratio, resolution, size", [
    ("16:9", "720p", (1280, 720)), ("9:16", "720p", (720, 1280)), ("16:9", "1080p", (1920, 1080)),
])
def test_video_sizes(ratio, resolution, size):
    assert video_size(ratio, resolution) == size


def test_a_video_is_a_real_mp4_of_the_requested_length_and_size(tmp_path):
    (out,) = OfflineVideoGenerator().generate(MediaRequest(
        "video", "Clouds drifting", aspect_ratio="16:9", duration_seconds=4, resolution="720p"))
    path = tmp_path / "v.mp4"
    path.write_bytes(out.data)
    assert imageio_ffmpeg.count_frames_and_secs(str(path)) == (96, 4.0)
    info = probe_mp4(out.data)
    assert (info.width, info.height, info.duration_seconds, info.fps) == (1280, 720, 4.0, 24.0)
    reader = imageio_ffmpeg.read_frames(str(path))
    next(reader)
    frames = [f for i, f in enumerate(reader) if i in (0, 95)]
    assert frames[0] != frames[1]  # the camera moves


def test_encoding_stops_when_asked():
    frame = bytes(64 * 36 * 3)
    calls = []

    def stop():
        calls.append(1)
        return len(calls) > 5

    with pytest.raises(GenerationError, match="Video encoding stopped"):
        encode_mp4((frame for _ in range(1000)), (64, 36), 24, stop)
    assert len(calls) == 6


def test_probing_junk_says_none():
    assert probe_mp4(b"\x00\x00\x00\x18ftypmp42 not a movie") is None
