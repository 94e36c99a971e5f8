"""Batch start and per-URL preparation: scrape (or reuse), rank, plan, queue the previews."""

from __future__ import annotations

import datetime as dt
import logging
import uuid

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from core.batches import try_finish_batch
from core.errors import RankingError
from core.fetch import FetchStopped
from core.pipeline import stages
from core.pipeline.retry import decide, retry_at
from core.settings import get_settings
from core.states import BATCH_MOVES, PREVIEW_MOVES, BatchStatus, PreviewStatus, move
from core.usage import bind
from db.base import utcnow
from db.engine import unit_of_work
from db.models import Batch, Preview, Product
from db.repositories import batches as batch_repo
from db.repositories import products as product_repo

log = logging.getLogger(__name__)

Sends = list[tuple[str, tuple, float]]  # (kind, args, delay seconds)

# How long a URL's preparation may take before the reconciler assumes its message was lost.
SOURCE_BUDGET_SECONDS = 300


def start_batch(batch_id: str) -> Sends:
    """pending → running; one message per URL that still has previews waiting."""
    bid = uuid.UUID(batch_id)
    now = utcnow()
    with unit_of_work() as session:
        batch = session.get(Batch, bid)
        if batch is None or batch.status not in (BatchStatus.PENDING, BatchStatus.RUNNING):
            return []
        session.execute(
            move(Batch, BATCH_MOVES, BatchStatus.RUNNING, Batch.id == bid,
                 only_from=[BatchStatus.PENDING], started_at=now, updated_at=now)
        )
        waiting = session.scalars(
            sa.select(Preview.source_url).distinct().where(
                Preview.batch_id == bid, Preview.status == PreviewStatus.PENDING
            )
        ).all()
        session.execute(
            sa.update(Preview)
            .where(Preview.batch_id == bid, Preview.status == PreviewStatus.PENDING)
            .values(enqueued_at=now)
        )
    return [("source", (batch_id, url), 0.0) for url in sorted(waiting)]


def _set_stage(batch_id: uuid.UUID, url: str, stage: str | None) -> None:
    with unit_of_work() as session:
        batch = session.get(Batch, batch_id, with_for_update=True)
        if batch is None:
            return
        stages_ = dict(batch.source_stages or {})
        if stage is None:
            stages_.pop(url, None)
        else:
            stages_[url] = stage
        batch.source_stages = stages_


def _waiting_previews(session, batch_id: uuid.UUID, url: str) -> list[Preview]:
    return list(session.scalars(
        sa.select(Preview).where(
            Preview.batch_id == batch_id, Preview.source_url == url,
            Preview.status.in_([PreviewStatus.PENDING, PreviewStatus.RETRYING]),
            Preview.source_image_url.is_(None),
        ).order_by(Preview.variant_index)
    ))


class SourceCancelled(Exception):
    """The batch, or every preview waiting on this URL, was cancelled: stop preparing it."""


def source_cancelled(batch_id: uuid.UUID, url: str) -> bool:
    """True once nothing waits for this URL any more: the batch is no longer running or none
    of the URL's previews is still pending (cancelled one by one, or the whole batch)."""
    with unit_of_work() as session:
        status = session.scalar(sa.select(Batch.status).where(Batch.id == batch_id))
        if status != BatchStatus.RUNNING:
            return True
        waiting = session.scalar(
            sa.select(Preview.id).where(
                Preview.batch_id == batch_id, Preview.source_url == url,
                Preview.status == PreviewStatus.PENDING, Preview.source_image_url.is_(None),
            ).limit(1)
        )
        return waiting is None


def prepare_source(batch_id: str, url: str) -> Sends:
    """Scrape (or reuse a fresh Product), rank images, plan sources, queue the previews.

    A URL that cannot be used fails its own previews with the reason; transient failures
    are retried on the schedule. Other URLs are never touched. Cancelling the batch (or all
    of the URL's previews) stops the work: checked between the stages, and polled by the
    page fetches themselves, which give up within about a second.
    """
    bid = uuid.UUID(batch_id)
    now = utcnow()
    with unit_of_work() as session:
        batch = session.get(Batch, bid)
        if batch is None or batch.status != BatchStatus.RUNNING:
            return []
        waiting = _waiting_previews(session, bid, url)
        if not waiting:
            return []
        due = [p.next_retry_at for p in waiting if p.status == PreviewStatus.RETRYING and p.next_retry_at]
        if due and len(due) == len(waiting) and min(due) > now + dt.timedelta(seconds=1):
            return []  # an early duplicate message: the scheduled retry is not due yet
        workspace = batch.workspace
        retries_done = max(p.retry_count for p in waiting)
        first_preview = waiting[0].id  # provider calls while reading the page are billed to it
        # A retry is starting: retrying -> pending. Then claim the work for a while so the
        # reconciler does not resend it meanwhile.
        session.execute(
            move(Preview, PREVIEW_MOVES, PreviewStatus.PENDING,
                 Preview.id.in_([p.id for p in waiting]), only_from=[PreviewStatus.RETRYING],
                 next_retry_at=None, updated_at=now)
        )
        session.execute(
            sa.update(Preview).where(Preview.id.in_([p.id for p in waiting]))
            .values(enqueued_at=now + dt.timedelta(seconds=SOURCE_BUDGET_SECONDS),
                    stage="preparing product")
        )
    try:
        with bind(preview_id=first_preview):  # e.g. Gemini's reading of the page (core.extract.assist)
            product_id, ranked = _product_for(workspace, bid, url)
        plan = stages_plan(ranked, len(waiting))
    except (SourceCancelled, FetchStopped):
        log.info("scrape.cancelled batch=%s url=%s", batch_id, url)
        return []
    except Exception as exc:  # noqa: BLE001 - every failure becomes a per-URL outcome
        return _source_failed(bid, url, exc, retries_done)
    finally:
        _set_stage(bid, url, None)
    sends: Sends = []
    now = utcnow()
    with unit_of_work() as session:
        for preview, image in zip(_waiting_previews(session, bid, url), plan):
            res = session.execute(
                move(Preview, PREVIEW_MOVES, PreviewStatus.QUEUED, Preview.id == preview.id,
                     Preview.source_image_url.is_(None),
                     only_from=[PreviewStatus.PENDING, PreviewStatus.RETRYING],
                     product_id=product_id, source_image_url=image, enqueued_at=now,
                     stage=None, error_message=None, next_retry_at=None, updated_at=now)
            )
            if res.rowcount == 1:
                sends.append(("preview", (str(preview.id),), 0.0))
    log.info("scrape.completed batch=%s url=%s queued=%d", batch_id, url, len(sends))
    return sends


def stages_plan(ranked: list[str], count: int) -> list[str]:
    """The source image of each waiting preview (cycling through the ranked images)."""
    from core.rank import plan_source_images

    if not ranked:
        raise RankingError("No usable product image was found on this page")
    return plan_source_images(ranked, count)


def _product_for(workspace: str, batch_id: uuid.UUID, url: str) -> tuple[uuid.UUID, list[str]]:
    """The workspace's Product for ``url``: reused when fresh, else scraped and ranked now.

    The product (title, price, every image URL found) is stored before its images are judged,
    so it is shown even when none of them could be downloaded. A fresh product whose images
    all failed earlier is not scraped again: only its images are downloaded again. Photos a
    user gave the product stay first. No usable image raises ``acquisition_error``'s
    ``RankingError`` (transient when the shop refused or timed out) carrying the product id,
    unless a user chose text-only banners for the product before: then they are text-only.
    """
    fresh_after = utcnow() - dt.timedelta(seconds=get_settings().product_fresh_seconds)
    stored = None
    with unit_of_work() as session:
        product = product_repo.by_url(session, workspace, url)
        fresh = bool(product and product.scraped_at and product.scraped_at >= fresh_after)
        if fresh and product.ranked_image_urls:
            log.info("scrape.reused product=%s", product.id)
            return product.id, list(product.ranked_image_urls)
        uploads = [u for u in (product.ranked_image_urls or []) if stages.is_upload(u)] if product else []
        text_only = bool(product and product.text_only_at)
        if fresh and product.image_urls:
            stored = _as_extracted(product, url)

    def should_stop() -> bool:
        return source_cancelled(batch_id, url)

    def check() -> None:
        if should_stop():
            raise SourceCancelled()

    check()
    if stored is not None:
        extracted = stored  # the page was read moments ago: only its images are tried again
        log.info("scrape.images_again url=%s images=%d", url, len(extracted.images))
    else:
        _set_stage(batch_id, url, "fetching page")
        extracted = stages.scrape(url, should_stop=should_stop)
    check()
    _set_stage(batch_id, url, "downloading and ranking images")
    ranking = stages.rank(extracted, list(extracted.images), should_stop=should_stop)
    ranked = uploads + [u for u in ranking.ranked if u not in uploads]
    method = ranking.method if ranking.ranked or not uploads else "uploaded"
    values = dict(
        ranked_image_urls=ranked, ranking_method=method,
        ranking_scores=[float(s) for s in ranking.scores],
    )
    if stored is None:  # a new scrape: every field is replaced, the product is fresh again
        values.update(
            final_url=getattr(extracted, "url", None) or url, title=extracted.title,
            description=extracted.description, price=extracted.price, currency=extracted.currency,
            brand=extracted.brand, image_urls=list(extracted.images),
            field_sources=dict(getattr(extracted, "sources", {}) or {}), scraped_at=utcnow(),
            list_price=getattr(extracted, "list_price", None), rating=getattr(extracted, "rating", None),
            rating_count=getattr(extracted, "rating_count", None),
            field_provenance=dict(getattr(extracted, "provenance", {}) or {}),
            price_conflict=getattr(extracted, "price_conflict", None),
            language=getattr(extracted, "language", None),
        )
    # Ranked already: the product is stored either way (a retry can reuse it, the page shows
    # it); queuing below only moves previews that are still pending.
    product_id = _upsert_product(workspace, url, values)
    if not ranked and text_only and (values.get("title") or (stored and stored.title)):
        # a user chose text-only banners for this product before (and its page was read: a name to print)
        log.info("scrape.text_only product=%s (chosen before; no usable photo)", product_id)
        return product_id, [stages.TEXT_ONLY_SOURCE]
    if not ranked:
        from core.rank import acquisition_error

        error = acquisition_error(len(extracted.images), ranking)
        error.ids["product_id"] = product_id
        raise error
    # a plan cycles through the ranked list: no batch uses more than its first BATCH_SIZE_MAX
    stages.keep_source_photos(ranked[:get_settings().batch_size_max], referer=getattr(extracted, "url", None) or url,
                              should_stop=should_stop)
    return product_id, ranked


def _as_extracted(product: Product, url: str):
    """A stored product as the ranking reads a freshly extracted one."""
    from core.extract import ExtractedProduct

    return ExtractedProduct(url=product.final_url or url, title=product.title,
                            description=product.description, price=product.price,
                            currency=product.currency, brand=product.brand,
                            images=list(product.image_urls or []))


def _upsert_product(workspace: str, url: str, values: dict) -> uuid.UUID:
    for _ in range(2):
        try:
            with unit_of_work() as session:
                product = product_repo.by_url(session, workspace, url)
                if product is None:
                    product = Product(id=uuid.uuid4(), workspace=workspace, url=url)
                    session.add(product)
                for key, value in values.items():
                    setattr(product, key, value)
                session.flush()
                return product.id
        except IntegrityError:  # another worker inserted it first: update theirs
            continue
    raise RuntimeError("could not store the product")


def _source_failed(batch_id: uuid.UUID, url: str, exc: BaseException, retries_done: int) -> Sends:
    decision = decide(exc, retries_done)
    now = utcnow()
    # the product was stored before its images failed: the previews point at it, so the
    # page shows its title, price and images found, and the way out can give it a photo
    product = {"product_id": exc.ids["product_id"]} if getattr(exc, "ids", {}).get("product_id") else {}
    with unit_of_work() as session:
        batch_repo.lock(session, batch_id)
        ids = [p.id for p in _waiting_previews(session, batch_id, url)]
        if not ids:
            return []
        if decision.retry:
            session.execute(
                move(Preview, PREVIEW_MOVES, PreviewStatus.RETRYING, Preview.id.in_(ids),
                     only_from=[PreviewStatus.PENDING], retry_count=retries_done + 1, failures=Preview.failures + 1,
                     next_retry_at=retry_at(now, decision), error_message=decision.message,
                     stage=None, updated_at=now, **product)
            )
            log.info("scrape.retry_scheduled batch=%s url=%s in=%ss", batch_id, url, decision.delay_seconds)
            return [("source", (str(batch_id), url), decision.delay_seconds)]
        session.execute(
            move(Preview, PREVIEW_MOVES, PreviewStatus.FAILED, Preview.id.in_(ids),
                 only_from=[PreviewStatus.PENDING], error_message=decision.message, failures=Preview.failures + 1,
                 failed_for_good=bool(getattr(exc, "for_good", False)),  # only where retrying cannot help
                 finished_at=now, stage=None, next_retry_at=None, updated_at=now, **product)
        )
        try_finish_batch(session, batch_id)
    log.info("scrape.failed batch=%s url=%s reason=%s", batch_id, url, decision.message)
    return []
