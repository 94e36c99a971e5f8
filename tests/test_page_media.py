"""Image & video queue page (AppTest): the form resets, submissions queue, the queue acts."""

from __future__ import annotations

import time

import datetime as dt
import io

import pytest
import sqlalchemy as sa
from PIL import Image
from streamlit.testing.v1 import AppTest

from core.jobs import list_jobs, submit_job
from core.storage import get_storage
from db.base import utcnow
from db.engine import unit_of_work
from db.models import GenerationJob
from tests.app_harness import ROOT, TIMEOUT, app_ws, open_page, texts  # noqa: F401
from tests.test_jobs import set_job_state

PAGE = "pages/media.py"


@pytest.fixture(autouse=True)
def no_leftover_jobs(app_ws):
    """Delete the test's jobs afterwards (a later worker in the session would run them)."""
    yield
    with unit_of_work() as session:
        session.execute(sa.delete(GenerationJob).where(GenerationJob.workspace == app_ws))


def open_media() -> AppTest:
    at = AppTest.from_file(str(ROOT / PAGE), default_timeout=TIMEOUT)
    at.run()
    assert not at.exception, at.exception
    return at


def field(at: AppTest, name: str) -> str:
    """The current key of a form widget (keys carry the form version)."""
    version = at.session_state["media_form"] if "media_form" in at.session_state else 0
    return f"media_{name}_{version}"


def submit(at: AppTest, prompt: str, **values) -> AppTest:
    at.text_area(key=field(at, "prompt")).input(prompt)
    for name, value in values.items():
        kind = {"negative_prompt": "text_input", "number_of_outputs": "number_input"}.get(name, "selectbox")
        getattr(at, kind)(key=field(at, name)).set_value(value)
    at.button(key="media_generate").click().run()
    assert not at.exception, at.exception
    return at


def png(size=(64, 40)) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", size, (90, 20, 160)).save(buf, "PNG")
    return buf.getvalue()


def a_done_job(workspace, prompt="A violet square", kind="image"):
    job = submit_job(workspace, "local", kind, {"prompt": prompt})
    data = png() if kind == "image" else b"\x00\x00\x00\x18ftypmp42 not really a movie"
    ext, ctype = ("png", "image/png") if kind == "image" else ("mp4", "video/mp4")
    url = get_storage().put(f"jobs/{job.id}/t/{kind}-1.{ext}", data, ctype)
    set_job_state(job.id, "done", generator="offline", results=[{
        "url": url, "size": len(data), "format": ext, "content_type": ctype, "width": 64,
        "height": 40, "duration_seconds": 4.0 if kind == "video" else None,
        "created_at": "2026-11-23T10:00:00+00:00"}])
    return job


def test_the_page_is_titled_and_starts_with_an_empty_queue(app_ws):
    at = open_media()
    assert at.title[0].value == "Image & video queue"
    assert "No jobs here yet" in texts(at.info)
    assert "Generator: **offline**" in texts(at.caption)


def test_the_reference_upload_says_one_size_limit(app_ws):
    # a walk-through: the label said "up to 10 MB", the upload widget's own note "15MB per file"
    from core.media_gen.params import MAX_REFERENCE_BYTES

    at = open_media()
    (uploader,) = at.get("file_uploader")
    limit = MAX_REFERENCE_BYTES // (1024 * 1024)
    assert uploader.proto.max_upload_size_mb == limit and f"up to {limit} MB" in uploader.proto.label


def test_submitting_queues_the_job_and_resets_the_form_in_the_same_rerun(app_ws, sent):
    at = open_media()
    submit(at, "A ceramic teapot", negative_prompt="text", aspect_ratio="16:9", number_of_outputs=3)
    (job,) = list_jobs(app_ws).items
    assert job.params["prompt"] == "A ceramic teapot" and job.params["aspect_ratio"] == "16:9"
    assert job.params["number_of_outputs"] == 3 and job.params["negative_prompt"] == "text"
    assert sent == [("job", (str(job.id),))]
    assert "Queued: image “A ceramic teapot”, without a reference image" in texts(at.success)
    assert at.text_area(key=field(at, "prompt")).value == ""
    assert at.text_input(key=field(at, "negative_prompt")).value == ""
    assert at.selectbox(key=field(at, "aspect_ratio")).value == "1:1"
    assert at.number_input(key=field(at, "number_of_outputs")).value == 1
    assert "A ceramic teapot" in texts(at.markdown)  # already in the queue below


def test_a_video_job_takes_duration_and_resolution(app_ws):
    at = open_media()
    at.radio(key="media_kind").set_value("video").run()
    submit(at, "Waves at dusk", aspect_ratio="9:16", duration_seconds=8, resolution="1080p")
    (job,) = list_jobs(app_ws).items
    assert job.kind == "video"
    p = job.params
    assert (p["aspect_ratio"], p["duration_seconds"], p["resolution"]) == ("9:16", 8, "1080p")
    assert at.selectbox(key=field(at, "duration_seconds")).value == 6
    assert at.selectbox(key=field(at, "resolution")).value == "720p"
    assert at.radio(key="media_kind").value == "video"  # the mode stays, the fields reset


def test_ten_rapid_submissions_of_different_prompts_create_ten_jobs(app_ws, sent):
    at = open_media()
    for i in range(10):
        submit(at, f"Prompt number {i}")
        assert at.text_area(key=field(at, "prompt")).value == ""
    jobs = list_jobs(app_ws).items
    assert [j.prompt for j in jobs] == [f"Prompt number {i}" for i in reversed(range(10))]
    assert len(sent) == 10


def test_the_same_submission_twice_within_the_window_creates_one_job(app_ws):
    at = open_media()
    submit(at, "Same again", aspect_ratio="4:3")
    submit(at, "Same again", aspect_ratio="4:3")
    assert len(list_jobs(app_ws).items) == 1
    assert "already in the queue, no second one was created" in texts(at.info)


def test_a_double_click_on_generate_queues_one_job_and_says_so(app_ws, sent):
    # a walk-through: the second click of a double click sends the form the first emptied, and the
    # page said "The job was not created: Prompt: describe what to generate (it is empty)"
    at = open_media()
    submit(at, "Double click teapot")
    at.button(key="media_generate").click().run()  # the second click
    assert not at.exception, at.exception
    assert [j.prompt for j in list_jobs(app_ws).items] == ["Double click teapot"] and len(sent) == 1
    assert not texts(at.error), texts(at.error)
    assert "Queued: image “Double click teapot”" in texts(at.success)
    at.session_state["media_flash"] = None  # the message gone (it expires after 8 s) …
    at.button(key="media_generate").click().run()
    assert not texts(at.error) and "Queued: image “Double click teapot”" in texts(at.success)
    at.session_state["media_queued"] = (time.monotonic() - 60, "old")  # … long after: refused
    at.button(key="media_generate").click().run()
    assert "Prompt: describe what to generate" in texts(at.error)


def test_an_empty_prompt_is_refused_and_what_was_typed_is_kept(app_ws, sent):
    at = open_media()
    submit(at, "   ", negative_prompt="no people", aspect_ratio="9:16")
    assert "Prompt: describe what to generate" in texts(at.error)
    assert list_jobs(app_ws).items == [] and sent == []
    assert at.text_input(key=field(at, "negative_prompt")).value == "no people"
    assert at.selectbox(key=field(at, "aspect_ratio")).value == "9:16"


def test_an_upload_that_is_not_an_image_is_refused(app_ws):
    at = open_media()
    at.file_uploader(key=field(at, "reference")).upload("photo.png", b"GIF? no, text", "image/png")
    submit(at, "Use my photo")
    assert "'photo.png' could not be read as an image" in texts(at.error)
    assert list_jobs(app_ws).items == []


def test_a_reference_image_is_stored_with_the_job(app_ws):
    at = open_media()
    at.file_uploader(key=field(at, "reference")).upload("ref.png", png(), "image/png")
    submit(at, "Like this one")
    (job,) = list_jobs(app_ws).items
    assert job.params["reference_image"]["name"] == "ref.png"
    assert "reference: ref.png" in texts(at.caption)
    # a walk-through: a file the upload widget refused (over its size limit) never reaches the
    # page, and the job was queued with nothing said; the queued message says which it was
    assert "with the reference image “ref.png”" in texts(at.success)


def test_the_queue_shows_parameters_status_retries_and_errors(app_ws):
    waiting = submit_job(app_ws, "local", "video", {"prompt": "A kite", "duration_seconds": 5})
    busy = submit_job(app_ws, "local", "image", {"prompt": "A lamp"})
    broken = submit_job(app_ws, "local", "image", {"prompt": "A lemon"})
    set_job_state(busy.id, "retrying", retry_count=2, failures=2, error_message="Gemini is busy (HTTP 429)",
                  next_retry_at=utcnow() + dt.timedelta(minutes=5))
    set_job_state(broken.id, "failed", retry_count=3, error_message="It broke (gave up after 3 retries)")
    at = open_media()
    captions = texts(at.caption)
    assert "16:9 · 5 s · 720p · 1 video" in captions
    assert "failed 2× · next try in 5 min" in captions
    assert "Gemini is busy (HTTP 429)" in texts(at.warning)
    assert "It broke (gave up after 3 retries)" in texts(at.error)
    cards = [m.value for m in at.markdown if "· **" in m.value]
    assert [c.split("**")[1] for c in cards] == ["A lemon", "A lamp", "A kite"]  # newest first
    assert at.button(key=f"media_cancel_{waiting.id}") and at.button(key=f"media_retry_{broken.id}")


def test_finished_images_and_videos_preview_inline_with_downloads(app_ws):
    image = a_done_job(app_ws, "A violet square")
    video = a_done_job(app_ws, "A violet film", kind="video")
    at = open_media()
    assert len(at.get("image")) == 1 and len(at.get("video")) == 1
    keys = {d.key for d in at.get("download_button")}
    assert keys == {f"media_download_{image.id}_0", f"media_download_{video.id}_0"}
    assert "64×40" in texts(at.caption) and "4 s" in texts(at.caption)


def test_cancel_retry_and_clear_completed(app_ws, sent):
    waiting = submit_job(app_ws, "local", "image", {"prompt": "Cancel me"})
    failed = submit_job(app_ws, "local", "image", {"prompt": "Retry me"})
    set_job_state(failed.id, "failed", error_message="nope")
    done = a_done_job(app_ws, "Clear me")
    at = open_media()
    at.button(key=f"media_cancel_{waiting.id}").click().run()
    assert not at.exception
    at.button(key=f"media_retry_{failed.id}").click().run()
    statuses = {j.id: j.status for j in list_jobs(app_ws).items}
    assert statuses == {waiting.id: "cancelled", failed.id: "pending", done.id: "done"}
    assert sent[-1] == ("job", (str(failed.id),))
    at.button(key="media_clear").click().run()
    assert [j.id for j in list_jobs(app_ws).items] == [failed.id]
    assert [k for k in (b.key for b in at.button) if k and k.startswith("media_retry_")] == []


def test_the_queue_filters_by_status_and_kind(app_ws):
    img = submit_job(app_ws, "local", "image", {"prompt": "An image"})
    vid = submit_job(app_ws, "local", "video", {"prompt": "A video"})
    set_job_state(vid.id, "failed", error_message="bad")
    at = open_media()
    at.selectbox(key="media_kind_filter").set_value("video").run()
    assert {b.key for b in at.button if b.key and "retry" in b.key} == {f"media_retry_{vid.id}"}
    assert f"media_cancel_{img.id}" not in {b.key for b in at.button}
    at.selectbox(key="media_kind_filter").set_value("All").run()
    at.selectbox(key="media_status").set_value("pending").run()
    assert f"media_cancel_{img.id}" in {b.key for b in at.button}
    assert f"media_retry_{vid.id}" not in {b.key for b in at.button}
    at.selectbox(key="media_status").set_value("done").run()
    assert "No jobs match these filters" in texts(at.info)


def test_the_dashboard_lists_the_page(app_ws):
    at = open_page(PAGE)
    assert at.title[0].value == "Image & video queue"


def test_jobs_outlive_the_session_that_submitted_them(app_ws):
    first = open_media()
    submit(first, "Still here after a refresh")
    later = open_media()  # a new session: a refresh, another browser, a restarted app
    assert "Still here after a refresh" in texts(later.markdown)
    assert later.text_area(key=field(later, "prompt")).value == ""


def test_job_errors_are_shown_literally_not_as_markdown(app_ws):
    job = submit_job(app_ws, "local", "image", {"prompt": "A lemon"})
    set_job_state(job.id, "failed", error_message="Bad [link](http://x) *bold* <b>")
    shown = texts(open_media().error)
    assert r"Bad \[link\](http://x) \*bold\* \<b\>" in shown
    assert "[link](http://x)" not in shown


def test_a_job_waiting_to_try_again_can_be_tried_now(app_ws, sent):
    # a walk-through: "next try in 15 min" on a busy-provider job, with no way to try sooner
    busy = submit_job(app_ws, "local", "image", {"prompt": "A lamp"})
    waiting = submit_job(app_ws, "local", "image", {"prompt": "A kite"})
    set_job_state(busy.id, "retrying", retry_count=2, failures=2, error_message="Gemini is busy (HTTP 429)",
                  next_retry_at=utcnow() + dt.timedelta(minutes=15))
    at = open_media()
    assert f"media_now_{waiting.id}" not in {b.key for b in at.button}  # only a retrying job
    sent.clear()
    at.button(key=f"media_now_{busy.id}").click().run()
    assert not at.exception
    (job,) = [j for j in list_jobs(app_ws).items if j.id == busy.id]
    assert job.status == "pending" and job.retry_count == 1 and job.next_retry_at is None  # an extra try
    assert sent == [("job", (str(busy.id),))]
    from core.errors import ConflictError
    from core.jobs import try_job_now

    with pytest.raises(ConflictError, match="Only a job waiting to try again"):
        try_job_now(app_ws, busy.id)
    # the API's retry of a waiting job (POST …/jobs/{id}/retry/) is the same "try now"
    from core.jobs import retry_job

    set_job_state(busy.id, "retrying", retry_count=1, next_retry_at=utcnow() + dt.timedelta(minutes=5))
    again = retry_job(app_ws, busy.id)
    assert again.status == "pending" and again.retry_count == 0
