"""Image and video generators behind one interface: offline (Pillow + ffmpeg, default) or Gemini.

``get_media_generators()`` picks the family from settings (a GEMINI_API_KEY selects
Gemini: an Imagen or Gemini image model for images, Veo for videos). Each generator's
``generate(request, should_stop=...)`` returns encoded outputs; it raises
``GenerationError`` (``transient`` set) on failure and gives up early when
``should_stop()`` turns true (the job was cancelled or ran out of time).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from core.media_gen.params import output_size

__all__ = [
    "MediaGenerator", "MediaGenerators", "MediaOutput", "MediaRequest", "generator_family",
    "get_media_generators", "override_media_generators",
]

ShouldStop = Callable[[], bool]


def never() -> bool:
    """The default ``should_stop``: keep going."""
    return False


@dataclass(frozen=True)
class MediaRequest:
    """What to generate: a job's validated parameters plus the reference image's bytes."""

    kind: str
    prompt: str
    negative_prompt: str = ""
    aspect_ratio: str = "1:1"
    number_of_outputs: int = 1
    duration_seconds: int | None = None
    resolution: str | None = None
    reference_image: bytes | None = None
    reference_mime: str | None = None

    @classmethod
    def from_params(cls, params: dict, reference: bytes | None = None) -> "MediaRequest":
        ref = params.get("reference_image") or {}
        return cls(
            kind=params["kind"], prompt=params["prompt"],
            negative_prompt=params.get("negative_prompt") or "",
            aspect_ratio=params["aspect_ratio"], number_of_outputs=params["number_of_outputs"],
            duration_seconds=params.get("duration_seconds"), resolution=params.get("resolution"),
            reference_image=reference, reference_mime=ref.get("content_type") if reference else None,
        )

    @property
    def size(self) -> tuple[int, int]:
        """Pixel size (width, height) the offline generators draw at."""
        return output_size({"kind": self.kind, "aspect_ratio": self.aspect_ratio,
                            "resolution": self.resolution})


@dataclass(frozen=True)
class MediaOutput:
    """One generated file."""

    data: bytes
    content_type: str
    width: int | None = None
    height: int | None = None
    duration_seconds: float | None = None

    @property
    def format(self) -> str:
        """File extension: png, jpg, webp, mp4 …"""
        sub = self.content_type.split("/")[-1]
        return {"jpeg": "jpg", "quicktime": "mov"}.get(sub, sub)


class MediaGenerator(Protocol):
    """Makes the outputs of one request."""

    name: str

    def generate(self, request: MediaRequest, *, should_stop: ShouldStop = never) -> list[MediaOutput]:
        ...


@dataclass(frozen=True)
class MediaGenerators:
    """The image and video generators in use."""

    image: MediaGenerator
    video: MediaGenerator

    def for_kind(self, kind: str) -> MediaGenerator:
        return self.video if kind == "video" else self.image


_override: Callable[[], MediaGenerators] | None = None


def override_media_generators(factory: Callable[[], MediaGenerators] | None) -> None:
    """Tests and benchmarks: make ``get_media_generators()`` return ``factory()`` (None resets)."""
    global _override
    _override = factory


def generator_family(settings=None) -> str:
    """``gemini`` when a GEMINI_API_KEY is configured, else ``offline``."""
    if settings is None:
        from core.settings import get_settings

        settings = get_settings()
    return "gemini" if settings.use_gemini else "offline"


def get_media_generators(settings=None) -> MediaGenerators:
    """Gemini generators when a GEMINI_API_KEY is configured, else the offline ones."""
    if _override is not None:
        return _override()
    if settings is None:
        from core.settings import get_settings

        settings = get_settings()
    if settings.use_gemini:
        # imported late: the offline default must not pay for loading the SDK
        from core.media_gen.gemini_image import GeminiImageGenerator
        from core.media_gen.veo import VeoVideoGenerator

        return MediaGenerators(GeminiImageGenerator(settings), VeoVideoGenerator(settings))
    from core.media_gen.offline_image import OfflineImageGenerator
    from core.media_gen.offline_video import OfflineVideoGenerator

    return MediaGenerators(OfflineImageGenerator(), OfflineVideoGenerator())
