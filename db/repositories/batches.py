"""Queries on ``batches``."""

from __future__ import annotations

import datetime as dt
import uuid

import sqlalchemy as sa
from sqlalchemy.orm import Session

from db.models import Batch, Preview


def get(session: Session, workspace: str, batch_id: uuid.UUID, *, lock: bool = False) -> Batch | None:
    stmt = sa.select(Batch).where(Batch.workspace == workspace, Batch.id == batch_id)
    if lock:
        stmt = stmt.with_for_update()
    return session.scalars(stmt).first()


def lock(session: Session, batch_id: uuid.UUID) -> None:
    """Take the batch row's lock (PostgreSQL; SQLite already serialises writers).

    Every transaction that changes previews and may close the batch takes this lock
    *first*: closing checks "no preview is still active", and two last previews finishing
    at once must not each see the other as still running.
    """
    session.execute(sa.select(Batch.id).where(Batch.id == batch_id).with_for_update())


def find_recent_duplicate(
    session: Session, workspace: str, user_id: str, submission_hash: str, since: dt.datetime
) -> Batch | None:
    stmt = (
        sa.select(Batch)
        .where(
            Batch.workspace == workspace,
            Batch.user_id == user_id,
            Batch.submission_hash == submission_hash,
            Batch.created_at >= since,
        )
        .order_by(Batch.created_at.desc())
        .limit(1)
    )
    return session.scalars(stmt).first()


def lock_submission(session: Session, key: str) -> None:
    """Serialise identical submissions (PostgreSQL advisory lock; SQLite's BEGIN IMMEDIATE
    already serialises every write transaction)."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(sa.text("SELECT pg_advisory_xact_lock(hashtext(:k))"), {"k": key})


def _like(text: str) -> str:
    """``text`` as a case-insensitive LIKE pattern matching it anywhere (wildcards escaped)."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def list_stmt(workspace: str, status: str | None, archived: bool | None = False,
              search: str | None = None) -> sa.Select:
    """The workspace's batches: ``archived`` False = the active list, True = only the
    archived ones, None = both; ``search`` matches the name, a submitted URL or the title
    of a product scraped for the batch (case-insensitive, anywhere in the text)."""
    from db.models import Product

    stmt = sa.select(Batch).where(Batch.workspace == workspace)
    if archived is not None:
        stmt = stmt.where(Batch.archived_at.is_not(None) if archived else Batch.archived_at.is_(None))
    if status:
        stmt = stmt.where(Batch.status == status)
    if search:
        pattern = _like(search.lower())
        title = (
            sa.select(Preview.id)
            .join(Product, sa.and_(Product.workspace == Preview.workspace,
                                   sa.or_(Product.id == Preview.product_id,
                                          Product.url == Preview.source_url)))
            .where(Preview.batch_id == Batch.id,
                   sa.func.lower(Product.title).like(pattern, escape="\\"))
            .exists()
        )
        # the submitted URLs as each preview keeps its own (the sources' JSON as text matched its
        # keys: "size", "url" or "_" found every batch — a walk-through)
        url = (sa.select(Preview.id)
               .where(Preview.batch_id == Batch.id,
                      sa.func.lower(Preview.source_url).like(pattern, escape="\\"))
               .exists())
        stmt = stmt.where(sa.or_(
            sa.func.lower(Batch.name).like(pattern, escape="\\"),
            url,
            title,
        ))
    return stmt


def progress_counts(session: Session, workspace: str, batch_ids: list[uuid.UUID]) -> dict:
    """{batch_id: {status: count}} for many batches in one grouped query."""
    if not batch_ids:
        return {}
    rows = session.execute(
        sa.select(Preview.batch_id, Preview.status, sa.func.count(), _FOR_GOOD)
        .where(Preview.workspace == workspace, Preview.batch_id.in_(batch_ids))
        .group_by(Preview.batch_id, Preview.status)
    )
    out: dict[uuid.UUID, dict[str, int]] = {}
    for batch_id, status, count, for_good in rows:
        add_count(out.setdefault(batch_id, {}), status, count, for_good)
    return out


# per status group: how many failed for good (a retry cannot change them)
_FOR_GOOD = sa.func.sum(sa.case((Preview.failed_for_good.is_(True), 1), else_=0))


def add_count(counts: dict[str, int], status: str, count: int, for_good: int | bool | None) -> None:
    """Add ``count`` previews of ``status`` to ``counts``; of failed ones, those that failed for
    good (``for_good`` of them) are counted again under "failed_for_good" (``Progress``)."""
    counts[status] = counts.get(status, 0) + count
    if status == "failed" and for_good:
        counts["failed_for_good"] = counts.get("failed_for_good", 0) + int(for_good)


def status_counts(session: Session, batch_id: uuid.UUID) -> dict[str, int]:
    rows = session.execute(
        sa.select(Preview.status, sa.func.count(), _FOR_GOOD)
        .where(Preview.batch_id == batch_id)
        .group_by(Preview.status)
    )
    out: dict[str, int] = {}
    for status, count, for_good in rows:
        add_count(out, status, count, for_good)
    return out


def delete(session: Session, workspace: str, batch_id: uuid.UUID) -> int:
    # Delete previews explicitly too: SQLite enforces ON DELETE CASCADE only with the pragma,
    # and a connection made elsewhere may not have it.
    session.execute(
        sa.delete(Preview).where(Preview.workspace == workspace, Preview.batch_id == batch_id)
    )
    result = session.execute(
        sa.delete(Batch).where(Batch.workspace == workspace, Batch.id == batch_id)
    )
    return result.rowcount


def set_archived(session: Session, workspace: str, batch_id: uuid.UUID,
                 at: dt.datetime | None) -> int:
    """Archive (``at``) or restore (None) one batch; returns the rows changed (0 or 1)."""
    result = session.execute(
        sa.update(Batch).where(Batch.workspace == workspace, Batch.id == batch_id)
        .values(archived_at=at).execution_options(synchronize_session=False)
    )
    return result.rowcount


def rename(session: Session, workspace: str, batch_id: uuid.UUID, name: str, now: dt.datetime) -> int:
    result = session.execute(
        sa.update(Batch).where(Batch.workspace == workspace, Batch.id == batch_id)
        .values(name=name, updated_at=now).execution_options(synchronize_session=False)
    )
    return result.rowcount


def archive_finished(session: Session, workspace: str, statuses: list[str], now: dt.datetime) -> int:
    result = session.execute(
        sa.update(Batch)
        .where(Batch.workspace == workspace, Batch.status.in_(statuses), Batch.archived_at.is_(None))
        .values(archived_at=now)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount
