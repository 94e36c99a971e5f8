"""The offline cut-out on generated studio photos whose true shape is known (issue 15, item 3)."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image

from core.generators import ProductBrief
from core.generators.cutout import find_cutout
from core.generators.offline_background import (CANVAS, OfflineBackgroundMaker, clean_plate,
                                                place_product)
from tests import product_photos as photos


def _decoded(data: bytes) -> Image.Image:
    return Image.open(io.BytesIO(data)).convert("RGB")


@pytest.mark.parametrize("make", [photos.shoe_on_white, photos.mug_with_handle,
                                  photos.transparent_bottle], ids=lambda f: f.__name__)
def test_the_mask_matches_the_products_true_shape(make):
    data, truth = make()
    cut = find_cutout(_decoded(data))
    assert cut is not None
    assert photos.iou(np.asarray(cut.mask) > 127, truth) >= 0.95


def test_a_white_sole_on_white_stays_with_the_shoe():
    data, truth = photos.shoe_on_white()
    mask = np.asarray(find_cutout(_decoded(data)).mask) > 127
    k = 2000 / 1000  # the sole spans y 540..640, x 170..860 of the drawing's 1000 units
    sole = np.zeros_like(truth)
    sole[int(550 * k):int(630 * k), int(190 * k):int(840 * k)] = True
    assert (mask & sole).sum() / sole.sum() >= 0.99


def test_the_mugs_handle_hole_shows_the_backdrop():
    data, truth = photos.mug_with_handle()
    mask = np.asarray(find_cutout(_decoded(data)).mask) > 127
    hole = np.zeros_like(truth)
    hole[int(480 * 2):int(540 * 2), int(625 * 2):int(685 * 2)] = True  # inside the handle
    assert not (mask & hole).any()


def test_a_highlight_on_glass_stays_part_of_the_bottle():
    data, _ = photos.transparent_bottle()
    mask = np.asarray(find_cutout(_decoded(data)).mask) > 127
    assert mask[int(600 * 2), int(430 * 2)]  # the white stripe inside the body


def test_the_mask_is_opaque_inside_and_soft_only_at_the_outline():
    data, truth = photos.mug_with_handle()
    alpha = np.asarray(find_cutout(_decoded(data)).mask)
    inner = np.asarray(Image.fromarray(truth.astype(np.uint8) * 255).resize((500, 500)).resize(
        (2000, 2000))) == 255
    soft = (alpha > 0) & (alpha < 255)
    assert (alpha[inner] == 255).mean() > 0.995
    assert soft.mean() < 0.01


def test_a_busy_photo_is_framed_not_cut():
    assert find_cutout(_decoded(photos.busy_scene())) is None


def test_a_product_running_off_the_photo_is_framed_not_cut():
    data, _ = photos.shoe_on_white()
    img = _decoded(data).crop((300, 300, 1300, 1400))  # the shoe's heel is cut by the edge
    assert find_cutout(img) is None


def test_compositing_keeps_the_products_own_pixels():
    data, _ = photos.shoe_on_white()
    img = _decoded(data)
    cut = find_cutout(img)
    canvas = Image.new("RGB", (CANVAS, CANVAS), (30, 120, 200))
    x, y, product, alpha = place_product(canvas, img, cut.mask, "right")
    a = np.asarray(alpha)
    shown = np.asarray(canvas)[y:y + a.shape[0], x:x + a.shape[1]]
    assert (shown[a == 255] == np.asarray(product)[a == 255]).all()
    assert (a == 255).mean() > 0.3


def test_no_ghost_of_the_product_behind_it():
    data, _ = photos.shoe_on_white()
    img = _decoded(data)
    plate = np.asarray(clean_plate(img, find_cutout(img)), dtype=np.int16)
    # the navy upper is gone from the plate the blurred backdrops are made of
    assert np.abs(plate - 250).max(axis=2).max() < 40


def test_the_offline_background_cuts_the_shoe_out_cleanly():
    data, _ = photos.shoe_on_white()
    bg = _decoded(OfflineBackgroundMaker().make_background(
        data, variant_index=0, brief=ProductBrief(title="Runner")))
    px = np.asarray(bg, dtype=np.int16)
    navy = (np.abs(px - (32, 44, 92)).max(axis=2) < 40)
    ys, xs = np.nonzero(navy)
    assert navy.sum() > 5000 and xs.min() > CANVAS * 0.45  # on the product side, in one place
