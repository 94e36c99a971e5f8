"""One generation job's run: claim with a lease, generate under a time limit, save, finish.

Same rules as a preview (``core.pipeline.generate``): the lease (owner + expiry, renewed
by a heartbeat) proves a worker still holds a running job; results are saved under a
folder of this attempt and the job becomes ``done`` only if it is still ``running`` under
the same lease — a cancelled or reclaimed job's output is deleted, never shown. Failures
go through the one retry policy (``core.pipeline.retry.decide``).
"""

from __future__ import annotations

import concurrent.futures as cf
import datetime as dt
import logging
import threading
import time
import uuid
from dataclasses import dataclass

from core.errors import GenerationError, StorageError
from core.media_gen import MediaOutput, MediaRequest, get_media_generators
from core.pipeline import stages
from core.pipeline.generate import worker_id
from core.pipeline.retry import decide, retry_at
from core.ratelimit import start_time
from core.settings import get_settings
from core.states import JOB_MOVES, JobStatus, move
from core.thumbnails import thumbnail_jpeg
from db.base import utcnow
from db.engine import unit_of_work
from db.models import GenerationJob
from db.repositories import jobs as job_repo

log = logging.getLogger(__name__)

Sends = list[tuple[str, tuple, float]]
J = GenerationJob
_pool = cf.ThreadPoolExecutor(max_workers=8, thread_name_prefix="media")
THUMB_SIDE = 480  # on-screen previews in the queue; downloads are the full files


@dataclass
class JobClaim:
    """A job this worker holds under a lease."""

    job_id: uuid.UUID
    owner: str
    token: str  # names this attempt's output folder
    kind: str
    params: dict
    retry_count: int

    @property
    def folder(self) -> str:
        return f"jobs/{self.job_id}/{self.token}/"


def _due_retry(jid: uuid.UUID, now: dt.datetime):
    return move(J, JOB_MOVES, JobStatus.PENDING, J.id == jid,
                J.next_retry_at <= now + dt.timedelta(seconds=1),
                only_from=[JobStatus.RETRYING], next_retry_at=None, updated_at=now)


def wake(job_id: str, due_at: dt.datetime | None = None) -> None:
    """A due retry becomes pending again; record when its (deferred) message is due, so the
    reconciler can tell a waiting message from a lost one."""
    jid = uuid.UUID(job_id)
    now = utcnow()
    with unit_of_work() as session:
        session.execute(_due_retry(jid, now))
        job_repo.touch_enqueued(session, jid, str(JobStatus.PENDING), due_at or now)


def claim(job_id: str, owner: str | None = None) -> JobClaim | None:
    """pending → running under a fresh lease; None when someone else has it or it is over."""
    jid = uuid.UUID(job_id)
    owner = owner or worker_id()
    now = utcnow()
    started = start_time(now)
    lease = dt.timedelta(seconds=get_settings().lease_seconds)
    with unit_of_work() as session:
        session.execute(_due_retry(jid, now))  # a due retry goes straight through
        res = session.execute(
            move(J, JOB_MOVES, JobStatus.RUNNING, J.id == jid, only_from=[JobStatus.PENDING],
                 lease_owner=owner, lease_expires_at=now + lease, started_at=started,
                 stage="starting", updated_at=now)
        )
        if res.rowcount != 1:
            return None
        job = session.get(J, jid)
        return JobClaim(jid, owner, uuid.uuid4().hex[:10], job.kind, dict(job.params),
                        job.retry_count or 0)


def _heartbeat(c: JobClaim, stage: str | None = None, **values) -> bool:
    """Extend the lease; False when the job was cancelled or the lease was lost."""
    now = utcnow()
    values.update(lease_expires_at=now + dt.timedelta(seconds=get_settings().lease_seconds),
                  updated_at=now)
    if stage:
        values["stage"] = stage
    with unit_of_work() as session:
        return job_repo.renew_lease(session, c.job_id, c.owner, values) == 1


def _request(c: JobClaim) -> MediaRequest:
    ref = c.params.get("reference_image")
    data = None
    if ref:
        data = stages.storage().get(ref["url"])
        if data is None:
            raise GenerationError("The reference image is no longer stored: submit the job again "
                                  "with the image", transient=False)
    return MediaRequest.from_params(c.params, data)


def _generate(c: JobClaim, generator, request: MediaRequest) -> list[MediaOutput] | None:
    """Run the generator in the pool while renewing the lease; None if the job was lost."""
    settings = get_settings()
    stop = threading.Event()
    future = _pool.submit(generator.generate, request, should_stop=stop.is_set)
    deadline = time.monotonic() + settings.generation_timeout_seconds
    tick = max(min(settings.lease_seconds / 3, 10.0), 0.05)
    while True:
        try:
            return future.result(timeout=max(min(tick, deadline - time.monotonic()), 0.01))
        except cf.TimeoutError:
            pass
        if time.monotonic() >= deadline:
            stop.set()
            raise GenerationError(
                f"Generation timed out after {settings.generation_timeout_seconds:g} s "
                "(GENERATION_TIMEOUT_SECONDS). Retry the job, or ask for a shorter video.",
                transient=False,
            )
        if not _heartbeat(c):
            stop.set()
            return None


def _save(c: JobClaim, outputs: list[MediaOutput]) -> list[dict]:
    storage = stages.storage()
    results = []
    for i, out in enumerate(outputs, start=1):
        key = f"{c.folder}{c.kind}-{i}.{out.format}"
        try:
            url = storage.put(key, out.data, out.content_type)
        except StorageError:
            raise
        except Exception as exc:  # noqa: BLE001 - any write failure is worth another try
            raise StorageError(f"The result could not be saved ({exc.__class__.__name__}); "
                               "the job will retry", transient=True) from exc
        results.append({"url": url, "size": len(out.data), "format": out.format,
                        "content_type": out.content_type, "width": out.width,
                        "height": out.height, "duration_seconds": out.duration_seconds,
                        "thumbnail_url": _thumbnail(storage, key, out),
                        "created_at": utcnow().isoformat()})
    return results


def _thumbnail(storage, key: str, out: MediaOutput) -> str | None:
    """A screen-sized JPEG next to an image result, made once here rather than by every
    page render; None for videos (and when one cannot be made: the page falls back)."""
    if not out.content_type.startswith("image/"):
        return None
    small = thumbnail_jpeg(out.data, THUMB_SIDE)
    if small is None:
        return None
    try:
        return storage.put(key.rsplit(".", 1)[0] + ".thumb.jpg", small, "image/jpeg")
    except Exception:  # noqa: BLE001 - the full image is saved; the page can shrink it
        log.warning("job.thumbnail_not_saved key=%s", key)
        return None


def run_job(job_id: str) -> Sends:
    """Run one job end to end. Returns the messages to send (a scheduled retry)."""
    c = claim(job_id)
    if c is None:
        return []
    try:
        generator = get_media_generators().for_kind(c.kind)
        request = _request(c)
        noun = "video" if c.kind == "video" else "image"
        if not _heartbeat(c, f"generating {noun} ({generator.name})", generator=generator.name):
            return _discard(c)
        outputs = _generate(c, generator, request)
        if outputs is None:
            return _discard(c)
        if not outputs:
            raise GenerationError(f"The {generator.name} generator returned no {noun}; "
                                  "the job will retry", transient=True)
        if not _heartbeat(c, "saving"):
            return _discard(c)
        results = _save(c, outputs)
    except Exception as exc:  # noqa: BLE001 - every failure becomes a job outcome
        return _failed(c, exc)
    now = utcnow()
    with unit_of_work() as session:
        res = session.execute(
            move(J, JOB_MOVES, JobStatus.DONE, J.id == c.job_id, J.lease_owner == c.owner,
                 only_from=[JobStatus.RUNNING], results=results, finished_at=now, stage=None,
                 lease_owner=None, lease_expires_at=None, error_message=None,
                 next_retry_at=None, updated_at=now)
        )
    if res.rowcount != 1:
        return _discard(c)
    log.info("job.done id=%s outputs=%d", c.job_id, len(results))
    return []


def _discard(c: JobClaim) -> Sends:
    """The job was cancelled or reclaimed meanwhile: drop what this attempt made."""
    log.info("job.result_discarded id=%s", c.job_id)
    _delete_outputs(c)
    return []


def _delete_outputs(c: JobClaim) -> None:
    try:
        stages.storage().delete_prefix(c.folder)
    except Exception:  # noqa: BLE001 - an orphan file is not worth failing over
        log.exception("job.cleanup_failed id=%s", c.job_id)


def _failed(c: JobClaim, exc: BaseException) -> Sends:
    _delete_outputs(c)
    decision = decide(exc, c.retry_count)
    now = utcnow()
    common = dict(error_message=decision.message, stage=None, lease_owner=None,
                  lease_expires_at=None, updated_at=now)
    with unit_of_work() as session:
        if decision.retry:
            res = session.execute(
                move(J, JOB_MOVES, JobStatus.RETRYING, J.id == c.job_id, J.lease_owner == c.owner,
                     only_from=[JobStatus.RUNNING], retry_count=c.retry_count + 1,
                     next_retry_at=retry_at(now, decision), **common)
            )
            if res.rowcount == 1:
                log.info("job.retry_scheduled id=%s in=%ss", c.job_id, decision.delay_seconds)
                return [("job", (str(c.job_id),), decision.delay_seconds)]
            return []
        session.execute(
            move(J, JOB_MOVES, JobStatus.FAILED, J.id == c.job_id, J.lease_owner == c.owner,
                 only_from=[JobStatus.RUNNING], finished_at=now, next_retry_at=None, **common)
        )
    log.info("job.failed id=%s reason=%s", c.job_id, decision.message)
    return []


def reconcile_jobs(grace_seconds: float | None = None, limit: int = 500) -> Sends:
    """Jobs stuck by a crash or a lost message, and the messages that restart them.

    Safe to run by any number of workers at once: each change is a conditional UPDATE.
    """
    if grace_seconds is None:
        grace_seconds = get_settings().reconcile_grace_seconds
    now = utcnow()
    overdue = now - dt.timedelta(seconds=grace_seconds)
    sends: Sends = []
    with unit_of_work() as session:
        # 1. running jobs whose worker stopped renewing its lease (killed, frozen host)
        for jid in job_repo.expired_leases(session, now, limit):
            res = session.execute(
                move(J, JOB_MOVES, JobStatus.PENDING, J.id == jid, J.lease_expires_at < now,
                     only_from=[JobStatus.RUNNING], lease_owner=None, lease_expires_at=None,
                     stage=None, enqueued_at=now, updated_at=now)
            )
            if res.rowcount == 1:
                sends.append(("job", (str(jid),), 0.0))
        # 2. pending jobs whose message never came (not sent, or lost with Redis)
        for jid in job_repo.lost_pending(session, overdue, limit):
            if job_repo.touch_enqueued(session, jid, str(JobStatus.PENDING), now) == 1:
                sends.append(("job", (str(jid),), 0.0))
        # 3. retries whose delayed message is overdue
        for jid in job_repo.late_retries(session, overdue, limit):
            res = session.execute(
                move(J, JOB_MOVES, JobStatus.PENDING, J.id == jid, J.next_retry_at < overdue,
                     only_from=[JobStatus.RETRYING], next_retry_at=None, enqueued_at=now,
                     updated_at=now)
            )
            if res.rowcount == 1:
                sends.append(("job", (str(jid),), 0.0))
    if sends:
        log.info("reconcile.jobs_resent count=%d", len(sends))
    return sends
