"""Queries on ``generation_jobs`` (status changes are ``core.states.move`` UPDATEs)."""

from __future__ import annotations

import datetime as dt
import uuid

import sqlalchemy as sa
from sqlalchemy.orm import Session

from db.models import GenerationJob
from db.repositories.batches import lock_submission

__all__ = [
    "archive_finished", "expired_leases", "find_recent_duplicate", "get", "late_retries",
    "list_stmt", "lock_submission", "lost_pending", "renew_lease", "status_counts",
    "touch_enqueued",
]

J = GenerationJob


def get(session: Session, workspace: str, job_id: uuid.UUID, *, lock: bool = False) -> J | None:
    stmt = sa.select(J).where(J.workspace == workspace, J.id == job_id)
    if lock:
        stmt = stmt.with_for_update()
    return session.scalars(stmt).first()


def find_recent_duplicate(session: Session, workspace: str, user_id: str, submission_hash: str,
                          since: dt.datetime) -> J | None:
    """The newest job with the same parameters by the same user since ``since``."""
    stmt = (
        sa.select(J)
        .where(J.workspace == workspace, J.user_id == user_id,
               J.submission_hash == submission_hash, J.created_at >= since)
        .order_by(J.created_at.desc())
        .limit(1)
    )
    return session.scalars(stmt).first()


def list_stmt(workspace: str, statuses: list[str] | None = None, kind: str | None = None) -> sa.Select:
    """Visible (not cleared) jobs of a workspace, optionally by status and kind."""
    stmt = sa.select(J).where(J.workspace == workspace, J.archived_at.is_(None))
    if statuses:
        stmt = stmt.where(J.status.in_(statuses))
    if kind:
        stmt = stmt.where(J.kind == kind)
    return stmt


def status_counts(session: Session, workspace: str, kind: str | None = None) -> dict[str, int]:
    """{status: count} of the visible jobs (one grouped query)."""
    stmt = (sa.select(J.status, sa.func.count())
            .where(J.workspace == workspace, J.archived_at.is_(None)).group_by(J.status))
    if kind:
        stmt = stmt.where(J.kind == kind)
    return {status: count for status, count in session.execute(stmt)}


def archive_finished(session: Session, workspace: str, statuses: list[str], now: dt.datetime) -> int:
    result = session.execute(
        sa.update(J)
        .where(J.workspace == workspace, J.status.in_(statuses), J.archived_at.is_(None))
        .values(archived_at=now)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount


def touch_enqueued(session: Session, job_id: uuid.UUID, status: str, at: dt.datetime) -> int:
    """Record when the job's wake-up message was (re)sent, if it is still ``status``."""
    result = session.execute(
        sa.update(J).where(J.id == job_id, J.status == status).values(enqueued_at=at)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount


def renew_lease(session: Session, job_id: uuid.UUID, owner: str, values: dict) -> int:
    """Update a running job held by ``owner`` (the lease holder); 0 when it no longer is."""
    result = session.execute(
        sa.update(J).where(J.id == job_id, J.status == "running", J.lease_owner == owner)
        .values(**values).execution_options(synchronize_session=False)
    )
    return result.rowcount


def expired_leases(session: Session, now: dt.datetime, limit: int) -> list[uuid.UUID]:
    """Running jobs whose worker stopped renewing its lease."""
    return list(session.scalars(
        sa.select(J.id).where(J.status == "running", J.lease_expires_at < now).limit(limit)))


def lost_pending(session: Session, overdue: dt.datetime, limit: int) -> list[uuid.UUID]:
    """Pending jobs whose message should have arrived long ago (or was never sent)."""
    return list(session.scalars(
        sa.select(J.id).where(J.status == "pending",
                              sa.or_(J.enqueued_at.is_(None), J.enqueued_at < overdue)).limit(limit)))


def late_retries(session: Session, overdue: dt.datetime, limit: int) -> list[uuid.UUID]:
    """Retrying jobs whose delayed message is overdue (lost with Redis, say)."""
    return list(session.scalars(
        sa.select(J.id).where(J.status == "retrying", J.next_retry_at < overdue).limit(limit)))
