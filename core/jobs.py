"""Generation job services: submit, list, inspect, cancel, retry, clear. Workspace-scoped.

A submit is validated completely before anything is stored; the same parameters from the
same user within DUPLICATE_WINDOW_SECONDS return the job already created. The job is
handed to the pipeline only after the commit that makes it visible.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import uuid
from dataclasses import dataclass, field

import sqlalchemy as sa

from core.dispatch import dispatch
from core.errors import ConflictError, NotFoundError, ValidationError
from core.media_gen.params import ReferenceImage, check_reference_image, validate_params
from core.pagination import page_cursors, paginate
from core.scope import as_uuid, check_scope
from core.settings import get_settings
from core.states import JOB_MOVES, JOB_TERMINAL, JobStatus, move
from core.views import Page
from db.base import utcnow
from db.engine import unit_of_work
from db.models import GenerationJob
from db.repositories import jobs as job_repo

log = logging.getLogger(__name__)

UNFINISHED = frozenset({JobStatus.PENDING, JobStatus.RUNNING, JobStatus.RETRYING})
CANCELLABLE = UNFINISHED
RETRYABLE = frozenset({JobStatus.FAILED, JobStatus.CANCELLED})


@dataclass(frozen=True)
class JobResult:
    """One generated file of a finished job."""

    url: str
    size: int
    format: str
    content_type: str
    created_at: str
    width: int | None = None
    height: int | None = None
    duration_seconds: float | None = None
    thumbnail_url: str | None = None  # a small JPEG of an image result, for the queue


@dataclass(frozen=True)
class JobView:
    """A job as pages see it: plain data, never a live ORM object."""

    id: uuid.UUID
    workspace: str
    user_id: str
    kind: str
    params: dict
    status: str
    results: list[JobResult]
    generator: str | None
    stage: str | None
    error_message: str | None
    retry_count: int
    next_retry_at: dt.datetime | None
    created_at: dt.datetime
    updated_at: dt.datetime
    started_at: dt.datetime | None
    finished_at: dt.datetime | None
    created: bool = True  # False when submit_job returned an earlier identical submission
    failures: int = 0  # failed tries so far (retry_count is the place in the retry schedule)

    @property
    def prompt(self) -> str:
        return self.params.get("prompt", "")

    @property
    def unfinished(self) -> bool:
        return self.status in UNFINISHED

    @property
    def can_cancel(self) -> bool:
        return self.status in CANCELLABLE

    @property
    def can_retry(self) -> bool:
        return self.status in RETRYABLE


@dataclass(frozen=True)
class QueueSummary:
    """How many visible jobs a workspace has, per status."""

    counts: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def unfinished(self) -> int:
        return sum(self.counts.get(str(s), 0) for s in UNFINISHED)

    @property
    def finished(self) -> int:
        return sum(self.counts.get(str(s), 0) for s in JOB_TERMINAL)


def _as_uuid(value: object) -> uuid.UUID:
    return as_uuid(value, "Job")


def view(job: GenerationJob, created: bool = True) -> JobView:
    """The plain view of a row."""
    return JobView(
        id=job.id, workspace=job.workspace, user_id=job.user_id, kind=job.kind,
        params=dict(job.params or {}), status=job.status,
        results=[JobResult(**r) for r in job.results or []], generator=job.generator,
        stage=job.stage, error_message=job.error_message, retry_count=job.retry_count or 0,
        next_retry_at=job.next_retry_at, created_at=job.created_at, updated_at=job.updated_at,
        started_at=job.started_at, finished_at=job.finished_at, created=created,
        failures=job.failures or 0,
    )


def _store_reference(workspace: str, ref: ReferenceImage) -> dict:
    from core.storage import get_storage, workspace_folder

    # keyed by content: the same upload twice is stored once, and a re-run overwrites nothing else
    url = get_storage().put(f"jobs/references/{workspace_folder(workspace)}/{ref.sha256[:40]}.{ref.extension}",
                            ref.data, ref.content_type)
    return {"url": url, "name": ref.name[:200], "content_type": ref.content_type,
            "size": len(ref.data), "width": ref.width, "height": ref.height, "sha256": ref.sha256}


def submit_job(workspace: str, user: str, kind: str, params: dict,
               reference: tuple[str, bytes] | None = None) -> JobView:
    """Validate, store and queue one job; ``reference`` is an optional ``(file name, bytes)``.

    Returns the new job, or (``created=False``) the identical one this user submitted
    within DUPLICATE_WINDOW_SECONDS. Raises ValidationError before anything is stored.
    """
    check_scope(workspace, user)
    clean = validate_params(kind, params)
    ref = check_reference_image(reference[1], reference[0] or "upload") if reference else None
    clean["reference_image"] = _store_reference(workspace, ref) if ref else None
    hashed = {**clean, "reference_image": (clean["reference_image"] or {}).get("sha256")}
    digest = hashlib.sha256(json.dumps(hashed, sort_keys=True).encode()).hexdigest()
    window = dt.timedelta(seconds=get_settings().duplicate_window_seconds)
    with unit_of_work() as session:
        job_repo.lock_submission(session, f"job:{workspace}:{user}:{digest}")
        now = utcnow()
        dup = job_repo.find_recent_duplicate(session, workspace, user, digest, now - window)
        if dup is not None:
            log.info("job.duplicate_ignored id=%s", dup.id)
            return view(dup, created=False)
        job = GenerationJob(
            id=uuid.uuid4(), workspace=workspace, user_id=user, kind=kind, params=clean,
            submission_hash=digest, status=str(JobStatus.PENDING), results=[], retry_count=0,
            enqueued_at=now, created_at=now, updated_at=now,
        )
        session.add(job)
        session.flush()
        info = view(job)
    log.info("job.submitted id=%s kind=%s workspace=%s", info.id, kind, workspace)
    _send(info.id)
    return info


def _send(job_id: uuid.UUID) -> None:
    if not dispatch("job", str(job_id)):
        # no pipeline reachable from here: the reconciler sends it on its next pass
        with unit_of_work() as session:
            job_repo.touch_enqueued(session, job_id, str(JobStatus.PENDING), None)


def list_jobs(workspace: str, status: str | list[str] | None = None, kind: str | None = None,
              page_size: int = 50, cursor: str | None = None) -> Page[JobView]:
    """The workspace's visible jobs, newest first, filtered by statuses and kind."""
    check_scope(workspace)
    statuses = [status] if isinstance(status, str) else list(status or [])
    unknown = [s for s in statuses if s not in set(JobStatus)]
    if unknown:
        raise ValidationError(f"Unknown job status {unknown[0]!r}")
    if kind is not None and kind not in ("image", "video"):
        raise ValidationError(f"Unknown job kind {kind!r}: use image or video")
    with unit_of_work() as session:
        stmt, cur = paginate(job_repo.list_stmt(workspace, statuses, kind), GenerationJob,
                             page_size, cursor)
        rows, next_c, prev_c = page_cursors(list(session.scalars(stmt)), page_size, cur)
        return Page([view(j) for j in rows], next_c, prev_c)


def queue_summary(workspace: str, kind: str | None = None) -> QueueSummary:
    """Counts per status of the visible jobs (drives filters and live refresh)."""
    check_scope(workspace)
    with unit_of_work() as session:
        return QueueSummary(job_repo.status_counts(session, workspace, kind))


def get_job(workspace: str, job_id: object) -> JobView:
    """One job of this workspace."""
    check_scope(workspace)
    jid = _as_uuid(job_id)
    with unit_of_work() as session:
        job = job_repo.get(session, workspace, jid)
        if job is None:
            raise NotFoundError(f"Job {jid} was not found", job_id=jid)
        return view(job)


def _move_job(workspace: str, job_id: object, target: JobStatus, only_from, conflict: str,
              **values) -> tuple[JobView, bool]:
    """Move one job of ``workspace`` to ``target`` (from ``only_from``), in one transaction.
    Returns its view and whether it moved; NotFoundError when it is not the workspace's, and
    ConflictError saying ``conflict`` (formatted with the job's status) when it may not move
    and ``conflict`` is given."""
    check_scope(workspace)
    jid = _as_uuid(job_id)
    with unit_of_work() as session:
        res = session.execute(
            move(GenerationJob, JOB_MOVES, target, GenerationJob.id == jid,
                 GenerationJob.workspace == workspace, only_from=only_from, **values)
        )
        job = job_repo.get(session, workspace, jid)
        if job is None:
            raise NotFoundError(f"Job {jid} was not found", job_id=jid)
        if res.rowcount != 1 and conflict:
            raise ConflictError(conflict.format(status=job.status), job_id=jid)
        session.refresh(job)
        return view(job), res.rowcount == 1


def cancel_job(workspace: str, job_id: object) -> JobView:
    """Cancel a waiting or running job; a running generation's result is discarded."""
    now = utcnow()
    info, _ = _move_job(workspace, job_id, JobStatus.CANCELLED, CANCELLABLE,
                        "This job is already {status}; nothing to cancel",
                        finished_at=now, updated_at=now, lease_owner=None, lease_expires_at=None,
                        stage=None, next_retry_at=None)
    log.info("job.cancelled id=%s", info.id)
    return info


def try_job_now(workspace: str, job_id: object) -> JobView:
    """A job waiting for its scheduled retry, tried now; the delayed message finds nothing
    left to do. An extra try: it does not use up the schedule (the count goes back one, the
    try's failure counts it again)."""
    now = utcnow()
    info, _ = _move_job(workspace, job_id, JobStatus.PENDING, [JobStatus.RETRYING],
                        "Only a job waiting to try again can be tried now; this one is {status}",
                        next_retry_at=None, enqueued_at=now, updated_at=now,
                        retry_count=sa.case((GenerationJob.retry_count > 0, GenerationJob.retry_count - 1),
                                            else_=0))
    log.info("job.tried_now id=%s", info.id)
    _send(info.id)
    return info


def retry_job(workspace: str, job_id: object) -> JobView:
    """Run a failed (or cancelled) job again with the same parameters; one waiting for its
    scheduled retry is tried now (``try_job_now``)."""
    now = utcnow()
    info, moved = _move_job(workspace, job_id, JobStatus.PENDING, RETRYABLE, "",
                            retry_count=0, error_message=None, next_retry_at=None, started_at=None,
                            finished_at=None, results=[], stage=None, lease_owner=None,
                            lease_expires_at=None, enqueued_at=now, updated_at=now)
    if not moved and info.status == JobStatus.RETRYING:
        return try_job_now(workspace, info.id)
    if not moved:
        raise ConflictError(f"Only failed or cancelled jobs can be retried; this one is {info.status}",
                            job_id=info.id)
    log.info("job.retried id=%s", info.id)
    _send(info.id)
    return info


def clear_completed_jobs(workspace: str) -> int:
    """Hide every finished (done / failed / cancelled) job from the queue. Returns how many."""
    check_scope(workspace)
    with unit_of_work() as session:
        return job_repo.archive_finished(session, workspace, [str(s) for s in JOB_TERMINAL],
                                         utcnow())


def job_file(workspace: str, job_id: object, url: str) -> bytes | None:
    """The bytes of one of this workspace's job files (a result or the reference image).

    None when the file is gone; NotFoundError when the URL is not one of the job's files.
    """
    from core.storage import get_storage

    job = get_job(workspace, job_id)
    ref = job.params.get("reference_image") or {}
    known = {r.url for r in job.results} | {r.thumbnail_url for r in job.results} | {ref.get("url")}
    if url not in known - {None}:
        raise NotFoundError(f"Job {job.id} has no file {url!r}", job_id=job.id)
    return get_storage().get(url)
