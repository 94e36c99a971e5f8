"""Brand kits: one per workspace, used by both generators and drawn by both renderers.

``kit`` (fields, prefill changes, prompt lines), ``assets`` (logo and font checks), and
``service`` (database and media storage).
"""

from core.brand.kit import BrandKit, apply_kit, brand_patch, parse_kit, prompt_lines
from core.brand.service import (
    get_kit, kit_of, rebrand_preview_count, rebrand_previews, save_kit, upload_font, upload_logo,
)

__all__ = ["BrandKit", "apply_kit", "brand_patch", "get_kit", "kit_of", "parse_kit",
           "prompt_lines", "rebrand_preview_count", "rebrand_previews", "save_kit", "upload_font", "upload_logo"]
