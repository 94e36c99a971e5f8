"""The offline copy's own words in the shop's language: headline frames, CTAs, labels.

One table per language, for the languages of the shops we are tested on (Spanish, Portuguese,
Italian, French, German, Polish, Croatian, Slovenian, Slovak, Latvian, Estonian, Russian,
Korean, Japanese, Hebrew, Chinese — Simplified and Traditional —, Persian, Arabic) and English.
Frames are grammar-neutral on purpose ("Nur {p}: {t}", "Neu: {t}"):
the product name is inserted as the shop wrote it, so no case or gender has to agree with it.
``{t}`` is the product's short title, ``{p}`` its price as the shop prints it. CTAs are at most
20 characters (the Prefill's limit).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from core.locale import language_of


@dataclass(frozen=True)
class CopyWords:
    """The words of one language. ``headlines`` and ``ctas`` are keyed by variant angle."""

    headlines: dict[str, tuple[str, ...]]
    ctas: dict[str, tuple[str, ...]]
    free_shipping: str


def _words(benefit, value, quality, lifestyle, urgency, gift, free_shipping) -> CopyWords:
    """One language's table, a row (headline frames, CTAs) per angle."""
    rows = {"benefit": benefit, "value": value, "quality": quality, "lifestyle": lifestyle,
            "urgency": urgency, "gift": gift}
    return CopyWords(headlines={k: v[0] for k, v in rows.items()},
                     ctas={k: v[1] for k, v in rows.items()}, free_shipping=free_shipping)


NBSP = "\u00a0"  # French puts a non-breaking space before : ! ?

WORDS: dict[str, CopyWords] = {
    "en": _words(
        (("{t}", "Meet the {t}", "{t}, made easy"), ("Shop now", "Discover more", "See how")),
        (("{t} for {p}", "{t}, now {p}", "Only {p}: {t}"), ("Get the deal", "Buy now", "Save today")),
        (("The {t}, done right", "Crafted: {t}", "{t}"), ("Explore it", "See details", "Shop the range")),
        (("Your new {t}", "Life with the {t}", "{t} for every day"),
         ("Get yours", "Try it today", "Make it yours")),
        (("{t} — while it lasts", "Don't miss the {t}", "Last call: {t}"),
         ("Order today", "Grab it now", "Don't miss out")),
        (("Gift the {t}", "A gift they'll love: {t}", "{t}, gift-ready"),
         ("Gift it", "Shop gifts", "Treat someone")),
        "Free shipping"),
    "es": _words(
        (("{t}", "Descubre {t}", "Nuevo: {t}"), ("Comprar ahora", "Descubrir más")),
        (("{t} por {p}", "Solo {p}: {t}"), ("Ver oferta", "Comprar ya")),
        (("Calidad: {t}", "{t}"), ("Ver detalles", "Explorar")),
        (("Tu nuevo favorito: {t}", "{t} para cada día"), ("Consíguelo", "Pruébalo hoy")),
        (("{t}: ¡últimas unidades!", "No te lo pierdas: {t}"), ("Pide hoy", "Cómpralo ya")),
        (("Regala {t}", "Un regalo perfecto: {t}"), ("Regálalo", "Ver regalos")),
        "Envío gratis"),
    "pt": _words(
        (("{t}", "Descubra {t}", "Novo: {t}"), ("Comprar agora", "Saiba mais")),
        (("{t} por {p}", "Só {p}: {t}"), ("Ver oferta", "Comprar já")),
        (("Qualidade: {t}", "{t}"), ("Ver detalhes", "Explorar")),
        (("Novo favorito: {t}", "{t} para o dia a dia"), ("Garanta o seu", "Experimente hoje")),
        (("{t}: últimas unidades!", "Não perca: {t}"), ("Peça hoje", "Compre já")),
        (("Para presentear: {t}", "Um presente perfeito: {t}"), ("Presentear", "Ver presentes")),
        "Envio grátis"),
    "it": _words(
        (("{t}", "Scopri {t}", "Novità: {t}"), ("Acquista ora", "Scopri di più")),
        (("{t} a {p}", "Solo {p}: {t}"), ("Vedi l'offerta", "Compra ora")),
        (("Qualità: {t}", "{t}"), ("Vedi dettagli", "Esplora")),
        (("Il tuo nuovo preferito: {t}", "{t} per ogni giorno"), ("Prendilo ora", "Provalo oggi")),
        (("{t}: ultimi pezzi!", "Da non perdere: {t}"), ("Ordina oggi", "Non perderlo")),
        (("Regala {t}", "Un regalo perfetto: {t}"), ("Regalalo", "Idee regalo")),
        "Spedizione gratuita"),
    "fr": _words(
        (("{t}", "Découvrez {t}", f"Nouveau{NBSP}: {{t}}"), ("Acheter", "En savoir plus")),
        (("{t} à {p}", f"Seulement {{p}}{NBSP}: {{t}}"), ("Voir l'offre", "J'en profite")),
        ((f"Qualité{NBSP}: {{t}}", "{t}"), ("Voir le détail", "Explorer")),
        ((f"Votre nouveau favori{NBSP}: {{t}}", "{t} au quotidien"), ("Je le veux", "Essayez-le")),
        ((f"{{t}}{NBSP}: derniers articles{NBSP}!", f"À ne pas manquer{NBSP}: {{t}}"),
         ("Commander", "J'en profite")),
        (("Offrez {t}", f"Le cadeau parfait{NBSP}: {{t}}"), ("Offrir", "Idées cadeaux")),
        "Livraison gratuite"),
    "de": _words(
        (("{t}", "Entdecken Sie {t}", "Neu: {t}"), ("Jetzt kaufen", "Mehr erfahren")),
        (("{t} für {p}", "Nur {p}: {t}"), ("Zum Angebot", "Jetzt sparen")),
        (("Qualität: {t}", "{t}"), ("Details ansehen", "Entdecken")),
        (("Ihr neuer Favorit: {t}", "{t} für jeden Tag"), ("Jetzt holen", "Heute testen")),
        (("{t} – nur solange der Vorrat reicht", "Nicht verpassen: {t}"),
         ("Heute bestellen", "Jetzt zugreifen")),
        (("Verschenken Sie {t}", "Das perfekte Geschenk: {t}"), ("Verschenken", "Geschenkideen")),
        "Kostenloser Versand"),
    "pl": _words(
        (("{t}", "Nowość: {t}"), ("Kup teraz", "Dowiedz się więcej")),
        (("{t} za {p}", "Tylko {p}: {t}"), ("Zobacz ofertę", "Kup teraz")),
        (("Jakość: {t}", "{t}"), ("Zobacz szczegóły", "Odkryj")),
        (("Twój nowy ulubieniec: {t}", "{t} na co dzień"), ("Zamów teraz", "Wypróbuj dziś")),
        (("{t} – ostatnie sztuki!", "Nie przegap: {t}"), ("Zamów dziś", "Nie przegap")),
        (("Pomysł na prezent: {t}", "{t} na prezent"), ("Podaruj", "Zobacz prezenty")),
        "Darmowa dostawa"),
    "hr": _words(
        (("{t}", "Novo: {t}"), ("Kupi odmah", "Saznaj više")),
        (("{t} za {p}", "Samo {p}: {t}"), ("Pogledaj ponudu", "Kupi sada")),
        (("Kvaliteta: {t}", "{t}"), ("Pogledaj detalje", "Istraži")),
        (("Tvoj novi favorit: {t}", "{t} za svaki dan"), ("Naruči sada", "Isprobaj danas")),
        (("{t} – posljednji komadi!", "Ne propusti: {t}"), ("Naruči danas", "Ne propusti")),
        (("Savršen poklon: {t}", "{t} za poklon"), ("Pokloni", "Ideje za poklon")),
        "Besplatna dostava"),
    "sl": _words(
        (("{t}", "Novo: {t}"), ("Kupi zdaj", "Več o izdelku")),
        (("{t} za {p}", "Samo {p}: {t}"), ("Oglej si ponudbo", "Kupi zdaj")),
        (("Kakovost: {t}", "{t}"), ("Podrobnosti", "Razišči")),
        (("Vaš novi favorit: {t}", "{t} za vsak dan"), ("Naroči zdaj", "Preizkusi danes")),
        (("{t} – zadnji kosi!", "Ne zamudite: {t}"), ("Naroči danes", "Ne zamudite")),
        (("Popolno darilo: {t}", "{t} za darilo"), ("Podari", "Ideje za darila")),
        "Brezplačna dostava"),
    "sk": _words(
        (("{t}", "Novinka: {t}"), ("Kúpiť teraz", "Zistiť viac")),
        (("{t} za {p}", "Len {p}: {t}"), ("Pozrieť ponuku", "Kúpiť teraz")),
        (("Kvalita: {t}", "{t}"), ("Zobraziť detaily", "Objaviť")),
        (("Váš nový obľúbenec: {t}", "{t} na každý deň"), ("Objednať teraz", "Vyskúšajte dnes")),
        (("{t} – posledné kusy!", "Nenechajte si ujsť: {t}"), ("Objednať dnes", "Neváhajte")),
        (("Perfektný darček: {t}", "{t} ako darček"), ("Darovať", "Tipy na darčeky")),
        "Doprava zdarma"),
    "lv": _words(
        (("{t}", "Jaunums: {t}"), ("Pirkt tagad", "Uzzināt vairāk")),
        (("{t} par {p}", "Tikai {p}: {t}"), ("Skatīt piedāvājumu", "Pirkt tagad")),
        (("Kvalitāte: {t}", "{t}"), ("Skatīt detaļas", "Izpētīt")),
        (("Jūsu jaunais favorīts: {t}", "{t} ikdienai"), ("Pasūtīt tagad", "Izmēģiniet šodien")),
        (("{t} – pēdējie gabali!", "Nepalaidiet garām: {t}"), ("Pasūtīt šodien", "Nenokavējiet")),
        (("Lieliska dāvana: {t}", "{t} dāvanai"), ("Dāvināt", "Dāvanu idejas")),
        "Bezmaksas piegāde"),
    "et": _words(
        (("{t}", "Uudis: {t}"), ("Osta kohe", "Loe lähemalt")),
        (("{t} hinnaga {p}", "Ainult {p}: {t}"), ("Vaata pakkumist", "Osta kohe")),
        (("Kvaliteet: {t}", "{t}"), ("Vaata detaile", "Avasta")),
        (("Sinu uus lemmik: {t}", "{t} igaks päevaks"), ("Telli kohe", "Proovi täna")),
        (("{t} – viimased tükid!", "Ära maga maha: {t}"), ("Telli täna", "Ära jää ilma")),
        (("Ideaalne kingitus: {t}", "{t} kingiks"), ("Kingi", "Kingiideed")),
        "Tasuta tarne"),
    "ru": _words(
        (("{t}", "Новинка: {t}"), ("Купить сейчас", "Узнать больше")),
        (("{t} за {p}", "Всего {p}: {t}"), ("Смотреть акцию", "Купить сейчас")),
        (("Качество: {t}", "{t}"), ("Подробнее", "Смотреть")),
        (("Ваш новый фаворит: {t}", "{t} на каждый день"), ("Заказать", "Попробуйте сегодня")),
        (("{t} — успейте купить!", "Не пропустите: {t}"), ("Заказать сегодня", "Успейте купить")),
        (("Идеальный подарок: {t}", "{t} в подарок"), ("Подарить", "Идеи подарков")),
        "Бесплатная доставка"),
    "ko": _words(
        (("{t}", "새로운 {t}"), ("지금 구매하기", "자세히 보기")),
        (("{t} {p}", "단 {p}! {t}"), ("특가 보기", "지금 구매")),
        (("품질이 다른 {t}", "{t}"), ("상세 보기", "둘러보기")),
        (("매일 함께하는 {t}", "나만의 {t}"), ("내 것으로 만들기", "오늘 만나보세요")),
        (("{t} 한정 수량!", "놓치지 마세요: {t}"), ("오늘 주문하기", "지금 바로 구매")),
        (("선물하기 좋은 {t}", "특별한 선물: {t}"), ("선물하기", "선물 보기")),
        "무료 배송"),
    "ja": _words(
        (("{t}", "新登場：{t}", "{t}のある毎日"), ("今すぐ購入", "詳しく見る")),
        (("{t} {p}", "今なら{p}：{t}"), ("お得に購入", "今すぐ購入")),
        (("こだわりの{t}", "{t}"), ("詳細を見る", "商品を見る")),
        (("あなたの新定番：{t}", "毎日に{t}"), ("手に入れる", "今日から試す")),
        (("{t} 数量限定！", "お見逃しなく：{t}"), ("今すぐ注文", "今すぐチェック")),
        (("ギフトに：{t}", "贈り物に{t}"), ("ギフトに贈る", "ギフトを探す")),
        "送料無料"),
    "he": _words(
        (("{t}", "חדש: {t}"), ("לקנייה עכשיו", "לפרטים נוספים")),
        (("{t} ב-{p}", "רק {p}: {t}"), ("למבצע", "לקנייה")),
        (("איכות: {t}", "{t}"), ("לפרטים", "לגלות עוד")),
        (("המועדף החדש שלך: {t}", "{t} לכל יום"), ("להזמנה", "נסו היום")),
        (("{t} – עד גמר המלאי!", "אל תפספסו: {t}"), ("להזמנה היום", "אל תפספסו")),
        (("מתנה מושלמת: {t}", "{t} למתנה"), ("לתת במתנה", "רעיונות למתנה")),
        "משלוח חינם"),
    # Simplified Chinese (zh-CN, zh-SG; Traditional below); Persian; Arabic. A walk-through saw
    # "Shop now" under Chinese and Persian banners: the button is in the page's language too
    "zh": _words(
        (("{t}", "全新{t}", "{t}，轻松拥有"), ("立即购买", "了解更多")),
        (("{t} 仅需{p}", "{t}，现价{p}", "只要{p}：{t}"), ("立即抢购", "查看优惠")),
        (("品质之选：{t}", "{t}"), ("查看详情", "立即探索")),
        (("你的新宠：{t}", "{t}，每天都好用"), ("马上拥有", "今天就试试")),
        (("{t} 限量抢购！", "不容错过：{t}"), ("今天下单", "马上抢购")),
        (("送礼首选：{t}", "{t}，贴心好礼"), ("买来送礼", "挑选礼物")),
        "包邮"),
    "fa": _words(
        (("{t}", "جدید: {t}"), ("همین حالا بخرید", "بیشتر بدانید")),
        (("{t} فقط {p}", "فقط {p}: {t}"), ("مشاهده پیشنهاد", "خرید")),
        (("کیفیت برتر: {t}", "{t}"), ("مشاهده جزئیات", "بیشتر ببینید")),
        (("انتخاب تازه شما: {t}", "{t} برای هر روز"), ("سفارش دهید", "امروز امتحان کنید")),
        (("{t}؛ تا موجودی هست!", "از دست ندهید: {t}"), ("امروز سفارش دهید", "همین حالا بخرید")),
        (("هدیه‌ای عالی: {t}", "{t} برای هدیه"), ("هدیه بدهید", "ایده‌های هدیه")),
        "ارسال رایگان"),
    "ar": _words(
        (("{t}", "جديد: {t}"), ("تسوّق الآن", "اكتشف المزيد")),
        (("{t} بـ {p}", "فقط {p}: {t}"), ("شاهد العرض", "اشترِ الآن")),
        (("جودة عالية: {t}", "{t}"), ("التفاصيل", "استكشف")),
        (("مفضّلك الجديد: {t}", "{t} لكل يوم"), ("اطلبه الآن", "جرّبه اليوم")),
        (("{t} – لفترة محدودة!", "لا تفوّت: {t}"), ("اطلب اليوم", "لا تفوّت العرض")),
        (("هدية مثالية: {t}", "{t} هدية"), ("أهدِه", "أفكار للهدايا")),
        "شحن مجاني"),
}

# Traditional Chinese (Taiwan, Hong Kong, Macau, or a tag naming the Hant script)
ZH_HANT = _words(
    (("{t}", "全新{t}", "{t}，輕鬆擁有"), ("立即購買", "了解更多")),
    (("{t} 只要{p}", "{t}，現價{p}", "只要{p}：{t}"), ("立即搶購", "查看優惠")),
    (("品質之選：{t}", "{t}"), ("查看詳情", "立即探索")),
    (("你的新寵：{t}", "{t}，每天都好用"), ("馬上擁有", "今天就試試")),
    (("{t} 限量搶購！", "不容錯過：{t}"), ("今天下單", "馬上搶購")),
    (("送禮首選：{t}", "{t}，貼心好禮"), ("買來送禮", "挑選禮物")),
    "免運費")


def _traditional_chinese(locale: str) -> bool:
    parts = {p.casefold() for p in re.split(r"[-_]", locale)}
    return "hant" in parts or bool(parts & {"tw", "hk", "mo"}) and "hans" not in parts


# a short frame per angle more, so a long title still gets a frame that fits 40 characters
_SHORT = {  # lifestyle, urgency, gift
    'es': ('Favorito: {t}', '¡Ya! {t}', 'Regalo: {t}'),
    'pt': ('Favorito: {t}', 'Agora: {t}', 'Presente: {t}'),
    'it': ('Preferito: {t}', 'Ora: {t}', 'Regalo: {t}'),
    'fr': ('Coup de cœur : {t}', 'Vite : {t}', 'Cadeau : {t}'),
    'de': ('Favorit: {t}', 'Jetzt: {t}', 'Geschenk: {t}'),
    'pl': ('Hit: {t}', 'Teraz: {t}', 'Prezent: {t}'),
    'hr': ('Favorit: {t}', 'Sada: {t}', 'Poklon: {t}'),
    'sl': ('Favorit: {t}', 'Zdaj: {t}', 'Darilo: {t}'),
    'sk': ('Obľúbené: {t}', 'Teraz: {t}', 'Darček: {t}'),
    'lv': ('Favorīts: {t}', 'Tagad: {t}', 'Dāvana: {t}'),
    'et': ('Lemmik: {t}', 'Nüüd: {t}', 'Kingitus: {t}'),
    'ru': ('Хит: {t}', 'Сейчас: {t}', 'Подарок: {t}'),
}
for _lang, _frames in _SHORT.items():
    _w = WORDS[_lang]
    for _angle, _frame in zip(("lifestyle", "urgency", "gift"), _frames):
        _w.headlines[_angle] = _w.headlines[_angle] + (_frame,)

# Brazil says "frete" where Portugal says "envio"
_BY_LOCALE = {"pt-BR": {"free_shipping": "Frete grátis"}}


def copy_words(locale: str | None) -> CopyWords | None:
    """The words for the page's locale ("de-CH" → German), None for a language we lack."""
    language = language_of(locale)
    words = ZH_HANT if language == "zh" and _traditional_chinese(locale or "") else WORDS.get(language)
    override = _BY_LOCALE.get(locale or "")
    if words and override:
        from dataclasses import replace

        words = replace(words, **override)
    return words


def supported_languages() -> list[str]:
    """The languages the offline copy is written in."""
    return sorted(WORDS)
