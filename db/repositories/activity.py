"""Queries behind the Home page: what is running now, recent starts, recent failures."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Session

from db.models import Batch, Preview, Product


def status_counts(session: Session, workspace: str, statuses: list[str]) -> dict[str, int]:
    """{status: count} of the workspace's previews in ``statuses`` (archived batches too)."""
    rows = session.execute(
        sa.select(Preview.status, sa.func.count())
        .where(Preview.workspace == workspace, Preview.status.in_(statuses))
        .group_by(Preview.status)
    )
    return {status: count for status, count in rows}


def start_times(session: Session, workspace: str, since: dt.datetime) -> list[dt.datetime]:
    """When the workspace's generations started, for those started after ``since``."""
    return list(session.scalars(
        sa.select(Preview.started_at)
        .where(Preview.workspace == workspace, Preview.started_at >= since)
    ))


def recent_failures(session: Session, workspace: str, limit: int) -> list[tuple[Preview, str, str | None]]:
    """The latest failed previews with their batch's name and their product's title (None
    before the page was read), newest first (archived batches too: archiving only tidies the
    Batches list)."""
    rows = session.execute(
        sa.select(Preview, Batch.name, Product.title)
        .join(Batch, Batch.id == Preview.batch_id)
        .outerjoin(Product, sa.and_(Product.id == Preview.product_id, Product.workspace == workspace))
        .where(Preview.workspace == workspace, Preview.status == "failed")
        .order_by(Preview.finished_at.desc().nulls_last(), Preview.id)
        .limit(limit)
    )
    return [(p, name, title) for p, name, title in rows]
