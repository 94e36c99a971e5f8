"""The reconciler: nothing stays stuck after a crash, a lost message or an empty Redis.

Run at worker boot and periodically, by any number of workers at once (every change is a
conditional UPDATE, so two reconcilers never both resend one item; a duplicate message
would be harmless anyway — claims are conditional).
"""

from __future__ import annotations

import datetime as dt
import logging

import sqlalchemy as sa

from core.batches import try_finish_batch
from core.settings import get_settings
from core.states import PREVIEW_MOVES, BatchStatus, PreviewStatus, move
from db.base import utcnow
from db.engine import unit_of_work
from db.models import Batch, Preview
from db.repositories import batches as batch_repo

log = logging.getLogger(__name__)

Sends = list[tuple[str, tuple, float]]

def reconcile(grace_seconds: float | None = None, limit: int = 500) -> Sends:
    """Find orphaned work and return the messages that restart it."""
    if grace_seconds is None:
        grace_seconds = get_settings().reconcile_grace_seconds
    now = utcnow()
    overdue = now - dt.timedelta(seconds=grace_seconds)
    sends: Sends = []
    with unit_of_work() as session:
        # 1. running items whose worker stopped renewing its lease (killed, frozen host).
        expired = session.scalars(
            sa.select(Preview.id).where(
                Preview.status == PreviewStatus.RUNNING, Preview.lease_expires_at < now
            ).limit(limit)
        ).all()
        for pid in expired:
            res = session.execute(
                move(Preview, PREVIEW_MOVES, PreviewStatus.QUEUED, Preview.id == pid,
                     Preview.lease_expires_at < now, only_from=[PreviewStatus.RUNNING],
                     lease_owner=None, lease_expires_at=None, stage=None, enqueued_at=now,
                     updated_at=now)
            )
            if res.rowcount == 1:
                sends.append(("preview", (str(pid),), 0.0))
        # 2. queued items whose message should have arrived long ago (lost with Redis).
        lost = session.scalars(
            sa.select(Preview.id).where(
                Preview.status == PreviewStatus.QUEUED,
                sa.or_(Preview.enqueued_at.is_(None), Preview.enqueued_at < overdue),
            ).limit(limit)
        ).all()
        for pid in lost:
            res = session.execute(
                sa.update(Preview)
                .where(Preview.id == pid, Preview.status == PreviewStatus.QUEUED,
                       sa.or_(Preview.enqueued_at.is_(None), Preview.enqueued_at < overdue))
                .values(enqueued_at=now)
            )
            if res.rowcount == 1:
                sends.append(("preview", (str(pid),), 0.0))
        # 3. retries that are overdue: their delayed message was lost.
        late = session.execute(
            sa.select(Preview.id, Preview.batch_id, Preview.source_url, Preview.source_image_url)
            .where(Preview.status == PreviewStatus.RETRYING, Preview.next_retry_at < overdue)
            .limit(limit)
        ).all()
        resources: set[tuple[str, str]] = set()
        for pid, bid, url, image in late:
            res = session.execute(
                sa.update(Preview)
                .where(Preview.id == pid, Preview.status == PreviewStatus.RETRYING,
                       Preview.next_retry_at < overdue)
                .values(next_retry_at=now)
            )
            if res.rowcount != 1:
                continue
            if image:
                sends.append(("preview", (str(pid),), 0.0))
            else:
                resources.add((str(bid), url))
        # 4. URLs waiting to be scraped whose message was lost.
        waiting = session.execute(
            sa.select(Preview.batch_id, Preview.source_url).distinct()
            .join(Batch, Batch.id == Preview.batch_id)
            .where(Preview.status == PreviewStatus.PENDING, Batch.status == BatchStatus.RUNNING,
                   sa.or_(Preview.enqueued_at.is_(None), Preview.enqueued_at < overdue))
            .limit(limit)
        ).all()
        for bid, url in waiting:
            session.execute(
                sa.update(Preview)
                .where(Preview.batch_id == bid, Preview.source_url == url,
                       Preview.status == PreviewStatus.PENDING)
                .values(enqueued_at=now)
            )
            resources.add((str(bid), url))
        sends.extend(("source", key, 0.0) for key in sorted(resources))
        # 5. batches whose start message was lost.
        stale_batches = session.scalars(
            sa.select(Batch.id).where(Batch.status == BatchStatus.PENDING, Batch.created_at < overdue)
            .limit(limit)
        ).all()
        sends.extend(("batch", (str(bid),), 0.0) for bid in stale_batches)
        # 6. running batches whose last preview finished while its worker died.
        open_batches = session.scalars(
            sa.select(Batch.id).where(
                Batch.status == BatchStatus.RUNNING,
                ~sa.exists().where(
                    Preview.batch_id == Batch.id,
                    Preview.status.in_([s.value for s in (PreviewStatus.PENDING, PreviewStatus.QUEUED,
                                                          PreviewStatus.RUNNING, PreviewStatus.RETRYING)]),
                ),
            ).limit(limit)
        ).all()
    for bid in open_batches:  # one short transaction each, batch lock first
        with unit_of_work() as session:
            batch_repo.lock(session, bid)
            try_finish_batch(session, bid)
    if sends:
        log.info("reconcile.resent count=%d", len(sends))
    return sends
