"""The media queue's pipeline on the stub broker with an in-process worker (embedded mode).

Real actor, rate-limit middleware, state machine, retry policy and database; the offline
generators for the end-to-end tests, a scriptable generator for the mechanics.
"""

from __future__ import annotations

import io
import threading
import time

import imageio_ffmpeg
import pytest
import sqlalchemy as sa
from PIL import Image

from core import media_gen
from core.errors import GenerationError
from core.jobs import cancel_job, get_job, job_file, submit_job
from core.media_gen import MediaGenerators, MediaOutput
from core.pipeline import stages as stage_mod
from db.engine import unit_of_work
from db.models import Media
from tests.stages import embedded_worker
from tests.stages import wait_for as stage_wait_for
from tests.test_jobs import no_leftover_jobs  # noqa: F401  (autouse)

TRANSIENT = lambda: GenerationError("The image service is busy (HTTP 429)", transient=True)  # noqa: E731
PERMANENT = lambda: GenerationError("Gemini blocked the image (SAFETY)", transient=False)  # noqa: E731


def png(color=(200, 30, 30), size=(64, 48)) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", size, color).save(buf, "PNG")
    return buf.getvalue()


class ScriptedGenerator:
    """Returns tiny PNGs; raises the queued errors first; can block or dawdle."""

    name = "scripted"

    def __init__(self) -> None:
        self.errors: list[Exception] = []
        self.calls: list[float] = []
        self.block = threading.Event()
        self.block.set()
        self.seconds = 0.0
        self.stopped = threading.Event()

    def generate(self, request, *, should_stop):
        self.calls.append(time.monotonic())
        if self.errors:
            raise self.errors.pop(0)
        deadline = time.monotonic() + self.seconds
        while not self.block.is_set() or time.monotonic() < deadline:
            if should_stop():
                self.stopped.set()
                raise GenerationError("stopped")
            time.sleep(0.02)
        return [MediaOutput(png(), "image/png", 64, 48) for _ in range(request.number_of_outputs)]


def with_settings(**values):
    """Settings for the ``worker`` fixture to apply before it starts the worker."""
    def mark(test):
        test.worker_settings = values
        return test
    return mark


@pytest.fixture
def worker(db, settings_env, request):
    """Real actors + middleware on the stub broker, worked by an in-process worker.

    ``@with_settings(NAME=value)`` applies settings before the worker starts (a change
    afterwards could race with the reconciler's first read of the settings).
    """
    # a lease long enough that a stall of the (busy, 2-core) test machine does not lose it
    settings_env(**{"RETRY_SCHEDULE_SECONDS": "0.3,0.3,0.3", "GENERATION_RATE_LIMIT": "0/m",
                    "LEASE_SECONDS": "6", **getattr(request.function, "worker_settings", {})})
    with embedded_worker() as running:
        yield running.broker
    media_gen.override_media_generators(None)


@pytest.fixture
def scripted(worker):
    gen = ScriptedGenerator()
    media_gen.override_media_generators(lambda: MediaGenerators(gen, gen))
    yield gen
    gen.block.set()


def wait_for(predicate, timeout=30.0, every=0.05):
    return stage_wait_for(predicate, timeout, every)


def finished(workspace, job_id):
    job = get_job(workspace, job_id)
    return job if job.status in ("done", "failed", "cancelled") else None


def stored_keys(job_id) -> list[str]:
    """Every stored file of a job, in whichever backend the settings chose."""
    from core.settings import get_settings
    from core.storage import get_storage

    storage = get_storage()
    if storage.name == "local":
        root = get_settings().media_root / "jobs" / str(job_id)
        return sorted(str(p) for p in root.rglob("*") if p.is_file()) if root.exists() else []
    with unit_of_work() as s:
        return list(s.scalars(sa.select(Media.key).where(Media.key.like(f"jobs/{job_id}/%"))))


def test_an_image_job_runs_to_done_with_offline_images(worker, workspace):
    job = submit_job(workspace, "alice", "image", {"prompt": "A red sunset over the sea",
                                                    "aspect_ratio": "16:9", "number_of_outputs": 2})
    done = wait_for(lambda: finished(workspace, job.id))
    assert done.status == "done" and done.generator == "offline" and done.error_message is None
    assert done.started_at and done.finished_at >= done.started_at
    assert len(done.results) == 2 and len({r.url for r in done.results}) == 2
    for r in done.results:
        assert (r.format, r.content_type, r.width, r.height) == ("png", "image/png", 1408, 768)
        data = job_file(workspace, job.id, r.url)
        assert len(data) == r.size
        assert Image.open(io.BytesIO(data)).size == (1408, 768)
        thumb = Image.open(io.BytesIO(job_file(workspace, job.id, r.thumbnail_url)))
        assert thumb.format == "JPEG" and thumb.size == (480, 262)  # made once, by the worker


def test_a_video_job_makes_a_decodable_mp4_of_the_requested_duration_and_size(worker, workspace, tmp_path):
    job = submit_job(workspace, "alice", "video", {"prompt": "Waves at dusk", "aspect_ratio": "9:16",
                                                    "duration_seconds": 4, "resolution": "720p"})
    done = wait_for(lambda: finished(workspace, job.id), timeout=60)
    assert done.status == "done", done.error_message
    (r,) = done.results
    assert (r.format, r.width, r.height, r.duration_seconds) == ("mp4", 720, 1280, 4.0)
    assert r.thumbnail_url is None
    path = tmp_path / "out.mp4"
    path.write_bytes(job_file(workspace, job.id, r.url))
    reader = imageio_ffmpeg.read_frames(str(path))
    meta = next(reader)
    frames = sum(1 for _ in reader)  # decodes every frame
    assert tuple(meta["size"]) == (720, 1280) and meta["fps"] == 24
    assert frames == 96 and imageio_ffmpeg.count_frames_and_secs(str(path)) == (96, 4.0)


def test_a_video_pans_over_the_uploaded_reference_image(worker, workspace, tmp_path):
    blue = png(color=(20, 40, 220), size=(640, 360))
    job = submit_job(workspace, "alice", "video", {"prompt": "Slow pan", "duration_seconds": 4},
                     reference=("blue.png", blue))
    done = wait_for(lambda: finished(workspace, job.id), timeout=60)
    path = tmp_path / "ref.mp4"
    path.write_bytes(job_file(workspace, job.id, done.results[0].url))
    reader = imageio_ffmpeg.read_frames(str(path))
    w, h = next(reader)["size"]
    frame = Image.frombytes("RGB", (w, h), next(reader))
    r, g, b = frame.crop((w // 4, h // 4, w * 3 // 4, h // 2)).resize((1, 1)).getpixel((0, 0))
    assert b > 180 and r < 60  # the middle of the frame is the blue upload, not a render
    reader.close()


@with_settings(RETRY_SCHEDULE_SECONDS="1,1,1")  # a retrying window wide enough to observe
def test_transient_errors_retry_on_the_schedule_then_succeed(scripted, workspace):
    scripted.errors = [TRANSIENT(), TRANSIENT()]
    job = submit_job(workspace, "alice", "image", {"prompt": "retry me"})
    seen = wait_for(lambda: (j := get_job(workspace, job.id)).status == "retrying" and j)
    assert seen.retry_count == 1 and seen.error_message == "The image service is busy (HTTP 429)"
    assert seen.next_retry_at > seen.updated_at
    done = wait_for(lambda: finished(workspace, job.id))
    assert done.status == "done" and done.retry_count == 2 and done.error_message is None
    assert len(scripted.calls) == 3
    assert all(b - a >= 0.95 for a, b in zip(scripted.calls, scripted.calls[1:]))


def test_retries_run_out_into_a_clear_failure(scripted, workspace):
    scripted.errors = [TRANSIENT() for _ in range(4)]
    job = submit_job(workspace, "alice", "image", {"prompt": "never works"})
    done = wait_for(lambda: finished(workspace, job.id))
    assert done.status == "failed" and done.retry_count == 3
    assert done.error_message == "The image service is busy (HTTP 429) (gave up after 3 retries)"


def test_permanent_errors_fail_at_once(scripted, workspace):
    scripted.errors = [PERMANENT()]
    job = submit_job(workspace, "alice", "image", {"prompt": "blocked"})
    done = wait_for(lambda: finished(workspace, job.id))
    assert done.status == "failed" and done.retry_count == 0 and "SAFETY" in done.error_message
    assert len(scripted.calls) == 1


@with_settings(GENERATION_TIMEOUT_SECONDS="0.5")
def test_a_generation_over_the_timeout_fails_with_that_reason(scripted, workspace):
    # one policy for both pipelines (core.pipeline.lease): a time-out is transient, so the
    # job is tried on the retry schedule, then fails with the reason
    scripted.seconds = 5
    job = submit_job(workspace, "alice", "image", {"prompt": "slow"})
    done = wait_for(lambda: finished(workspace, job.id))
    assert done.status == "failed" and done.retry_count == 3
    assert done.error_message.startswith("Generation timed out after 0.5 s (GENERATION_TIMEOUT_SECONDS)")
    assert done.error_message.endswith("(gave up after 3 retries)")
    assert scripted.stopped.wait(2)  # the generator was told to stop, not left running
    assert stored_keys(job.id) == []


class FlakyStorage:
    """Real storage whose first ``failures`` writes fail like a full disk."""

    def __init__(self, failures: int) -> None:
        from core.storage import get_storage

        self.real, self.failures = get_storage(), failures

    def put(self, key, data, content_type):
        if self.failures:
            self.failures -= 1
            raise OSError(28, "No space left on device")
        return self.real.put(key, data, content_type)

    def __getattr__(self, name):
        return getattr(self.real, name)


def test_a_result_that_cannot_be_saved_is_retried(scripted, workspace):
    flaky = FlakyStorage(failures=1)
    stage_mod.override(storage=lambda: flaky)
    job = submit_job(workspace, "alice", "image", {"prompt": "save me"})
    done = wait_for(lambda: finished(workspace, job.id))
    assert done.status == "done" and done.retry_count == 1 and len(done.results) == 1


def test_a_result_that_can_never_be_saved_fails_after_the_retries(scripted, workspace):
    flaky = FlakyStorage(failures=100)
    stage_mod.override(storage=lambda: flaky)
    job = submit_job(workspace, "alice", "image", {"prompt": "disk full"})
    done = wait_for(lambda: finished(workspace, job.id))
    assert done.status == "failed" and done.retry_count == 3
    assert done.error_message == ("The result could not be saved (OSError); the job will retry "
                                  "(gave up after 3 retries)")


def test_cancelling_a_running_job_discards_its_result(scripted, workspace):
    scripted.block.clear()
    job = submit_job(workspace, "alice", "image", {"prompt": "cancel me"})
    wait_for(lambda: get_job(workspace, job.id).status == "running")
    # cancel once the generator runs: between the claim and the first heartbeat a cancel is
    # seen before generating, and the generator is never called (a race under load)
    wait_for(lambda: scripted.calls)
    cancel_job(workspace, job.id)
    assert scripted.stopped.wait(10)  # the heartbeat saw the cancel and stopped the generator
    time.sleep(0.3)
    final = get_job(workspace, job.id)
    assert final.status == "cancelled" and final.results == []
    assert stored_keys(job.id) == []


def test_a_duplicate_message_does_no_second_generation(scripted, workspace):
    from core.pipeline.jobs import run_job

    job = submit_job(workspace, "alice", "image", {"prompt": "once"})
    wait_for(lambda: finished(workspace, job.id))
    assert run_job(str(job.id)) == [] and len(scripted.calls) == 1


@with_settings(GENERATION_RATE_LIMIT="2/2s")
def test_jobs_share_the_global_generation_rate_limit(scripted, workspace):
    jobs = [submit_job(workspace, "alice", "image", {"prompt": f"limited {i}"}) for i in range(5)]
    for job in jobs:
        wait_for(lambda: finished(workspace, job.id), timeout=30)
    starts = sorted(get_job(workspace, j.id).started_at.timestamp() for j in jobs)
    assert all(get_job(workspace, j.id).status == "done" for j in jobs)
    assert all(b - a >= 1.95 for a, b in zip(starts, starts[2:]))  # never 3 starts in 2 s
    assert all(get_job(workspace, j.id).retry_count == 0 for j in jobs)  # deferral is no failure


def test_a_job_submitted_with_no_pipeline_is_sent_by_the_reconciler(db, workspace, sent):
    from core import dispatch
    from core.pipeline.jobs import reconcile_jobs

    dispatch.unregister()  # the page process of a deployment without a sender
    job = submit_job(workspace, "alice", "image", {"prompt": "orphan"})
    assert ("job", (str(job.id),), 0.0) in reconcile_jobs()
    assert ("job", (str(job.id),), 0.0) not in reconcile_jobs()  # sent once, not every pass


def test_after_a_restart_the_reconciler_restarts_every_stuck_job(db, workspace, sent):
    """The embedded broker's messages die with the app; the database says what to resend."""
    import datetime as dt

    from core.pipeline.jobs import reconcile_jobs
    from db.base import utcnow
    from tests.test_jobs import set_job_state

    long_ago = utcnow() - dt.timedelta(minutes=10)
    waiting, crashed, retry, fresh = (submit_job(workspace, "alice", "image", {"prompt": p})
                                      for p in ("waiting", "crashed", "retry", "fresh"))
    set_job_state(waiting.id, "pending", enqueued_at=long_ago)
    set_job_state(crashed.id, "running", lease_owner="dead:1:2:x", lease_expires_at=long_ago)
    set_job_state(retry.id, "retrying", retry_count=1, next_retry_at=long_ago)
    sends = reconcile_jobs(grace_seconds=60)
    assert sorted(args[0] for _, args, _ in sends) == sorted(str(j.id) for j in (waiting, crashed, retry))
    assert get_job(workspace, crashed.id).status == "pending"
    assert get_job(workspace, retry.id).status == "pending"
    assert get_job(workspace, retry.id).retry_count == 1  # a restart is not another failure
    assert reconcile_jobs(grace_seconds=60) == []  # each resent once
    assert get_job(workspace, fresh.id).status == "pending"  # its message is still on its way
