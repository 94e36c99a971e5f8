"""Offline background maker: an image-to-image transformation of the product photo (Pillow).

The product stays sharp (cut out when its photo has a plain studio backdrop — see
:mod:`core.generators.cutout` — else framed as a card) on a new square canvas: a blurred extension of the photo, a palette gradient,
a spotlight, a duotone or a split tint, depending on the variant. It sits on the side
opposite the variant's text so the copy never covers it.
"""

from __future__ import annotations

import io

from PIL import Image, ImageDraw, ImageFilter, ImageOps

from core.errors import GenerationError
from core.generators.brief import ProductBrief
from core.generators.cutout import Cutout, find_cutout
from core.generators.variants import VariantPlan, plan_variant
from core.images import ImageTooLarge, decode_image
from core.palette import accent_of, adjust_lightness, extract_palette, hex_to_rgb

CANVAS = 1080  # square: every banner size crops it with `cover` around the product side
# product box per side, as fractions (x0, y0, x1, y1) of the canvas; kept inside the part
# of the square that stays visible when the 1.91:1 and 9:16 sizes crop it
PRODUCT_BOXES = {
    "right": (0.52, 0.24, 0.94, 0.76),
    "left": (0.06, 0.24, 0.48, 0.76),
    "bottom": (0.18, 0.50, 0.82, 0.94),
    "top": (0.18, 0.06, 0.82, 0.50),
    "center": (0.25, 0.25, 0.75, 0.75),
}
JPEG_QUALITY = 88


def decode_photo(data: bytes, min_side: int = CANVAS) -> Image.Image:
    """The photo as RGB, decoded no larger than needed: it still covers ``min_side`` square
    (the canvas), and is at most 3 × that on its long side. An image over the pixel budget is
    refused from its header, before decoding (core/images.py)."""
    try:
        img = decode_image(data, cover=(min_side, min_side), fit=(3 * min_side, 3 * min_side),
                           mode=None)
    except ImageTooLarge as exc:  # "image is 13000 × 13000 px, over the 40 MP limit"
        raise GenerationError(f"The product {exc.reason}; choose another image") from exc
    except Exception as exc:  # noqa: BLE001 - any decoder failure (ImageRejected...) means the same to a user
        raise GenerationError(
            "The product image could not be read as a picture; choose another image"
        ) from exc
    if img.mode == "RGBA":
        flat = Image.new("RGB", img.size, (255, 255, 255))  # transparent → studio white
        flat.paste(img, mask=img.getchannel("A"))
        return flat
    return img


def product_mask(img: Image.Image) -> Image.Image | None:
    """An alpha mask of the product when the photo has a plain backdrop, else None (framed)."""
    cut = find_cutout(img)
    return cut.mask if cut else None


def clean_plate(img: Image.Image, cut: Cutout | None) -> Image.Image:
    """The photo without its product, for the backdrops that blur the photo: a blurred copy of
    the product behind the sharp one reads as a ghost. Cut out: the product area takes the
    backdrop colour. Framed: only a coarse field of the photo's colours remains."""
    if cut is None:
        return img.resize((3, 3), Image.Resampling.BOX).resize(img.size, Image.Resampling.BICUBIC)
    grown = cut.mask.resize((64, 64), Image.Resampling.BOX).filter(ImageFilter.MaxFilter(5))
    return Image.composite(Image.new("RGB", img.size, cut.backdrop), img,
                           grown.resize(img.size, Image.Resampling.BILINEAR))


def _cover(img: Image.Image, size: int) -> Image.Image:
    return ImageOps.fit(img, (size, size), Image.Resampling.BILINEAR)


def _blurred(img: Image.Image, size: int, radius: float = 3) -> Image.Image:
    # blurring a 60 px copy and scaling it up is ~50× cheaper than a large-radius blur
    tiny = _cover(img, 60).filter(ImageFilter.GaussianBlur(radius))
    return tiny.resize((size, size), Image.Resampling.BICUBIC)


def _tint(color: str) -> tuple[int, int, int]:
    return hex_to_rgb(color)


def _backdrop(img: Image.Image, plan: VariantPlan, dominant: str, accent: str) -> Image.Image:
    """The canvas behind the product, one look per background style."""
    size = CANVAS
    style = plan.background_style
    light, deep = adjust_lightness(dominant, 0.9), adjust_lightness(accent, 0.28)
    if style == "blur":
        base = _blurred(img, size)
        return Image.blend(base, Image.new("RGB", base.size, _tint(light)), 0.25)
    if style == "gradient":
        # rotate an oversized ramp and crop, so diagonal gradients leave no empty corners
        big = int(size * 1.42)
        ramp = Image.linear_gradient("L").resize((big, big)).rotate(45 * (plan.index % 4) + 90)
        off = (big - size) // 2
        ramp = ramp.crop((off, off, off + size, off + size))
        return Image.composite(
            Image.new("RGB", (size, size), _tint(deep)),
            Image.new("RGB", (size, size), _tint(light)),
            ramp,
        )
    if style == "spotlight":
        x0, y0, x1, y1 = PRODUCT_BOXES[plan.product_side]
        glow = Image.radial_gradient("L").resize((int(size * 1.6), int(size * 1.6)))
        cx, cy = int((x0 + x1) / 2 * size), int((y0 + y1) / 2 * size)
        mask = Image.new("L", (size, size), 255)
        mask.paste(glow, (cx - glow.width // 2, cy - glow.height // 2))
        return Image.composite(
            Image.new("RGB", (size, size), _tint(deep)),
            Image.new("RGB", (size, size), _tint(adjust_lightness(accent, 0.92))),
            mask,
        )
    if style == "duotone":
        grey = ImageOps.grayscale(_blurred(img, size, radius=2))
        return ImageOps.colorize(grey, black=_tint(deep), white=_tint(light))
    # split: the photo's blur on the product half, a flat tint where the copy goes
    base = _blurred(img, size)
    flat = Image.new("RGB", (size, size), _tint(adjust_lightness(dominant, 0.94)))
    ramp = Image.linear_gradient("L").resize((size, size))
    angle = {"right": 90, "left": 270, "bottom": 0, "top": 180}.get(plan.product_side, 0)
    ramp = ramp.rotate(angle).point(lambda v: 0 if v < 96 else (255 if v > 160 else (v - 96) * 4))
    return Image.composite(base, flat, ramp)


def place_product(canvas: Image.Image, img: Image.Image, mask: Image.Image | None,
                  side: str) -> tuple[int, int, Image.Image, Image.Image]:
    """Scale the product into its box and composite it with a soft shadow.

    Returns ``(x, y, product, alpha)`` as pasted: where the alpha is 255 the canvas holds the
    scaled product's own pixels (the shadow goes beneath it, nothing is blended over it)."""
    x0, y0, x1, y1 = (round(f * CANVAS) for f in PRODUCT_BOXES[side])
    if mask is not None:
        crop = mask.getbbox() or (0, 0, img.width, img.height)
        img, mask = img.crop(crop), mask.crop(crop)
    else:
        mask = Image.new("L", img.size, 0)
        radius = max(4, min(img.size) // 18)
        ImageDraw.Draw(mask).rounded_rectangle((0, 0, img.width - 1, img.height - 1), radius, 255)
    scale = min((x1 - x0) / img.width, (y1 - y0) / img.height)
    size = (max(1, round(img.width * scale)), max(1, round(img.height * scale)))
    img = img.resize(size, Image.Resampling.LANCZOS)  # the product must stay crisp
    mask = mask.resize(size, Image.Resampling.BILINEAR)
    px, py = x0 + ((x1 - x0) - size[0]) // 2, y0 + ((y1 - y0) - size[1]) // 2
    # shadow: the mask, blurred on a small copy, offset down
    shadow = mask.resize((max(1, size[0] // 8), max(1, size[1] // 8)))
    shadow = shadow.filter(ImageFilter.GaussianBlur(2)).resize(size).point(lambda v: v * 45 // 100)
    canvas.paste((0, 0, 0), (px + size[0] // 40, py + size[1] // 25), shadow)
    canvas.paste(img, (px, py), mask)
    return px, py, img, mask


class OfflineBackgroundMaker:
    """Makes backgrounds with Pillow alone (the embedded default)."""

    name = "offline"

    def make_background(self, source_image: bytes, *, variant_index: int,
                        brief: ProductBrief) -> bytes:
        """A JPEG background for one variant of the product photo."""
        plan = plan_variant(variant_index)
        img = decode_photo(source_image)
        swatches = extract_palette(img)
        dominant = swatches[0].color if swatches else "#888888"
        cut = find_cutout(img)
        canvas = _backdrop(clean_plate(img, cut), plan, dominant, accent_of(swatches))
        place_product(canvas, img, cut.mask if cut else None, plan.product_side)
        out = io.BytesIO()
        canvas.save(out, "JPEG", quality=JPEG_QUALITY)
        return out.getvalue()
