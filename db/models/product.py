"""Product: one scraped product page, per workspace and normalized URL."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base, JSONType, UTCDateTime, utcnow


class Product(Base):
    __tablename__ = "products"
    __table_args__ = (
        sa.UniqueConstraint("workspace", "url", name="uq_products_workspace_url"),
        sa.Index("ix_products_workspace_created", "workspace", "created_at"),
    )

    id: Mapped[uuid.UUID] = mapped_column(sa.Uuid, primary_key=True, default=uuid.uuid4)
    workspace: Mapped[str] = mapped_column(sa.String(64))
    url: Mapped[str] = mapped_column(sa.String(2048), doc="normalized product page URL")
    final_url: Mapped[str | None] = mapped_column(sa.String(2048), doc="URL after redirects")
    title: Mapped[str | None] = mapped_column(sa.Text)
    description: Mapped[str | None] = mapped_column(sa.Text)
    price: Mapped[Decimal | None] = mapped_column(sa.Numeric(18, 4))
    currency: Mapped[str | None] = mapped_column(sa.String(3))
    brand: Mapped[str | None] = mapped_column(sa.String(255))
    image_urls: Mapped[list] = mapped_column(JSONType, default=list)
    ranked_image_urls: Mapped[list] = mapped_column(JSONType, default=list)
    ranking_method: Mapped[str | None] = mapped_column(sa.String(64), doc="clip:<model> or heuristic")
    ranking_scores: Mapped[list] = mapped_column(JSONType, default=list)
    field_sources: Mapped[dict] = mapped_column(
        JSONType, default=dict, doc="field name -> which extractor gave it (json-ld, og, ...)"
    )
    list_price: Mapped[Decimal | None] = mapped_column(
        sa.Numeric(18, 4), doc="the struck-through / was / RRP price the shop shows, when above price")
    rating: Mapped[Decimal | None] = mapped_column(sa.Numeric(4, 2), doc="aggregate rating, 0-5")
    rating_count: Mapped[int | None] = mapped_column(sa.Integer, doc="ratings/reviews behind rating")
    field_provenance: Mapped[dict | None] = mapped_column(
        JSONType, doc="field -> {source: value} for every source that stated it (json-ld, html, ...)")
    price_conflict: Mapped[str | None] = mapped_column(
        sa.Text, doc='set when sources disagree on the price: "JSON-LD 150.00, page shows 120.00"')
    language: Mapped[str | None] = mapped_column(
        sa.String(35), doc='the page\'s locale, BCP 47 ("de-CH"): copy language and money format')
    text_only_at: Mapped[dt.datetime | None] = mapped_column(
        UTCDateTime, doc="when a user chose text-only banners for it (cleared when given a photo): later "
                         "batches whose photos cannot be used make text-only banners instead of failing")
    scraped_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
