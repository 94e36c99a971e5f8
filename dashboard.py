"""CTA Batch Studio's page script (served by ``app.py``'s ``st.App``).

Resolves who is working, then hands over to the page the URL asks for. The process's
background parts (migrations, embedded worker or production sender) are started by the
server's lifespan; the call below is a no-op then, and starts them when the script runs
without that server (AppTest, a bare ``streamlit run dashboard.py``).
"""

from __future__ import annotations

import functools
import io
import json
import threading
import time

import streamlit as st

from actors import boot
from core.settings import get_settings
from pages import ui


def navigation():
    """The dashboard's pages (the media queue page appears once its file exists).

    URL paths are Streamlit's defaults (the file names: ``/new_batch``, ``/previews``…):
    on a session's first request Streamlit resolves the path against the ``pages/``
    folder before ``st.navigation`` has run, and custom paths would not be found there.
    """
    pages = [
        st.Page(ui.HOME, title="Home", icon=":material/home:", default=True),
        st.Page(ui.NEW_BATCH, title="New batch", icon=":material/add_circle:"),
        st.Page(ui.BATCHES, title="Batches", icon=":material/list:"),
        st.Page(ui.PREVIEWS, title="Previews", icon=":material/grid_view:"),
    ]
    if ui.page_exists(ui.MEDIA):
        pages.append(st.Page(ui.MEDIA, title="Image & video queue", icon=":material/movie:"))
    pages.append(st.Page(ui.API_KEYS, title="API keys", icon=":material/key:"))
    pages.append(st.Page(ui.WEBHOOKS, title="Webhooks", icon=":material/webhook:"))
    pages.append(st.Page(ui.BRAND_KIT, title="Brand kit", icon=":material/palette:"))
    return st.navigation(pages)


@functools.lru_cache(maxsize=1)
def favicon() -> bytes:
    """The tab's icon, drawn here and served by this server: a ``:material/…:`` page icon makes
    every user's browser fetch it from fonts.gstatic.com (and an emoji from a CDN)."""
    from PIL import Image, ImageDraw

    img = Image.new("RGBA", (64, 64), (0, 0, 0, 0))
    draw = ImageDraw.Draw(img)
    draw.rounded_rectangle((2, 2, 61, 61), radius=14, fill=(79, 70, 229, 255))
    draw.polygon([(16, 26), (30, 26), (46, 14), (46, 50), (30, 38), (16, 38)], fill="white")  # a megaphone
    draw.rectangle((22, 38, 29, 50), fill="white")
    out = io.BytesIO()
    img.save(out, "PNG")
    return out.getvalue()


_timing_lock = threading.Lock()


def _record_render(path: str, page: str, seconds: float) -> None:
    """One JSON line per finished full render (``RENDER_TIMING_LOG``)."""
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    ctx = get_script_run_ctx()
    line = json.dumps({"at": time.time(), "session": ctx.session_id if ctx else "",
                       "page": page, "seconds": round(seconds, 4)})
    with _timing_lock, open(path, "a", encoding="utf-8") as fh:
        fh.write(line + "\n")


def main() -> None:
    started = time.perf_counter()
    st.set_page_config(page_title="CTA Batch Studio", page_icon=favicon(),
                       layout="wide")
    boot.start_dashboard()
    page = navigation()
    who = ui.identity()
    with st.sidebar:
        st.caption(f"Workspace **{who.workspace}** · {who.user}")
        if who.signed_in:
            st.button("Sign out", key="app_logout", on_click=st.logout)
    ui.worker_warning()
    page.run()  # a rerun or st.stop inside ends here by exception: only whole runs count
    if log := get_settings().render_timing_log:
        _record_render(log, page.url_path or "home", time.perf_counter() - started)


main()
