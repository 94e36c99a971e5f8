"""Preview services: list, edit the prefill, cancel, retry. Workspace-scoped."""

from __future__ import annotations

import logging
from collections import Counter

from core.batches import _as_uuid, _check_scope, get_batch, requeue, try_finish_batch
from core.dispatch import dispatch
from core.errors import ConflictError, NotFoundError, ValidationError
from core.pagination import page_cursors, paginate
from core.prefill import merge_prefill, validate_prefill
from core.states import PREVIEW_ACTIVE, PREVIEW_MOVES, PreviewStatus, move
from core.views import BatchDetail, Page, PreviewInfo, Progress
from db.base import utcnow
from db.engine import unit_of_work
from db.models import Preview
from db.repositories import batches as batch_repo
from db.repositories import previews as preview_repo

log = logging.getLogger(__name__)

EDITABLE = {PreviewStatus.DONE, PreviewStatus.FAILED, PreviewStatus.CANCELLED}


def to_info(p: Preview) -> PreviewInfo:
    return PreviewInfo(
        id=p.id, workspace=p.workspace, batch_id=p.batch_id, product_id=p.product_id,
        source_url=p.source_url, variant_index=p.variant_index,
        source_image_url=p.source_image_url, prefill=dict(p.prefill) if p.prefill else None,
        prefill_version=p.prefill_version, status=p.status, stage=p.stage,
        error_message=p.error_message, retry_count=p.retry_count, next_retry_at=p.next_retry_at,
        created_at=p.created_at, started_at=p.started_at, finished_at=p.finished_at,
    )


def list_previews(
    workspace: str,
    batch_id: object = None,
    product_id: object = None,
    status: str | None = None,
    page_size: int = 100,
    cursor: str | None = None,
) -> Page[PreviewInfo]:
    """The workspace's previews, newest first, optionally for one batch / product / status."""
    _check_scope(workspace)
    if status is not None and status not in set(PreviewStatus):
        raise ValidationError(f"Unknown preview status {status!r}")
    bid = _as_uuid(batch_id, "Batch") if batch_id is not None else None
    pid = _as_uuid(product_id, "Product") if product_id is not None else None
    with unit_of_work() as session:
        stmt, cur = paginate(
            preview_repo.list_stmt(workspace, bid, pid, status), Preview, page_size, cursor
        )
        rows, next_c, prev_c = page_cursors(list(session.scalars(stmt)), page_size, cur)
        return Page([to_info(p) for p in rows], next_c, prev_c)


def previews_signature(workspace: str, batch_id: object) -> tuple:
    """Everything a preview card shows that the pipeline changes, for every preview of a
    batch: a live view redraws only when this changes (one narrow query, no JSON)."""
    _check_scope(workspace)
    bid = _as_uuid(batch_id, "Batch")
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


def get_preview(workspace: str, preview_id: object) -> PreviewInfo:
    _check_scope(workspace)
    pid = _as_uuid(preview_id, "Preview")
    with unit_of_work() as session:
        p = preview_repo.get(session, workspace, pid)
        if p is None:
            raise NotFoundError(f"Preview {pid} was not found", preview_id=pid)
        return to_info(p)


def update_prefill(workspace: str, preview_id: object, patch: object, replace: bool = False) -> dict:
    """Edit a finished preview's prefill: merge only the given keys, or replace it whole.

    The row is locked for the read-modify-write, so concurrent edits of different keys
    all survive. Returns the full new prefill.
    """
    _check_scope(workspace)
    pid = _as_uuid(preview_id, "Preview")
    with unit_of_work() as session:
        p = preview_repo.get(session, workspace, pid, lock=True)
        if p is None:
            raise NotFoundError(f"Preview {pid} was not found", preview_id=pid)
        if p.status not in EDITABLE:
            raise ConflictError(
                f"This preview is {p.status}; edit it once it has finished", preview_id=pid
            )
        if replace:
            new = validate_prefill(patch)
        else:
            if not p.prefill:
                raise ConflictError(
                    "This preview has no prefill yet: replace it whole instead", preview_id=pid
                )
            new = merge_prefill(p.prefill, patch)
        p.prefill = new
        p.prefill_version = (p.prefill_version or 0) + 1
        p.updated_at = utcnow()
    log.info("preview.prefill_updated id=%s replace=%s", pid, replace)
    return new


def cancel_preview(workspace: str, preview_id: object) -> PreviewInfo:
    """Cancel one unfinished preview; a running result is discarded."""
    _check_scope(workspace)
    pid = _as_uuid(preview_id, "Preview")
    with unit_of_work() as session:
        p = preview_repo.get(session, workspace, pid)
        if p is None:
            raise NotFoundError(f"Preview {pid} was not found", preview_id=pid)
        batch_repo.lock(session, p.batch_id)
        now = utcnow()
        res = session.execute(
            move(Preview, PREVIEW_MOVES, PreviewStatus.CANCELLED, Preview.id == pid,
                 only_from=PREVIEW_ACTIVE, finished_at=now, updated_at=now, lease_owner=None,
                 lease_expires_at=None, stage=None, next_retry_at=None)
        )
        if res.rowcount != 1:
            raise ConflictError(f"This preview is already {p.status}; nothing to cancel")
        try_finish_batch(session, p.batch_id)
        session.refresh(p)
        return to_info(p)


def retry_preview(workspace: str, preview_id: object) -> PreviewInfo:
    """Re-queue one failed or cancelled preview with the same parameters."""
    _check_scope(workspace)
    pid = _as_uuid(preview_id, "Preview")
    with unit_of_work() as session:
        p = preview_repo.get(session, workspace, pid)
        if p is None:
            raise NotFoundError(f"Preview {pid} was not found", preview_id=pid)
        if p.status not in (PreviewStatus.FAILED, PreviewStatus.CANCELLED):
            raise ConflictError(f"This preview is {p.status}; only failed or cancelled ones retry")
        batch = batch_repo.get(session, workspace, p.batch_id, lock=True)
        sends = requeue(session, batch, [p])
        session.refresh(p)
        info = to_info(p)
    for kind, args in sends:
        dispatch(kind, *args)
    return info
