"""Banner rendering: self-contained HTML (for the sandboxed iframe preview) and PNG.

Both draw the same ``compute_layout`` boxes. ``resolve`` turns a stored media URL
(``/media/<key>``) into a ``data:`` URI, so the HTML needs no network and no script.
"""

from core.render.html import render_banner_html
from core.render.layout import SIZES, BannerLayout, Box, compute_layout
from core.render.png import RenderResult, render_banner_png

__all__ = ["SIZES", "BannerLayout", "Box", "RenderResult", "compute_layout",
           "render_banner_html", "render_banner_png"]
