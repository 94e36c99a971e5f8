"""The API's request and response models (pydantic): what the OpenAPI document publishes.

Shapes only — every rule (URL rules, batch sizes, prefill fields) is checked by ``core``,
so the API answers with the same words as the dashboard.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any, Generic, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, field_validator

from core.prefill import Prefill

T = TypeVar("T")


class ErrorDetail(BaseModel):
    code: str = Field(description="machine-readable: validation_error, not_found, conflict, …")
    message: str = Field(description="what went wrong, in words a person can act on")
    details: list[str] | None = Field(default=None, description="every problem found, one per entry")


class ErrorBody(BaseModel):
    """The one error shape of every endpoint."""

    error: ErrorDetail


class Progress(BaseModel):
    total: int
    pending: int
    queued: int
    running: int
    retrying: int
    done: int
    failed: int
    cancelled: int
    failed_for_good: int = Field(default=0, description="of `failed`: those a retry cannot change (a search "
                                 "page instead of a product's, no photo that can be downloaded); "
                                 "retrying the batch's failed previews leaves them out")


class Source(BaseModel):
    model_config = ConfigDict(extra="forbid")

    url: str = Field(max_length=4096, description="a public http(s) product page")
    batch_size: int | None = Field(default=None, description="variants for this URL (1..BATCH_SIZE_MAX); "
                                                             "default BATCH_SIZE_DEFAULT")

    @field_validator("batch_size", mode="before")
    @classmethod
    def _no_true_or_false(cls, value: object) -> object:
        # lax mode would take true as 1 (a walk-through made a batch of `"batch_size": true`)
        if isinstance(value, bool):
            raise ValueError(f"must be a whole number, not {str(value).lower()}")
        return value


class BatchCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    sources: list[Source] = Field(description="product URLs with their number of variants")
    name: str | None = Field(None, description="the batch's name (else one from the time it was made)",
                             examples=["Spring sale shoes"])


class Batch(BaseModel):
    id: uuid.UUID
    name: str
    status: Literal["pending", "running", "done", "failed", "cancelled"]
    sources: list[dict[str, Any]]
    error_message: str | None
    created_at: dt.datetime
    updated_at: dt.datetime
    started_at: dt.datetime | None
    finished_at: dt.datetime | None
    progress: Progress
    success_count: int
    failed_count: int
    total_count: int
    is_completed: bool


class BatchCreated(Batch):
    bulk_generate_task_id: uuid.UUID
    task_id: uuid.UUID


class UrlSummary(BaseModel):
    url: str
    batch_size: int
    stage: str | None
    product_id: uuid.UUID | None
    title: str | None
    price: str | None
    currency: str | None
    ranking_method: str | None
    progress: Progress
    errors: list[str]
    list_price: str | None = Field(default=None, description="the struck-through / was / RRP "
                                                             "price the page shows, if any")
    price_source: str | None = Field(default=None, description="where the price was read: "
                                     "platform, json-ld, microdata, rdfa, opengraph, twitter, "
                                     "html (the page's visible text), page-state (the page's "
                                     "script data, when its price box is drawn in the browser) or gemini")
    price_conflict: str | None = Field(default=None, description="set when the page's sources "
                                       "disagree on the price, e.g. \"JSON-LD 150.00, page shows "
                                       "120.00\": a person should check before the banners ship")


class BatchDetail(Batch):
    urls: list[UrlSummary]


class Page(BaseModel, Generic[T]):
    next: str | None = Field(description="URL of the next (older) page, or null")
    previous: str | None = Field(description="URL of the previous (newer) page, or null")
    results: list[T]


class Preview(BaseModel):
    id: uuid.UUID
    bulk_task_id: uuid.UUID
    product_id: uuid.UUID | None
    source_url: str
    variant_index: int = Field(description="0-based place among the product's variants")
    variant: int = Field(description="1-based, as the dashboard ('Variant 1') and the CSV's variant column count")
    source_image_url: str | None
    prefill: dict[str, Any] | None = Field(description="the banner's full prefill (see Prefill)")
    prefill_version: int
    status: Literal["pending", "queued", "running", "retrying", "done", "failed", "cancelled"]
    stage: str | None
    error: str | None
    retry_count: int = Field(description="the place in the retry schedule (an extra try asked for gives it back)")
    failures: int = Field(0, description="failed tries so far")
    next_retry_at: dt.datetime | None
    created_at: dt.datetime
    started_at: dt.datetime | None
    finished_at: dt.datetime | None
    review_status: Literal["approved", "rejected"] | None = Field(
        None, description="the review decision; null while unreviewed")
    regenerating: bool = Field(False, description="a regeneration is on its way; the prefill is "
                                                  "the current version until it is done")


class Regenerate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    what: Literal["copy", "background", "both"] = Field(
        "both", description="new copy, new background, or both")
    instruction: str | None = Field(None, max_length=500,
                                    description="passed to the generator, e.g. "
                                                "\"shorter headline, mention free shipping\"")


class Version(BaseModel):
    version: int = Field(description="the prefill version (the preview's ETag when current)")
    kind: Literal["generated", "edit", "regenerated", "undo"]
    note: str | None
    prefill: dict[str, Any] | None
    source_image_url: str | None
    created_at: dt.datetime | None
    current: bool


class History(BaseModel):
    results: list[Version] = Field(description="newest first")


class PrefillPatch(BaseModel):
    model_config = ConfigDict(extra="forbid")

    prefill: dict[str, Any] = Field(description="only the keys to change (colors and layout merge "
                                                "per key); the whole prefill with ?replace=true")


class PrefillReplace(BaseModel):
    model_config = ConfigDict(extra="forbid")

    prefill: Prefill


class PrefillOut(BaseModel):
    id: uuid.UUID
    prefill: dict[str, Any]
    prefill_version: int


class ResumeCount(BaseModel):
    requeued: int


class ProductPhoto(BaseModel):
    """A photo for one product of a batch: an image URL (downloaded now, the product page as
    Referer) or the image itself, base64-encoded; exactly one of the two."""
    model_config = ConfigDict(extra="forbid")

    url: str = Field(max_length=2048, description="the product page URL, as given in the batch's sources")
    image_url: str | None = Field(None, max_length=2048, description="an image to download")
    image_base64: str | None = Field(None, max_length=21_000_000,
                                     description="the image file, base64 (JPEG, PNG, WebP, AVIF, GIF, BMP; at most 15 MB)")


class ProductRef(BaseModel):
    model_config = ConfigDict(extra="forbid")

    url: str = Field(max_length=2048, description="the product page URL, as given in the batch's sources")


class RetryCount(BaseModel):
    requeued: int
    left_out: int = Field(default=0, description="failed previews not queued again: a retry would fail them "
                          "the same way (not a product's page, no photo that can be used); their `error` "
                          "says what to do instead")


class MediaJobCreate(BaseModel):
    """A plain image or video generation; parameters as on the dashboard's queue page."""

    model_config = ConfigDict(extra="forbid")

    kind: Literal["image", "video"]
    prompt: str = Field(max_length=10_000)
    negative_prompt: str | None = None
    aspect_ratio: str | None = None
    number_of_outputs: int | None = None
    duration_seconds: int | None = None
    resolution: str | None = None
    reference_image_base64: str | None = Field(default=None, description="PNG/JPEG/WebP, ≤ 10 MB")
    reference_image_name: str | None = None


class MediaOutput(BaseModel):
    index: int
    url: str = Field(description="this API's URL of the file")
    size: int
    format: str
    content_type: str
    width: int | None
    height: int | None
    duration_seconds: float | None


class MediaJob(BaseModel):
    id: uuid.UUID
    kind: str
    params: dict[str, Any]
    status: Literal["pending", "running", "retrying", "done", "failed", "cancelled"]
    generator: str | None
    stage: str | None
    error: str | None
    retry_count: int = Field(description="the place in the retry schedule (an extra try asked for gives it back)")
    failures: int = Field(0, description="failed tries so far")
    next_retry_at: dt.datetime | None
    created_at: dt.datetime
    updated_at: dt.datetime
    started_at: dt.datetime | None
    finished_at: dt.datetime | None
    outputs: list[MediaOutput]


class WebhookCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    url: str = Field(max_length=2048, description="a public https (or http) URL")
    description: str = Field(default="", max_length=120)


class Webhook(BaseModel):
    id: uuid.UUID
    url: str
    description: str
    active: bool
    created_at: dt.datetime
    disabled_at: dt.datetime | None
    secret_hint: str = Field(description="the secret's last characters")
    secret: str | None = Field(default=None, description="the signing secret: only in the "
                                                         "answer that created the webhook")


class DeliveryAttempt(BaseModel):
    at: dt.datetime
    status_code: int | None
    error: str | None
    ms: int


class Delivery(BaseModel):
    id: uuid.UUID
    webhook_id: uuid.UUID
    event: str
    subject_id: uuid.UUID
    payload: dict[str, Any]
    status: Literal["pending", "delivering", "retrying", "done", "failed"]
    attempts: list[DeliveryAttempt]
    next_attempt_at: dt.datetime | None
    created_at: dt.datetime | None
    finished_at: dt.datetime | None


class Deliveries(BaseModel):
    results: list[Delivery]


class UsageTotals(BaseModel):
    key: str = Field(description="the day (YYYY-MM-DD, UTC), batch id, model, or 'total'")
    calls: int
    ok: int
    rate_limited: int = Field(description="calls the provider answered with 429")
    errors: int
    input_tokens: int
    output_tokens: int
    total_tokens: int
    images: int
    video_seconds: float
    latency_ms_avg: float
    cost_usd: float = Field(description="estimate from the price table (PRICE_TABLE)")


class UsageReport(BaseModel):
    group_by: Literal["day", "batch", "model", "total"]
    since: dt.datetime
    batch_id: uuid.UUID | None
    currency: Literal["USD"] = "USD"
    results: list[UsageTotals]


class QueuedItem(BaseModel):
    kind: Literal["preview", "job"]
    id: uuid.UUID
    position: int | None = Field(description="1-based place in the whole line; null while blocked")
    eta_seconds: float | None = Field(description="estimated seconds until it starts")
    note: str = Field(description="'#14 in line · about 40 s', or why it waits")


class QueueReport(BaseModel):
    limit: int = Field(description="GENERATION_RATE_LIMIT starts per window (0 = unlimited)")
    effective_limit: int = Field(description="lowered while the provider answers 429")
    window_seconds: float
    waiting_total: int = Field(description="items waiting in every workspace")
    waiting: int = Field(description="items waiting in this workspace")
    reading_pages: int = Field(0, description="this workspace's previews whose product page is not read "
                               "yet: they join the line once it is")
    on_hold: str | None = Field(None, description="why nothing can start now, in words (production: Redis "
                                "does not answer, or no worker process runs); null while work goes on")
    results: list[QueuedItem]
