"""Jobs end to end with the Gemini generators: the real SDK, the fake Gemini server, the worker."""

from __future__ import annotations

import io

from PIL import Image

from core.jobs import get_job, job_file, submit_job
from core.media_gen.mp4 import encode_mp4
from tests.fakes.gemini_server import gemini_fake, gemini_settings  # noqa: F401
from tests.test_jobs import no_leftover_jobs  # noqa: F401  (autouse)
from tests.test_jobs_pipeline import finished, wait_for, worker  # noqa: F401


def tiny_mp4() -> bytes:
    frame = Image.new("RGB", (64, 36), (30, 60, 200)).tobytes()
    return encode_mp4((frame for _ in range(24)), (64, 36), 24)


def test_a_video_job_waits_for_veo_and_stores_its_mp4(gemini_settings, gemini_fake, worker, workspace):
    gemini_fake.video_bytes = tiny_mp4()
    gemini_fake.polls_before_done = 4
    job = submit_job(workspace, "alice", "video", {"prompt": "A paper boat", "duration_seconds": 8})
    done = wait_for(lambda: finished(workspace, job.id))
    assert done.status == "done" and done.generator == "gemini", done.error_message
    (r,) = done.results
    assert job_file(workspace, job.id, r.url) == gemini_fake.video_bytes
    assert (r.format, r.width, r.height, r.duration_seconds) == ("mp4", 64, 36, 1.0)
    assert gemini_fake.calls("predict")[0].body["parameters"]["durationSeconds"] == 8
    assert len(gemini_fake.calls("operation")) == 5


def test_a_rate_limited_veo_start_is_retried_on_the_schedule(gemini_settings, gemini_fake, worker, workspace):
    gemini_fake.video_bytes = tiny_mp4()
    gemini_fake.reply_error(429, kind="predict")
    gemini_fake.reply_error(500, kind="operation")
    job = submit_job(workspace, "alice", "video", {"prompt": "A kite"})
    done = wait_for(lambda: finished(workspace, job.id))
    assert done.status == "done" and done.retry_count == 2
    assert len(gemini_fake.calls("predict")) == 3


def test_an_image_job_stores_the_models_images(gemini_settings, gemini_fake, worker, workspace):
    job = submit_job(workspace, "alice", "image", {"prompt": "A lemon", "number_of_outputs": 3})
    done = wait_for(lambda: finished(workspace, job.id))
    assert done.status == "done" and len(done.results) == 3
    for r in done.results:
        Image.open(io.BytesIO(job_file(workspace, job.id, r.url))).verify()
    assert len(gemini_fake.calls("generate")) == 3


def test_a_permanent_gemini_error_fails_the_job_with_its_message(gemini_settings, gemini_fake, worker,
                                                                 workspace):
    gemini_fake.reply_error(403)
    job = submit_job(workspace, "alice", "image", {"prompt": "A pear"})
    done = wait_for(lambda: finished(workspace, job.id))
    assert done.status == "failed" and done.retry_count == 0
    assert "refused the API key (HTTP 403)" in get_job(workspace, job.id).error_message
