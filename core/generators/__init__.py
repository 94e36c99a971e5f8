"""Creative generators behind one interface: offline (Pillow, default) or Gemini.

``get_generators()`` picks the family from settings (``use_gemini`` = a GEMINI_API_KEY is
set). ``.copy.write_prefill(...)`` returns a validated prefill dict without background
URLs; ``.background.make_background(...)`` returns PNG/JPEG bytes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from core.generators.brief import ProductBrief
from core.generators.gemini_errors import classify_genai_error
from core.generators.offline_background import OfflineBackgroundMaker
from core.generators.offline_copy import OfflineCopyWriter
from core.generators.variants import VariantPlan, plan_variant

__all__ = [
    "BackgroundMaker", "CopyWriter", "Generators", "ProductBrief", "VariantPlan",
    "classify_genai_error", "get_generators", "image_content_type", "plan_variant",
]


class CopyWriter(Protocol):
    """Writes one variant's prefill."""

    name: str

    def write_prefill(self, brief: ProductBrief, source_image: bytes, *, variant_index: int,
                      batch_size: int, other_headlines: list[str]) -> dict: ...


class BackgroundMaker(Protocol):
    """Makes one variant's background image from the product photo."""

    name: str

    def make_background(self, source_image: bytes, *, variant_index: int,
                        brief: ProductBrief) -> bytes: ...


@dataclass(frozen=True)
class Generators:
    """The copywriter and background maker in use."""

    copy: CopyWriter
    background: BackgroundMaker


def get_generators(settings=None) -> Generators:
    """Gemini generators when a GEMINI_API_KEY is configured, else the offline ones."""
    if settings is None:
        from core.settings import get_settings

        settings = get_settings()
    if settings.use_gemini:
        # imported late: building the Gemini response schema is only needed with a key
        from core.generators.gemini import GeminiBackgroundMaker, GeminiCopyWriter

        return Generators(GeminiCopyWriter(settings), GeminiBackgroundMaker(settings))
    return Generators(OfflineCopyWriter(), OfflineBackgroundMaker())


def image_content_type(data: bytes) -> str:
    """MIME type of encoded image bytes from their magic number (backgrounds may be JPEG or PNG)."""
    from core.storage import sniff_content_type

    return sniff_content_type(data)
