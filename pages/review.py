"""The review workflow on the Previews page (issue 14): per card Approve / Reject,
Regenerate (new copy, new background or both, with an instruction), Photo (another of the
product's ranked images or an upload, then regenerate) and History (view, undo to any);
above the cards a Review filter, Approve / Reject everything the filters show, and the
approved banners as ZIP / CSV. Every action calls ``core.review``."""

from __future__ import annotations

import uuid

import functools

import streamlit as st

from core.wording import count
from core.errors import AppError
from core.review import (REVIEW_FILTERS, approved_count, export_approved, history,
                         photo_choices, regenerate, review_matching, set_review, swap_photo,
                         undo_to)
from core.views import PreviewInfo
from pages import ui, zip_formats

ALL = "All"
REVIEW_LABELS = {ALL: "All", "approved": "Approved", "rejected": "Rejected",
                 "unreviewed": "Unreviewed"}
WHAT = {"both": "Copy and background", "copy": "New copy", "background": "New background"}


def _done(message: str) -> None:
    ui.flash(message)
    st.rerun()


def _call(message: str, fn, *args, **kwargs) -> None:
    try:
        fn(*args, **kwargs)
    except AppError as exc:
        ui.show_error(exc)
        return
    from pages import prefill_form

    preview_id = next((a for a in args if isinstance(a, uuid.UUID)), None)
    if preview_id is not None:  # this user's own change: an open editor shows it, no "changed elsewhere"
        prefill_form.close(preview_id)
    _done(message)


# --- the page: filter, bulk actions, export --------------------------------------------------

def review_filter(container, on_change=None) -> str | None:
    """The Review filter (in ``container``); None for All. ``on_change``: e.g. back to the
    grid's first screen."""
    choice = container.selectbox("Review", [ALL, *REVIEW_FILTERS], key="previews_review",
                                 format_func=REVIEW_LABELS.get, on_change=on_change,
                                 args=(1,) if on_change else None)
    return None if choice == ALL else choice


def _bulk(decision: str, verb: str, icon: str, matching: int, off_screen: int, act,
          overturns: int = 0) -> None:
    """Approve / reject every banner the filters match. When some of them are on other screens
    of the list, or were decided the other way (``overturns``: rejected ones an "Approve all"
    would approve), the button opens a confirmation that says so instead of deciding unseen."""
    label = f"{verb} all {matching}" if matching else f"{verb} all"
    key = f"review_{decision}_all"

    def run() -> None:
        try:
            n = act(decision)
        except AppError as exc:
            ui.show_error(exc)
        else:
            _done(f"{count(n, 'banner')} {'approved' if decision == 'approve' else 'rejected'}")

    if off_screen <= 0 and overturns <= 0:
        if st.button(label, key=key, icon=icon, help=f"{verb}s every finished banner the filters above show"):
            run()
        return
    with st.popover(label + "…", icon=icon, key=f"{key}_pop"):
        said = []
        if off_screen > 0:
            said.append(f"the filters match {off_screen} more than this screen shows (on its other pages)")
        if overturns > 0:  # a walk-through: "Approve all" approved a banner just rejected, unasked
            other = "rejected" if decision == "approve" else "approved"
            said.append(f"{count(overturns, 'of them is', 'of them are')} {other} now and would be "
                        f"{'approved' if decision == 'approve' else 'rejected'}")
        st.markdown(f"This {verb.lower()}s **{count(matching, 'banner')}**: " + "; ".join(said) + ".")
        if st.button(f"{verb} all {matching}", key=key, icon=icon, type="primary"):
            run()


def toolbar(workspace: str, detail, product: str | None, status: str | None,
            review: str | None, user: str | None, *, matching: int = 0, on_screen: int = 0,
            decided: tuple[int, int] = (0, 0)) -> None:
    """Approve / reject every finished preview the filters show (``matching`` of them,
    ``on_screen`` on this screen, ``decided`` = (approved, rejected) of them now); approved as
    ZIP / CSV."""
    b = detail.batch
    if not b.progress.done:
        return
    from core.exports import slug

    def act(decision: str) -> int:
        return review_matching(workspace, b.id, "approved" if decision == "approve" else "rejected",
                               product_id=product, status=status, review=review, user=user)

    with st.container(horizontal=True, gap="small", vertical_alignment="center",
                      key="review_toolbar"):
        off_screen = max(matching - on_screen, 0)
        _bulk("approve", "Approve", ":material/thumb_up:", matching, off_screen, act, decided[1])
        _bulk("reject", "Reject", ":material/thumb_down:", matching, off_screen, act, decided[0])
        name = f"{slug(b.name, 'batch')}-approved"
        approved = approved_count(workspace, b.id)
        formats = zip_formats.chosen()  # the same formats as the batch's ZIP
        # nothing approved: no file to give (a ZIP that is a sentence would not open)
        none = "Nothing is approved yet: approve banners (👍 on a card, or Approve all) first"
        st.download_button("Approved ZIP", key="review_zip", icon=":material/folder_zip:",
                           on_click="ignore", mime="application/zip", file_name=f"{name}.zip",
                           data=functools.partial(_export, workspace, b.id, "zip", formats),
                           disabled=not approved,
                           help=f"The {count(approved, 'approved banner')} only: PNG and HTML in every "
                                "size, prefill JSON, prefills.csv" if approved else none)
        st.download_button("Approved CSV", key="review_csv", icon=":material/table:",
                           on_click="ignore", mime="text/csv", file_name=f"{name}-prefills.csv",
                           data=functools.partial(_export, workspace, b.id, "csv", formats),
                           disabled=not approved,
                           help=f"The prefills of the {count(approved, 'approved banner')}, one row each"
                                if approved else none)


def _export(workspace: str, batch_id, fmt: str, formats=None) -> bytes:
    try:
        return export_approved(workspace, batch_id, fmt, formats)[1]
    except AppError as exc:  # nothing approved yet: the file says so
        return exc.message.encode()


# --- one card ------------------------------------------------------------------------------

def review_badge(p: PreviewInfo) -> str:
    """Markdown for the card's summary: the review decision or the regeneration under way."""
    if p.regenerating:
        return ":blue-badge[:material/autorenew: Regenerating — this is the current version]"
    if p.review_status == "approved":
        return ":green-badge[:material/thumb_up: Approved]"
    if p.review_status == "rejected":
        return ":red-badge[:material/thumb_down: Rejected]"
    return ""


def card_controls(p: PreviewInfo, workspace: str, user: str | None = None) -> None:
    """Approve / Reject, Regenerate, Photo and History of a finished preview."""
    badge = review_badge(p)
    if p.regenerating:
        st.markdown(badge)
        return
    if p.status != "done" or not p.prefill:
        return
    with st.container(horizontal=True, gap="small", vertical_alignment="center",
                      key=f"review_{p.id.hex}"):
        if badge:
            st.markdown(badge, width="content")
        if p.review_status != "approved" and st.button(
                "Approve", key=f"rapprove_{p.id.hex}", icon=":material/thumb_up:"):
            _call("Banner approved", set_review, workspace, p.id, "approved", user)
        if p.review_status != "rejected" and st.button(
                "Reject", key=f"rreject_{p.id.hex}", icon=":material/thumb_down:"):
            _call("Banner rejected", set_review, workspace, p.id, "rejected", user)
        # the popovers' content is drawn only while one is open: a screen of 24 cards
        # with three forms each cost the browser noticeably more per page load
        for label, icon, name, draw in (
                ("Regenerate", ":material/autorenew:", "rregen", _regenerate_form),
                ("Photo", ":material/add_photo_alternate:", "rphoto", _photo_form),
                ("History", ":material/history:", "rhist", _history)):
            pop = st.popover(label, icon=icon, key=f"{name}_{p.id.hex}", on_change="rerun")
            if pop.open:
                with pop:
                    draw(p, workspace, user)


def _regenerate_form(p: PreviewInfo, workspace: str, user: str | None) -> None:
    with st.form(key=f"regen_form_{p.id.hex}", border=False):
        what = st.radio("Make new", list(WHAT), format_func=WHAT.get, horizontal=True,
                        key=f"regen_what_{p.id.hex}")
        text = st.text_input("Instruction (optional)", max_chars=500,
                             placeholder="shorter headline, mention free shipping",
                             key=f"regen_text_{p.id.hex}")
        st.caption("The current banner stays until the new one is done.")
        if st.form_submit_button("Regenerate", type="primary", icon=":material/autorenew:"):
            _call("Regenerating: the new version replaces this one when it is done",
                  regenerate, workspace, p.id, what, text, user)


def _photo_form(p: PreviewInfo, workspace: str, user: str | None) -> None:
    try:
        choices = photo_choices(workspace, p.id)
    except AppError as exc:
        ui.show_error(exc)
        return
    with st.form(key=f"photo_form_{p.id.hex}", border=False):
        picked = None
        if choices:
            # numbered as in the product's image strip above the cards (no thumbnails here:
            # a popover's content is drawn with every card, even closed)
            picked = st.selectbox(
                "Use the product's image", range(len(choices)), index=None,
                format_func=lambda i: f"#{i + 1}" + (" (in use)" if choices[i] == p.source_image_url
                                                     else ""),
                key=f"photo_pick_{p.id.hex}")
        upload = st.file_uploader("…or upload a photo", type=["jpg", "jpeg", "png", "webp", "avif",
                                                              "gif", "bmp"],
                                  key=f"photo_upload_{p.id.hex}")
        what = st.radio("Then make new", ["both", "background"], format_func=WHAT.get,
                        horizontal=True, key=f"photo_what_{p.id.hex}")
        if st.form_submit_button("Use this photo and regenerate", type="primary",
                                 icon=":material/add_photo_alternate:"):
            if upload is not None:
                _call("New photo: regenerating", swap_photo, workspace, p.id,
                      data=upload.getvalue(), what=what, user=user)
            elif picked is not None:
                _call("New photo: regenerating", swap_photo, workspace, p.id,
                      image_url=choices[picked], what=what, user=user)
            else:
                st.warning("Pick one of the images or upload a photo.")


_KINDS = {"generated": "Generated", "edit": "Edited", "regenerated": "Regenerated",
          "undo": "Undo"}


def _history(p: PreviewInfo, workspace: str, user: str | None = None) -> None:
    try:
        versions = history(workspace, p.id)
    except AppError as exc:
        ui.show_error(exc)
        return
    for v in versions:
        with st.container(border=True, key=f"hv_{p.id.hex}_{v.version}"):
            head = f"**v{v.version}** · {_KINDS.get(v.kind, v.kind)}"
            if v.created_at:
                head += f" · {ui.when(v.created_at)}"
            if v.current:
                head += " · :green[current]"
            st.markdown(head)
            if v.note:
                st.caption(v.note)
            pf = v.prefill or {}
            st.markdown(f"{ui.md_escape(pf.get('headline', ''))}  \n"
                        f":gray[{ui.md_escape(pf.get('subtitle', ''))}]")
            if not v.current and st.button("Undo to this version", key=f"hundo_{p.id.hex}_{v.version}",
                                           icon=":material/undo:"):
                _call(f"Back to version {v.version}", undo_to, workspace, p.id, v.version)


# --- the edit form: text fit ----------------------------------------------------------------

def fit_report(prefill: dict) -> None:
    """Whether the headline and subtitle fit every banner size at the minimum font size."""
    from core.review import text_fit

    try:
        fits = text_fit(prefill)
    except Exception:  # noqa: BLE001 - a half-typed prefill: the save names the problem
        return
    bad = {size: w for size, w in fits.items() if w}
    if not bad:
        st.success("Headline and subtitle fit every banner size.", icon=":material/check:")
        return
    lines = [f"**{size}**: " + "; ".join(ui.md_escape(x) for x in w) for size, w in bad.items()]
    st.warning("Text does not fit at the minimum font size:  \n" + "  \n".join(lines),
               icon=":material/format_size:")
