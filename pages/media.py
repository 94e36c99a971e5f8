"""Image & video queue: type a prompt, press Generate, keep working; the queue shows results.

The form resets within the same rerun: every widget key carries a form version, and a
successful submit bumps it, so the next render has fresh widgets at their defaults (the
form's ``clear_on_submit`` does the same in the browser). A refused submit keeps what
was typed by re-creating the widgets with the submitted values. The queue is a fragment
that polls the database every ``ui.LIVE_SECONDS`` only while a job is unfinished.
"""

from __future__ import annotations

import time
from functools import partial

import streamlit as st

from core import jobs as job_service
from core.wording import count
from core.errors import AppError, ValidationError
from core.fairshare import place_text
from core.jobs import JobView
from core.media_gen import generator_family
from core.media_gen.params import (
    DEFAULTS, IMAGE_SIZES, MAX_OUTPUTS, MAX_REFERENCE_BYTES, VIDEO_ASPECT_RATIOS, VIDEO_DURATIONS,
    VIDEO_RESOLUTIONS,
)
from core.states import JobStatus
from core.thumbnails import thumbnail_jpeg
from pages import ui

PAGE_SIZE = 20
THUMB_SIDE = 480  # on-screen previews; downloads are the full files
FORM_VERSION = "media_form"  # bumped after a submit: fresh widgets
FORM_VALUES = "media_form_values"  # what fresh widgets start with (defaults, or a refused submit)
FLASH = "media_flash"  # the outcome of the last submit, shown above the form for a while
QUEUED = "media_queued"  # (time, message) of the last job queued from this session
FLASH_SECONDS = 8.0  # long enough to read; a finished job's rerun must not swallow it
AGAIN_SECONDS = 15.0  # an empty submit this soon after a queued job is taken for a double click's second
# (a cold server's first page run can take seconds after the job is queued: a walk-through saw 5 s pass)
KIND = "media_kind"
CURSOR = "media_cursor"
STATUS_FILTER = "media_status"
KIND_FILTER = "media_kind_filter"
ALL = "All"
KIND_LABELS = {"image": ":material/image: Image", "video": ":material/movie: Video"}
FIELDS = ("prompt", "negative_prompt", "aspect_ratio", "number_of_outputs", "duration_seconds",
          "resolution")


def form_key(name: str) -> str:
    """The current widget key of a form field (tests find widgets with it)."""
    return f"media_{name}_{st.session_state.get(FORM_VERSION, 0)}"


def _defaults(kind: str) -> dict:
    return {"prompt": "", "negative_prompt": "", **DEFAULTS[kind]}


def _submit(who, kind: str) -> None:
    """Form callback: runs before the rerun, so the reset shows in that same rerun."""
    state = st.session_state
    values = {name: state.get(form_key(name)) for name in FIELDS}
    if kind == "image":
        values.pop("duration_seconds")
        values.pop("resolution")
    upload = state.get(form_key("reference"))
    reference = (upload.name, upload.getvalue()) if upload is not None else None
    last = state.get(QUEUED)
    if not (values.get("prompt") or "").strip() and last and time.monotonic() - last[0] < AGAIN_SECONDS:
        # a second click of a double click sends the form the first one emptied: that job is
        # queued, say so again (a walk-through read "The job was not created: Prompt: … empty")
        state[FLASH] = ("success", last[1], time.monotonic())
        return
    try:
        job = job_service.submit_job(who.workspace, who.user, kind, values, reference=reference)
    except ValidationError as exc:
        state[FLASH] = ("error", exc, time.monotonic())
        # new widgets pre-filled with what was typed (the browser's clear_on_submit emptied them)
        state[FORM_VALUES] = {k: v for k, v in values.items() if v is not None}
    except AppError as exc:
        state[FLASH] = ("error", exc, time.monotonic())
        state[FORM_VALUES] = {k: v for k, v in values.items() if v is not None}
    else:
        noun = "video" if kind == "video" else "image"
        if job.created:
            with_ref = (f"with the reference image “{upload.name}”" if reference
                        else "without a reference image")
            said = (f"Queued: {noun} “{job.prompt[:80]}”, {with_ref}. It runs in the background; "
                    "follow it in the queue below.")
            state[FLASH] = ("success", said, time.monotonic())
            state[QUEUED] = (time.monotonic(), said)  # (kept apart from the flash, which expires)
        else:
            state[FLASH] = ("info", "You just submitted these settings: the job is already in "
                                    "the queue, no second one was created.", time.monotonic())
        state[FORM_VALUES] = None
    state[FORM_VERSION] = state.get(FORM_VERSION, 0) + 1
    state[CURSOR] = None


def _show_flash() -> None:
    flash = st.session_state.get(FLASH)
    if not flash:
        return
    level, payload, at = flash
    if time.monotonic() - at > FLASH_SECONDS:
        del st.session_state[FLASH]
        return
    if isinstance(payload, AppError):
        ui.show_error(payload)
    else:
        getattr(st, level)(payload)


def _form(who) -> None:
    kind = st.radio("What to generate", list(KIND_LABELS), format_func=KIND_LABELS.get,
                    horizontal=True, key=KIND)
    start = {**_defaults(kind), **(st.session_state.get(FORM_VALUES) or {})}
    _show_flash()
    with st.form("media_job_form", clear_on_submit=True, border=True):
        st.text_area("Prompt", value=start["prompt"], key=form_key("prompt"), height=100,
                     placeholder="A ceramic teapot on a sunny kitchen table, soft morning light")
        st.text_input("Negative prompt (optional)", value=start["negative_prompt"],
                      key=form_key("negative_prompt"), placeholder="blurry, text, watermark")
        cols = st.columns(4 if kind == "video" else 2)
        ratios = list(IMAGE_SIZES) if kind == "image" else list(VIDEO_ASPECT_RATIOS)
        ratio = start["aspect_ratio"] if start["aspect_ratio"] in ratios else ratios[0]
        cols[0].selectbox("Aspect ratio", ratios, index=ratios.index(ratio),
                          key=form_key("aspect_ratio"))
        count = min(int(start["number_of_outputs"] or 1), MAX_OUTPUTS[kind])
        cols[1].number_input(f"Number of {kind}s", min_value=1, max_value=MAX_OUTPUTS[kind],
                             value=count, step=1, key=form_key("number_of_outputs"))
        if kind == "video":
            durations = list(VIDEO_DURATIONS)
            cols[2].selectbox("Duration (seconds)", durations,
                              index=durations.index(start.get("duration_seconds") or 6),
                              key=form_key("duration_seconds"))
            resolutions = list(VIDEO_RESOLUTIONS)
            cols[3].selectbox("Resolution", resolutions,
                              index=resolutions.index(start.get("resolution") or "720p"),
                              key=form_key("resolution"))
        limit_mb = MAX_REFERENCE_BYTES // (1024 * 1024)
        st.file_uploader(f"Reference image (optional, PNG/JPEG/WebP up to {limit_mb} MB)",
                         type=["png", "jpg", "jpeg", "webp"], key=form_key("reference"),
                         max_upload_size=limit_mb)  # the widget's own note says the same limit

        st.form_submit_button("Generate", type="primary", icon=":material/auto_awesome:",
                              on_click=_submit, args=(who, kind), key="media_generate")
    family = generator_family()
    st.caption("Generator: **offline** (a local render, labelled as such; set GEMINI_API_KEY "
               "for Gemini images and Veo videos)" if family == "offline" else
               "Generator: **Gemini** (image model) and **Veo** (video)")


@st.cache_data(max_entries=100, show_spinner=False)
def _video(workspace: str, job_id: str, url: str) -> bytes | None:
    # results never change once written (each attempt writes its own folder)
    return job_service.job_file(workspace, job_id, url)


@st.cache_data(max_entries=500, show_spinner=False)
def _thumbnail(workspace: str, job_id: str, url: str, thumbnail_url: str | None) -> bytes | None:
    """A screen-sized JPEG of an image result (made by the worker; shrunk here for results
    saved without one); the download keeps the full file."""
    if thumbnail_url:
        small = job_service.job_file(workspace, job_id, thumbnail_url)
        if small:
            return small
    data = job_service.job_file(workspace, job_id, url)
    return thumbnail_jpeg(data, THUMB_SIDE) if data else None


def _describe(job: JobView) -> str:
    p = job.params
    parts = [p.get("aspect_ratio", "")]
    if job.kind == "video":
        parts += [f"{p.get('duration_seconds')} s", p.get("resolution", "")]
    n = p.get("number_of_outputs", 1)
    parts.append(f"{n} {job.kind}{'s' if n != 1 else ''}")
    if p.get("negative_prompt"):
        parts.append(f"avoid: {p['negative_prompt'][:60]}")
    if p.get("reference_image"):
        parts.append(f"reference: {p['reference_image']['name']}")
    return " · ".join(x for x in parts if x)


def _act(label: str, action, *args) -> None:
    try:
        action(*args)
    except AppError as exc:
        ui.show_error(exc)
        return
    st.toast(label)
    ui.rerun_view()


def _results(who, job: JobView) -> None:
    cols = st.columns(2 if job.kind == "video" else 3)
    for i, r in enumerate(job.results):
        with cols[i % len(cols)]:
            if job.kind == "video":
                data = _video(who.workspace, str(job.id), r.url)
            else:
                data = _thumbnail(who.workspace, str(job.id), r.url, r.thumbnail_url)
            if data is None:
                st.warning("This file is no longer stored.")
                continue
            size = f"{r.width}×{r.height}" if r.width else ""
            caption = " · ".join(x for x in (size, f"{r.size / 1024:.0f} KB", r.format.upper()) if x)
            if job.kind == "video":
                st.video(data, format=r.content_type)
                st.caption(caption + (f" · {r.duration_seconds:g} s" if r.duration_seconds else ""))
            else:
                st.image(data, caption=caption, width="stretch")
            # the full file is read only when the button is pressed
            st.download_button("Download", partial(job_service.job_file, who.workspace, job.id, r.url),
                               file_name=f"{job.kind}-{job.id.hex[:8]}-{i + 1}.{r.format}",
                               mime=r.content_type, on_click="ignore", icon=":material/download:",
                               key=f"media_download_{job.id}_{i}")


def _job_card(who, job: JobView) -> None:
    jid = str(job.id)
    with st.container(border=True, key=f"media_job_{jid}"):
        head, badge = st.columns([5, 2], vertical_alignment="top")
        head.markdown(f"{KIND_LABELS[job.kind]} · **{job.prompt[:140]}**")
        with badge:
            running = job.status == JobStatus.RUNNING and job.stage
            ui.status_badge(job.status, job.stage if running else "")
        info = [f"Submitted {ui.when(job.created_at)}", _describe(job)]
        if job.failures:  # failed tries (the schedule's place goes back one after "Try now")
            info.append(f"failed {job.failures}×" if job.status in (JobStatus.RETRYING, JobStatus.FAILED)
                        else f"after {job.failures} failed {'try' if job.failures == 1 else 'tries'}")
        if job.status == JobStatus.RETRYING and job.next_retry_at:
            info.append(f"next try {ui.when(job.next_retry_at)}")
        if job.status == JobStatus.PENDING and (place := place_text("job", job.id)):
            info.append(place)  # "#14 in line · about 40 s" (core/fairshare.py)
        if job.generator:
            info.append(f"generator: {job.generator}")
        st.caption(" · ".join(info))
        if job.error_message:
            (st.warning if job.status == JobStatus.RETRYING else st.error)(
                ui.md_escape(job.error_message))
        if job.status == JobStatus.DONE:
            _results(who, job)
        actions = st.columns([1, 1, 6])
        if job.can_cancel and actions[0].button("Cancel", key=f"media_cancel_{jid}",
                                                icon=":material/stop_circle:"):
            _act("Job cancelled", job_service.cancel_job, who.workspace, job.id)
        if job.can_retry and actions[1].button("Retry", key=f"media_retry_{jid}",
                                               icon=":material/replay:"):
            _act("Job queued again", job_service.retry_job, who.workspace, job.id)
        if job.status == JobStatus.RETRYING and actions[1].button(  # no need to wait for the schedule
                "Try now", key=f"media_now_{jid}", icon=":material/replay:",
                help="Try again now, as an extra try: the scheduled retries stay as they are"):
            _act("Trying again now", job_service.try_job_now, who.workspace, job.id)


def _filters(who, summary) -> tuple[str | None, str | None]:
    def label(status: str) -> str:
        return status if status == ALL else f"{status} ({summary.counts.get(status, 0)})"

    top = st.columns([2, 2, 3, 2], vertical_alignment="bottom")
    status = top[0].selectbox("Status", [ALL, *[str(s) for s in JobStatus]], format_func=label,
                              key=STATUS_FILTER, on_change=_reset_cursor)
    kind = top[1].selectbox("Kind", [ALL, "image", "video"], key=KIND_FILTER,
                            on_change=_reset_cursor)
    top[2].caption(f"{count(summary.total, 'job')} · {summary.unfinished} unfinished")
    if top[3].button("Clear completed", key="media_clear", icon=":material/clear_all:",
                     disabled=not summary.finished):
        _act("Finished jobs cleared", job_service.clear_completed_jobs, who.workspace)
    return (None if status == ALL else status), (None if kind == ALL else kind)


def _reset_cursor() -> None:
    st.session_state[CURSOR] = None


def _listing(who) -> bool:
    """Render the filters and one page of jobs; True while the workspace has unfinished jobs."""
    summary = job_service.queue_summary(who.workspace)
    status, kind = _filters(who, summary)
    try:
        page = job_service.list_jobs(who.workspace, status, kind, PAGE_SIZE,
                                     st.session_state.get(CURSOR))
    except AppError as exc:  # e.g. a stale cursor: start again from the first page
        ui.show_error(exc)
        st.session_state[CURSOR] = None
        return summary.unfinished > 0
    if not page.items:
        st.info("No jobs here yet. Describe an image or a video above and press **Generate**."
                if not (status or kind) else "No jobs match these filters.")
    for job in page.items:
        _job_card(who, job)
    prev_col, _, next_col = st.columns([1, 4, 1])
    if page.prev_cursor and prev_col.button("← Newer", key="media_prev"):
        st.session_state[CURSOR] = page.prev_cursor
        ui.rerun_view()
    if page.next_cursor and next_col.button("Older →", key="media_next"):
        st.session_state[CURSOR] = page.next_cursor
        ui.rerun_view()
    return summary.unfinished > 0


def render() -> None:
    who = ui.identity()
    st.title("Image & video queue")
    _form(who)
    st.subheader("Queue")
    live = job_service.queue_summary(who.workspace).unfinished > 0

    @st.fragment(run_every=ui.LIVE_SECONDS if live else None)
    def queue() -> None:
        if _listing(who) != live:
            st.rerun()  # run_every is fixed when declared: a full rerun re-declares it

    queue()


render()
