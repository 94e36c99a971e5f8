"""Leases, in one place for both pipelines (banner previews and image/video jobs).

A worker *claims* a waiting item (a conditional UPDATE to ``running`` with an owner and an
expiry), keeps the lease alive with a *heartbeat* while it works, and saves its result
only if it still holds the lease (*complete*); otherwise the attempt is *discarded* — and
it deletes only the files of its own attempt (``attempt`` names a folder of its own), so a
stale attempt can never remove what a newer one made. Failures go through the one retry
policy (:mod:`core.pipeline.retry`). The *reconciler* part finds items whose worker died or
whose message was lost; it records a re-send only after the send succeeded.

SQL lives in :mod:`db.repositories.leases`; the state machine in :mod:`core.states`.
"""

from __future__ import annotations

import concurrent.futures as cf
import datetime as dt
import logging
import os
import socket
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum

from core.errors import GenerationError
from core.pipeline.retry import Decision, decide, retry_at
from core.ratelimit import start_time
from core.settings import get_settings
from core.states import JOB_MOVES, PREVIEW_MOVES, JobStatus, PreviewStatus, move
from db.base import utcnow
from db.engine import unit_of_work
from db.models import GenerationJob, Preview
from db.repositories import leases as repo

log = logging.getLogger(__name__)

Sends = list[tuple[str, tuple, float]]
Sender = Callable[[str, tuple, float], None]


@dataclass(frozen=True)
class Pipeline:
    """What differs between the two pipelines: table, state machine, message kind."""

    kind: str  # the message kind (actors.routes) and the log prefix
    model: type
    moves: dict
    waiting: StrEnum  # the status a worker claims from
    running: StrEnum
    retrying: StrEnum
    done: StrEnum
    failed: StrEnum


PREVIEWS = Pipeline("preview", Preview, PREVIEW_MOVES, PreviewStatus.QUEUED, PreviewStatus.RUNNING,
                    PreviewStatus.RETRYING, PreviewStatus.DONE, PreviewStatus.FAILED)
JOBS = Pipeline("job", GenerationJob, JOB_MOVES, JobStatus.PENDING, JobStatus.RUNNING,
                JobStatus.RETRYING, JobStatus.DONE, JobStatus.FAILED)


def worker_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{threading.get_ident()}:{uuid.uuid4().hex[:6]}"


@dataclass
class Lease:
    """An item this worker holds; ``attempt`` names this attempt's own files."""

    pipeline: Pipeline
    item_id: uuid.UUID
    owner: str
    retry_count: int
    attempt: str = field(default_factory=lambda: uuid.uuid4().hex[:10])


def _due_retry(p: Pipeline, item_id: uuid.UUID, now: dt.datetime):
    m = p.model
    return move(m, p.moves, p.waiting, m.id == item_id, m.next_retry_at <= now + dt.timedelta(seconds=1),
                only_from=[p.retrying], next_retry_at=None, updated_at=now)


def wake(p: Pipeline, item_id: str, due_at: dt.datetime | None = None) -> None:
    """A retry whose time has come waits again; the message's due time is recorded so the
    reconciler can tell a waiting message from a lost one."""
    iid = uuid.UUID(str(item_id))
    now = utcnow()
    with unit_of_work() as session:
        session.execute(_due_retry(p, iid, now))
        repo.touch_enqueued(session, p.model, iid, str(p.waiting), due_at or now)


def claim(p: Pipeline, item_id: str, *, owner: str | None = None, load: Callable | None = None,
          **values) -> tuple[Lease, object] | None:
    """waiting → running under a fresh lease (a due retry goes straight through).

    ``load(session, row)`` reads what the attempt needs in the same transaction. None when
    someone else holds the item or it is over.
    """
    iid = uuid.UUID(str(item_id))
    owner = owner or worker_id()
    now = utcnow()
    lease_for = dt.timedelta(seconds=get_settings().lease_seconds)
    m = p.model
    with unit_of_work() as session:
        session.execute(_due_retry(p, iid, now))
        res = session.execute(
            move(m, p.moves, p.running, m.id == iid, only_from=[p.waiting], lease_owner=owner,
                 lease_expires_at=now + lease_for, started_at=start_time(now), updated_at=now,
                 **values)
        )
        if res.rowcount != 1:
            return None
        row = session.get(m, iid)
        loaded = load(session, row) if load else row
        retry_count = row.retry_count or 0
    from core.usage import set_item

    set_item(p.kind, iid)  # this thread's (and its pool tasks') generation calls are this item's
    return Lease(p, iid, owner, retry_count), loaded


def heartbeat(lease: Lease, stage: str | None = None, **values) -> bool:
    """Extend the lease; False when the item was cancelled or the lease was lost."""
    now = utcnow()
    values.update(lease_expires_at=now + dt.timedelta(seconds=get_settings().lease_seconds),
                  updated_at=now)
    if stage:
        values["stage"] = stage
    p = lease.pipeline
    with unit_of_work() as session:
        return repo.renew(session, p.model, lease.item_id, lease.owner, str(p.running), values) == 1


def run_leased(lease: Lease, futures: dict[str, cf.Future], *, stage_of: Callable[[], str] | None = None,
               stop: threading.Event | None = None) -> bool:
    """Wait for ``futures`` while renewing the lease, under GENERATION_TIMEOUT_SECONDS.

    Returns False when the lease was lost (cancelled, reclaimed): the caller discards.
    Raises the first future's exception, or a transient :class:`GenerationError` on time-out.
    """
    settings = get_settings()
    deadline = time.monotonic() + settings.generation_timeout_seconds
    tick = max(min(settings.lease_seconds / 3, 10.0), 0.05)
    pending = set(futures.values())
    while pending:
        done, pending = cf.wait(pending, timeout=max(min(tick, deadline - time.monotonic()), 0.01),
                                return_when=cf.FIRST_EXCEPTION)
        for f in done:
            if f.exception() is not None:
                if stop is not None:
                    stop.set()
                raise f.exception()
        if not pending:
            break
        if time.monotonic() >= deadline:
            if stop is not None:
                stop.set()
            raise GenerationError(
                f"Generation timed out after {settings.generation_timeout_seconds:g} s "
                "(GENERATION_TIMEOUT_SECONDS); it will be tried again", transient=True)
        if not heartbeat(lease, stage_of() if stage_of else None):
            if stop is not None:
                stop.set()
            return False
    return True


def complete(lease: Lease, values: dict, *, before: Callable | None = None,
             after: Callable | None = None) -> bool:
    """running → done with ``values`` if this worker still holds the lease.

    ``before(session)`` runs first in the same transaction (e.g. the batch lock, taken in
    the same order everywhere), ``after(session)`` only when it won (e.g. close the batch).
    """
    p, m = lease.pipeline, lease.pipeline.model
    now = utcnow()
    with unit_of_work() as session:
        if before:
            before(session)
        res = session.execute(
            move(m, p.moves, p.done, m.id == lease.item_id, m.lease_owner == lease.owner,
                 only_from=[p.running], finished_at=now, stage=None, lease_owner=None,
                 lease_expires_at=None, error_message=None, next_retry_at=None, updated_at=now,
                 **values)
        )
        won = res.rowcount == 1
        if won and after:
            after(session)
    if won:
        log.info(f"{p.kind}.done", extra={"item_id": str(lease.item_id), "attempt": lease.attempt})
    return won


def fail(lease: Lease, exc: BaseException, *, retry_values: dict | None = None,
         before: Callable | None = None, after_terminal: Callable | None = None,
         ) -> tuple[Decision, Sends, bool]:
    """The one failure path: transient → retrying on the schedule, else → failed.

    ``retry_values`` are saved with a retry (e.g. a finished half kept for it);
    ``after_terminal(session)`` runs when the item failed for good (close the batch).
    Returns the decision, the messages to send (the delayed retry) and whether this worker
    still held the item (False: it was cancelled or reclaimed meanwhile; nothing changed).
    """
    p, m = lease.pipeline, lease.pipeline.model
    decision = decide(exc, lease.retry_count)
    now = utcnow()
    common = dict(error_message=decision.message, stage=None, lease_owner=None,
                  lease_expires_at=None, updated_at=now, failures=m.failures + 1)
    sends: Sends = []
    with unit_of_work() as session:
        if before:
            before(session)
        if decision.retry:
            res = session.execute(
                move(m, p.moves, p.retrying, m.id == lease.item_id, m.lease_owner == lease.owner,
                     only_from=[p.running], retry_count=lease.retry_count + 1,
                     next_retry_at=retry_at(now, decision), **common, **(retry_values or {}))
            )
            if res.rowcount == 1:
                sends.append((p.kind, (str(lease.item_id),), decision.delay_seconds))
                log.info(f"{p.kind}.retry_scheduled", extra={
                    "item_id": str(lease.item_id), "in_seconds": decision.delay_seconds})
            return decision, sends, res.rowcount == 1
        res = session.execute(
            move(m, p.moves, p.failed, m.id == lease.item_id, m.lease_owner == lease.owner,
                 only_from=[p.running], finished_at=now, next_retry_at=None, **common)
        )
        won = res.rowcount == 1
        if won and after_terminal:
            after_terminal(session)
    if won:
        log.info(f"{p.kind}.failed", extra={"item_id": str(lease.item_id), "reason": decision.message})
    return decision, sends, won


def delete_files(prefix: str) -> None:
    """Delete an attempt's files; an orphan file is not worth failing over."""
    from core.pipeline import stages

    try:
        stages.storage().delete_prefix(prefix)
    except Exception:  # noqa: BLE001
        log.exception("attempt.cleanup_failed", extra={"prefix": prefix})


# --- the reconciler's common part -------------------------------------------------------


def send_and_record(send: Sender, kind: str, args: tuple, record: Callable[[], int] | None) -> bool:
    """Send, and only when that worked record it: a failed send leaves the row overdue, so
    the next pass tries again at once instead of after another grace period."""
    try:
        send(kind, args, 0.0)
    except Exception:  # noqa: BLE001 - broker down
        log.warning("reconcile.send_failed", extra={"kind": kind}, exc_info=True)
        return False
    if record is not None:
        record()
    return True


def reconcile_leases(p: Pipeline, *, send: Sender | None, overdue: dt.datetime,
                     limit: int = 500) -> tuple[Sends, list[tuple[uuid.UUID, ...]]]:
    """Expired leases back to waiting, lost waiting messages, overdue retries.

    With ``send``, each message is sent here and recorded only after it was sent; without,
    the bookkeeping is done and the messages are returned (the caller sends them).
    Returns (messages, late retries that the caller handles itself).
    """
    m = p.model
    now = utcnow()
    out: Sends = []

    def deliver(args: tuple, record: Callable[[], int]) -> None:
        if send is None:  # the caller sends what is returned
            if record() == 1:
                out.append((p.kind, args, 0.0))
            return
        if send_and_record(send, p.kind, args, record):
            out.append((p.kind, args, 0.0))

    with unit_of_work() as session:
        expired = repo.expired(session, m, str(p.running), now, limit)
        lost = repo.lost_waiting(session, m, str(p.waiting), overdue, limit)
        late = repo.late_retries(session, m, str(p.retrying), overdue, limit)
    for iid in expired:
        # back to waiting with no enqueued_at: if the send below fails, the next pass sees
        # it as lost at once
        with unit_of_work() as session:
            res = session.execute(
                move(m, p.moves, p.waiting, m.id == iid, m.lease_expires_at < now,
                     only_from=[p.running], lease_owner=None, lease_expires_at=None, stage=None,
                     enqueued_at=None, updated_at=now)
            )
        if res.rowcount == 1:
            deliver((str(iid),), lambda iid=iid: _touch(p, iid, now, None))
    for iid in lost:
        deliver((str(iid),), lambda iid=iid: _touch(p, iid, now, overdue))
    return out, late


def _touch(p: Pipeline, iid: uuid.UUID, now: dt.datetime, overdue: dt.datetime | None) -> int:
    with unit_of_work() as session:
        return repo.touch_enqueued(session, p.model, iid, str(p.waiting), now, overdue)
