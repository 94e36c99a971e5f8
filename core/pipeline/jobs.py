"""One generation job's run: claim with a lease, generate under a time limit, save, finish.

The lease rules are :mod:`core.pipeline.lease`'s, shared with the previews: the lease
(owner + expiry, renewed by a heartbeat) proves a worker still holds a running job;
results are saved under a folder of this attempt and the job becomes ``done`` only if it
is still ``running`` under the same lease — a cancelled or reclaimed job's output is
deleted, never shown. Failures go through the one retry policy.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
import uuid
from dataclasses import dataclass

from core import webhooks
from core.errors import GenerationError, StorageError
from core.media_gen import MediaOutput, MediaRequest, get_media_generators
from core.pipeline import lease as leases
from core.pipeline import stages
from core.pipeline.lease import JOBS, Lease
from core.settings import get_settings
from core.thumbnails import thumbnail_jpeg
from core.usage import ContextPool, scope
from db.base import utcnow
from db.models import GenerationJob

log = logging.getLogger(__name__)

Sends = list[tuple[str, tuple, float]]
J = GenerationJob
_pool = ContextPool(max_workers=8, thread_name_prefix="media")  # tasks keep the ledger's item
THUMB_SIDE = 480  # on-screen previews in the queue; downloads are the full files


@dataclass
class JobClaim:
    """A job this worker holds under a lease."""

    job_id: uuid.UUID
    lease: Lease
    kind: str
    params: dict

    @property
    def owner(self) -> str:
        return self.lease.owner

    @property
    def token(self) -> str:  # names this attempt's output folder
        return self.lease.attempt

    @property
    def retry_count(self) -> int:
        return self.lease.retry_count

    @property
    def folder(self) -> str:
        return f"jobs/{self.job_id}/{self.token}/"


def wake(job_id: str, due_at: dt.datetime | None = None) -> None:
    """A due retry becomes pending again; record when its (deferred) message is due."""
    leases.wake(JOBS, job_id, due_at)


def claim(job_id: str, owner: str | None = None) -> JobClaim | None:
    """pending → running under a fresh lease; None when someone else has it or it is over."""
    got = leases.claim(JOBS, job_id, owner=owner, stage="starting",
                       load=lambda session, job: (job.kind, dict(job.params)))
    if got is None:
        return None
    lease, (kind, params) = got
    return JobClaim(lease.item_id, lease, kind, params)


def _heartbeat(c: JobClaim, stage: str | None = None, **values) -> bool:
    """Extend the lease; False when the job was cancelled or the lease was lost."""
    return leases.heartbeat(c.lease, stage, **values)


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
    stop = threading.Event()

    def run():
        with scope(c.kind, generator) as used:  # the usage ledger (core/usage.py)
            outputs = generator.generate(request, should_stop=stop.is_set)
            used.images = len(outputs) if c.kind == "image" else 0
            used.video_seconds = sum(o.duration_seconds or 0 for o in outputs) if c.kind == "video" else 0
            return outputs

    future = _pool.submit(run)
    if not leases.run_leased(c.lease, {"media": future}, stop=stop):
        return None
    return future.result()


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
    from core.usage import clear_item

    try:
        return _run_job(job_id)
    finally:
        clear_item()  # the claim bound this thread's calls to the job; that is over


def _run_job(job_id: str) -> Sends:
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
    if not leases.complete(c.lease, {"results": results},
                           after=lambda s: webhooks.media_job_finished(s, c.job_id)):
        return _discard(c)
    return []


def _discard(c: JobClaim) -> Sends:
    """The job was cancelled or reclaimed meanwhile: drop what this attempt made."""
    log.info("job.result_discarded id=%s", c.job_id)
    _delete_outputs(c)
    return []


def _delete_outputs(c: JobClaim) -> None:
    leases.delete_files(c.folder)


def _failed(c: JobClaim, exc: BaseException) -> Sends:
    _delete_outputs(c)
    _decision, sends, _won = leases.fail(
        c.lease, exc, after_terminal=lambda s: webhooks.media_job_finished(s, c.job_id))
    return sends


def reconcile_jobs(grace_seconds: float | None = None, limit: int = 500, send=None) -> Sends:
    """Jobs stuck by a crash or a lost message, and the messages that restart them.

    Safe to run by any number of workers at once: each change is a conditional UPDATE.
    With ``send``, each message is sent here and recorded only once it was sent.
    """
    from core.states import JobStatus, move
    from db.engine import unit_of_work

    if grace_seconds is None:
        grace_seconds = get_settings().reconcile_grace_seconds
    now = utcnow()
    overdue = now - dt.timedelta(seconds=grace_seconds)
    sends, late = leases.reconcile_leases(JOBS, send=send, overdue=overdue, limit=limit)
    for jid in late:  # retries whose delayed message is overdue: due now
        with unit_of_work() as session:
            res = session.execute(
                move(J, JOBS.moves, JobStatus.PENDING, J.id == jid, J.next_retry_at < overdue,
                     only_from=[JobStatus.RETRYING], next_retry_at=None, enqueued_at=None,
                     updated_at=now))
        if res.rowcount != 1:
            continue
        record = lambda jid=jid: leases._touch(JOBS, jid, now, None)  # noqa: E731
        if send is None:
            record()
            sends.append(("job", (str(jid),), 0.0))
        elif leases.send_and_record(send, "job", (str(jid),), record):
            sends.append(("job", (str(jid),), 0.0))
    if sends:
        log.info("reconcile.jobs_resent", extra={"count": len(sends)})
    return sends
