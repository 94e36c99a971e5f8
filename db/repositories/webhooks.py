"""Queries on ``webhooks`` and ``webhook_deliveries``.

Every lookup a user can trigger is scoped to a workspace. The worker-side statements
(claim, finish, the reconciler's) take a delivery id that came from the database itself.
A delivery's ``next_attempt_at`` is when its wake-up message was last sent (pending) or
when its next attempt is due (retrying); the reconciler re-sends when it is long past.
"""

from __future__ import annotations

import datetime as dt
import uuid

import sqlalchemy as sa
from sqlalchemy.orm import Session

from db.models import Batch, GenerationJob, Webhook, WebhookDelivery

D = WebhookDelivery
OPEN = ("pending", "retrying")  # waiting for an attempt
DUE_SLACK = dt.timedelta(seconds=1)  # a delayed message may arrive a little early


# --- webhooks -----------------------------------------------------------------------------


def add_webhook(session: Session, **values) -> Webhook:
    hook = Webhook(**values)
    session.add(hook)
    session.flush()
    return hook


def webhooks_of(session: Session, workspace: str) -> list[Webhook]:
    return list(session.scalars(
        sa.select(Webhook).where(Webhook.workspace == workspace)
        .order_by(Webhook.created_at.desc(), Webhook.id)))


def get_webhook(session: Session, workspace: str, webhook_id: uuid.UUID) -> Webhook | None:
    return session.scalars(sa.select(Webhook).where(
        Webhook.workspace == workspace, Webhook.id == webhook_id)).first()


def count_active(session: Session, workspace: str) -> int:
    return session.scalar(sa.select(sa.func.count()).select_from(Webhook).where(
        Webhook.workspace == workspace, Webhook.disabled_at.is_(None)))


def active(session: Session, workspace: str) -> list[Webhook]:
    """The workspace's enabled webhooks, oldest first (at most MAX_WEBHOOKS)."""
    return list(session.scalars(sa.select(Webhook).where(
        Webhook.workspace == workspace, Webhook.disabled_at.is_(None)).order_by(Webhook.created_at)))


def active_ids(session: Session, workspace: str) -> list[uuid.UUID]:
    """The webhooks an event of ``workspace`` goes to."""
    return list(session.scalars(sa.select(Webhook.id).where(
        Webhook.workspace == workspace, Webhook.disabled_at.is_(None)).order_by(Webhook.created_at)))


def disable(session: Session, workspace: str, webhook_id: uuid.UUID, now: dt.datetime) -> int:
    return session.execute(
        sa.update(Webhook).where(Webhook.workspace == workspace, Webhook.id == webhook_id,
                                 Webhook.disabled_at.is_(None))
        .values(disabled_at=now).execution_options(synchronize_session=False)
    ).rowcount


def close_open_deliveries(session: Session, workspace: str, webhook_id: uuid.UUID,
                          now: dt.datetime) -> int:
    """A disabled webhook's waiting deliveries fail (one in flight finishes on its own)."""
    return session.execute(
        sa.update(D).where(D.workspace == workspace, D.webhook_id == webhook_id, D.status.in_(OPEN))
        .values(status="failed", finished_at=now, next_attempt_at=None)
        .execution_options(synchronize_session=False)
    ).rowcount


def delete(session: Session, workspace: str, webhook_id: uuid.UUID) -> int:
    """Delete a webhook and its deliveries (explicitly: not every SQLite enforces cascades)."""
    session.execute(sa.delete(D).where(D.workspace == workspace, D.webhook_id == webhook_id)
                    .execution_options(synchronize_session=False))
    return session.execute(
        sa.delete(Webhook).where(Webhook.workspace == workspace, Webhook.id == webhook_id)
        .execution_options(synchronize_session=False)
    ).rowcount


# --- deliveries: the service side ---------------------------------------------------------


def add_deliveries(session: Session, rows: list[dict]) -> None:
    if rows:
        session.execute(sa.insert(D), rows)


def deliveries_of(session: Session, workspace: str, webhook_id: uuid.UUID | None,
                  limit: int) -> list[WebhookDelivery]:
    stmt = sa.select(D).where(D.workspace == workspace)
    if webhook_id is not None:
        stmt = stmt.where(D.webhook_id == webhook_id)
    return list(session.scalars(stmt.order_by(D.created_at.desc(), D.id).limit(limit)))


def get_delivery(session: Session, workspace: str, delivery_id: uuid.UUID) -> WebhookDelivery | None:
    return session.scalars(sa.select(D).where(D.workspace == workspace, D.id == delivery_id)).first()


# --- deliveries: the worker side ----------------------------------------------------------


def claim(session: Session, delivery_id: uuid.UUID, owner: str, now: dt.datetime,
          lease_until: dt.datetime) -> int:
    """pending, or retrying and due → delivering under ``owner``'s lease, if its webhook is
    still enabled. 1 when this worker got it."""
    enabled = sa.exists().where(Webhook.id == D.webhook_id, Webhook.disabled_at.is_(None))
    return session.execute(
        sa.update(D).where(
            D.id == delivery_id, enabled,
            sa.or_(D.status == "pending",
                   sa.and_(D.status == "retrying", D.next_attempt_at <= now + DUE_SLACK)))
        .values(status="delivering", lease_owner=owner, lease_expires_at=lease_until)
        .execution_options(synchronize_session=False)
    ).rowcount


def claimed(session: Session, delivery_id: uuid.UUID) -> tuple | None:
    """(payload, attempts, event, url, secret) of a delivery being delivered."""
    return session.execute(
        sa.select(D.payload, D.attempts, D.event, Webhook.url, Webhook.secret)
        .join(Webhook, Webhook.id == D.webhook_id).where(D.id == delivery_id)
    ).first()


def finish(session: Session, delivery_id: uuid.UUID, owner: str, values: dict) -> int:
    """Record an attempt's outcome if ``owner`` still holds the delivery."""
    return session.execute(
        sa.update(D).where(D.id == delivery_id, D.status == "delivering", D.lease_owner == owner)
        .values(lease_owner=None, lease_expires_at=None, **values)
        .execution_options(synchronize_session=False)
    ).rowcount


def expired(session: Session, now: dt.datetime, limit: int) -> list[uuid.UUID]:
    """Deliveries whose worker died mid-attempt."""
    return list(session.scalars(sa.select(D.id).where(
        D.status == "delivering", D.lease_expires_at < now).limit(limit)))


def release_expired(session: Session, delivery_id: uuid.UUID, now: dt.datetime) -> int:
    """An expired attempt's delivery waits again (with no send recorded yet)."""
    return session.execute(
        sa.update(D).where(D.id == delivery_id, D.status == "delivering", D.lease_expires_at < now)
        .values(status="pending", lease_owner=None, lease_expires_at=None, next_attempt_at=None)
        .execution_options(synchronize_session=False)
    ).rowcount


def overdue(session: Session, before: dt.datetime, limit: int) -> list[uuid.UUID]:
    """Waiting deliveries whose message should have been worked long ago (or never went)."""
    return list(session.scalars(sa.select(D.id).where(
        D.status.in_(OPEN), sa.or_(D.next_attempt_at.is_(None), D.next_attempt_at < before))
        .order_by(D.created_at).limit(limit)))


def touch_sent(session: Session, delivery_id: uuid.UUID, now: dt.datetime,
               before: dt.datetime | None = None) -> int:
    """Record a (re)sent wake-up: the delivery is due now. With ``before``, only if no
    other reconciler recorded one since."""
    stmt = sa.update(D).where(D.id == delivery_id, D.status.in_(OPEN))
    if before is not None:
        stmt = stmt.where(sa.or_(D.next_attempt_at.is_(None), D.next_attempt_at < before))
    return session.execute(stmt.values(next_attempt_at=now)
                           .execution_options(synchronize_session=False)).rowcount


def close_disabled(session: Session, now: dt.datetime, limit: int) -> int:
    """Waiting deliveries of webhooks disabled meanwhile (a race with ``disable``) fail."""
    ids = list(session.scalars(
        sa.select(D.id).join(Webhook, Webhook.id == D.webhook_id)
        .where(D.status.in_(OPEN), Webhook.disabled_at.is_not(None)).limit(limit)))
    if not ids:
        return 0
    return session.execute(
        sa.update(D).where(D.id.in_(ids), D.status.in_(OPEN))
        .values(status="failed", finished_at=now, next_attempt_at=None)
        .execution_options(synchronize_session=False)
    ).rowcount


def job_summary(session: Session, job_id: uuid.UUID):
    """The columns of a media job that its ``media_job.finished`` event carries."""
    J = GenerationJob
    return session.execute(
        sa.select(J.id, J.workspace, J.kind, J.status, J.params, J.results, J.generator,
                  J.error_message, J.retry_count, J.created_at, J.started_at, J.finished_at)
        .where(J.id == job_id)
    ).first()


def batch_summary(session: Session, batch_id: uuid.UUID):
    """The columns of a batch that its ``batch.finished`` event carries (read fresh)."""
    B = Batch
    return session.execute(
        sa.select(B.id, B.workspace, B.name, B.status, B.sources, B.error_message,
                  B.created_at, B.started_at, B.finished_at)
        .where(B.id == batch_id)
    ).first()
