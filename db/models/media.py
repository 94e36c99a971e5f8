"""Media: generated images and videos stored as bytes, for deployments spread over hosts.

A worker on host A writes a row; the dashboard on host B reads it through the same
database. Keys are paths like ``previews/<batch_id>/<preview_id>/background.jpg``.
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base, UTCDateTime, utcnow


class Media(Base):
    __tablename__ = "media"
    __table_args__ = (
        # text_pattern_ops lets `key LIKE 'previews/<batch>/%'` use the index on PostgreSQL
        sa.Index("ix_media_key_pattern", "key", postgresql_ops={"key": "text_pattern_ops"}),
    )

    key: Mapped[str] = mapped_column(sa.String(512), primary_key=True)
    content_type: Mapped[str] = mapped_column(sa.String(100))
    size: Mapped[int] = mapped_column(sa.Integer)
    data: Mapped[bytes] = mapped_column(sa.LargeBinary)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
