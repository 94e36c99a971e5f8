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
    """When the workspace's generations started, for those started after ``since``: its banners'
    and its image & video jobs' (both count against the one limit: a walk-through read "0 by this
    workspace" after two of its image jobs had used the starts)."""
    from db.models import GenerationJob

    previews = sa.select(Preview.started_at).where(Preview.workspace == workspace, Preview.started_at >= since)
    jobs = sa.select(GenerationJob.started_at).where(GenerationJob.workspace == workspace,
                                                     GenerationJob.started_at >= since)
    return list(session.scalars(previews)) + list(session.scalars(jobs))


def recent_failures(session: Session, workspace: str, limit: int) -> list[tuple[Preview, str, str | None, int]]:
    """The latest failures, one per product and reason (a URL's variants fail alike): the newest
    failed preview of each, its batch's name, its product's title (None before the page was
    read) and how many previews failed so, newest first (archived batches too: archiving only
    tidies the Batches list). Grouped in the query: grouping the last N previews cut the last
    group short ("· 2 previews" where 10 had failed)."""
    keys = (Preview.batch_id, Preview.source_url, Preview.error_message)
    groups = (sa.select(*keys, sa.func.count().label("n"), sa.func.max(Preview.finished_at).label("last"))
              .where(Preview.workspace == workspace, Preview.status == "failed")
              .group_by(*keys)
              .order_by(sa.func.max(Preview.finished_at).desc().nulls_last())  # (PostgreSQL sorts NULL first)
              .limit(limit)
              .subquery())
    rows = session.execute(
        sa.select(Preview, Batch.name, Product.title, groups.c.n)
        .join(groups, sa.and_(Preview.batch_id == groups.c.batch_id, Preview.source_url == groups.c.source_url,
                              Preview.error_message.is_not_distinct_from(groups.c.error_message),
                              Preview.finished_at.is_not_distinct_from(groups.c.last)))
        .join(Batch, Batch.id == Preview.batch_id)
        .outerjoin(Product, sa.and_(Product.id == Preview.product_id, Product.workspace == workspace))
        .where(Preview.workspace == workspace, Preview.status == "failed")
        .order_by(Preview.finished_at.desc().nulls_last(), Preview.id)
    )
    out, seen = [], set()
    for p, name, title, n in rows:
        key = (p.batch_id, p.source_url, p.error_message)
        if key not in seen:  # two of a group that failed at the same moment: one line
            seen.add(key)
            out.append((p, name, title, n))
    return out
