"""One kept version of a preview's prefill: every edit, regeneration and undo adds one."""

from __future__ import annotations

import datetime as dt
import uuid

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base, JSONType, UTCDateTime, utcnow


class PreviewVersion(Base):
    __tablename__ = "preview_versions"
    __table_args__ = (
        sa.UniqueConstraint("preview_id", "version", name="uq_preview_versions_version"),
    )

    id: Mapped[uuid.UUID] = mapped_column(sa.Uuid, primary_key=True, default=uuid.uuid4)
    preview_id: Mapped[uuid.UUID] = mapped_column(
        sa.Uuid, sa.ForeignKey("previews.id", ondelete="CASCADE"))
    workspace: Mapped[str] = mapped_column(sa.String(64))
    version: Mapped[int] = mapped_column(sa.Integer, doc="the preview's prefill_version")
    kind: Mapped[str] = mapped_column(sa.String(16), doc="generated | edit | regenerated | undo")
    note: Mapped[str | None] = mapped_column(sa.Text)
    prefill: Mapped[dict | None] = mapped_column(JSONType)
    source_image_url: Mapped[str | None] = mapped_column(sa.String(2048))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
