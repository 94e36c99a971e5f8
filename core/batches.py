"""Batch services: create, list, search, inspect, rename, cancel, retry, delete, archive and
restore. Workspace-scoped."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import uuid
from collections.abc import Iterable

import sqlalchemy as sa

from core import webhooks
from core.wording import count
from core.dispatch import dispatch
from core.errors import ConflictError, NotFoundError, Problem, ValidationError
from core.scope import as_uuid, check_scope
from core.pagination import page_cursors, paginate
from core.settings import get_settings
from core.states import (
    BATCH_MOVES,
    BATCH_TERMINAL,
    PREVIEW_ACTIVE,
    PREVIEW_MOVES,
    BatchStatus,
    PreviewStatus,
    move,
)
from core.urls import normalize_url, url_problem
from core.views import BatchDetail, BatchInfo, Page, Progress, SourceSummary
from db.base import utcnow
from db.engine import unit_of_work
from db.models import Batch, Preview
from db.repositories import batches as batch_repo
from db.repositories import previews as preview_repo
from db.repositories import products as product_repo

log = logging.getLogger(__name__)


def batch_name(at: dt.datetime, tz: dt.tzinfo | None = None) -> str:
    """``Batch Task - Jan 28, 10:30 AM`` in the user's time zone; without one (an API client)
    ``… 10:30 AM UTC``: the lists show times in each viewer's zone, so a bare time read an hour
    off in Berlin (a walk-through)."""
    local = at.astimezone(tz or dt.timezone.utc)
    hour = local.strftime("%I").lstrip("0") or "12"
    zone = "" if tz is not None else " UTC"
    return f"Batch Task - {local.strftime('%b')} {local.day}, {hour}:{local.strftime('%M %p')}{zone}"


def _as_batch_size(value: object, default: int, maximum: int) -> int | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return default
    if isinstance(value, bool):
        return None
    if isinstance(value, float):
        if not value.is_integer():
            return None
        value = int(value)
    if isinstance(value, str):
        text = value.strip()
        if not text.lstrip("+").isdigit():
            return None
        value = int(text)
    if not isinstance(value, int) or not 1 <= value <= maximum:
        return None
    return value


def _shown(value: object) -> str:
    """A bad cell as the message quotes it: text stripped as the table and CSV paths quote it
    ("(got '99')" for " 99"), anything else as given (an API's 2.5 or true)."""
    return repr(value.strip() if isinstance(value, str) else value)


def same_url_as(row: int) -> str:
    """Generate's word for a row repeating an earlier row's product URL (also said while typing)."""
    return f"same product URL as row {row}; keep one row and raise its batch_size instead"


def validate_sources(sources: object) -> list[dict]:
    """Check a submission; return ``[{url, batch_size}]`` normalised, or raise with every problem.

    Each problem names the row (1-based) and the rule broken.
    """
    s = get_settings()
    if isinstance(sources, (str, bytes)) or not isinstance(sources, Iterable):
        raise ValidationError("Sources must be a list of rows with a url and a batch_size")
    rows = list(sources)
    if not rows:
        raise ValidationError("Add at least one product URL")
    problems: list[Problem] = []
    clean: list[dict] = []
    seen: dict[str, int] = {}
    for n, row in enumerate(rows, start=1):
        if isinstance(row, str):
            row = {"url": row}
        if not isinstance(row, dict):
            problems.append(Problem(f"Row {n}: expected a url and a batch_size", n))
            continue
        url = row.get("url")
        problem = url_problem(url, allow_private=s.allow_private_fetch)
        size = _as_batch_size(row.get("batch_size"), s.batch_size_default, s.batch_size_max)
        if problem:
            problems.append(Problem(f"Row {n}: {problem}", n, "url"))
        if size is None:
            problems.append(Problem(
                f"Row {n}: batch_size must be a whole number from 1 to {s.batch_size_max} "
                f"(got {_shown(row.get('batch_size'))})", n, "batch_size"))
        if problem:
            continue
        norm = normalize_url(url)
        if norm in seen:
            problems.append(Problem(f"Row {n}: {same_url_as(seen[norm])}", n, "url"))
            continue
        seen[norm] = n
        if size is not None:
            clean.append({"url": norm, "batch_size": size})
    # the limit counts the products' URLs (a row whose only fault is its batch_size counts: fixing it
    # must not then meet "6 URLs given"); a bad or repeated URL is named on its own above
    if len(seen) > s.max_urls_per_batch:
        problems.insert(0, Problem(f"{len(seen)} URLs given, at most {s.max_urls_per_batch} per batch: "
                                   "split them into several batches"))
    if problems:
        more = f"; and {len(problems) - 3} more" if len(problems) > 3 else ""
        raise ValidationError(
            f"The batch was not created: {count(len(problems), 'problem')}: "
            + "; ".join(p.rstrip(".") for p in problems[:3]) + more,
            problems,
        )
    return clean


def _submission_hash(sources: list[dict], name: str | None = None) -> str:
    """What makes two submissions the same: their sources, and the name when one was given
    ("Spring sale" and "Summer sale" of the same URLs are two batches; a double click is one)."""
    body: object = sources if name is None else {"name": name, "sources": sources}
    return hashlib.sha256(json.dumps(body, sort_keys=True).encode()).hexdigest()


def create_batch(
    workspace: str, user: str, sources: object, *, tz: dt.tzinfo | None = None, part: str = "",
    name: object = None,
) -> BatchInfo:
    """Validate and store a batch with its pending previews, then hand it to the pipeline.

    ``part``: appended to the generated name ("(1/2)") when one list was split in batches.
    ``name``: the user's own name for it (as a rename checks it); else one from the time.

    An identical submission by the same user within DUPLICATE_WINDOW_SECONDS returns the
    batch already created (``created=False``) and sends nothing.
    """
    check_scope(workspace, user)
    # a blank name is no name, as on the New batch page (a walk-through: the API refused "   " as
    # empty though the name is optional)
    blank = isinstance(name, str) and not name.strip()
    chosen = None if name is None or blank else clean_batch_name(name)
    clean = validate_sources(sources)
    digest = _submission_hash(clean, chosen)
    s = get_settings()
    with unit_of_work() as session:
        batch_repo.lock_submission(session, f"{workspace}:{user}:{digest}")
        now = utcnow()
        dup = batch_repo.find_recent_duplicate(
            session, workspace, user, digest, now - dt.timedelta(seconds=s.duplicate_window_seconds)
        )
        if dup is not None:
            counts = batch_repo.status_counts(session, dup.id)
            return _info(dup, counts, created=False)
        name = chosen or f"{batch_name(now, tz)} {part}".strip()
        # two batches of one minute are told apart in lists and pickers: "… 10:58 PM (2)"
        taken = set(session.scalars(sa.select(Batch.name).where(
            Batch.workspace == workspace, Batch.name.like(f"{name}%")))) if chosen is None else set()
        if name in taken:
            n = 2
            while f"{name} ({n})" in taken:
                n += 1
            name = f"{name} ({n})"
        batch = Batch(
            id=uuid.uuid4(), workspace=workspace, user_id=user, name=name,
            status=str(BatchStatus.PENDING), sources=clean, submission_hash=digest,
            source_stages={}, created_at=now, updated_at=now,
        )
        session.add(batch)
        session.flush()
        rows = [(src["url"], i) for src in clean for i in range(src["batch_size"])]
        # the previews share one creation time, so lists (newest first, then by id descending)
        # order them by id: ids drawn at random and handed out largest first list a batch
        # product by product in its order, then by variant, on every page of any size (a
        # walk-through: the API listed them in no order a reader could follow)
        ids = sorted((uuid.uuid4() for _ in rows), reverse=True)
        session.execute(
            sa.insert(Preview),
            [
                {
                    "id": pid, "workspace": workspace, "batch_id": batch.id,
                    "source_url": url, "variant_index": i, "status": "pending",
                    "retry_count": 0, "prefill_version": 0, "created_at": now, "updated_at": now,
                }
                for pid, (url, i) in zip(ids, rows)
            ],
        )
        info = _info(batch, {"pending": sum(src["batch_size"] for src in clean)})
    log.info("batch.created id=%s workspace=%s urls=%d", info.id, workspace, len(clean))
    dispatch("batch", str(info.id))
    return info


def _info(batch: Batch, counts: dict[str, int], created: bool = True) -> BatchInfo:
    return BatchInfo(
        id=batch.id, workspace=batch.workspace, user_id=batch.user_id, name=batch.name,
        status=batch.status, sources=list(batch.sources or []), error_message=batch.error_message,
        created_at=batch.created_at, updated_at=batch.updated_at, started_at=batch.started_at,
        finished_at=batch.finished_at, progress=Progress.from_counts(counts), created=created,
        archived_at=batch.archived_at,
    )


SEARCH_MAX = 200


def list_batches(
    workspace: str, status: str | None = None, page_size: int = 50, cursor: str | None = None,
    *, archived: bool | None = False, search: str | None = None,
) -> Page[BatchInfo]:
    """The workspace's batches, newest first, each with its progress (two queries per page).

    ``archived``: False (default) the active list, True only archived batches, None both.
    ``search``: words found in the batch's name, one of its URLs or a product's title.
    """
    check_scope(workspace)
    if status is not None and status not in set(BatchStatus):
        raise ValidationError(f"Unknown batch status {status!r}")
    search = (search or "").strip() or None
    if search is not None and len(search) > SEARCH_MAX:
        raise ValidationError(f"Search for at most {SEARCH_MAX} characters")
    with unit_of_work() as session:
        stmt, cur = paginate(batch_repo.list_stmt(workspace, status, archived, search), Batch,
                             page_size, cursor)
        rows = list(session.scalars(stmt))
        rows, next_c, prev_c = page_cursors(rows, page_size, cur)
        counts = batch_repo.progress_counts(session, workspace, [b.id for b in rows])
        items = [_info(b, counts.get(b.id, {})) for b in rows]
    return Page(items, next_c, prev_c)


def get_batch(workspace: str, batch_id: object) -> BatchDetail:
    """One batch with its progress and a summary per submitted URL."""
    check_scope(workspace)
    bid = as_uuid(batch_id, "Batch")
    with unit_of_work() as session:
        batch = batch_repo.get(session, workspace, bid)
        if batch is None:
            raise NotFoundError(f"Batch {bid} was not found", batch_id=bid)
        previews = preview_repo.for_batch(session, workspace, bid)
        products = product_repo.by_ids(
            session, workspace, list({p.product_id for p in previews if p.product_id})
        )
        # a URL none of whose previews points at a product yet (its page is being read, or
        # was read by an earlier batch): the workspace's product of that URL, if any
        linked = {p.source_url for p in previews if p.product_id in products}
        by_url = {prod.url: prod for prod in product_repo.by_urls(
            session, workspace, [s["url"] for s in batch.sources or [] if s["url"] not in linked])}
        counts: dict[str, int] = {}
        per_url: dict[str, list[Preview]] = {}
        for p in previews:
            batch_repo.add_count(counts, p.status, 1, p.failed_for_good)
            per_url.setdefault(p.source_url, []).append(p)
        summaries = []
        for src in batch.sources or []:
            items = per_url.get(src["url"], [])
            product = next((products[p.product_id] for p in items if p.product_id in products),
                           by_url.get(src["url"]))
            url_counts: dict[str, int] = {}
            for p in items:
                batch_repo.add_count(url_counts, p.status, 1, p.failed_for_good)
            summaries.append(
                SourceSummary(
                    url=src["url"], batch_size=src["batch_size"],
                    stage=(batch.source_stages or {}).get(src["url"]),
                    product_id=product.id if product else None,
                    title=product.title if product else None,
                    price=product.price if product else None,
                    currency=product.currency if product else None,
                    ranking_method=product.ranking_method if product else None,
                    ranked_image_urls=list(product.ranked_image_urls or []) if product else [],
                    progress=Progress.from_counts(url_counts),
                    # what failed or will be tried again says why; an earlier try's error on a
                    # preview now waiting or running is history
                    errors=sorted({p.error_message for p in items if p.error_message
                                   and p.status in (PreviewStatus.FAILED, PreviewStatus.RETRYING)}),
                    images_found=len(product.image_urls or []) if product else 0,
                    page_url=(product.final_url or product.url) if product else None,
                    list_price=product.list_price if product else None,
                    price_conflict=product.price_conflict if product else None,
                    price_source=(product.field_sources or {}).get("price") if product else None,
                )
            )
        return BatchDetail(_info(batch, counts), summaries)


def cancel_batch(workspace: str, batch_id: object) -> BatchInfo:
    """Cancel a batch: items not started never start; running results are discarded."""
    check_scope(workspace)
    bid = as_uuid(batch_id, "Batch")
    with unit_of_work() as session:
        batch = batch_repo.get(session, workspace, bid, lock=True)
        if batch is None:
            raise NotFoundError(f"Batch {bid} was not found", batch_id=bid)
        if batch.status in BATCH_TERMINAL:
            raise ConflictError(f"This batch is already {batch.status}; nothing to cancel")
        now = utcnow()
        session.execute(
            move(Preview, PREVIEW_MOVES, PreviewStatus.CANCELLED, Preview.batch_id == bid,
                 Preview.workspace == workspace, only_from=PREVIEW_ACTIVE,
                 finished_at=now, updated_at=now, lease_owner=None, lease_expires_at=None,
                 stage=None, next_retry_at=None)
        )
        session.execute(
            move(Batch, BATCH_MOVES, BatchStatus.CANCELLED, Batch.id == bid,
                 finished_at=now, updated_at=now)
        )
        session.refresh(batch)
        info = _info(batch, batch_repo.status_counts(session, bid))
    log.info("batch.cancelled id=%s", bid)
    return info


def retry_failed(workspace: str, batch_id: object) -> int:
    """Re-queue every failed preview of a batch with the same parameters, but those that failed
    for good (a retry would fail them the same way: a search page, no photo that can be
    downloaded; their way out is a photo or text-only banners). Returns how many."""
    return retry_failed_counted(workspace, batch_id)[0]


def retry_failed_counted(workspace: str, batch_id: object) -> tuple[int, int]:
    """``retry_failed``, returning (re-queued, left out as failed for good)."""
    return _requeue_status(workspace, batch_id, PreviewStatus.FAILED)


def resume_cancelled(workspace: str, batch_id: object) -> int:
    """Re-queue every cancelled preview of a batch (a cancelled batch picks up where it
    stopped; its finished banners are kept). Returns how many."""
    return _requeue_status(workspace, batch_id, PreviewStatus.CANCELLED)[0]


def _requeue_status(workspace: str, batch_id: object, status: PreviewStatus) -> tuple[int, int]:
    """(re-queued, left out): failures for good are left out of a retry."""
    check_scope(workspace)
    bid = as_uuid(batch_id, "Batch")
    with unit_of_work() as session:
        batch = batch_repo.get(session, workspace, bid, lock=True)
        if batch is None:
            raise NotFoundError(f"Batch {bid} was not found", batch_id=bid)
        found = preview_repo.ids_with_status(session, workspace, bid, [status])
        previews = [p for p in found if not p.failed_for_good] if status == PreviewStatus.FAILED else found
        sends = requeue(session, batch, previews)
    for kind, args in sends:
        dispatch(kind, *args)
    return len(previews), len(found) - len(previews)


def requeue(session, batch: Batch, previews: list[Preview]) -> list[tuple[str, tuple]]:
    """Move failed/cancelled previews back into the pipeline; reopen the batch.

    Previews whose URL was scraped go straight to ``queued``; the others to ``pending``
    with their URL scraped again. Returns the messages to send after commit.
    """
    if not previews:
        return []
    now = utcnow()
    sends: list[tuple[str, tuple]] = []
    rescrape: set[str] = set()
    reset = dict(retry_count=0, error_message=None, failed_for_good=None, next_retry_at=None, finished_at=None,
                 started_at=None, lease_owner=None, lease_expires_at=None, stage=None,
                 updated_at=now)
    for p in previews:
        target = PreviewStatus.QUEUED if p.source_image_url else PreviewStatus.PENDING
        res = session.execute(
            move(Preview, PREVIEW_MOVES, target, Preview.id == p.id,
                 only_from=[PreviewStatus.FAILED, PreviewStatus.CANCELLED],
                 enqueued_at=now if target == PreviewStatus.QUEUED else None, **reset)
        )
        if res.rowcount != 1:
            continue
        if target == PreviewStatus.QUEUED:
            sends.append(("preview", (str(p.id),)))
        else:
            rescrape.add(p.source_url)
    sends.extend(("source", (str(batch.id), url)) for url in sorted(rescrape))
    if batch.status != BatchStatus.RUNNING:
        session.execute(
            move(Batch, BATCH_MOVES, BatchStatus.RUNNING, Batch.id == batch.id,
                 finished_at=None, error_message=None, updated_at=now)
        )
    return sends


def delete_batch(workspace: str, batch_id: object) -> None:
    """Delete a batch and its previews (and the media they own)."""
    check_scope(workspace)
    bid = as_uuid(batch_id, "Batch")
    with unit_of_work() as session:
        if batch_repo.delete(session, workspace, bid) != 1:
            raise NotFoundError(f"Batch {bid} was not found", batch_id=bid)
    from core.storage import get_storage

    removed = get_storage().delete_prefix(f"previews/{bid}/")
    log.info("batch.deleted id=%s media_removed=%d", bid, removed)


def archive_finished(workspace: str) -> int:
    """Archive every finished (done / failed / cancelled) batch. Returns how many.

    Archived batches leave the active list only: they are listed with "Show archived",
    found by search and by their URL, and can be restored."""
    check_scope(workspace)
    with unit_of_work() as session:
        return batch_repo.archive_finished(
            session, workspace, [str(s) for s in BATCH_TERMINAL], utcnow()
        )


clear_completed = archive_finished  # the old name (API and older callers)


def archive_batch(workspace: str, batch_id: object) -> None:
    """Move one batch out of the active list (its previews and files are kept)."""
    check_scope(workspace)
    bid = as_uuid(batch_id, "Batch")
    with unit_of_work() as session:
        if batch_repo.set_archived(session, workspace, bid, utcnow()) != 1:
            raise NotFoundError(f"Batch {bid} was not found", batch_id=bid)


def restore_batch(workspace: str, batch_id: object) -> None:
    """Bring an archived batch back into the active list."""
    check_scope(workspace)
    bid = as_uuid(batch_id, "Batch")
    with unit_of_work() as session:
        if batch_repo.set_archived(session, workspace, bid, None) != 1:
            raise NotFoundError(f"Batch {bid} was not found", batch_id=bid)


NAME_MAX = 200


def clean_batch_name(name: object) -> str:
    """A name a user gave a batch, trimmed and with inner runs of whitespace made one space;
    ValidationError in words when it is not text, empty or too long."""
    if not isinstance(name, str):
        raise ValidationError("A batch name must be text", ["name: must be text"])
    clean = " ".join(name.split())
    if not clean:
        raise ValidationError("A batch name cannot be empty", ["name: cannot be empty"])
    if len(clean) > NAME_MAX:
        raise ValidationError(f"A batch name has at most {NAME_MAX} characters (got {len(clean)})",
                              [f"name: at most {NAME_MAX} characters"])
    return clean


def rename_batch(workspace: str, batch_id: object, name: object) -> str:
    """Give a batch a name of the user's choosing; returns the name as stored (trimmed,
    inner runs of whitespace made one space)."""
    check_scope(workspace)
    bid = as_uuid(batch_id, "Batch")
    clean = clean_batch_name(name)
    with unit_of_work() as session:
        if batch_repo.rename(session, workspace, bid, clean, utcnow()) != 1:
            raise NotFoundError(f"Batch {bid} was not found", batch_id=bid)
    return clean


def batch_products(workspace: str, batches: Iterable[BatchInfo]) -> dict[uuid.UUID, list[tuple[str, str | None]]]:
    """What each batch is about, for lists: {batch id: [(product title or URL, best image
    URL or None)]} in submission order (one query for all the batches)."""
    check_scope(workspace)
    batches = list(batches)
    urls = sorted({s["url"] for b in batches for s in b.sources})
    with unit_of_work() as session:
        found = {p.url: (p.title, (p.ranked_image_urls or [None])[0])
                 for p in product_repo.by_urls(session, workspace, urls)}
    out: dict[uuid.UUID, list[tuple[str, str | None]]] = {}
    for b in batches:
        out[b.id] = [(found.get(s["url"], (None, None))[0] or s["url"],
                      found.get(s["url"], (None, None))[1]) for s in b.sources]
    return out


def derive_final_status(counts: dict[str, int]) -> BatchStatus | None:
    """The batch status implied by its preview counts, or None while any is unfinished."""
    if any(counts.get(str(s), 0) for s in PREVIEW_ACTIVE):
        return None
    if counts.get("done", 0):
        return BatchStatus.DONE
    if counts.get("failed", 0):
        return BatchStatus.FAILED
    return BatchStatus.CANCELLED


def try_finish_batch(session, batch_id: uuid.UUID) -> BatchStatus | None:
    """Close a running batch whose previews are all terminal. Exactly one caller wins.

    The caller must have taken ``batch_repo.lock`` before changing previews in this
    transaction, so concurrent finishers see each other's commits.
    """
    active = sa.exists().where(
        Preview.batch_id == batch_id, Preview.status.in_([str(s) for s in PREVIEW_ACTIVE])
    )
    if session.scalar(sa.select(active)):
        return None  # cheap index probe: most completions are not the last one
    counts = batch_repo.status_counts(session, batch_id)
    final = derive_final_status(counts)
    if final is None:
        return None
    error = None
    if final == BatchStatus.FAILED:
        failed = counts.get('failed', 0)
        error = "Its one preview failed" if failed == 1 else f"All {count(failed, 'preview')} failed"
    now = utcnow()
    res = session.execute(
        move(Batch, BATCH_MOVES, final, Batch.id == batch_id, ~active,
             only_from=[BatchStatus.RUNNING], finished_at=now, updated_at=now,
             error_message=error)
    )
    if res.rowcount == 1:
        log.info("batch.finished id=%s status=%s", batch_id, final)
        if final != BatchStatus.CANCELLED:  # webhooks: cancelling is a user's own act
            webhooks.batch_finished(session, batch_id)
        return final
    return None
