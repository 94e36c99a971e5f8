"""The HTTP API's own tables: keys, idempotent requests, webhooks and their deliveries."""

from __future__ import annotations

import datetime as dt
import uuid

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base, JSONType, UTCDateTime, utcnow


class ApiKey(Base):
    """A workspace's API key: only a SHA-256 of the key is stored, and its first characters."""

    __tablename__ = "api_keys"
    __table_args__ = (sa.Index("ix_api_keys_workspace", "workspace", "created_at"),)

    id: Mapped[uuid.UUID] = mapped_column(sa.Uuid, primary_key=True, default=uuid.uuid4)
    workspace: Mapped[str] = mapped_column(sa.String(64))
    name: Mapped[str] = mapped_column(sa.String(120))
    prefix: Mapped[str] = mapped_column(sa.String(24), doc="shown in lists: the key's start")
    key_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_by: Mapped[str] = mapped_column(sa.String(255), default="")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_used_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)


class IdempotentRequest(Base):
    """The first answer to a request sent with an ``Idempotency-Key`` (kept 24 h)."""

    __tablename__ = "idempotent_requests"
    __table_args__ = (sa.UniqueConstraint("workspace", "key", name="uq_idempotent_requests_key"),)

    id: Mapped[uuid.UUID] = mapped_column(sa.Uuid, primary_key=True, default=uuid.uuid4)
    workspace: Mapped[str] = mapped_column(sa.String(64))
    key: Mapped[str] = mapped_column(sa.String(255))
    request_hash: Mapped[str] = mapped_column(sa.String(64))
    status_code: Mapped[int] = mapped_column(sa.Integer)
    body: Mapped[dict] = mapped_column(JSONType)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class Webhook(Base):
    """A URL a workspace wants told when a batch or media job finishes."""

    __tablename__ = "webhooks"
    __table_args__ = (sa.Index("ix_webhooks_workspace", "workspace", "created_at"),)

    id: Mapped[uuid.UUID] = mapped_column(sa.Uuid, primary_key=True, default=uuid.uuid4)
    workspace: Mapped[str] = mapped_column(sa.String(64))
    url: Mapped[str] = mapped_column(sa.String(2048))
    secret: Mapped[str] = mapped_column(sa.String(128), doc="HMAC-SHA256 key of the signature")
    description: Mapped[str] = mapped_column(sa.String(120), default="")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    disabled_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)


class WebhookDelivery(Base):
    """One event for one webhook, and every attempt to deliver it."""

    __tablename__ = "webhook_deliveries"
    __table_args__ = (
        sa.Index("ix_webhook_deliveries_due", "status", "next_attempt_at"),
        sa.Index("ix_webhook_deliveries_webhook", "webhook_id", "created_at"),
    )

    id: Mapped[uuid.UUID] = mapped_column(sa.Uuid, primary_key=True, default=uuid.uuid4)
    webhook_id: Mapped[uuid.UUID] = mapped_column(
        sa.Uuid, sa.ForeignKey("webhooks.id", ondelete="CASCADE"))
    workspace: Mapped[str] = mapped_column(sa.String(64))
    event: Mapped[str] = mapped_column(sa.String(40), doc="batch.finished | media_job.finished")
    subject_id: Mapped[uuid.UUID] = mapped_column(sa.Uuid)
    payload: Mapped[dict] = mapped_column(JSONType)
    status: Mapped[str] = mapped_column(sa.String(16), default="pending",
                                        doc="pending | delivering | retrying | done | failed")
    attempts: Mapped[list] = mapped_column(JSONType, default=list,
                                           doc="[{at, status_code, error, ms}] per attempt")
    next_attempt_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    lease_owner: Mapped[str | None] = mapped_column(sa.String(128))
    lease_expires_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    finished_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
