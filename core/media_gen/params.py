"""What a generation job may ask for, checked before anything is created.

One table per kind: supported aspect ratios (and the pixel size the offline generators
draw at, Imagen's own sizes), video resolutions and durations, how many outputs. Every
problem is reported with the field's name and the allowed values.
"""

from __future__ import annotations

import hashlib
import io
import warnings
from dataclasses import dataclass

from PIL import Image

from core.errors import ValidationError

KINDS = ("image", "video")
PROMPT_MAX = 2000
NEGATIVE_MAX = 500
# Imagen's output sizes per aspect ratio; the offline image generator draws at these.
IMAGE_SIZES: dict[str, tuple[int, int]] = {
    "1:1": (1024, 1024), "16:9": (1408, 768), "9:16": (768, 1408),
    "4:3": (1280, 896), "3:4": (896, 1280),
}
VIDEO_ASPECT_RATIOS = ("16:9", "9:16")  # what Veo accepts
VIDEO_RESOLUTIONS: dict[str, int] = {"720p": 720, "1080p": 1080}  # short side in pixels
VIDEO_DURATIONS = (4, 5, 6, 7, 8)  # seconds; Veo 2 takes 5–8, Veo 3 takes 4, 6, 8
MAX_OUTPUTS = {"image": 4, "video": 2}
DEFAULTS = {
    "image": {"aspect_ratio": "1:1", "number_of_outputs": 1},
    "video": {"aspect_ratio": "16:9", "number_of_outputs": 1, "duration_seconds": 6,
              "resolution": "720p"},
}
MAX_REFERENCE_BYTES = 10 * 1024 * 1024
MAX_REFERENCE_PIXELS = 40_000_000
REFERENCE_TYPES = {"PNG": "image/png", "JPEG": "image/jpeg", "WEBP": "image/webp"}


@dataclass(frozen=True)
class ReferenceImage:
    """An uploaded reference image that passed the checks."""

    data: bytes
    name: str
    content_type: str
    width: int
    height: int

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()

    @property
    def extension(self) -> str:
        return {"image/png": "png", "image/jpeg": "jpg", "image/webp": "webp"}[self.content_type]


def video_size(aspect_ratio: str, resolution: str) -> tuple[int, int]:
    """Pixel size (width, height) of a video: 16:9 720p → 1280×720, 9:16 720p → 720×1280."""
    short = VIDEO_RESOLUTIONS[resolution]
    long = short * 16 // 9
    return (long, short) if aspect_ratio == "16:9" else (short, long)


def output_size(params: dict) -> tuple[int, int]:
    """The pixel size the job's outputs are drawn at (offline generators)."""
    if params["kind"] == "video":
        return video_size(params["aspect_ratio"], params["resolution"])
    return IMAGE_SIZES[params["aspect_ratio"]]


def _whole(value: object) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value.strip())
    return value if isinstance(value, int) else None


def _text(value: object) -> str:
    return " ".join(value.split()) if isinstance(value, str) else ""


def validate_params(kind: object, raw: dict) -> dict:
    """Normalised parameters for a ``kind`` job, or ValidationError listing every problem."""
    if kind not in KINDS:
        raise ValidationError(f"kind must be 'image' or 'video' (got {kind!r})")
    problems: list[str] = []
    values = {**DEFAULTS[kind], **{k: v for k, v in (raw or {}).items() if v is not None}}
    prompt = _text(values.get("prompt"))
    if not prompt:
        problems.append("Prompt: describe what to generate (it is empty)")
    elif len(prompt) > PROMPT_MAX:
        problems.append(f"Prompt: at most {PROMPT_MAX} characters (got {len(prompt)})")
    negative = _text(values.get("negative_prompt"))
    if len(negative) > NEGATIVE_MAX:
        problems.append(f"Negative prompt: at most {NEGATIVE_MAX} characters (got {len(negative)})")
    ratios = tuple(IMAGE_SIZES) if kind == "image" else VIDEO_ASPECT_RATIOS
    ratio = values.get("aspect_ratio")
    if ratio not in ratios:
        problems.append(f"Aspect ratio {ratio!r} is not supported for {kind}s: use "
                        + ", ".join(ratios))
    count = _whole(values.get("number_of_outputs"))
    if count is None or not 1 <= count <= MAX_OUTPUTS[kind]:
        problems.append(f"Number of outputs must be a whole number from 1 to {MAX_OUTPUTS[kind]} "
                        f"for {kind}s (got {values.get('number_of_outputs')!r})")
    clean = {"kind": kind, "prompt": prompt, "negative_prompt": negative, "aspect_ratio": ratio,
             "number_of_outputs": count}
    if kind == "video":
        duration = _whole(values.get("duration_seconds"))
        if duration not in VIDEO_DURATIONS:
            problems.append(f"Duration must be {VIDEO_DURATIONS[0]} to {VIDEO_DURATIONS[-1]} "
                            f"whole seconds (got {values.get('duration_seconds')!r})")
        resolution = values.get("resolution")
        if resolution not in VIDEO_RESOLUTIONS:
            problems.append(f"Resolution {resolution!r} is not supported: use "
                            + ", ".join(VIDEO_RESOLUTIONS))
        clean.update(duration_seconds=duration, resolution=resolution)
    if problems:
        raise ValidationError("The job was not created: " + "; ".join(problems), problems)
    return clean


def check_reference_image(data: object, name: str = "upload") -> ReferenceImage:
    """Accept a PNG/JPEG/WebP upload up to 10 MB that really decodes; else a clear message."""
    if not isinstance(data, (bytes, bytearray)) or not data:
        raise ValidationError(f"Reference image {name!r} is empty")
    size_mb = len(data) / (1024 * 1024)
    if len(data) > MAX_REFERENCE_BYTES:
        raise ValidationError(
            f"Reference image {name!r} is {size_mb:.1f} MB: the limit is "
            f"{MAX_REFERENCE_BYTES // (1024 * 1024)} MB. Export a smaller JPEG or PNG."
        )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            img = Image.open(io.BytesIO(data))
            fmt, (w, h) = img.format, img.size
            if w * h > MAX_REFERENCE_PIXELS:
                raise ValidationError(
                    f"Reference image {name!r} is {w}×{h} pixels: at most "
                    f"{MAX_REFERENCE_PIXELS // 1_000_000} megapixels"
                )
            img.verify()
    except ValidationError:
        raise
    except Exception:  # noqa: BLE001 - any decoder failure means "not an image" to a user
        raise ValidationError(
            f"Reference image {name!r} could not be read as an image (damaged, or not an image at all): upload a PNG, JPEG or WebP"
        ) from None
    if fmt not in REFERENCE_TYPES:
        raise ValidationError(
            f"Reference image {name!r} is a {fmt} file: upload a PNG, JPEG or WebP"
        )
    return ReferenceImage(bytes(data), name, REFERENCE_TYPES[fmt], w, h)
