"""Queries on ``previews``."""

from __future__ import annotations

import uuid

import sqlalchemy as sa
from sqlalchemy.orm import Session

from db.models import Preview


def get(session: Session, workspace: str, preview_id: uuid.UUID, *, lock: bool = False) -> Preview | None:
    stmt = sa.select(Preview).where(Preview.workspace == workspace, Preview.id == preview_id)
    if lock:
        stmt = stmt.with_for_update()
    return session.scalars(stmt).first()


def list_stmt(
    workspace: str,
    batch_id: uuid.UUID | None = None,
    product_id: uuid.UUID | None = None,
    status: str | None = None,
) -> sa.Select:
    stmt = sa.select(Preview).where(Preview.workspace == workspace)
    if batch_id is not None:
        stmt = stmt.where(Preview.batch_id == batch_id)
    if product_id is not None:
        stmt = stmt.where(Preview.product_id == product_id)
    if status:
        stmt = stmt.where(Preview.status == status)
    return stmt


def change_marks(session: Session, workspace: str, batch_id: uuid.UUID) -> list[sa.Row]:
    """Per preview of a batch, the columns a live view redraws on (no prefill JSON), as
    named rows that compare like tuples."""
    stmt = (
        sa.select(Preview.id, Preview.source_url, Preview.status, Preview.stage,
                  Preview.retry_count,
                  Preview.prefill_version, Preview.next_retry_at, Preview.error_message,
                  Preview.review_status)
        .where(Preview.workspace == workspace, Preview.batch_id == batch_id)
        .order_by(Preview.id)
    )
    return list(session.execute(stmt))


def for_batch(session: Session, workspace: str, batch_id: uuid.UUID) -> list[Preview]:
    stmt = (
        sa.select(Preview)
        .where(Preview.workspace == workspace, Preview.batch_id == batch_id)
        .order_by(Preview.source_url, Preview.variant_index)
    )
    return list(session.scalars(stmt))


def ids_with_status(session: Session, workspace: str, batch_id: uuid.UUID, statuses) -> list[Preview]:
    stmt = sa.select(Preview).where(
        Preview.workspace == workspace,
        Preview.batch_id == batch_id,
        Preview.status.in_([str(s) for s in statuses]),
    )
    return list(session.scalars(stmt))
