"""One preview's generation: claim with a lease, background ∥ copy, merge, finish.

The lease (owner + expiry, extended by a heartbeat while work runs) proves a worker still
holds a running item; the result is saved only if the row is still ``running`` under the
same lease, so a cancelled item's result is discarded and a reclaimed item is never done
twice.
"""

from __future__ import annotations

import concurrent.futures as cf
import datetime as dt
import logging
import os
import socket
import threading
import uuid
from dataclasses import dataclass

import sqlalchemy as sa

from core.batches import try_finish_batch
from core.errors import GenerationError
from core.pipeline import stages
from core.pipeline.retry import decide, retry_at
from core.ratelimit import start_time
from core.settings import get_settings
from core.states import PREVIEW_MOVES, PreviewStatus, move
from db.base import utcnow
from db.engine import unit_of_work
from db.models import Preview, Product
from db.repositories import batches as batch_repo

log = logging.getLogger(__name__)

Sends = list[tuple[str, tuple, float]]
_pool = cf.ThreadPoolExecutor(max_workers=8, thread_name_prefix="gen")


def worker_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{threading.get_ident()}:{uuid.uuid4().hex[:6]}"


@dataclass
class Claim:
    preview_id: uuid.UUID
    batch_id: uuid.UUID
    owner: str
    source_image_url: str
    retry_count: int
    brief: object
    variant_index: int
    batch_size: int
    other_headlines: list[str]


def wake(preview_id: str, due_at: dt.datetime | None = None) -> None:
    """A retry whose time has come is queued again; the message's due time is recorded so
    the reconciler can tell a waiting message from a lost one."""
    pid = uuid.UUID(preview_id)
    now = utcnow()
    due_at = due_at or now
    with unit_of_work() as session:
        session.execute(
            move(Preview, PREVIEW_MOVES, PreviewStatus.QUEUED, Preview.id == pid,
                 Preview.next_retry_at <= now + dt.timedelta(seconds=1),
                 only_from=[PreviewStatus.RETRYING], next_retry_at=None, updated_at=now)
        )
        session.execute(
            sa.update(Preview)
            .where(Preview.id == pid, Preview.status == PreviewStatus.QUEUED)
            .values(enqueued_at=due_at)
        )


def claim(preview_id: str, owner: str | None = None) -> Claim | None:
    """queued → running under a fresh lease; None when someone else has it or it is over."""
    pid = uuid.UUID(preview_id)
    owner = owner or worker_id()
    now = utcnow()
    started = start_time(now)
    lease = dt.timedelta(seconds=get_settings().lease_seconds)
    with unit_of_work() as session:
        session.execute(  # a due retry goes straight through
            move(Preview, PREVIEW_MOVES, PreviewStatus.QUEUED, Preview.id == pid,
                 Preview.next_retry_at <= now + dt.timedelta(seconds=1),
                 only_from=[PreviewStatus.RETRYING], next_retry_at=None, updated_at=now)
        )
        res = session.execute(
            move(Preview, PREVIEW_MOVES, PreviewStatus.RUNNING, Preview.id == pid,
                 only_from=[PreviewStatus.QUEUED], lease_owner=owner,
                 lease_expires_at=now + lease, started_at=started, stage="loading source image",
                 updated_at=now)
        )
        if res.rowcount != 1:
            return None
        p = session.get(Preview, pid)
        product = session.get(Product, p.product_id) if p.product_id else None
        siblings = session.execute(
            sa.select(Preview.variant_index, Preview.prefill).where(
                Preview.batch_id == p.batch_id, Preview.source_url == p.source_url
            )
        ).all()
    from core.generators import ProductBrief

    brief = ProductBrief(
        title=(product.title if product else None) or "", description=(product.description if product else None) or "",
        price=product.price if product else None, currency=(product.currency if product else None) or "",
        brand=(product.brand if product else None) or "", url=p.source_url,
    )
    others = [pf["headline"] for idx, pf in siblings if pf and idx != p.variant_index and pf.get("headline")]
    return Claim(pid, p.batch_id, owner, p.source_image_url, p.retry_count, brief,
                 p.variant_index, len(siblings), others)


def _heartbeat(c: Claim, stage: str | None = None) -> bool:
    """Extend the lease; False when the item was cancelled or the lease was lost."""
    now = utcnow()
    values = {"lease_expires_at": now + dt.timedelta(seconds=get_settings().lease_seconds),
              "updated_at": now}
    if stage:
        values["stage"] = stage
    with unit_of_work() as session:
        res = session.execute(
            sa.update(Preview)
            .where(Preview.id == c.preview_id, Preview.status == PreviewStatus.RUNNING,
                   Preview.lease_owner == c.owner)
            .values(**values)
        )
        return res.rowcount == 1


def _make_background(c: Claim, image: bytes) -> str:
    data = stages.generators().background.make_background(
        image, variant_index=c.variant_index, brief=c.brief
    )
    return store_background(c.batch_id, c.preview_id, data)


def store_background(batch_id, preview_id, data: bytes) -> str:
    """Save a generated background (and a screen-sized copy next to it); return its URL.

    Everything a preview owns lives under ``previews/<batch>/<preview>/``, so deleting a
    batch removes it with one prefix.
    """
    from core.storage import sniff_content_type
    from core.thumbnails import THUMB_NAME, THUMB_SIDE, thumbnail_jpeg

    ctype = sniff_content_type(data)
    ext = {"image/jpeg": "jpg", "image/webp": "webp"}.get(ctype, "png")
    folder = f"previews/{batch_id}/{preview_id}"
    url = stages.storage().put(f"{folder}/background.{ext}", data, ctype)
    # A screen-sized copy, so a page of 100 previews resizes nothing (not needed when the
    # background is screen-sized already: the page then inlines it as it is).
    if _longest_side(data) > THUMB_SIDE:
        small = thumbnail_jpeg(data, THUMB_SIDE)
        if small:
            stages.storage().put(f"{folder}/{THUMB_NAME}", small, "image/jpeg")
    return url


def _longest_side(data: bytes) -> int:
    import io

    from PIL import Image

    try:
        return max(Image.open(io.BytesIO(data)).size)  # reads the header only
    except (OSError, ValueError):
        return 0


def _write_copy(c: Claim, image: bytes) -> dict:
    return stages.generators().copy.write_prefill(
        c.brief, image, variant_index=c.variant_index, batch_size=c.batch_size,
        other_headlines=c.other_headlines,
    )


def _stage_of(bg, copy) -> str:
    if bg.done() and not copy.done():
        return "writing copy"
    if copy.done() and not bg.done():
        return "generating background"
    return "generating background · writing copy"


def generate(preview_id: str) -> Sends:
    """Run one preview end to end. Returns the messages to send (a scheduled retry)."""
    c = claim(preview_id)
    if c is None:
        return []
    settings = get_settings()
    try:
        image = stages.fetch_image(c.source_image_url)
        if not _heartbeat(c, "generating background · writing copy"):
            return _discard(c, None)
        bg = _pool.submit(_make_background, c, image)
        copy = _pool.submit(_write_copy, c, image)
        deadline = utcnow() + dt.timedelta(seconds=settings.generation_timeout_seconds)
        tick = max(min(settings.lease_seconds / 3, 10.0), 0.05)
        pending = {bg, copy}
        while pending:
            _done, pending = cf.wait(pending, timeout=tick, return_when=cf.FIRST_EXCEPTION)
            if any(f.exception() for f in _done if f.done()):
                break
            if pending and utcnow() > deadline:
                raise GenerationError(
                    f"Generation timed out after {settings.generation_timeout_seconds:.0f} s",
                    transient=True,
                )
            if pending and not _heartbeat(c, _stage_of(bg, copy)):
                return _discard(c, bg)
        background_url = bg.result()
        prefill = dict(copy.result())
    except Exception as exc:  # noqa: BLE001 - every failure becomes a preview outcome
        return _failed(c, exc)
    prefill["original_background_url"] = c.source_image_url
    prefill["generated_background_url"] = background_url
    prefill.setdefault("product_image_url", c.source_image_url)
    from core.prefill import validate_prefill

    try:
        prefill = validate_prefill(prefill)
    except Exception as exc:  # noqa: BLE001
        return _failed(c, exc)
    now = utcnow()
    with unit_of_work() as session:
        batch_repo.lock(session, c.batch_id)
        res = session.execute(
            move(Preview, PREVIEW_MOVES, PreviewStatus.DONE, Preview.id == c.preview_id,
                 Preview.lease_owner == c.owner, only_from=[PreviewStatus.RUNNING],
                 prefill=prefill, finished_at=now, stage=None, lease_owner=None,
                 lease_expires_at=None, error_message=None, next_retry_at=None, updated_at=now)
        )
        if res.rowcount != 1:
            won = False
        else:
            won = True
            try_finish_batch(session, c.batch_id)
    if not won:
        return _discard(c, bg)
    log.info("preview.done id=%s", c.preview_id)
    return []


def _discard(c: Claim, bg_future) -> Sends:
    """The item was cancelled or reclaimed meanwhile: drop what this worker made."""
    log.info("preview.result_discarded id=%s", c.preview_id)
    if bg_future is not None and bg_future.done() and not bg_future.exception():
        with unit_of_work() as session:
            current = session.get(Preview, c.preview_id)
            stored = (current.prefill or {}).get("generated_background_url") if current else None
        if stored != bg_future.result():
            stages.storage().delete_prefix(f"previews/{c.batch_id}/{c.preview_id}/")
    return []


def _failed(c: Claim, exc: BaseException) -> Sends:
    decision = decide(exc, c.retry_count)
    now = utcnow()
    with unit_of_work() as session:
        batch_repo.lock(session, c.batch_id)
        if decision.retry:
            res = session.execute(
                move(Preview, PREVIEW_MOVES, PreviewStatus.RETRYING, Preview.id == c.preview_id,
                     Preview.lease_owner == c.owner, only_from=[PreviewStatus.RUNNING],
                     retry_count=c.retry_count + 1, next_retry_at=retry_at(now, decision),
                     error_message=decision.message, stage=None, lease_owner=None,
                     lease_expires_at=None, updated_at=now)
            )
            if res.rowcount == 1:
                log.info("preview.retry_scheduled id=%s in=%ss", c.preview_id, decision.delay_seconds)
                return [("preview", (str(c.preview_id),), decision.delay_seconds)]
            return []
        res = session.execute(
            move(Preview, PREVIEW_MOVES, PreviewStatus.FAILED, Preview.id == c.preview_id,
                 Preview.lease_owner == c.owner, only_from=[PreviewStatus.RUNNING],
                 error_message=decision.message, finished_at=now, stage=None,
                 lease_owner=None, lease_expires_at=None, next_retry_at=None, updated_at=now)
        )
        if res.rowcount == 1:
            try_finish_batch(session, c.batch_id)
    log.info("preview.failed id=%s reason=%s", c.preview_id, decision.message)
    return []
