"""The media queue in production mode: real ``dramatiq actors.worker`` processes on Redis +
PostgreSQL, including a kill -9 in the middle of a generation."""

from __future__ import annotations

import io
import os
import time

from PIL import Image

from bench.harness import kill9
from core.jobs import get_job, job_file, submit_job
from db.engine import unit_of_work
from db.models import GenerationJob

SLOW = {"PIPELINE_STAGES": "bench.media:install_slow"}


def wait_job(workspace, job_id, timeout):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job = get_job(workspace, job_id)
        if job.status in ("done", "failed", "cancelled"):
            return job
        time.sleep(0.3)
    raise AssertionError(f"job not finished in {timeout}s: {get_job(workspace, job_id)}")


def row(job_id) -> GenerationJob:
    with unit_of_work() as s:
        return s.get(GenerationJob, job_id)


def test_worker_processes_run_image_and_video_jobs(production, workspace):
    production(2, **SLOW, BENCH_WORK_SECONDS="0", GENERATION_RATE_LIMIT="0/m")
    image = submit_job(workspace, "alice", "image", {"prompt": "A red kite", "aspect_ratio": "3:4"})
    video = submit_job(workspace, "alice", "video", {"prompt": "A red kite", "duration_seconds": 4})
    done_image, done_video = wait_job(workspace, image.id, 60), wait_job(workspace, video.id, 90)
    assert done_image.status == done_video.status == "done"
    picture = job_file(workspace, image.id, done_image.results[0].url)
    assert Image.open(io.BytesIO(picture)).size == (896, 1280)
    assert job_file(workspace, video.id, done_video.results[0].url)[4:8] == b"ftyp"


def test_a_worker_killed_mid_generation_loses_no_job(production, workspace):
    procs = production(2, threads=2, **SLOW, BENCH_WORK_SECONDS="3", LEASE_SECONDS="2",
                       RECONCILE_INTERVAL_SECONDS="1", GENERATION_RATE_LIMIT="0/m")
    jobs = [submit_job(workspace, "alice", "image", {"prompt": f"Survive {i}"}) for i in range(3)]
    deadline = time.monotonic() + 60
    victim = None
    while victim is None and time.monotonic() < deadline:
        running = [r for r in (row(j.id) for j in jobs) if r.status == "running" and r.lease_owner]
        victim = running[0] if running else None
        time.sleep(0.1)
    assert victim is not None
    pid = int(victim.lease_owner.split(":")[1])
    group = next(p for p in procs if os.getpgid(pid) == p.pid)
    kill9(group)
    killed_at = time.monotonic()
    final = [wait_job(workspace, j.id, 60) for j in jobs]
    assert [j.status for j in final] == ["done"] * 3
    again = next(j for j in final if j.id == victim.id)
    assert again.retry_count == 0  # a lost lease is not a failure of the job
    assert again.started_at > victim.started_at and len(again.results) == 1
    assert time.monotonic() - killed_at < 45
