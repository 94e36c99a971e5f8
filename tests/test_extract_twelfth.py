"""Twelfth session: a marketplace seller's block and a photo's camera file name are no brands.

A WooCommerce + Dokan marketplace page (the review's "d17" kind): the vendor block reads "Sold by:
<a>Lens Loft</a>" (the seller, in a block whose class says "vendor") and a gallery photo carries its
camera file name as its title ("IMG_4415", in an image whose class says "brand"). Neither is the maker;
with nothing else naming one on the page, the brand stays empty rather than printing either."""

from __future__ import annotations

from core.extract import extract_product

_PAGE = """<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">
<title>EF 50mm f/1.8 STM Lens – Used, Excellent | Shutter Swap</title></head>
<body><div class="site-header"><a href="/" class="custom-logo-link"><img src="/wp-content/uploads/logo.png"
alt="Shutter Swap" class="custom-logo"></a></div>
<div class="product type-product">
<div class="woocommerce-product-gallery">
<div class="woocommerce-product-gallery__image"><a href="/wp-content/uploads/2022/05/IMG_4412.jpg"><img width="600"
height="600" src="/wp-content/uploads/2022/05/IMG_4412-600x600.jpg" class="wp-post-image" alt="" title="IMG_4412"></a></div>
<div class="woocommerce-product-gallery__image"><a href="/wp-content/uploads/2022/05/IMG_4415.jpg"><img width="600"
height="600" src="/wp-content/uploads/2022/05/IMG_4415-600x600.jpg" class="brand-photo" alt="" title="IMG_4415"></a></div>
</div>
<div class="summary entry-summary"><h1 class="product_title entry-title">EF 50mm f/1.8 STM Lens – Used, Excellent</h1>
<p class="price"><span class="woocommerce-Price-amount amount"><bdi><span class="woocommerce-Price-currencySymbol">$</span>95.00</bdi></span></p>
<form class="cart"><button type="submit" name="add-to-cart" class="single_add_to_cart_button button alt">Add to cart</button></form>
<div class="product_meta"><span class="dokan-vendor-info-wrap"><span class="dokan-vendor-name">Sold by:
<a href="/store/lens-loft/">Lens Loft</a></span></span></div>
</div></div></body></html>"""
_URL = "https://www.shutterswap.example/product/canon-ef-50mm-f-1-8-stm-lens/"


def test_a_seller_block_and_a_camera_file_name_are_no_brands():
    got = extract_product(_PAGE, _URL)
    assert str(got.price) == "95.00"
    assert got.brand is None, got.brand  # not "Sold by: Lens Loft", not "IMG_4415"
