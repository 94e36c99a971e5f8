"""UsageEvent: one generation call (the usage ledger): who, which model, tokens, outputs, time, outcome."""

from __future__ import annotations

import datetime as dt
import uuid

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base, UTCDateTime, utcnow


class UsageEvent(Base):
    """Kept when its batch or job is deleted (the bill is not): no foreign keys."""

    __tablename__ = "usage_events"
    __table_args__ = (
        sa.Index("ix_usage_events_workspace_at", "workspace", "at"),
        sa.Index("ix_usage_events_batch", "batch_id"),
    )

    id: Mapped[uuid.UUID] = mapped_column(sa.Uuid, primary_key=True, default=uuid.uuid4)
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    workspace: Mapped[str] = mapped_column(sa.String(64))
    batch_id: Mapped[uuid.UUID | None] = mapped_column(sa.Uuid)
    preview_id: Mapped[uuid.UUID | None] = mapped_column(sa.Uuid)
    job_id: Mapped[uuid.UUID | None] = mapped_column(sa.Uuid)
    kind: Mapped[str] = mapped_column(sa.String(16), doc="copy | background | image | video")
    provider: Mapped[str] = mapped_column(sa.String(32), doc="gemini | offline")
    model: Mapped[str] = mapped_column(sa.String(128))
    input_tokens: Mapped[int] = mapped_column(sa.Integer, default=0)
    output_tokens: Mapped[int] = mapped_column(sa.Integer, default=0)
    total_tokens: Mapped[int] = mapped_column(sa.Integer, default=0)
    images: Mapped[int] = mapped_column(sa.Integer, default=0)
    video_seconds: Mapped[float] = mapped_column(sa.Float, default=0.0)
    latency_ms: Mapped[int] = mapped_column(sa.Integer, default=0)
    outcome: Mapped[str] = mapped_column(sa.String(16), doc="ok | rate_limited | error")
    error: Mapped[str | None] = mapped_column(sa.String(300))
