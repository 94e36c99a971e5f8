"""BrandKit: one workspace's brand (logo, colours, font, CTA words, tone, legal line)."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base, JSONType, UTCDateTime, utcnow


class BrandKit(Base):
    """The kit itself is JSON checked by ``core.brand`` (its fields change with the UI, not
    the schema); logo and font files are media (``brand/<workspace>/…``)."""

    __tablename__ = "brand_kits"

    workspace: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    kit: Mapped[dict] = mapped_column(JSONType)
    version: Mapped[int] = mapped_column(sa.Integer, default=1)
    updated_by: Mapped[str] = mapped_column(sa.String(255), default="")
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
