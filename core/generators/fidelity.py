"""Did the generated background keep the product? Compare the product in source and result.

Image-to-image models are asked to keep the product unchanged, and sometimes redraw it anyway
(another colour, a lost handle, a new logo). ``check_fidelity`` compares the two:

1. The product in the source photo: its cut-out mask (:mod:`core.generators.cutout`) on a
   plain backdrop; on a busy photo, the centre of the frame (where shops put the product).
2. Where it went in the result: the product's edges (its outline and details, whatever the
   backdrop's colour) matched over a 256 px copy at a range of scales (normalised
   cross-correlation through FFT, refined around the best scale) — the model may move and
   resize it (we ask it to).
3. How alike it is there: structural similarity (SSIM, grey, within the mask) and the share
   of the product whose colour changed (a recoloured part, a handle lost or moved to the
   other side), both on slightly softened 96 px
   crops so that resampling and JPEG do not count; the score is the lower of the two. With CLIP weights loaded in this process
   (:func:`core.rank.get_clip_model`), CLIP image-image similarity of the two product crops
   is a fourth opinion; without weights nothing imports torch.

``generate_checked`` runs a background maker and regenerates (bounded) while the product
does not pass; the best attempt is kept with a report that says why when it still fails.
"""

from __future__ import annotations

import io
import logging
from dataclasses import asdict, dataclass

import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageOps

from core.generators.cutout import find_cutout
from core.images import decode_image

log = logging.getLogger(__name__)

THRESHOLD = 0.6  # below this the product is taken as changed
CLIP_THRESHOLD = 0.8  # CLIP image-image cosine of two photos of one unchanged product
MAX_ATTEMPTS = 3  # the first background and at most two regenerations (each one is billed)
WORK = 256  # side of the grey copy the product is searched in
COMPARE = 96  # side of the product crop SSIM and colour are measured on
CHANGED_LEVELS = 40  # a pixel whose colour moved this much (mean of R, G, B) has changed
CHANGED_SHARE_ZERO = 0.25  # a quarter of the product changed: colour score 0 (10 % → 0.6)
SCALES = tuple(np.linspace(0.25, 0.95, 12))  # product size in the result, share of its side


@dataclass(frozen=True)
class Fidelity:
    """How faithfully a result kept the source's product (fields of the Prefill's report)."""

    score: float
    threshold: float
    method: str
    passed: bool
    structure: float = 0.0
    colour: float = 0.0
    match: float = 0.0
    clip: float | None = None
    box: tuple[float, float, float, float] | None = None  # where it was found, shares of the result


def _decoded(data: bytes | Image.Image, side: int) -> Image.Image:
    if isinstance(data, Image.Image):
        img = data.convert("RGB")
        img.thumbnail((side, side), Image.Resampling.BOX)
        return img
    return decode_image(data, fit=(side, side)).convert("RGB")


def _product(img: Image.Image) -> tuple[Image.Image, np.ndarray, str]:
    """The product crop of the source and its mask (bool), and how the region was chosen."""
    cut = find_cutout(img)
    if cut is not None:
        box = cut.mask.getbbox()
        return img.crop(box), np.asarray(cut.mask.crop(box)) > 127, "cut-out"
    w, h = img.size  # a busy photo: the central 60 %, where the product sits
    box = (round(w * 0.2), round(h * 0.2), round(w * 0.8), round(h * 0.8))
    crop = img.crop(box)
    mask = Image.new("L", crop.size, 0)
    ImageDraw.Draw(mask).ellipse((0, 0, crop.width - 1, crop.height - 1), fill=255)
    return crop, np.asarray(mask) > 127, "centre"


def _corr(a: np.ndarray, b: np.ndarray, shape: tuple[int, int]) -> np.ndarray:
    """Valid-mode cross-correlation of image ``a`` with template ``b`` through FFT."""
    fa = np.fft.rfft2(a, shape)
    fb = np.fft.rfft2(b[::-1, ::-1], shape)
    full = np.fft.irfft2(fa * fb, shape)
    th, tw = b.shape
    return full[th - 1:a.shape[0], tw - 1:a.shape[1]]


def _edges(grey: np.ndarray) -> np.ndarray:
    """Gradient magnitude: the product's outline and details, whatever the backdrop's colour."""
    gy, gx = np.gradient(grey)
    return np.hypot(gx, gy)


def _locate(result: np.ndarray, tmpl: Image.Image) -> tuple[float, tuple]:
    """Where the product's edges fit best, over scales (coarse, then refined around the best):
    (normalised cross-correlation, (x, y, w, h)) in ``result`` (grey, float, WORK px)."""
    rh, rw = result.shape
    shape = (2 * rh, 2 * rw)
    edges = _edges(result)
    e2 = edges * edges
    grey = ImageOps.grayscale(tmpl)
    best = (-1.0, (0, 0, rw, rh), 0.0)

    def at(s: float) -> None:
        nonlocal best
        f = s * min(rw, rh) / max(tmpl.size)
        tw, th = max(8, round(tmpl.width * f)), max(8, round(tmpl.height * f))
        if tw > rw or th > rh:
            return
        t = _edges(np.asarray(grey.resize((tw, th), Image.Resampling.BOX), dtype=np.float64))
        t = t - t.mean()
        t_energy = float((t * t).sum())
        if t_energy <= 1e-6:
            return
        ones = np.ones_like(t)
        n = t.size
        s1 = _corr(edges, ones, shape)
        var = np.maximum(_corr(e2, ones, shape) - s1 * s1 / n, 1e-9)
        ncc = _corr(edges, t, shape) / np.sqrt(var * t_energy)
        y, x = np.unravel_index(int(np.argmax(ncc)), ncc.shape)
        if ncc[y, x] > best[0]:
            best = (float(ncc[y, x]), (int(x), int(y), tw, th), s)

    for s in SCALES:
        at(float(s))
    step = float(SCALES[1] - SCALES[0])
    for s in np.linspace(best[2] - step, best[2] + step, 7):
        if s > 0.05:
            at(float(s))
    return max(0.0, best[0]), best[1]


def _box_mean(a: np.ndarray, r: int = 3) -> np.ndarray:
    """Mean over a (2r+1)² window (edges replicated), through cumulative sums."""
    p = np.pad(a, r + 1, mode="edge")
    c = p.cumsum(0).cumsum(1)
    k = 2 * r + 1
    s = c[k:, k:] - c[:-k, k:] - c[k:, :-k] + c[:-k, :-k]
    return s[: a.shape[0], : a.shape[1]] / (k * k)


def _ssim(a: np.ndarray, b: np.ndarray, mask: np.ndarray) -> float:
    """Mean SSIM of two grey images (0-255) over ``mask``."""
    c1, c2 = (0.01 * 255) ** 2, (0.03 * 255) ** 2
    ma, mb = _box_mean(a), _box_mean(b)
    va = _box_mean(a * a) - ma * ma
    vb = _box_mean(b * b) - mb * mb
    cov = _box_mean(a * b) - ma * mb
    s = ((2 * ma * mb + c1) * (2 * cov + c2)) / ((ma * ma + mb * mb + c1) * (va + vb + c2))
    return float(np.clip(s[mask].mean(), 0, 1)) if mask.any() else 0.0


def _clip_similarity(a: Image.Image, b: Image.Image) -> float | None:
    """CLIP image-image cosine when this process has CLIP weights; None otherwise (no torch)."""
    try:
        from core.rank import get_clip_model

        scorer = get_clip_model()
        if scorer is None:
            return None
        import torch  # only with weights present: the model is loaded already

        with scorer._lock, torch.inference_mode():
            batch = torch.stack([scorer.preprocess(a), scorer.preprocess(b)])
            feats = scorer.model.encode_image(batch, normalize=True)
            return float(feats[0] @ feats[1])
    except Exception as exc:  # noqa: BLE001 - CLIP is an extra opinion, never a failure
        log.warning("fidelity.clip_failed", extra={"error": repr(exc)})
        return None


def check_fidelity(source: bytes | Image.Image, result: bytes | Image.Image, *,
                   threshold: float = THRESHOLD) -> Fidelity:
    """How alike the product is in ``source`` and in the generated ``result``."""
    src = _decoded(source, 512)
    res = _decoded(result, WORK)
    crop, mask, region = _product(src)
    match, (x, y, w, h) = _locate(np.asarray(ImageOps.grayscale(res), dtype=np.float64), crop)
    found = res.crop((x, y, x + w, y + h))
    # compare at one size, slightly softened: resampling and JPEG must not count as changes
    f = COMPARE / max(crop.size)
    size = (max(8, round(crop.width * f)), max(8, round(crop.height * f)))
    soft = ImageFilter.GaussianBlur(1)
    a = crop.resize(size, Image.Resampling.BOX).filter(soft)
    b = found.resize(size, Image.Resampling.BILINEAR).filter(soft)
    m = np.asarray(Image.fromarray(mask.astype(np.uint8) * 255).resize(size, Image.Resampling.BOX)) > 200
    ga = np.asarray(ImageOps.grayscale(a), dtype=np.float64)
    gb = np.asarray(ImageOps.grayscale(b), dtype=np.float64)
    structure = _ssim(ga, gb, m)
    diff = np.abs(np.asarray(a, dtype=np.float64) - np.asarray(b, dtype=np.float64)).mean(axis=2)[m]
    # the share of the product whose colour changed: a recoloured part, a lost or moved handle
    changed = float((diff > CHANGED_LEVELS).mean()) if diff.size else 1.0
    colour = max(0.0, 1 - changed / CHANGED_SHARE_ZERO)
    score = max(0.0, min(structure, colour))
    method = f"ssim+colour ({region})"
    clip = _clip_similarity(a, b)
    passed = score >= threshold
    if clip is not None:
        method = f"ssim+colour+clip ({region})"
        passed = passed and clip >= CLIP_THRESHOLD
        score = min(score, max(0.0, clip - (CLIP_THRESHOLD - threshold)))  # one scale, one bar
    box = (round(x / res.width, 3), round(y / res.height, 3), round((x + w) / res.width, 3),
           round((y + h) / res.height, 3))
    return Fidelity(score=round(score, 3), threshold=threshold, method=method, passed=passed,
                    structure=round(structure, 3), colour=round(colour, 3), match=round(match, 3),
                    clip=None if clip is None else round(clip, 3), box=box)


def _why(f: Fidelity) -> str:
    parts = []
    if f.match < f.threshold:
        parts.append("the product was not found where the source's shape would be")
    if f.structure < f.threshold:
        parts.append("its shape or details differ")
    if f.colour < f.threshold:
        parts.append("its colours differ")
    if f.clip is not None and f.clip < CLIP_THRESHOLD:
        parts.append("CLIP sees a different object")
    return "; ".join(parts) or "it differs from the photo"


def report(f: Fidelity, attempts: int) -> dict:
    """The Prefill's ``product_fidelity``: score, method, attempts, passed and why if not."""
    note = "" if f.passed else (
        f"The generated background changed the product (similarity {f.score:.2f} < "
        f"{f.threshold:.2f} after {attempts} attempt{'s' * (attempts > 1)}: {_why(f)}). "
        "Check it against the product photo, regenerate the background, or use the offline one.")
    return {"score": f.score, "threshold": f.threshold, "method": f.method,
            "attempts": attempts, "passed": f.passed, "note": note[:300]}


def generate_checked(maker, source_image: bytes, *, variant_index: int, brief,
                     max_attempts: int = MAX_ATTEMPTS, check: bool = True) -> tuple[bytes, dict | None]:
    """A background from ``maker`` whose product passes the check, regenerated up to
    ``max_attempts`` times; else the most faithful attempt, flagged. Only makers that redraw
    the photo (``generative = True``, the Gemini one) are checked: the offline maker composites
    the product's own pixels (report None)."""
    if not check or not getattr(maker, "generative", False):
        return maker.make_background(source_image, variant_index=variant_index, brief=brief), None
    best: tuple[bytes, Fidelity] | None = None
    attempts = 0
    for attempts in range(1, max(1, max_attempts) + 1):
        data = maker.make_background(source_image, variant_index=variant_index, brief=brief)
        try:
            f = check_fidelity(source_image, data)
        except Exception as exc:  # noqa: BLE001 - an unreadable result is the maker's problem
            log.warning("fidelity.check_failed", extra={"error": repr(exc)})
            return data, None
        log.info("fidelity.checked", extra={"attempt": attempts, **{k: v for k, v in asdict(f).items()
                                                                    if k != "box"}})
        if best is None or f.score > best[1].score:
            best = (data, f)
        if f.passed:
            break
    data, f = best
    return data, report(f, attempts)


def encode_png(img: Image.Image) -> bytes:
    """PNG bytes of ``img`` (tests and the benchmark build results with it)."""
    out = io.BytesIO()
    img.save(out, "PNG")
    return out.getvalue()
