"""Preview services: list, edit the prefill, cancel, retry, and the way out for a product
whose images could not be used (give it a photo, or make its banners text-only).
Workspace-scoped."""

from __future__ import annotations

import hashlib
import logging
import uuid
from collections import Counter

import sqlalchemy as sa

from core.batches import get_batch, requeue, try_finish_batch
from core.dispatch import dispatch
from core.errors import ConflictError, NotFoundError, PreconditionFailedError, ValidationError
from core.pagination import page_cursors, paginate
from core.prefill import merge_prefill, validate_prefill
from core.scope import as_uuid, check_scope
from core.states import BATCH_MOVES, PREVIEW_ACTIVE, PREVIEW_MOVES, BatchStatus, PreviewStatus, move
from core.views import BatchDetail, Page, PreviewInfo, Progress
from db.base import utcnow
from db.engine import unit_of_work
from db.models import Batch, Preview, Product
from db.repositories import batches as batch_repo
from db.repositories import previews as preview_repo
from db.repositories import products as product_repo

log = logging.getLogger(__name__)

EDITABLE = {PreviewStatus.DONE, PreviewStatus.FAILED, PreviewStatus.CANCELLED}


def to_info(p: Preview) -> PreviewInfo:
    return PreviewInfo(
        id=p.id, workspace=p.workspace, batch_id=p.batch_id, product_id=p.product_id,
        source_url=p.source_url, variant_index=p.variant_index,
        source_image_url=p.source_image_url, prefill=dict(p.prefill) if p.prefill else None,
        prefill_version=p.prefill_version, status=p.status, stage=p.stage,
        error_message=p.error_message, failed_for_good=bool(p.failed_for_good),
        retry_count=p.retry_count, next_retry_at=p.next_retry_at,
        created_at=p.created_at, started_at=p.started_at, finished_at=p.finished_at,
        review_status=p.review_status, regenerating=bool((p.partial or {}).get("regen")),
        lease_expires_at=p.lease_expires_at, failures=p.failures or 0,
    )


def list_previews(
    workspace: str,
    batch_id: object = None,
    product_id: object = None,
    status: str | None = None,
    page_size: int = 100,
    cursor: str | None = None,
    review: str | None = None,
) -> Page[PreviewInfo]:
    """The workspace's previews, newest first, optionally for one batch / product / status
    / review (approved, rejected, unreviewed)."""
    from core.review import review_filter

    check_scope(workspace)
    if status is not None and status not in set(PreviewStatus):
        raise ValidationError(f"Unknown preview status {status!r}")
    bid = as_uuid(batch_id, "Batch") if batch_id is not None else None
    pid = as_uuid(product_id, "Product") if product_id is not None else None
    with unit_of_work() as session:
        if bid is not None and batch_repo.get(session, workspace, bid) is None:
            # (another workspace's or a made-up batch: not found, as reading it is; an empty list said "no previews")
            raise NotFoundError(f"Batch {bid} was not found", batch_id=bid)
        stmt, cur = paginate(
            review_filter(preview_repo.list_stmt(workspace, bid, pid, status), review),
            Preview, page_size, cursor
        )
        rows, next_c, prev_c = page_cursors(list(session.scalars(stmt)), page_size, cur)
        return Page([to_info(p) for p in rows], next_c, prev_c)


def all_previews(workspace: str, batch_id: object = None, **filters) -> list[PreviewInfo]:
    """Every preview ``list_previews`` gives for these filters, page after page (a batch may
    hold more than one page: MAX_URLS_PER_BATCH × BATCH_SIZE_MAX over 500)."""
    found: list[PreviewInfo] = []
    cursor = None
    while True:
        page = list_previews(workspace, batch_id, page_size=500, cursor=cursor, **filters)
        found.extend(page.items)
        cursor = page.next_cursor
        if not cursor or not page.items:
            return found


def previews_signature(workspace: str, batch_id: object) -> tuple:
    """Everything a preview card shows that the pipeline changes, for every preview of a
    batch: a live view redraws only when this changes (one narrow query, no JSON)."""
    check_scope(workspace)
    bid = as_uuid(batch_id, "Batch")
    with unit_of_work() as session:
        return tuple(preview_repo.change_marks(session, workspace, bid))


def progress_of(marks: tuple) -> Progress:
    """The batch's progress counted from a signature."""
    return Progress.from_counts(Counter(m.status for m in marks))


def screen_signature(marks: tuple, source_urls: set[str]) -> tuple:
    """What a screen showing the previews of ``source_urls`` redraws on: those previews,
    and the batch-wide facts its actions depend on (failures to retry, anything done to
    download). Changes elsewhere in the batch only move the progress bar."""
    failed = sum(1 for m in marks if m.status == "failed")
    done = any(m.status == "done" for m in marks)
    return failed, done, tuple(m for m in marks if m.source_url in source_urls)


def watched_batch(workspace: str, batch_id: object) -> tuple[tuple, BatchDetail]:
    """A batch for a live view, with the signature to compare later polls against.

    The signature is read *before* the batch: a change landing between the two reads then
    makes the next poll differ and redraw. Read the other way round, a view could show a
    stale "3/4 finished" while its signature already holds the final state, and it would
    wait for a change that never comes.
    """
    shown = previews_signature(workspace, batch_id)
    return shown, get_batch(workspace, batch_id)


def _own(session, workspace: str, pid: uuid.UUID) -> Preview:
    """The workspace's preview ``pid``; NotFoundError when it has none such."""
    p = preview_repo.get(session, workspace, pid)
    if p is None:
        raise NotFoundError(f"Preview {pid} was not found", preview_id=pid)
    return p


def get_preview(workspace: str, preview_id: object) -> PreviewInfo:
    check_scope(workspace)
    pid = as_uuid(preview_id, "Preview")
    with unit_of_work() as session:
        p = _own(session, workspace, pid)
        return to_info(p)


def update_prefill(workspace: str, preview_id: object, patch: object, replace: bool = False,
                   expected_version: int | None = None) -> dict:
    """Edit a finished preview's prefill: merge only the given keys, or replace it whole.
    An edited banner needs a new review (its approval was of the banner before); a ``/media/``
    file it points at must be the workspace's own.

    The row is locked for the read-modify-write, so concurrent edits of different keys
    all survive. With ``expected_version`` (an HTTP ``If-Match``) an edit made on an older
    version is refused. Returns the full new prefill.
    """
    check_scope(workspace)
    pid = as_uuid(preview_id, "Preview")
    with unit_of_work() as session:
        p = preview_repo.get(session, workspace, pid, lock=True)
        if p is None:
            raise NotFoundError(f"Preview {pid} was not found", preview_id=pid)
        if p.status not in EDITABLE:
            # (a regeneration asked for keeps the old version meanwhile: say that, not the status word)
            being = "being regenerated" if (p.partial or {}).get("regen") else p.status
            raise ConflictError(
                f"This preview is {being}; edit it once it has finished", preview_id=pid
            )
        if expected_version is not None and expected_version != (p.prefill_version or 0):
            raise PreconditionFailedError(
                f"The prefill changed since version {expected_version} (it is now version "
                f"{p.prefill_version or 0}): read it again and re-apply the edit", preview_id=pid)
        if replace:
            new = validate_prefill(patch)
        else:
            if not p.prefill:
                raise ConflictError(
                    "This preview has no prefill yet: replace it whole instead", preview_id=pid
                )
            new = merge_prefill(p.prefill, patch)
        from core.media_owner import foreign_media
        from core.review import add_version, keep_current, review_again

        if problems := foreign_media(session, workspace, new, p.prefill):
            raise ValidationError("Invalid prefill: " + "; ".join(problems), problems, preview_id=pid)
        if new == p.prefill or new == _as_now(p.prefill):  # nothing changed: no new version,
            return new  # the review stands (a badge stored as "24990.00" CLP reads "24990" now)
        keep_current(session, p)  # the version edited is kept for undo
        p.prefill = new
        p.prefill_version = (p.prefill_version or 0) + 1
        p.updated_at = utcnow()
        review_again(p)
        session.flush()
        add_version(session, p, "edit", "replaced whole" if replace else
                    "edited " + ", ".join(sorted(patch)) if isinstance(patch, dict) else None)
    log.info("preview.prefill_updated id=%s replace=%s", pid, replace)
    return new


def cancel_preview(workspace: str, preview_id: object) -> PreviewInfo:
    """Cancel one unfinished preview; a running result is discarded."""
    check_scope(workspace)
    pid = as_uuid(preview_id, "Preview")
    with unit_of_work() as session:
        p = _own(session, workspace, pid)
        batch_repo.lock(session, p.batch_id)
        now = utcnow()
        res = session.execute(
            move(Preview, PREVIEW_MOVES, PreviewStatus.CANCELLED, Preview.id == pid,
                 only_from=PREVIEW_ACTIVE, finished_at=now, updated_at=now, lease_owner=None,
                 lease_expires_at=None, stage=None, next_retry_at=None)
        )
        if res.rowcount != 1:
            raise ConflictError(f"This preview is already {p.status}; nothing to cancel")
        if (p.partial or {}).get("regen"):  # a cancelled regeneration: the version stays
            from core.review import restore_after_cancelled_regeneration

            restore_after_cancelled_regeneration(session, pid)
        try_finish_batch(session, p.batch_id)
        session.refresh(p)
        return to_info(p)


def retry_preview(workspace: str, preview_id: object) -> PreviewInfo:
    """Re-queue one failed or cancelled preview with the same parameters; one waiting for its
    scheduled retry is tried now (its retries so far still count)."""
    return _again(workspace, preview_id,
                  (PreviewStatus.FAILED, PreviewStatus.CANCELLED, PreviewStatus.RETRYING),
                  "This preview is {status}; only failed or cancelled ones retry, "
                  "and one waiting to try again is tried now")


def try_preview_now(workspace: str, preview_id: object) -> PreviewInfo:
    """"Try now" on a card: only a preview waiting for its scheduled retry (a stale card's
    press must not reopen a preview cancelled or failed meanwhile)."""
    return _again(workspace, preview_id, (PreviewStatus.RETRYING,),
                  "This preview is {status} now; only one waiting to try again can be tried now")


def _again(workspace: str, preview_id: object, allowed: tuple, conflict: str) -> PreviewInfo:
    """One preview in a status of ``allowed`` sent through the pipeline again: a retrying one
    made due now, a failed or cancelled one re-queued; ConflictError saying ``conflict``
    (with its status) otherwise, or why retrying a failure for good will not help."""
    check_scope(workspace)
    pid = as_uuid(preview_id, "Preview")
    with unit_of_work() as session:
        p = _own(session, workspace, pid)
        if p.status not in allowed:
            raise ConflictError(conflict.format(status=p.status))
        if p.status == PreviewStatus.FAILED and p.failed_for_good:  # as the dashboard: no Retry for it
            why = p.error_message or "it would fail the same way"
            # the reason says it once (a walk-through got "Retrying will not help: … downloaded … .
            # Retrying will not help: give the product a photo…" from a reason that already said it)
            raise ConflictError(why if "retrying will not help" in why.lower() else f"Retrying will not help: {why}")
        batch = batch_repo.get(session, workspace, p.batch_id, lock=True)
        if p.status == PreviewStatus.RETRYING:
            sends = _due_now(session, p)
        else:
            sends = requeue(session, batch, [p])
        session.refresh(p)
        info = to_info(p)
    for kind, args in sends:
        dispatch(kind, *args)
    return info


def _due_now(session, p: Preview) -> list[tuple[str, tuple]]:
    """A scheduled retry made due now, and its wake-up message: the product page's (every
    preview of the URL still waiting for it is tried with it) or the preview's own. The
    delayed message still on its way finds nothing left to do.

    A try asked for is an extra one: it does not use up the schedule (three presses in a
    minute failed a preview the schedule would have tried for 20 more minutes), so the
    count goes back one and the try's failure counts it again."""
    now = utcnow()
    # (once per try: a second press before a worker takes it up finds the retry due already)
    values = dict(next_retry_at=now, updated_at=now,
                  retry_count=sa.case((sa.and_(Preview.next_retry_at > now, Preview.retry_count > 0),
                                       Preview.retry_count - 1), else_=Preview.retry_count))
    if p.source_image_url is None:  # the product page could not be read yet
        session.execute(sa.update(Preview).where(
            Preview.batch_id == p.batch_id, Preview.source_url == p.source_url,
            Preview.status == PreviewStatus.RETRYING, Preview.source_image_url.is_(None),
        ).values(**values))
        return [("source", (str(p.batch_id), p.source_url))]
    session.execute(sa.update(Preview).where(
        Preview.id == p.id, Preview.status == PreviewStatus.RETRYING,
    ).values(**values))
    return [("preview", (str(p.id),))]


# --- the way out: a product whose images could not be used -------------------------------

PHOTO_MAX_BYTES = 15 * 1024 * 1024
PHOTO_MIN_SIDE = 48
_PHOTO_EXT = {"image/jpeg": "jpg", "image/png": "png", "image/webp": "webp", "image/gif": "gif",
              "image/avif": "avif", "image/bmp": "bmp"}
# previews of the product that a new photo (or text-only) re-runs: not done, not in flight
_RERUN_FROM = [PreviewStatus.FAILED, PreviewStatus.CANCELLED, PreviewStatus.RETRYING,
               PreviewStatus.PENDING]


def _as_given(source_url: object) -> str:
    """A product URL as the batch keeps it (normalised): a client may send back the address it
    gave, tracking parameters, upper-case host and all (a review: those got "no product URL")."""
    from core.urls import normalize_url

    if not isinstance(source_url, str):
        raise ValidationError("The product URL must be text")
    try:
        return normalize_url(source_url)
    except ValueError:
        return source_url


def _source_product(session, workspace: str, batch: Batch, source_url: str) -> Product | None:
    if source_url not in {s["url"] for s in batch.sources or []}:
        raise NotFoundError(f"This batch has no product URL {source_url[:200]}")
    pid = session.scalar(sa.select(Preview.product_id).where(
        Preview.batch_id == batch.id, Preview.source_url == source_url,
        Preview.product_id.is_not(None)).limit(1))
    if pid is not None:
        product = session.get(Product, pid)
        if product is not None and product.workspace == workspace:
            return product
    return product_repo.by_url(session, workspace, source_url)


def _photo_bytes(data: bytes | None, image_url: str | None, referer: str) -> bytes:
    """The photo given (uploaded bytes or an image URL downloaded now), checked."""
    from core.images import ImageRejected, probe

    if (data is None) == (not image_url):
        raise ValidationError("Give either a photo file or an image URL")
    if image_url:
        from core.errors import ScrapeError
        from core.rank import download_image
        from core.settings import get_settings
        from core.urls import url_problem

        image_url = image_url.strip()
        problem = url_problem(image_url, allow_private=get_settings().allow_private_fetch)
        if problem:
            raise ValidationError(f"Image URL: {problem}")
        try:
            data = download_image(image_url, referer=referer)
        except ScrapeError as exc:
            raise ValidationError(f"The image at this URL could not be downloaded: {exc.message}") from None
    if not data:
        raise ValidationError("The photo file is empty")
    if len(data) > PHOTO_MAX_BYTES:
        raise ValidationError(f"The photo is larger than {PHOTO_MAX_BYTES // (1024 * 1024)} MB")
    try:
        info = probe(data)
    except ImageRejected as exc:
        # (a walk-through pasted an image URL and was told about "this file")
        what = "The image at this URL" if image_url else "This file"
        raise ValidationError(f"{what} cannot be used as a product photo: {exc.reason} "
                              "(JPEG, PNG, WebP, AVIF, GIF or BMP)") from None
    if min(info.width, info.height) < PHOTO_MIN_SIDE:
        raise ValidationError(f"The photo is too small ({info.width}x{info.height}); "
                              f"at least {PHOTO_MIN_SIDE} px a side")
    return data


def _rerun(session, batch: Batch, source_url: str, source_image: str,
           product_id: uuid.UUID | None) -> list[tuple[str, tuple]]:
    """Queue the URL's previews that are not done (nor queued/running) with ``source_image``."""
    now = utcnow()
    waiting = session.scalars(sa.select(Preview).where(
        Preview.batch_id == batch.id, Preview.source_url == source_url,
        Preview.status.in_([str(s) for s in _RERUN_FROM])).order_by(Preview.variant_index)).all()
    sends: list[tuple[str, tuple]] = []
    for p in waiting:
        # a retrying or pending preview that already has its photo waits for a generation
        # retry: it takes the new photo too
        res = session.execute(
            move(Preview, PREVIEW_MOVES, PreviewStatus.QUEUED, Preview.id == p.id,
                 only_from=_RERUN_FROM, source_image_url=source_image, product_id=product_id,
                 retry_count=0, error_message=None, failed_for_good=None, next_retry_at=None, finished_at=None,
                 started_at=None, lease_owner=None, lease_expires_at=None, stage=None,
                 partial=None, enqueued_at=now, updated_at=now))
        if res.rowcount == 1:
            sends.append(("preview", (str(p.id),)))
    if sends and batch.status != BatchStatus.RUNNING:
        session.execute(move(Batch, BATCH_MOVES, BatchStatus.RUNNING, Batch.id == batch.id,
                             finished_at=None, error_message=None, updated_at=now))
    return sends


# A product whose page was never read has no name, price or words: a photo or a text-only
# layout would only make empty banners ("New arrival / Shop now").
_UNREAD = ("This product's page could not be read, so a banner would have no name, price or "
           "words: check the URL, or retry the page once the shop answers")


def give_product_photo(workspace: str, batch_id: object, source_url: str, *,
                       data: bytes | None = None, image_url: str | None = None) -> int:
    """Use a photo for the product of ``source_url``: an uploaded file (``data``) or an image
    URL (downloaded now, with the product page as Referer). The photo is stored with the
    product (first of its images from now on, also for later batches) and the URL's previews
    that did not finish are re-run with it. Returns how many were re-queued."""
    check_scope(workspace)
    bid = as_uuid(batch_id, "Batch")
    source_url = _as_given(source_url)
    with unit_of_work() as session:
        batch = batch_repo.get(session, workspace, bid)
        if batch is None:
            raise NotFoundError(f"Batch {bid} was not found", batch_id=bid)
        product = _source_product(session, workspace, batch, source_url)
        if product is None or not (product.title or "").strip():
            raise ConflictError(_UNREAD)
        referer = product.final_url or source_url
    photo = _photo_bytes(data, image_url, referer)
    from core.fetch import sniff_image_type
    from core.pipeline import stages

    ctype = sniff_image_type(photo[:32]) or "application/octet-stream"
    digest = hashlib.sha256(photo).hexdigest()[:24]
    with unit_of_work() as session:
        batch = batch_repo.get(session, workspace, bid, lock=True)
        product = _source_product(session, workspace, batch, source_url)
        if product is None:
            raise ConflictError(_UNREAD)
        key = f"products/{product.id}/photos/{digest}.{_PHOTO_EXT.get(ctype, 'img')}"
        url = stages.storage().put(key, photo, ctype)
        product.ranked_image_urls = [url] + [u for u in product.ranked_image_urls or [] if u != url]
        product.text_only_at = None  # a photo now: later batches use it, not text-only banners
        if not any(not stages.is_upload(u) for u in product.ranked_image_urls):
            product.ranking_method = "uploaded"
        product.updated_at = utcnow()
        sends = _rerun(session, batch, source_url, url, product.id)
    log.info("preview.photo_given batch=%s url=%s rerun=%d", bid, source_url, len(sends))
    for kind, args in sends:
        dispatch(kind, *args)
    return len(sends)


def use_text_only(workspace: str, batch_id: object, source_url: str) -> int:
    """Re-run the URL's previews that did not finish as text-only banners (no photo): the
    copy from the product's title, price and description on a backdrop drawn from colours.
    The product remembers the choice: a later batch whose photos cannot be used either makes
    text-only banners instead of failing (until the product is given a photo). Returns how
    many were re-queued."""
    from core.pipeline.stages import TEXT_ONLY_SOURCE

    check_scope(workspace)
    bid = as_uuid(batch_id, "Batch")
    source_url = _as_given(source_url)
    with unit_of_work() as session:
        batch = batch_repo.get(session, workspace, bid, lock=True)
        if batch is None:
            raise NotFoundError(f"Batch {bid} was not found", batch_id=bid)
        product = _source_product(session, workspace, batch, source_url)
        if product is None or not (product.title or "").strip():
            raise ConflictError(_UNREAD)
        product.text_only_at = utcnow()  # remembered: a later batch without a usable photo too
        sends = _rerun(session, batch, source_url, TEXT_ONLY_SOURCE, product.id)
    log.info("preview.text_only batch=%s url=%s rerun=%d", bid, source_url, len(sends))
    for kind, args in sends:
        dispatch(kind, *args)
    return len(sends)


def _as_now(prefill: dict | None) -> dict | None:
    """A stored prefill as today's rules write it, or None when it no longer validates."""
    try:
        return validate_prefill(prefill) if prefill else None
    except ValidationError:
        return None

