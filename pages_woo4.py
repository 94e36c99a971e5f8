from woo_themes import *
L_EN = __import__('pages_woo1').L_EN
L_AU = dict(L_EN); L_AU.update(cartslug='cart', viewcart='View cart', viewcarttitle='View your shopping cart', nocart='No products in the cart.', addtocart='Add to cart', cart='Cart', addaria='Add &ldquo;{n}&rdquo; to your cart',
 newsletter_text='Trail news, new gear and members-only sales.', paymentalt='Visa, Mastercard, PayPal, Afterpay, Zip', delivery='Shipping')
b = 'https://www.tracknwild.com.au/'
fmt = dict(sym='&#36;', pos='left', dec='.', th=',', decimals=2, bdi=False)
p = dict(L=L_AU, base=b, fmt=fmt, upload=(2019,'11'), wpver='5.3.2', wcver='3.8.1', htmllang='en-AU', shop="Track 'n' Wild Outdoors", year=2020, pid=3310,
 title='Darche Kozi Swag 1400 Single', sku='DAR-KOZI-1400', url=b+'product/darche-kozi-swag-1400-single/', catslug='swags',
 images=['darche-kozi-swag-1400-pitched','darche-kozi-swag-1400-rolled','darche-kozi-swag-1400-inside','darche-kozi-swag-1400-mesh','darche-kozi-swag-1400-mattress'],
 stock_cls='outofstock', stock_class='out-of-stock', stock_text='Out of stock', oos=True,
 price_html=price_html(fmt, regular=429.00),
 price_after='<p class="rrp-note">RRP $499.00 &mdash; you save $70.00</p>',
 after_cart='<div class="back-in-stock-notifier"><h4>Email me when back in stock</h4><form class="bis-form"><input type="email" placeholder="Your email" /><button type="button">Notify me</button></form><p>Expected early February. Usually ships within 2 business days.</p></div>',
 meta_extra='<span class="tagged_as">Brand: <a href="https://www.tracknwild.com.au/brand/darche/" rel="tag">Darche</a></span>',
 short='Dome-style single swag with a 55mm high-density foam mattress, heavy-duty 400gsm ripstop poly-cotton canvas and a no-see-um mesh roof for stargazing.',
 desc=['The Kozi 1400 is Darche\'s most popular single swag: quick to set up with two spring-steel poles, roomy enough to sit up in, and tough enough for years of touring. The 400gsm ripstop poly-cotton canvas is treated to be waterproof and mould resistant.',
       'A 55mm high-density foam mattress with a removable poly-cotton cover is stored inside when rolled, so your bedding stays packed and ready. Large side doors and a full mesh roof keep air flowing on hot nights.',
       'Rolled size 90 x 35cm. Weight 13kg. Includes pegs, poles, guy ropes and carry bag.'],
 specs=[('Weight','13 kg'),('Dimensions','210 × 100 × 80 cm'),('Canvas','400gsm ripstop poly-cotton'),('Mattress','55mm high-density foam'),('Brand','Darche')],
 reviews=[('Gazza','Bombproof',5,'Took it across the Simpson, handled the wind and a downpour no worries.','2019-12-18T06:12:44+00:00','18 December 2019'),('Nat W.','Comfy',5,'Mattress is thick enough for my old back. Setup in 3 minutes.','2019-12-02T09:40:02+00:00','2 December 2019')],
 upsell=[('Darche Kozi Swag 1600 Double','darche-kozi-swag-1600-double','darche-kozi-swag-1600-pitched',549.00,499.00),('Darche Swag Bag 1400','darche-swag-bag-1400','darche-swag-bag-1400',79.95,None)],
 related=[('Oztent RV3 Tent','oztent-rv3-tent','oztent-rv3',1099.00,None),('Companion Lumos LED Lantern','companion-lumos-led-lantern','companion-lumos-lantern',49.95,39.95),('Sea to Summit Reactor Liner','sea-to-summit-reactor-liner','sts-reactor-liner',89.95,None),('Coleman Steel Belted Cooler 51L','coleman-steel-belted-cooler-51l','coleman-steel-cooler-51l',279.00,None)],
 viewed=[('Oztent RV3 Tent','oztent-rv3-tent','oztent-rv3',1099.00,None)],
 nav=[('Camping',['Swags','Tents','Sleeping','Furniture']),('4WD',['Recovery','Awnings','Storage']),('Cooking',['Stoves','Cookware','Coolers']),('Clothing',['Jackets','Hats'])],
 crumbs=[('Camping','product-category/camping/'),('Swags','product-category/camping/swags/')],
 freeship='Free shipping Australia-wide on orders over $150 (bulky items excluded)',
 footer_links=[('Shipping','shipping'),('Returns','returns'),('Afterpay','afterpay'),('Contact','contact'),('Store Locations','stores')],
 ld_offer={"@type":"Offer","price":"429.00","priceValidUntil":"2021-12-31","priceSpecification":{"price":"429.00","priceCurrency":"AUD","valueAddedTaxIncluded":"true"},"priceCurrency":"AUD","availability":"http://schema.org/OutOfStock","url":b+'product/darche-kozi-swag-1400-single/',"seller":{"@type":"Organization","name":"Track &#039;n&#039; Wild Outdoors","url":b}},
)
save('woocommerce-storefront-outofstock-au.html', storefront_page(p), dict(
 page_url=p['url'], platform='WooCommerce 3.8 + Storefront 2.5 (WordPress 5.3). Price from woocommerce/woocommerce templates/single-product/price.php -> wc_price (pre-4.4: no <bdi>, &#36; symbol); out-of-stock via templates/single-product/stock.php (p.stock.out-of-stock) and no add-to-cart form; JSON-LD per includes/class-wc-structured-data.php',
 markup=['WooCommerce core JSON-LD (@graph BreadcrumbList + Product) with Offer price "429.00" AUD, availability http://schema.org/OutOfStock, valueAddedTaxIncluded "true"', 'no og: tags'],
 title=p['title'], title_alternatives=[], price='429.00',
 price_alternatives=[{'value':'499.00','source':'RRP note'},{'value':'70.00','source':'RRP saving'},{'value':'150.00','source':'free shipping threshold'},{'value':'0.00','source':'header mini-cart'},{'value':'499.00','source':'upsell sale price'},{'value':'1099.00','source':'related / recently viewed'}],
 currency='AUD', brand='Darche', brand_alternatives=[],
 image_count=5, first_images=[b+'wp-content/uploads/2019/11/darche-kozi-swag-1400-pitched-416x416.jpg'], first_image_id='darche-kozi-swag-1400-pitched',
 notes='Out of stock: price $429.00 still shown, "Out of stock" stock line, no add-to-cart form, back-in-stock form instead. "$" symbol (as &#36;) is AUD (en-AU, .com.au, JSON-LD priceCurrency AUD). RRP line is a theme/plugin addition. Woo 3.8 markup has no <bdi>.'))
