"""Offline video generator: a real H.264 MP4, a slow pan and zoom over a still.

The still is the uploaded reference image, or else the offline image render of the
prompt, drawn a quarter larger than the frame so the camera has room to move. The badge
("OFFLINE GENERATOR · VIDEO") and the prompt caption stay fixed on top. Frames are made
with Pillow and piped to the ffmpeg binary from ``imageio-ffmpeg``.
"""

from __future__ import annotations

import math
import random

from PIL import Image, ImageOps

from core.errors import GenerationError
from core.images import decode_image
from core.media_gen import MediaOutput, MediaRequest, ShouldStop, never
from core.media_gen.mp4 import encode_mp4
from core.media_gen.offline_image import LABEL, _rng, draw_overlay, draw_scene

FPS = 24
OVERSCAN = 1.25  # the still is this much larger than the frame: room to pan and zoom


def _still(request: MediaRequest, size: tuple[int, int], index: int) -> Image.Image:
    big = (round(size[0] * OVERSCAN), round(size[1] * OVERSCAN))
    if request.reference_image is not None:
        try:
            ref = decode_image(request.reference_image, cover=big)  # header-checked, decoded small
            return ImageOps.fit(ref, big, Image.Resampling.BICUBIC)
        except Exception as exc:  # noqa: BLE001
            raise GenerationError("The reference image could not be read; upload it again") from exc
    return draw_scene(request.prompt, big, index)


def _ease(t: float) -> float:
    return 0.5 - 0.5 * math.cos(math.pi * t)


def frames(still: Image.Image, size: tuple[int, int], duration: float, rng: random.Random,
           overlay: Image.Image):
    """Raw rgb24 frames: zoom in (or out) while panning from one corner towards another."""
    w, h = size
    sw, sh = still.size
    count = max(1, round(duration * FPS))
    zoom_in = rng.random() < 0.7
    start = (rng.uniform(0, 1), rng.uniform(0, 1))
    end = (1 - start[0], rng.uniform(0, 1))
    alpha = overlay.getchannel("A")
    solid = overlay.convert("RGB")
    for i in range(count):
        t = _ease(i / max(count - 1, 1))
        # crop scale: 1/OVERSCAN of the still (whole frame) … 1/OVERSCAN² (zoomed in)
        z = t if zoom_in else 1 - t
        scale = 1 / (OVERSCAN * (1 + (OVERSCAN - 1) * z))
        cw, ch = sw * scale * OVERSCAN, sh * scale * OVERSCAN
        cw, ch = min(cw, sw), min(ch, sh)
        fx = start[0] + (end[0] - start[0]) * t
        fy = start[1] + (end[1] - start[1]) * t
        x0, y0 = (sw - cw) * fx, (sh - ch) * fy
        frame = still.resize(size, Image.Resampling.BILINEAR, box=(x0, y0, x0 + cw, y0 + ch))
        frame.paste(solid, (0, 0), alpha)
        yield frame.tobytes()


class OfflineVideoGenerator:
    """MP4 videos made locally (the default when no Gemini key is set)."""

    name = "offline"

    def generate(self, request: MediaRequest, *, should_stop: ShouldStop = never) -> list[MediaOutput]:
        """``number_of_outputs`` MP4s of the requested duration and resolution."""
        size = request.size
        duration = float(request.duration_seconds or 5)
        overlay = draw_overlay(request.prompt, size, f"{LABEL} · VIDEO")
        outputs = []
        for i in range(request.number_of_outputs):
            if should_stop():
                break
            still = _still(request, size, i)
            data = encode_mp4(frames(still, size, duration, _rng(request.prompt, 1000 + i), overlay),
                              size, FPS, should_stop)
            outputs.append(MediaOutput(data, "video/mp4", size[0], size[1], duration))
        return outputs
