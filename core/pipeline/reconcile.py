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
from core.pipeline.lease import PREVIEWS, reconcile_leases, send_and_record
from core.states import BatchStatus, PreviewStatus
from db.base import utcnow
from db.engine import unit_of_work
from db.models import Batch, Preview
from db.repositories import batches as batch_repo

log = logging.getLogger(__name__)

Sends = list[tuple[str, tuple, float]]

def reconcile(grace_seconds: float | None = None, limit: int = 500, send=None) -> Sends:
    """Find orphaned work and restart it.

    With ``send(kind, args, delay)`` each message is sent here and its re-send recorded only
    after the send succeeded — after a broker outage an item is re-sent on the next pass,
    not one grace period later. Without, the bookkeeping is done and the messages are
    returned for the caller to send. Either way the messages are returned.
    """
    if grace_seconds is None:
        grace_seconds = get_settings().reconcile_grace_seconds
    now = utcnow()
    overdue = now - dt.timedelta(seconds=grace_seconds)

    def deliver(kind: str, args: tuple, record=None) -> bool:
        if send is None:
            if record is None or record():
                out.append((kind, args, 0.0))
                return True
            return False
        if send_and_record(send, kind, args, record):
            out.append((kind, args, 0.0))
            return True
        return False

    # 1-2. expired leases (a killed worker) and queued items whose message was lost
    out, late = reconcile_leases(PREVIEWS, send=send, overdue=overdue, limit=limit)
    # 3. retries that are overdue: their delayed message was lost
    with unit_of_work() as session:
        rows = session.execute(
            sa.select(Preview.id, Preview.batch_id, Preview.source_url, Preview.source_image_url)
            .where(Preview.id.in_(late))
        ).all() if late else []
    resources: dict[tuple[str, str], list] = {}
    for pid, bid, url, image in rows:
        if image:  # due now: the message wakes it (claim moves a due retry to queued)
            deliver("preview", (str(pid),), lambda pid=pid: _due_now(pid, overdue, now))
        else:  # the page fetch is to be retried: one message per URL
            resources.setdefault((str(bid), url), []).append(lambda pid=pid: _due_now(pid, overdue, now))
    # 4. URLs waiting to be scraped whose message was lost
    with unit_of_work() as session:
        waiting = session.execute(
            sa.select(Preview.batch_id, Preview.source_url).distinct()
            .join(Batch, Batch.id == Preview.batch_id)
            .where(Preview.status == PreviewStatus.PENDING, Batch.status == BatchStatus.RUNNING,
                   sa.or_(Preview.enqueued_at.is_(None), Preview.enqueued_at < overdue))
            .limit(limit)
        ).all()
    for bid, url in waiting:
        resources.setdefault((str(bid), url), []).append(
            lambda bid=bid, url=url: _touch_pending(bid, url, now))
    for key in sorted(resources):
        records = resources[key]
        deliver("source", key, lambda records=records: sum(r() for r in records))
    # 5. batches whose start message was lost (re-sent every pass until started)
    with unit_of_work() as session:
        stale_batches = session.scalars(
            sa.select(Batch.id).where(Batch.status == BatchStatus.PENDING, Batch.created_at < overdue)
            .limit(limit)
        ).all()
    for bid in stale_batches:
        deliver("batch", (str(bid),))
    # 6. running batches whose last preview finished while its worker died.
    with unit_of_work() as session:
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
    if out:
        log.info("reconcile.resent", extra={"count": len(out)})
    return out


def _due_now(pid, overdue, now) -> int:
    with unit_of_work() as session:
        return session.execute(
            sa.update(Preview)
            .where(Preview.id == pid, Preview.status == PreviewStatus.RETRYING,
                   Preview.next_retry_at < overdue)
            .values(next_retry_at=now)
        ).rowcount


def _touch_pending(bid, url, now) -> int:
    with unit_of_work() as session:
        return session.execute(
            sa.update(Preview)
            .where(Preview.batch_id == bid, Preview.source_url == url,
                   Preview.status == PreviewStatus.PENDING)
            .values(enqueued_at=now)
        ).rowcount
