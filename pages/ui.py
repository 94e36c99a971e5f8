"""Helpers shared by the dashboard pages: who is signed in, their time zone, small widgets.

Only presentation lives here; every decision about data is a ``core`` service call.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

import streamlit as st

from core import timefmt
from core.errors import AppError, ValidationError
from core.views import Progress
from core.workspace import Identity, resolve_identity

ROOT = Path(__file__).resolve().parent.parent
HOME = "pages/home.py"
NEW_BATCH = "pages/new_batch.py"
BATCHES = "pages/batches.py"
PREVIEWS = "pages/previews.py"
MEDIA = "pages/media.py"
API_KEYS = "pages/api_keys.py"
WEBHOOKS = "pages/webhooks.py"
BRAND_KIT = "pages/brand_kit.py"

# How often live views poll the database while something is unfinished. Fragments rerun
# only their own part of the page, so this costs a few small queries per viewer.
LIVE_SECONDS = 2.0
# Resume takes Cancel's place: a second click on Cancel soon after is not a resume (a second
# walk-through resumed a batch with a second click 1.5 s and 3 s after Cancel); it is told so
DOUBLE_CLICK_SECONDS = 5.0
RESUME_HELD = ("Not resumed: the batch was cancelled a moment ago (a second click on Cancel?). "
               "Press Resume again to queue its cancelled previews.")
# The previews page polls with one narrow query and redraws only on change. Every poll
# still makes the browser re-render the page's element tree (measured in headless
# chromium: ~26 ms plus ~0.7 ms a card; a redraw ~6 ms a card more), so it polls no
# faster than the other live views.
WATCH_SECONDS = 2.0


def url_key(url: str) -> str:
    """The widget-key part for one URL: a digest of the whole URL, unique by construction
    (a batch's URLs are unique). Never a slug: slugs are cut at 40 characters, so two
    Shopify ``?variant=`` URLs or two long Amazon paths got the same key and the page
    crashed (StreamlitDuplicateElementKey). Prefer a database id where the row has one."""
    return hashlib.blake2b(url.encode("utf-8"), digest_size=12).hexdigest()


STATUS_ICONS = {
    "pending": ":material/hourglass_empty:", "queued": ":material/schedule:",
    "running": ":material/progress_activity:", "retrying": ":material/replay:",
    "done": ":material/check_circle:", "failed": ":material/error:",
    "cancelled": ":material/block:",
}
STATUS_COLORS = {
    "pending": "gray", "queued": "blue", "running": "violet", "retrying": "orange",
    "done": "green", "failed": "red", "cancelled": "gray",
}
UNFINISHED = {"pending", "queued", "running", "retrying"}


def _auth_configured() -> bool:
    """True when ``.streamlit/secrets.toml`` has an ``[auth]`` section (OIDC via st.login)."""
    try:
        return "auth" in st.secrets
    except Exception:  # noqa: BLE001 - no secrets file at all means no auth
        return False


def _require_app_navigation() -> None:
    """Make sure pages run through ``app.py``'s ``st.navigation``.

    Seeing a ``pages/`` folder, Streamlit runs a server's very first request for a
    sub-page (``/batches``) as a bare script, without ``app.py`` (multipage "v1"). Turning
    that mode off and rerunning lets ``app.py`` take over (migrations, worker, navigation).
    The rerun is done only on a session's first run: a later run carries widget events
    (AppTest resets the mode before every run) that a rerun would drop.
    """
    from streamlit.runtime.pages_manager import PagesManager

    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        if not len(st.session_state):
            st.rerun()


FLASH = "ui_flash"  # confirmations waiting to be shown as toasts on the next run


def flash(message: str, icon: str = ":material/check_circle:") -> None:
    """A short confirmation shown as a toast on the next run of the page (safe from
    callbacks and right before ``st.rerun``/``st.switch_page``, which drop a toast made in
    the same run)."""
    st.session_state.setdefault(FLASH, []).append((message, icon))


def show_flashes() -> None:
    for message, icon in st.session_state.pop(FLASH, []):
        st.toast(message, icon=icon)


def close_popover(key: str) -> None:
    """Close a popover declared with ``key=key, on_change="rerun"`` (from a callback)."""
    st.session_state[key] = False


def identity() -> Identity:
    """The workspace and user for this session; stops the page when sign-in is needed.

    Every page calls this first (it also routes a bare page run through ``app.py``), and
    confirmations of the previous run's actions are shown here (``flash``).
    """
    _require_app_navigation()
    show_flashes()
    email = None
    if _auth_configured():
        if not st.user.is_logged_in:
            st.info("Sign in to see your workspace's batches.")
            st.button("Sign in", key="ui_login", on_click=st.login, type="primary")
            st.stop()
        email = st.user.get("email")
    try:
        return resolve_identity(email)
    except ValidationError as exc:
        st.error(exc.message)
        st.button("Sign out", key="ui_logout_refused", on_click=st.logout)
        st.stop()


def user_tz() -> dt.tzinfo:
    """The browser's time zone (UTC when the browser did not say, e.g. in AppTest)."""
    try:
        return timefmt.zone(st.context.timezone, st.context.timezone_offset)
    except Exception:  # noqa: BLE001 - no browser context
        return timefmt.UTC


def when(at: dt.datetime | None) -> str:
    """``2 min ago (10:30 AM)`` in the user's time zone."""
    return timefmt.when(at, user_tz())


def _badge_label(status: str, extra: str) -> str:
    return status + (f" · {extra}" if extra else "")


def status_badge(status: str, extra: str = "") -> None:
    """A coloured badge with the status (and e.g. the running stage)."""
    st.badge(_badge_label(status, extra), icon=STATUS_ICONS.get(status),
             color=STATUS_COLORS.get(status, "gray"))


def batch_status(b) -> str:
    """A batch's status in words: "done · 2 failed" for one that finished with failed
    banners (the progress line alone was easy to miss), else its status."""
    failed = b.progress.failed if b.progress and b.status == "done" else 0
    return f"done · {failed} failed" if failed else str(b.status)


def batch_badge(b) -> None:
    """A batch's status badge; one done with failed banners in orange, not a plain green."""
    text = batch_status(b)
    if text != b.status:
        st.badge(text, icon=":material/warning:", color="orange")
    else:
        status_badge(b.status)


def badge_md(status: str, extra: str = "") -> str:
    """``status_badge`` as inline markdown (to share one element with other text)."""
    color = STATUS_COLORS.get(status, "gray")
    icon = STATUS_ICONS.get(status, "")
    return f":{color}-badge[{icon} {md_escape(_badge_label(status, extra))}]"


_MD_SPECIAL = str.maketrans({c: "\\" + c for c in "\\`*_[]<>$~|#"})


def md_escape(text: str) -> str:
    """``text`` shown literally inside Streamlit markdown (error messages, stages…)."""
    return str(text).translate(_MD_SPECIAL)


def isolated(text: str) -> str:
    """Shop text set apart from what is written beside it (Unicode first-strong isolate): an
    Arabic title's last word no longer takes the price that follows it into its own reading
    order ("… Beardo 50 245.00 · مل EGP" — a walk-through)."""
    return f"\u2068{text}\u2069"


def md_link(url: str, label: str | None = None) -> str:
    """A URL as a markdown link that shows it (or ``label``) literally and leads to it exactly
    (a bare URL is auto-linked by the markdown renderer with its escapes: "27\\_x.html" →
    "27%5C_x.html")."""
    target = str(url).replace("<", "%3C").replace(">", "%3E").replace(" ", "%20")
    return f"[{md_escape(label or url)}](<{target}>)"


def shorten(text: str | None, limit: int) -> str | None:
    """``text`` for one line: cut to ``limit`` characters with "…" when longer (scraped titles,
    users' batch names run to hundreds of characters)."""
    return text if not text or len(text) <= limit else text[:limit - 1].rstrip() + "…"


def short_url(url: str, limit: int = 70) -> str:
    """An address as a heading: host without ``www.`` and the path's last words, e.g.
    ``scorptec.com.au › graphics cards › rtx 5070`` (the whole address stays the link)."""
    from urllib.parse import unquote, urlsplit

    parts = urlsplit(url)
    host = (parts.hostname or url).removeprefix("www.")
    words = [unquote(seg).replace("-", " ").replace("_", " ").strip()
             for seg in parts.path.split("/") if seg.strip()]
    words = [w.rsplit(".", 1)[0] if w.endswith((".html", ".htm", ".php", ".aspx")) else w
             for w in words if w]
    text = " › ".join([host, *words[-2:]])
    query = f" ?{unquote(parts.query)}" if parts.query else ""  # Shopify's ?variant= tells apart
    if len(text) + len(query) > limit:
        text = text[: max(20, limit - len(query[:30]) - 1)].rstrip() + "…"
    return (text + query)[:limit]


def progress_text(p: Progress) -> str:
    """``7/17 finished · 5 done · 2 running · :red[1 failed]`` (zero counts left out)."""
    parts = [f"{p.finished}/{p.total} finished"]
    for name in ("done", "running", "queued", "retrying", "pending", "failed", "cancelled"):
        count = getattr(p, name)
        if count:
            # failures in red: the bar itself has one colour, so "all failed" looked like progress
            parts.append(f":red[{count} failed]" if name == "failed" else f"{count} {name}")
    return " · ".join(parts)


def retry_failed_help(p: Progress) -> str:
    """What "Retry N failed" does, and why it leaves some failures out when it does."""
    text = "Queue the failed previews again"
    if p.failed_for_good:
        them = "it" if p.failed_for_good == 1 else "them"
        text += (f"; {p.failed_for_good} other failed {'one' if p.failed_for_good == 1 else 'ones'} "
                 f"would fail the same way (not a product's page, no photo that can be used): "
                 f"{'its card says' if p.failed_for_good == 1 else 'their cards say'} what to do "
                 f"instead, so retrying leaves {them} out")
    return text


# the bar's parts, in order: what finished, coloured by how (st.progress has one colour, so a
# batch where every preview failed showed a full blue bar, read as "all went well")
_BAR_PARTS = (("done", "#21c354"), ("failed", "#ff4b4b"), ("cancelled", "#a3a8b8"))


def progress_bar_html(p: Progress) -> str:
    """The bar itself: green for banners made, red for failures, grey for cancelled; what
    is still waiting or running leaves the rest of the track empty."""
    parts = "".join(
        f'<div class="ctabs-bar-{name}" title="{getattr(p, name)} {name}" style="width:'
        f'{100 * getattr(p, name) / p.total:.2f}%;background:{colour};height:100%"></div>'
        for name, colour in _BAR_PARTS if p.total and getattr(p, name))
    return (f'<div class="ctabs-bar" role="progressbar" aria-valuemin="0" aria-valuemax="{p.total}" '
            f'aria-valuenow="{p.finished}" aria-label="{p.finished} of {p.total} finished" '
            'style="display:flex;height:0.5rem;border-radius:0.25rem;overflow:hidden;'
            f'background:rgba(151,166,195,0.25);margin:-0.5rem 0 0.5rem">{parts}</div>')


def progress_bar(p: Progress) -> None:
    """A progress bar of finished previews, coloured by outcome, with per-status counts as its label."""
    st.markdown(progress_text(p))
    st.markdown(progress_bar_html(p), unsafe_allow_html=True)


def show_error(exc: AppError) -> None:
    """An error where it happened, with every problem listed when there are several."""
    # shown literally: messages quote what was typed ("*Sale*", "<b>", a webhook's description)
    problems = getattr(exc, "problems", None) or []
    if len(problems) > 1:
        head = exc.message.split(":")[0]
        if any(p.startswith(f"{head}:") for p in problems):  # the message is the first problem itself
            head = f"{len(problems)} problems"  # ("Button text: must not be empty; …" headed "Button text:")
        st.error(md_escape(head) + ":\n" + "\n".join(f"- {md_escape(p)}" for p in problems))
    else:
        st.error(md_escape(exc.message))


@st.cache_data(max_entries=2000, ttl=120, show_spinner=False)
def small_image(url: str, side: int = 160) -> str | bytes:
    """A small copy of a product photo for lists: the stored copy (a photo given on the
    Previews page, or the copy the pipeline kept of a shop photo: shops refuse hotlinks),
    else the shop's URL, else "" (nothing to show)."""
    from core.pipeline.stages import photo_key
    from core.storage import get_storage
    from core.thumbnails import thumbnail_jpeg

    storage = get_storage()
    try:
        data = storage.get(url) if url.startswith("/media/") else storage.get(photo_key(url))
    except Exception:  # noqa: BLE001 - a missing or unreadable copy: fall back to the URL
        data = None
    small = thumbnail_jpeg(data, side) if data else None
    if small:
        return small
    return url if url.startswith(("http://", "https://")) else ""


def page_exists(path: str) -> bool:
    """Whether another engineer's page file is present (checked at runtime)."""
    return (ROOT / path).exists()


def rerun_view() -> None:
    """Rerun just the live fragment when called from one, else the whole page.

    ``st.rerun(scope="fragment")`` raises during a full-app run (which is also how AppTest
    runs every interaction), so the scope is chosen from the current run.
    """
    st.rerun(scope="fragment" if in_fragment_run() else "app")


def in_fragment_run() -> bool:
    """True while Streamlit reruns only a fragment (not the whole page)."""
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    ctx = get_script_run_ctx()
    return bool(ctx is not None and ctx.fragment_ids_this_run)


def starts_chart(frame: "pd.DataFrame"):
    """Starts per minute: one time format on the axis (Vega-Lite's default mixed "02:25"
    with "03 PM") and whole numbers of starts (it printed "0.000000" on an empty hour)."""
    import altair as alt

    return alt.Chart(frame).mark_bar().encode(
        x=alt.X("minute:T", title=None, axis=alt.Axis(format="%H:%M", labelOverlap=True)),
        y=alt.Y("starts:Q", title="starts / min",
                axis=alt.Axis(format="d", tickMinStep=1), scale=alt.Scale(domainMin=0)),
        tooltip=[alt.Tooltip("minute:T", format="%H:%M"), "starts:Q"],
    )


@st.cache_data(ttl=10, show_spinner=False)
def _live_worker_count(prefix: str) -> int | None:
    """Worker processes with a fresh heartbeat (production), None when it cannot be read."""
    from core import health

    try:
        return len(health.live_workers())
    except Exception:  # noqa: BLE001 — the queue's own health is /healthz's to report
        return None


def worker_warning() -> None:
    """In production, say at the top of every page when no worker process is running: a walk-
    through's batches sat "pending" forever while every page (and its time estimate) looked fine."""
    from core.settings import get_settings

    s = get_settings()
    if s.embedded:
        return
    live = _live_worker_count(s.redis_prefix)
    if live is None:  # the queue itself does not answer (a second walk-through: nothing on any page said so)
        st.error("The work queue (Redis) does not answer: new batches and jobs wait, and nothing runs, until "
                 "it is back (they are kept, nothing is lost). Operators: see /healthz and the README, "
                 "Operations.", icon=":material/cloud_off:")
        return
    if live != 0:
        return
    st.warning("No worker process is running: new and waiting previews and jobs wait until one "
               "starts (they are kept, nothing is lost). Operators: start one with "
               "`dramatiq actors.worker` (README, Operations).", icon=":material/engineering:")

