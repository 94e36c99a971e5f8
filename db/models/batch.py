"""Batch: one submission of product URLs (the spec's CTABulkGenerateTask / CTAGenerationJob)."""

from __future__ import annotations

import datetime as dt
import uuid

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base, JSONType, UTCDateTime, utcnow


class Batch(Base):
    __tablename__ = "batches"
    __table_args__ = (
        sa.Index("ix_batches_workspace_created", "workspace", "created_at", "id"),
        sa.Index("ix_batches_dedupe", "workspace", "user_id", "submission_hash", "created_at"),
    )

    id: Mapped[uuid.UUID] = mapped_column(sa.Uuid, primary_key=True, default=uuid.uuid4)
    workspace: Mapped[str] = mapped_column(sa.String(64))
    user_id: Mapped[str] = mapped_column(sa.String(255))
    name: Mapped[str] = mapped_column(sa.String(200))
    status: Mapped[str] = mapped_column(sa.String(16), default="pending")
    sources: Mapped[list] = mapped_column(JSONType, doc="[{url, batch_size}] as submitted (normalized)")
    submission_hash: Mapped[str] = mapped_column(sa.String(64))
    error_message: Mapped[str | None] = mapped_column(sa.Text)
    source_stages: Mapped[dict] = mapped_column(
        JSONType, default=dict, doc="url -> what the pipeline is doing for it (fetching page, ...)"
    )
    archived_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, doc="cleared from the list")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    started_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
