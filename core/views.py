"""Plain data handed to pages and callers: never live ORM objects."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field, fields
from decimal import Decimal
from typing import Generic, TypeVar

from core.states import PreviewStatus

T = TypeVar("T")


@dataclass(frozen=True)
class Progress:
    """Preview counts of one batch, per status."""

    total: int = 0
    pending: int = 0
    queued: int = 0
    running: int = 0
    retrying: int = 0
    done: int = 0
    failed: int = 0
    cancelled: int = 0
    failed_for_good: int = 0
    """Of ``failed``: those a retry cannot change (``Preview.failed_for_good``)."""

    @classmethod
    def from_counts(cls, counts: dict[str, int]) -> "Progress":
        known = {s.value: int(counts.get(s.value, 0)) for s in PreviewStatus}
        return cls(total=sum(known.values()), failed_for_good=int(counts.get("failed_for_good", 0)), **known)

    @property
    def retryable(self) -> int:
        """Failed previews a retry may change (what "Retry N failed" re-queues)."""
        return self.failed - self.failed_for_good

    @property
    def finished(self) -> int:
        return self.done + self.failed + self.cancelled

    @property
    def all_done(self) -> bool:
        """Every preview finished with a banner (none failed, cancelled or waiting)."""
        return bool(self.total) and self.done == self.total

    @property
    def fraction(self) -> float:
        return self.finished / self.total if self.total else 0.0

    def as_dict(self) -> dict[str, int]:
        return {f.name: getattr(self, f.name) for f in fields(self)}


@dataclass(frozen=True)
class BatchInfo:
    id: uuid.UUID
    workspace: str
    user_id: str
    name: str
    status: str
    sources: list[dict]
    error_message: str | None
    created_at: dt.datetime
    updated_at: dt.datetime
    started_at: dt.datetime | None
    finished_at: dt.datetime | None
    progress: Progress = field(default_factory=Progress)
    created: bool = True  # False when create_batch returned a duplicate submission
    archived_at: dt.datetime | None = None  # set while the batch is archived


@dataclass(frozen=True)
class SourceSummary:
    """What happened to one submitted URL of a batch."""

    url: str
    batch_size: int
    stage: str | None
    product_id: uuid.UUID | None
    title: str | None
    price: Decimal | None
    currency: str | None
    ranking_method: str | None
    ranked_image_urls: list[str]
    progress: Progress
    errors: list[str]
    images_found: int = 0  # image URLs the page shows (ranked or not)
    page_url: str | None = None  # the product page after redirects
    list_price: Decimal | None = None  # the struck-through / was / RRP price the page shows
    price_conflict: str | None = None  # sources disagree: "JSON-LD 150.00, page shows 120.00"
    price_source: str | None = None  # where the price came from (json-ld, html, gemini…)


@dataclass(frozen=True)
class BatchDetail:
    batch: BatchInfo
    sources: list[SourceSummary]


@dataclass(frozen=True)
class PreviewInfo:
    id: uuid.UUID
    workspace: str
    batch_id: uuid.UUID
    product_id: uuid.UUID | None
    source_url: str
    variant_index: int
    source_image_url: str | None
    prefill: dict | None
    prefill_version: int
    status: str
    stage: str | None
    error_message: str | None
    retry_count: int
    next_retry_at: dt.datetime | None
    created_at: dt.datetime
    started_at: dt.datetime | None
    finished_at: dt.datetime | None
    review_status: str | None = None  # None (unreviewed), "approved", "rejected"
    regenerating: bool = False  # a regeneration is queued/running; the prefill is the old version
    failed_for_good: bool = False  # failed with an error a retry cannot change: no Retry offered
    lease_expires_at: dt.datetime | None = None  # a running one's: past it, its worker stopped answering
    failures: int = 0  # failed tries so far (retry_count is the place in the retry schedule)


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of a cursor-paginated listing."""

    items: list[T]
    next_cursor: str | None
    prev_cursor: str | None
