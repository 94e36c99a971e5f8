"""Preview: one variant of one URL of a batch (the spec's CTAIFramePreview / CTAInfo)."""

from __future__ import annotations

import datetime as dt
import uuid

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base, JSONType, UTCDateTime, utcnow


class Preview(Base):
    __tablename__ = "previews"
    __table_args__ = (
        sa.UniqueConstraint("batch_id", "source_url", "variant_index", name="uq_previews_variant"),
        sa.Index("ix_previews_workspace_created", "workspace", "created_at", "id"),
        sa.Index("ix_previews_batch_status", "batch_id", "status"),
        sa.Index("ix_previews_product_status", "product_id", "status"),
        sa.Index("ix_previews_status_lease", "status", "lease_expires_at"),
        sa.Index("ix_previews_batch_review", "batch_id", "review_status"),
    )

    id: Mapped[uuid.UUID] = mapped_column(sa.Uuid, primary_key=True, default=uuid.uuid4)
    workspace: Mapped[str] = mapped_column(sa.String(64))
    batch_id: Mapped[uuid.UUID] = mapped_column(
        sa.Uuid, sa.ForeignKey("batches.id", ondelete="CASCADE")
    )
    product_id: Mapped[uuid.UUID | None] = mapped_column(
        sa.Uuid, sa.ForeignKey("products.id", ondelete="CASCADE")
    )
    source_url: Mapped[str] = mapped_column(sa.String(2048))
    variant_index: Mapped[int] = mapped_column(sa.Integer)
    source_image_url: Mapped[str | None] = mapped_column(sa.String(2048))
    prefill: Mapped[dict | None] = mapped_column(JSONType)
    prefill_version: Mapped[int] = mapped_column(sa.Integer, default=0)
    partial: Mapped[dict | None] = mapped_column(
        JSONType, doc="a finished half (background URL / copy) kept from a failed attempt for its retry")
    status: Mapped[str] = mapped_column(sa.String(16), default="pending")
    stage: Mapped[str | None] = mapped_column(sa.String(64), doc="what a running item is doing")
    error_message: Mapped[str | None] = mapped_column(sa.Text)
    failed_for_good: Mapped[bool | None] = mapped_column(
        sa.Boolean, doc="failed with an error a retry cannot change (not a product page, no photo that "
                        "can be downloaded): no Retry is offered; cleared when it is queued again")
    retry_count: Mapped[int] = mapped_column(sa.Integer, default=0)
    failures: Mapped[int] = mapped_column(
        sa.Integer, default=0, server_default="0",
        doc="failed tries so far (retry_count is the place in the schedule: an extra try gives it back)")
    next_retry_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    lease_owner: Mapped[str | None] = mapped_column(sa.String(128))
    lease_expires_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    enqueued_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    started_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    # review workflow: None = unreviewed, "approved", "rejected"
    review_status: Mapped[str | None] = mapped_column(sa.String(16))
    reviewed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    reviewed_by: Mapped[str | None] = mapped_column(sa.String(255))
