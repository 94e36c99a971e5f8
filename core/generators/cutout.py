"""Cutting the product out of a studio photo: a mask grown from the backdrop, not a threshold.

A product shot on a plain (white, grey, coloured) backdrop is cut out like this:

1. The backdrop colour is the median of the photo's border, and its noise the spread of the
   border's distances to that colour. A border that is not mostly one colour (a scene, a
   gradient, a product filling the frame or cut by an edge) means no cut-out: the caller
   frames the photo rather than show a bad cut.
2. On a small copy (long side ``WORK_SIDE``), pixels within a tolerance of the backdrop
   colour that are *connected to the border* are backdrop (a flood fill, done as alternating
   row and column run fills in numpy). A white sole or a white label inside a darker outline is
   therefore kept: it is not reachable from the border without crossing the product.
3. Enclosed backdrop-coloured regions are holes (a mug's handle) only when they are thick:
   a highlight on glass is a thin stripe of white and stays part of the product.
4. The binary mask is cleaned of specks, scaled to the photo's size with a bilinear ramp and
   feathered by a fraction of a pixel: the inside stays fully opaque, so compositing shows the
   product's own pixels, and only the outline is soft.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from PIL import Image, ImageFilter

WORK_SIDE = 512  # the mask is found at this size and scaled up (a 2000 px photo: ~ 1/4)
BORDER_SHARE_MIN = 0.88  # this share of the border must be backdrop-coloured, else: busy
SIDE_SHARE_MIN = 0.75  # and of each side: a product cut by one edge would show a straight cut
AREA_MIN, AREA_MAX = 0.01, 0.92  # a product covering less or more of the photo is no cut-out
HOLE_RADIUS = 0.10  # a hole must hold a square this fraction of the product's short side (a highlight is thinner)


@dataclass(frozen=True)
class Cutout:
    """The product's alpha mask (mode L, the photo's size) and how it was found."""

    mask: Image.Image
    backdrop: tuple[int, int, int]
    tolerance: int
    coverage: float  # share of the photo the product covers


def _fill_from(seed: np.ndarray, allowed: np.ndarray) -> np.ndarray:
    """Every ``allowed`` pixel 4-connected to ``seed`` through ``allowed`` pixels.

    Alternating row and column passes: a run of allowed pixels holding a seed is filled whole,
    so the number of passes is the number of turns a path needs, not its length."""
    filled = seed & allowed
    for _ in range(200):
        before = int(filled.sum())
        for axis in (1, 0):
            a = allowed if axis == 1 else allowed.T
            f = filled if axis == 1 else filled.T
            flat_a = np.ascontiguousarray(a).ravel()
            flat_f = np.ascontiguousarray(f).ravel()
            starts = ~flat_a
            starts[:: a.shape[1]] = True  # a run never continues into the next row
            run = np.cumsum(starts)
            seeded = np.zeros(int(run[-1]) + 1, dtype=bool)
            seeded[run[flat_f]] = True
            grown = (seeded[run] & flat_a).reshape(a.shape)
            filled = grown if axis == 1 else grown.T
        if int(filled.sum()) == before:
            break
    return filled


def _shift_all(mask: np.ndarray, r: int, op) -> np.ndarray:
    """``op`` (np.logical_and / or) of ``mask`` shifted by -r..r along both axes (separable)."""
    out = mask
    for axis in (0, 1):
        acc = out.copy()
        n = out.shape[axis]
        for d in range(1, min(r, n - 1) + 1):
            lo = [slice(None)] * 2
            hi = [slice(None)] * 2
            lo[axis], hi[axis] = slice(0, n - d), slice(d, n)
            # outside the image counts as "not mask" for erosion and dilation alike
            shifted_fwd = np.zeros_like(out)
            shifted_fwd[tuple(lo)] = out[tuple(hi)]
            shifted_back = np.zeros_like(out)
            shifted_back[tuple(hi)] = out[tuple(lo)]
            acc = op(acc, op(shifted_fwd, shifted_back))
        out = acc
    return out


def _erode(mask: np.ndarray, r: int) -> np.ndarray:
    """Binary erosion by a (2r+1)² square."""
    return _shift_all(mask, r, np.logical_and) if r > 0 else mask


def _dilate(mask: np.ndarray, r: int) -> np.ndarray:
    """Binary dilation by a (2r+1)² square."""
    return _shift_all(mask, r, np.logical_or) if r > 0 else mask


def _border(a: np.ndarray) -> np.ndarray:
    b = np.zeros(a.shape[:2], dtype=bool)
    b[0, :] = b[-1, :] = b[:, 0] = b[:, -1] = True
    return b


def find_cutout(img: Image.Image) -> Cutout | None:
    """The product's mask when ``img`` (RGB) has a plain backdrop; None for a busy photo."""
    img = img.convert("RGB")
    scale = min(1.0, WORK_SIDE / max(img.size))
    small = img.resize((max(8, round(img.width * scale)), max(8, round(img.height * scale))),
                       Image.Resampling.BOX)  # box averaging also takes out sensor/JPEG noise
    px = np.asarray(small, dtype=np.int16)
    border = _border(px)
    ring = px[border]
    backdrop = np.median(ring, axis=0)
    dist = np.abs(px - backdrop).max(axis=2)  # Chebyshev: one channel off is enough to differ
    ring_dist = dist[border]
    noise = float(np.percentile(ring_dist, 50))  # the median: a product touching the edge is no noise
    tolerance = int(min(40, max(8, 3 * noise + 6)))
    near = dist <= tolerance
    sides = (near[0, :], near[-1, :], near[:, 0], near[:, -1])
    if float((ring_dist <= tolerance).mean()) < BORDER_SHARE_MIN or \
            min(float(side.mean()) for side in sides) < SIDE_SHARE_MIN:
        return None  # a scene, a gradient, or the product runs off the photo: frame it
    backdrop_px = _fill_from(border, near)
    product = ~backdrop_px
    # enclosed backdrop-coloured regions: thick ones are holes (a handle), thin ones highlights
    enclosed = near & product
    if enclosed.any():
        ys, xs = np.nonzero(product)
        short = min(ys.max() - ys.min() + 1, xs.max() - xs.min() + 1)
        r = max(2, round(HOLE_RADIUS * short / 2))
        cores = _erode(enclosed, r)
        if cores.any():
            holes = _fill_from(cores, enclosed)
            product &= ~holes
    # specks of noise out, hairline gaps in the outline closed
    product = _dilate(_erode(product, 1), 1)
    product = _erode(_dilate(product, 1), 1) | product
    coverage = float(product.mean())
    if not AREA_MIN <= coverage <= AREA_MAX:
        return None
    binary = Image.fromarray(product.astype(np.uint8) * 255).filter(ImageFilter.GaussianBlur(0.5))
    mask = binary.resize(img.size, Image.Resampling.BILINEAR)  # the ramp is the feather
    # the ramp's middle sits on the outline: below 1/8 is backdrop, above 7/8 is product
    mask = mask.point(lambda v: 0 if v < 32 else (255 if v > 223 else (v - 32) * 255 // 191))
    bg = tuple(int(round(c)) for c in backdrop)
    return Cutout(mask=mask, backdrop=bg, tolerance=tolerance, coverage=coverage)


def product_mask(img: Image.Image) -> Image.Image | None:
    """The product's alpha mask (L, ``img``'s size) for a plain-backdrop photo, else None."""
    cut = find_cutout(img)
    return cut.mask if cut else None
