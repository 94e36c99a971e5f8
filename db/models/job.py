"""GenerationJob: one image or video an operator asked for from a prompt (the media queue)."""

from __future__ import annotations

import datetime as dt
import uuid

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base, JSONType, UTCDateTime, utcnow


class GenerationJob(Base):
    """A background generation request and its outcome. Status moves follow ``JOB_MOVES``."""

    __tablename__ = "generation_jobs"
    __table_args__ = (
        sa.Index("ix_generation_jobs_workspace_created", "workspace", "created_at", "id"),
        sa.Index("ix_generation_jobs_dedupe", "workspace", "user_id", "submission_hash", "created_at"),
        sa.Index("ix_generation_jobs_status", "status"),
    )

    id: Mapped[uuid.UUID] = mapped_column(sa.Uuid, primary_key=True, default=uuid.uuid4)
    workspace: Mapped[str] = mapped_column(sa.String(64))
    user_id: Mapped[str] = mapped_column(sa.String(255))
    kind: Mapped[str] = mapped_column(sa.String(8), doc="image | video")
    params: Mapped[dict] = mapped_column(
        JSONType, doc="{prompt, negative_prompt, aspect_ratio, number_of_outputs, "
                      "duration_seconds, resolution, reference_image} as validated"
    )
    submission_hash: Mapped[str] = mapped_column(sa.String(64), doc="dedupes identical submits")
    status: Mapped[str] = mapped_column(sa.String(16), default="pending")
    results: Mapped[list] = mapped_column(
        JSONType, default=list,
        doc="[{url, size, format, content_type, width, height, duration_seconds, created_at}]",
    )
    generator: Mapped[str | None] = mapped_column(sa.String(32), doc="offline | gemini")
    stage: Mapped[str | None] = mapped_column(sa.String(120), doc="what a running job is doing")
    error_message: Mapped[str | None] = mapped_column(sa.Text)
    retry_count: Mapped[int] = mapped_column(sa.Integer, default=0)
    failures: Mapped[int] = mapped_column(
        sa.Integer, default=0, server_default="0",
        doc="failed tries so far (retry_count is the place in the schedule: an extra try gives it back)")
    next_retry_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    lease_owner: Mapped[str | None] = mapped_column(sa.String(255))
    lease_expires_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    enqueued_at: Mapped[dt.datetime | None] = mapped_column(
        UTCDateTime, doc="when its wake-up message was last sent (the reconciler resends late ones)"
    )
    archived_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, doc="cleared from the queue")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    started_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
