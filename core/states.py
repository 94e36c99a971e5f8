"""The state machines: one StrEnum per kind and one table of allowed moves.

Every status change is applied as a conditional UPDATE (``… WHERE status IN (allowed
sources)``) built by :func:`move`, so two workers can never both claim one item and a
stale writer changes nothing.
"""

from __future__ import annotations

from enum import StrEnum

import sqlalchemy as sa


class PreviewStatus(StrEnum):
    PENDING = "pending"
    QUEUED = "queued"
    RUNNING = "running"
    RETRYING = "retrying"
    DONE = "done"
    FAILED = "failed"
    CANCELLED = "cancelled"


class BatchStatus(StrEnum):
    PENDING = "pending"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"
    CANCELLED = "cancelled"


class JobStatus(StrEnum):
    PENDING = "pending"
    RUNNING = "running"
    RETRYING = "retrying"
    DONE = "done"
    FAILED = "failed"
    CANCELLED = "cancelled"


P = PreviewStatus
PREVIEW_MOVES: dict[PreviewStatus, frozenset[PreviewStatus]] = {
    # pending: waiting for its URL to be scraped; failed when the URL cannot be used,
    # retrying when the page could not be fetched for a passing reason.
    P.PENDING: frozenset({P.QUEUED, P.FAILED, P.CANCELLED, P.RETRYING}),
    P.QUEUED: frozenset({P.RUNNING, P.FAILED, P.CANCELLED}),
    # running -> queued: the reconciler takes back an expired lease.
    P.RUNNING: frozenset({P.DONE, P.FAILED, P.RETRYING, P.CANCELLED, P.QUEUED}),
    # retrying -> pending: its URL is scraped again; -> queued: generation is tried again.
    P.RETRYING: frozenset({P.QUEUED, P.PENDING, P.CANCELLED}),
    # user retry: back to queued (source image known) or pending (URL must be scraped again).
    P.FAILED: frozenset({P.QUEUED, P.PENDING}),
    P.CANCELLED: frozenset({P.QUEUED, P.PENDING}),
    # done -> queued: a user regeneration (the finished prefill stays on the row until the
    # new one is done; see core.review).
    P.DONE: frozenset({P.QUEUED}),
}
PREVIEW_TERMINAL = frozenset({P.DONE, P.FAILED, P.CANCELLED})
PREVIEW_ACTIVE = frozenset({P.PENDING, P.QUEUED, P.RUNNING, P.RETRYING})

B = BatchStatus
BATCH_MOVES: dict[BatchStatus, frozenset[BatchStatus]] = {
    B.PENDING: frozenset({B.RUNNING, B.CANCELLED, B.FAILED}),
    B.RUNNING: frozenset({B.DONE, B.FAILED, B.CANCELLED}),
    # user retry of failed/cancelled items reopens the batch.
    B.DONE: frozenset({B.RUNNING}),
    B.FAILED: frozenset({B.RUNNING}),
    B.CANCELLED: frozenset({B.RUNNING}),
}
BATCH_TERMINAL = frozenset({B.DONE, B.FAILED, B.CANCELLED})

J = JobStatus
JOB_MOVES: dict[JobStatus, frozenset[JobStatus]] = {
    J.PENDING: frozenset({J.RUNNING, J.CANCELLED, J.FAILED}),
    J.RUNNING: frozenset({J.DONE, J.FAILED, J.RETRYING, J.CANCELLED, J.PENDING}),
    J.RETRYING: frozenset({J.PENDING, J.CANCELLED}),
    J.FAILED: frozenset({J.PENDING}),
    J.CANCELLED: frozenset({J.PENDING}),
    J.DONE: frozenset(),
}
JOB_TERMINAL = frozenset({J.DONE, J.FAILED, J.CANCELLED})


def sources_for(moves: dict, target: StrEnum) -> list[str]:
    """Every status from which ``target`` may be reached, per the table."""
    return sorted(str(src) for src, dests in moves.items() if target in dests)


def can_move(moves: dict, current: str, target: StrEnum) -> bool:
    return target in moves.get(type(target)(current), frozenset())


def move(model, moves: dict, target: StrEnum, *where, only_from=None, **values) -> sa.Update:
    """A conditional UPDATE of ``model`` rows matching ``where`` to ``target``.

    Only rows whose status may legally move to ``target`` (optionally narrowed by
    ``only_from``) are touched; callers check ``rowcount`` / ``RETURNING`` to learn
    whether they won.
    """
    allowed = sources_for(moves, target)
    if only_from is not None:
        allowed = [s for s in allowed if s in {str(x) for x in only_from}]
    return (
        sa.update(model)
        .where(model.status.in_(allowed), *where)
        .values(status=str(target), **values)
        .execution_options(synchronize_session=False)
    )
