"""The SQL of leases, shared by both pipelines (previews and media jobs).

``model`` is :class:`db.models.Preview` or :class:`db.models.GenerationJob`: both carry
``status``, ``lease_owner``, ``lease_expires_at``, ``next_retry_at``, ``enqueued_at``.
Status changes themselves are built by the caller (``core.states.move``), which checks
them against the state machine; this module holds the lookups and bookkeeping UPDATEs.
"""

from __future__ import annotations

import datetime as dt
import uuid

import sqlalchemy as sa
from sqlalchemy.orm import Session


def renew(session: Session, model, item_id: uuid.UUID, owner: str, running: str, values: dict) -> int:
    """Update a running item held by ``owner``; 0 when it no longer is (cancelled, reclaimed)."""
    res = session.execute(
        sa.update(model).where(model.id == item_id, model.status == running,
                               model.lease_owner == owner)
        .values(**values).execution_options(synchronize_session=False)
    )
    return res.rowcount


def holds(session: Session, model, item_id: uuid.UUID, owner: str, running: str) -> bool:
    return session.scalar(
        sa.select(sa.func.count()).select_from(model).where(
            model.id == item_id, model.status == running, model.lease_owner == owner)
    ) == 1


def touch_enqueued(session: Session, model, item_id: uuid.UUID, status: str, at: dt.datetime,
                   overdue: dt.datetime | None = None) -> int:
    """Record when the item's wake-up message was (re)sent, if it is still ``status`` (and,
    with ``overdue``, still unrecorded since then: another reconciler may have done it)."""
    stmt = sa.update(model).where(model.id == item_id, model.status == status)
    if overdue is not None:
        stmt = stmt.where(sa.or_(model.enqueued_at.is_(None), model.enqueued_at < overdue))
    res = session.execute(stmt.values(enqueued_at=at).execution_options(synchronize_session=False))
    return res.rowcount


def expired(session: Session, model, running: str, now: dt.datetime, limit: int) -> list[uuid.UUID]:
    """Running items whose worker stopped renewing its lease (killed, frozen host)."""
    return list(session.scalars(
        sa.select(model.id).where(model.status == running, model.lease_expires_at < now).limit(limit)))


def lost_waiting(session: Session, model, waiting: str, overdue: dt.datetime, limit: int) -> list[uuid.UUID]:
    """Waiting items whose message should have arrived long ago (or was never sent)."""
    return list(session.scalars(
        sa.select(model.id).where(model.status == waiting,
                                  sa.or_(model.enqueued_at.is_(None), model.enqueued_at < overdue))
        .limit(limit)))


def late_retries(session: Session, model, retrying: str, overdue: dt.datetime, limit: int) -> list[uuid.UUID]:
    """Retrying items whose delayed message is overdue (lost with Redis, say)."""
    return list(session.scalars(
        sa.select(model.id).where(model.status == retrying, model.next_retry_at < overdue).limit(limit)))
