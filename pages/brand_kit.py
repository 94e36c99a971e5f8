"""Brand kit: the workspace's logo, colours, font, CTA phrases, tone words and legal line.

Every change shows at once on a sample banner in any format (drawn by the same renderer as
the previews). **Save** makes new banners use the kit; **Re-render existing banners** puts
the workspace's finished banners in it (colours, logo, font, legal line; each as a new
prefill version, so Undo on a card still works).
"""

from __future__ import annotations

import base64
import functools
import io

import streamlit as st

from core import brand
from core.wording import count
from core.errors import AppError, ValidationError
from core.fonts import BRAND_FAMILIES
from core.prefill import CTA_MAX
from core.render import render_banner_html
from core.render.formats import FORMATS
from core.brand.assets import FONT_MAX_BYTES, LOGO_MAX_BYTES
from core.storage import get_storage
from pages import ui

K = "brand_kit_"  # widget keys
DEFAULT_COLORS = {"primary": "#1F2937", "secondary": "#6B7280", "text": "#111827",
                  "button": "#2563EB"}
SAMPLE = {
    "headline": "Trail shoes made for long days",
    "subtitle": "Light, grippy and kind to your knees on every kind of trail.",
    "cta_text": "Shop now", "brand": "Your brand",
    "colors": {"primary": "#1F2937", "secondary": "#6B7280", "background": "#FFFFFF",
               "text": "#111827", "button": "#2563EB", "button_text": "#FFFFFF"},
    "widgets": [{"type": "price_badge", "price": "129.00", "currency": "EUR"}],
    "layout": {"text_position": "left"},
}
FONT_CHOICES = {"": "Noto Sans (default)", **{k: v for k, v in BRAND_FAMILIES.items()
                                             if k != "NotoSans"}}


def _load(workspace: str) -> None:
    """Fill the widgets from the saved kit once per session (and after a save)."""
    state = st.session_state
    if state.get(K + "loaded") == workspace:
        return
    kit = brand.get_kit(workspace)
    state[K + "logo_url"] = kit.logo_url
    state[K + "use_colors"] = bool(kit.colors)
    for name, default in DEFAULT_COLORS.items():
        state[K + name] = kit.colors.get(name, default)
    state[K + "font_url"] = kit.font if kit.font.startswith("/media/") else ""
    state[K + "font_name"] = kit.font_name
    state[K + "font"] = "uploaded" if kit.font.startswith("/media/") else kit.font
    state[K + "cta"] = "\n".join(kit.cta_words)
    state[K + "tone"] = ", ".join(kit.tone_words)
    state[K + "legal"] = kit.legal
    state[K + "loaded"] = workspace


def _upload(workspace: str, kind: str) -> None:
    """Store a newly chosen logo/font file once (file uploads come back on every rerun)."""
    state = st.session_state
    file = state.get(K + kind + "_file")
    if file is None or state.get(K + kind + "_done") == file.file_id:
        return
    try:
        if kind == "logo":
            state[K + "logo_url"] = brand.upload_logo(workspace, file.getvalue())
        else:
            url, name = brand.upload_font(workspace, file.getvalue())
            state[K + "font_url"], state[K + "font_name"], state[K + "font"] = url, name, "uploaded"
        state.pop(K + kind + "_error", None)
    except AppError as exc:
        state[K + kind + "_error"] = exc
    state[K + kind + "_done"] = file.file_id


def _draft() -> tuple[brand.BrandKit | None, ValidationError | None]:
    """The kit as the widgets show it now."""
    state = st.session_state
    font = state.get(K + "font", "")
    data = {
        "logo_url": state.get(K + "logo_url"),
        "colors": ({n: state[K + n] for n in DEFAULT_COLORS} if state.get(K + "use_colors")
                   else {}),
        "font": state.get(K + "font_url", "") if font == "uploaded" else font,
        "font_name": state.get(K + "font_name", "") if font == "uploaded" else "",
        "cta_words": [w for w in state.get(K + "cta", "").splitlines() if w.strip()],
        "tone_words": [w for w in state.get(K + "tone", "").split(",") if w.strip()],
        "legal": state.get(K + "legal", ""),
    }
    try:
        return brand.parse_kit(data), None
    except ValidationError as exc:
        return None, _in_form_words(exc)


# the kit's field names as the form labels them (a walk-through read "Invalid brand kit: cta_words: …")
_LABELS = {"cta_words": "Call-to-action phrases", "tone_words": "Tone words", "legal": "Legal line",
           "colors": "Colours", "font": "Font", "font_name": "Font", "logo_url": "Logo"}


def _in_form_words(exc: ValidationError) -> ValidationError:
    problems = []
    for problem in exc.problems:
        name, _, rest = problem.partition(": ")
        label = _LABELS.get(name.split(".", 1)[0])
        problems.append(f"{label}: {rest}" if label and rest else problem)
    return ValidationError("The kit cannot be used yet: " + "; ".join(problems), problems)


def _editor(workspace: str) -> None:
    state = st.session_state
    st.subheader("Logo")
    if state.get(K + "logo_url"):
        uri = get_storage().data_uri(state[K + "logo_url"])
        if uri:
            st.image(uri, width=160)
        st.button("Remove logo", key=K + "logo_remove", icon=":material/delete:",
                  on_click=state.__setitem__, args=(K + "logo_url", None))
    st.file_uploader("Upload a logo (PNG or SVG)", type=["png", "svg"], key=K + "logo_file",
                     on_change=_upload, args=(workspace, "logo"),
                     max_upload_size=LOGO_MAX_BYTES // 1_000_000,  # the widget's note says the limit
                     help="SVG files are cleaned (no scripts, links or embedded files) and "
                          "drawn to PNG once; banners only ever contain that PNG.")
    if err := state.get(K + "logo_error"):
        ui.show_error(err)
    st.subheader("Colours")
    st.toggle("Use brand colours (else each banner takes its photo's palette)",
              key=K + "use_colors")
    if state.get(K + "use_colors"):
        cols = st.columns(4)
        for col, name in zip(cols, DEFAULT_COLORS):
            col.color_picker(name.capitalize(), key=K + name)
    st.subheader("Font")
    choices = dict(FONT_CHOICES)
    if state.get(K + "font_url"):
        choices["uploaded"] = f"Uploaded: {state.get(K + 'font_name') or 'font'}"
    if state.get(K + "font") not in choices:
        state[K + "font"] = ""
    st.selectbox("Font", list(choices), format_func=choices.get, key=K + "font")
    st.file_uploader("Or upload a font (TTF or OTF)", type=["ttf", "otf"], key=K + "font_file",
                     on_change=_upload, args=(workspace, "font"),
                     max_upload_size=FONT_MAX_BYTES // 1_000_000,
                     help="Scripts the font lacks (Arabic, CJK, …) still use Noto.")
    if err := state.get(K + "font_error"):
        ui.show_error(err)
    st.subheader("Words")
    st.text_area(f"Call-to-action phrases (one per line, up to {CTA_MAX} characters each; variant 1 "
                 "takes the first, …)",
                 key=K + "cta", height=110, placeholder="Shop now\nGet yours")
    st.text_input("Tone words (comma separated; told to Gemini)", key=K + "tone",
                  placeholder="warm, expert, playful")
    st.text_input("Legal line (optional; small print on every banner)", key=K + "legal",
                  max_chars=160)


@functools.lru_cache(maxsize=1)
def sample_background() -> str:
    """A stand-in product photo for the sample (a soft studio gradient with a shoe-grey shape),
    drawn here: without one the sample showed "Background image unavailable"."""
    from PIL import Image, ImageDraw, ImageFilter

    img = Image.new("RGB", (240, 160))
    draw = ImageDraw.Draw(img)
    for y in range(160):
        shade = 236 - y // 4
        draw.line([(0, y), (240, y)], fill=(shade, shade - 4, shade - 12))
    draw.ellipse((120, 70, 220, 120), fill=(96, 104, 118))
    draw.rectangle((150, 52, 200, 96), fill=(96, 104, 118))
    img = img.filter(ImageFilter.GaussianBlur(2))
    out = io.BytesIO()
    img.save(out, "PNG")
    return "data:image/png;base64," + base64.b64encode(out.getvalue()).decode("ascii")


def _sample(kit: brand.BrandKit | None) -> None:
    st.subheader("Sample banner")
    fmt = st.selectbox("Format", list(FORMATS), format_func=lambda f: FORMATS[f].label,
                       key=K + "sample_format", index=list(FORMATS).index("social_1080x1080"))
    prefill = {**SAMPLE, "generated_background_url": sample_background()}
    prefill = brand.apply_kit(prefill, kit) if kit else prefill
    html = render_banner_html(prefill, fmt, resolve=get_storage().data_uri)
    w, h = FORMATS[fmt].size
    width = 480 if w >= h else round(480 * w / h)
    st.iframe("data:text/html;base64," + base64.b64encode(html.encode()).decode("ascii"),
              width=width, height=round(width * h / w), alt="Sample banner in the brand kit")


def _actions(workspace: str, user: str, kit: brand.BrandKit | None) -> None:
    with st.container(horizontal=True, gap="small"):
        save = st.button("Save brand kit", key=K + "save", type="primary",
                         icon=":material/save:", disabled=kit is None)
        rebrand = st.button("Re-render existing banners", key=K + "rebrand",
                            icon=":material/format_paint:", disabled=kit is None,
                            help="Puts the workspace's finished banners in this kit: colours, "
                                 "logo, font and legal line (the copy stays). Saves the kit "
                                 "first. Each banner keeps its previous version for Undo; a "
                                 "changed banner needs a new review.")
    # the question's yes, from the last click; taken (and so dropped) before anything else: a
    # yes pressed while the form had a mistake must not re-render later without asking (a review)
    confirmed = st.session_state.pop(K + "rebrand_go", False)
    if kit is None:
        st.session_state.pop(K + "rebrand_asked", None)
        return
    try:
        nothing_to_change = False
        if rebrand:  # asks first: one click rewrote 95 banners (a walk-through)
            st.session_state[K + "rebrand_asked"] = True
        if st.session_state.get(K + "rebrand_asked"):
            nothing_to_change = _confirm_rebrand(workspace, kit)
        if save or confirmed or (rebrand and nothing_to_change):  # the kit is saved, as the help says
            brand.save_kit(workspace, kit, user)
            st.toast("Brand kit saved: new banners use it")
        if confirmed:
            done = brand.rebrand_previews(workspace, kit)
            st.toast(f"{count(done.changed, 'banner')} re-rendered with the kit")
            if done.reviews_cleared:  # a walk-through: approvals vanished without a word
                st.warning(f"{count(done.reviews_cleared, 'reviewed banner')} changed and "
                           f"{'needs' if done.reviews_cleared == 1 else 'need'} a new review: "
                           f"approvals and rejections were of the banners before the kit.",
                           icon=":material/rate_review:")
    except AppError as exc:
        ui.show_error(exc)


def _answer_rebrand(yes: bool) -> None:
    st.session_state.pop(K + "rebrand_asked", None)
    if yes:
        st.session_state[K + "rebrand_go"] = True


def _confirm_rebrand(workspace: str, kit: brand.BrandKit) -> bool:
    """Say how many finished banners the kit would change (reviewed ones among them); they are
    re-rendered only on a second, named click; Cancel or nothing to change closes the question.
    True when nothing would change."""
    would = brand.rebrand_preview_count(workspace, kit)
    if not would.changed:
        st.session_state.pop(K + "rebrand_asked", None)
        st.info("No finished banner would change: they already look like this kit." if would.finished
                else "There are no finished banners yet: new banners use this kit.",
                icon=":material/check:")
        return True
    reviewed = (f" {count(would.reviews_cleared, 'of them is', 'of them are')} approved or rejected "
                "and will need a new review." if would.reviews_cleared else "")
    st.warning(f"Re-render {count(would.changed, 'finished banner')} of this workspace with the kit? "
               "Colours, logo, font and legal line change, the copy stays; each banner keeps its "
               f"previous version for Undo on its card.{reviewed}", icon=":material/format_paint:")
    with st.container(horizontal=True, gap="small"):
        st.button(f"Re-render {count(would.changed, 'banner')}", key=K + "rebrand_yes",
                  type="primary", on_click=_answer_rebrand, args=(True,))
        st.button("Cancel", key=K + "rebrand_no", on_click=_answer_rebrand, args=(False,))
    return False


def render() -> None:
    who = ui.identity()
    st.title("Brand kit")
    st.caption("Both generators use the kit for new banners (colours, CTA phrases, logo, font "
               "and legal line; Gemini is also told the tone and phrases). Both renderers, "
               "HTML and PNG, draw the logo and font.")
    _load(who.workspace)
    left, right = st.columns([3, 2], gap="large")
    with left:
        _editor(who.workspace)
    kit, error = _draft()
    with right:
        if error is not None:
            ui.show_error(error)
        _sample(kit)
        _actions(who.workspace, who.user, kit)


render()
