"""The review workflow: approve / reject (one, or everything a filter shows), export what
was approved, regenerate one preview (new copy, new background or both, with an optional
instruction), swap its source photo, its history of versions (view, undo to any), and
whether the copy fits every banner size while editing. Workspace-scoped.

Regeneration reuses the pipeline: the preview goes ``done → queued`` with its finished
prefill left on the row (the page keeps showing it), and ``partial`` holds the half that is
kept plus ``regen`` (which halves to redo, the instruction). The same queue, global rate
limit, lease, retries and attempt folders apply; when the new version is done it replaces
the prefill and is recorded as a version; when it fails for good the preview is ``done``
again with the version it had and an error message saying why.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import logging
import uuid

import sqlalchemy as sa

from core.dispatch import dispatch
from core.errors import ConflictError, NotFoundError, ValidationError
from core.scope import as_uuid, check_scope
from core.states import BATCH_MOVES, PREVIEW_MOVES, BatchStatus, PreviewStatus, move
from db.base import utcnow
from db.engine import unit_of_work
from db.models import Batch, Preview, PreviewVersion, Product
from db.repositories import batches as batch_repo
from db.repositories import previews as preview_repo

log = logging.getLogger(__name__)

APPROVED, REJECTED, UNREVIEWED = "approved", "rejected", "unreviewed"
REVIEW_FILTERS = (APPROVED, REJECTED, UNREVIEWED)
DECISIONS = {APPROVED: APPROVED, REJECTED: REJECTED, UNREVIEWED: None}
REDO = {"copy": ["copy"], "background": ["background"], "both": ["copy", "background"]}
INSTRUCTION_MAX = 500
_BG_KEYS = ("generated_background_url", "original_background_url", "product_image_url",
            "product_fidelity")
_LOOK_KEYS = ("colors", "layout")  # kept by a regeneration of the copy alone

# values the pipeline sets when a regeneration is done (see core.pipeline.generate)
REGEN_DONE_VALUES = {"prefill_version": Preview.prefill_version + 1, "review_status": None,
                     "reviewed_at": None, "reviewed_by": None}


def review_again(p: Preview) -> None:
    """A banner whose words or look changed needs a new review: its approval (or rejection)
    was of the banner before (an edit, an undo; a regeneration sets REGEN_DONE_VALUES)."""
    p.review_status, p.reviewed_at, p.reviewed_by = None, None, None


@dataclasses.dataclass(frozen=True)
class VersionInfo:
    version: int
    kind: str  # generated | edit | regenerated | undo
    note: str | None
    prefill: dict | None
    source_image_url: str | None
    created_at: dt.datetime | None
    current: bool


# --- review -----------------------------------------------------------------------------

def _decision(decision: str | None) -> str | None:
    if decision not in DECISIONS and decision is not None:
        raise ValidationError(f"A review decision is one of {', '.join(DECISIONS)} "
                              f"(got {str(decision)[:40]!r})")
    return DECISIONS.get(decision) if decision else None


def review_filter(stmt: sa.Select | sa.Update, review: str | None):
    """``review``: approved / rejected / unreviewed narrows a statement on previews."""
    if not review:
        return stmt
    if review not in REVIEW_FILTERS:
        raise ValidationError(f"The review filter is one of {', '.join(REVIEW_FILTERS)} "
                              f"(got {str(review)[:40]!r})")
    if review == UNREVIEWED:
        return stmt.where(Preview.review_status.is_(None))
    return stmt.where(Preview.review_status == review)


def set_review(workspace: str, preview_ids, decision: str | None, user: str | None = None) -> int:
    """Approve / reject / clear the review of finished previews (one id or several).
    Returns how many changed; a preview that is not done (yet) is refused."""
    check_scope(workspace)
    value = _decision(decision)
    ids = [as_uuid(i, "Preview") for i in
           (preview_ids if isinstance(preview_ids, (list, tuple, set)) else [preview_ids])]
    now = utcnow()
    with unit_of_work() as session:
        rows = session.execute(sa.select(Preview.id, Preview.status).where(
            Preview.workspace == workspace, Preview.id.in_(ids))).all()
        found = {r.id: r.status for r in rows}
        for i in ids:
            if i not in found:
                raise NotFoundError(f"Preview {i} was not found", preview_id=i)
            if found[i] != PreviewStatus.DONE:
                raise ConflictError(f"This preview is {found[i]}; only finished banners are "
                                    "reviewed", preview_id=i)
        res = session.execute(
            sa.update(Preview).where(Preview.workspace == workspace, Preview.id.in_(ids),
                                     Preview.status == str(PreviewStatus.DONE))
            .values(review_status=value, reviewed_at=now if value else None,
                    reviewed_by=user if value else None)
            .execution_options(synchronize_session=False))
    log.info("preview.reviewed n=%d decision=%s", res.rowcount, decision)
    return res.rowcount


def review_matching(workspace: str, batch_id: object, decision: str | None, *,
                    product_id: object = None, status: str | None = None,
                    review: str | None = None, user: str | None = None) -> int:
    """Approve / reject every finished preview a filter of the Previews page shows
    (batch, product, status, review). One UPDATE; returns how many changed."""
    check_scope(workspace)
    value = _decision(decision)
    bid = as_uuid(batch_id, "Batch")
    pid = as_uuid(product_id, "Product") if product_id is not None else None
    if status is not None and status != PreviewStatus.DONE:
        return 0  # only finished banners are reviewed
    now = utcnow()
    with unit_of_work() as session:
        if batch_repo.get(session, workspace, bid) is None:
            raise NotFoundError(f"Batch {bid} was not found", batch_id=bid)
        stmt = sa.update(Preview).where(
            Preview.workspace == workspace, Preview.batch_id == bid,
            Preview.status == str(PreviewStatus.DONE))
        if pid is not None:
            stmt = stmt.where(Preview.product_id == pid)
        stmt = review_filter(stmt, review)
        res = session.execute(
            stmt.values(review_status=value, reviewed_at=now if value else None,
                        reviewed_by=user if value else None)
            .execution_options(synchronize_session=False))
    log.info("preview.reviewed_bulk batch=%s n=%d decision=%s", bid, res.rowcount, decision)
    return res.rowcount


def approved_count(workspace: str, batch_id: object) -> int:
    """How many finished banners of the batch are approved (0 for a batch not found)."""
    check_scope(workspace)
    bid = as_uuid(batch_id, "Batch")
    with unit_of_work() as session:
        return session.scalar(sa.select(sa.func.count()).select_from(Preview).where(
            Preview.workspace == workspace, Preview.batch_id == bid,
            Preview.review_status == APPROVED, Preview.status == str(PreviewStatus.DONE))) or 0


def approved_previews(workspace: str, batch_id: object) -> list:
    """The batch's approved previews (with their prefill), in product then variant order."""
    from core.exports import ordered
    from core.previews import to_info

    check_scope(workspace)
    bid = as_uuid(batch_id, "Batch")
    with unit_of_work() as session:
        batch = batch_repo.get(session, workspace, bid)
        if batch is None:
            raise NotFoundError(f"Batch {bid} was not found", batch_id=bid)
        urls = {s["url"]: "" for s in batch.sources or []}
        rows = session.scalars(sa.select(Preview).where(
            Preview.workspace == workspace, Preview.batch_id == bid,
            Preview.review_status == APPROVED, Preview.status == str(PreviewStatus.DONE))).all()
        return ordered([to_info(p) for p in rows], urls)


def export_approved(workspace: str, batch_id: object, fmt: str = "zip",
                    formats=None) -> tuple[str, bytes]:
    """(file name, bytes) of the batch's approved banners, made exactly as the batch's ZIP
    and CSV are (the same file names, ``formats`` — default the original square, landscape and story, by their format names —,
    backgrounds and CSV columns), or the CSV alone."""
    from core.batches import get_batch
    from core.exports import batch_zip, check_formats, prefills_csv, slug
    from core.storage import get_storage

    sizes = check_formats(formats)
    detail = get_batch(workspace, batch_id)
    items = approved_previews(workspace, detail.batch.id)
    if not items:
        raise ConflictError("No banner of this batch is approved yet", batch_id=detail.batch.id)
    titles = {s.url: s.title or "" for s in detail.sources}
    name = f"{slug(detail.batch.name, 'batch')}-approved"
    if fmt == "csv":
        return f"{name}-prefills.csv", prefills_csv(items, titles, sizes=sizes).encode("utf-8")
    from core.media_owner import scoped

    storage = get_storage()
    return f"{name}.zip", batch_zip(items, titles, scoped(workspace, storage.data_uri),
                                    read=scoped(workspace, storage.get), csv_name=f"{name}-prefills.csv", sizes=sizes)


# --- versions ---------------------------------------------------------------------------

def _has_version(session, preview_id, version: int) -> bool:
    return session.scalar(sa.select(sa.func.count()).select_from(PreviewVersion).where(
        PreviewVersion.preview_id == preview_id, PreviewVersion.version == version)) > 0


def keep_current(session, p: Preview, kind: str = "generated") -> None:
    """Record the preview's current prefill as a version unless it is recorded already
    (previews made before history existed get their first version lazily)."""
    if p.prefill and not _has_version(session, p.id, p.prefill_version or 0):
        session.add(PreviewVersion(id=uuid.uuid4(), preview_id=p.id, workspace=p.workspace,
                                   version=p.prefill_version or 0, kind=kind, note=None,
                                   prefill=dict(p.prefill), source_image_url=p.source_image_url,
                                   # when the banner was made, not when the first edit recorded it
                                   created_at=p.finished_at or p.updated_at or utcnow()))
        session.flush()


def add_version(session, p: Preview, kind: str, note: str | None = None) -> None:
    """Record the preview's (new) current prefill as a version of ``kind``."""
    if _has_version(session, p.id, p.prefill_version or 0):
        return
    session.add(PreviewVersion(id=uuid.uuid4(), preview_id=p.id, workspace=p.workspace,
                               version=p.prefill_version or 0, kind=kind,
                               note=(note or None) and note[:1000],
                               prefill=dict(p.prefill) if p.prefill else None,
                               source_image_url=p.source_image_url, created_at=utcnow()))
    session.flush()


def _regen_note(regen: dict) -> str:
    what = {"copy": "new copy", "background": "new background"}
    redo = regen.get("redo") or []
    text = " and ".join(what[r] for r in redo if r in what) or "regenerated"
    if regen.get("photo"):
        text = "new photo, " + text
    if regen.get("instruction"):
        text += f": “{regen['instruction']}”"
    return text


def record_regeneration(session, preview_id, regen: dict) -> None:
    """Called by the pipeline in the transaction that finishes a regeneration."""
    p = session.get(Preview, preview_id)
    if p is not None:
        session.refresh(p)
        add_version(session, p, "regenerated", _regen_note(regen))


def restore_after_failed_regeneration(session, preview_id) -> None:
    """A regeneration failed for good: the preview is done again with the version it had."""
    p = session.get(Preview, preview_id)
    if p is None:
        return
    session.refresh(p)
    if not p.prefill:
        return
    session.execute(sa.update(Preview).where(Preview.id == preview_id).values(
        status=str(PreviewStatus.DONE), partial=None,
        error_message=f"Regeneration failed, the previous version is kept: {p.error_message or ''}"[:2000])
        .execution_options(synchronize_session=False))


def restore_after_cancelled_regeneration(session, preview_id) -> None:
    """A regeneration was cancelled: the preview is done again with the version it had."""
    session.execute(sa.update(Preview).where(
        Preview.id == preview_id, Preview.status == str(PreviewStatus.CANCELLED),
        Preview.prefill.is_not(None)).values(
        status=str(PreviewStatus.DONE), partial=None,
        error_message="Regeneration cancelled; the previous version is kept")
        .execution_options(synchronize_session=False))


def history(workspace: str, preview_id: object) -> list[VersionInfo]:
    """Every kept version of a preview, newest first (the current one flagged)."""
    check_scope(workspace)
    pid = as_uuid(preview_id, "Preview")
    with unit_of_work() as session:
        p = preview_repo.get(session, workspace, pid)
        if p is None:
            raise NotFoundError(f"Preview {pid} was not found", preview_id=pid)
        rows = session.scalars(sa.select(PreviewVersion).where(
            PreviewVersion.preview_id == pid).order_by(PreviewVersion.version.desc())).all()
        current = p.prefill_version or 0
        out = [VersionInfo(v.version, v.kind, v.note, v.prefill, v.source_image_url,
                           v.created_at, v.version == current) for v in rows]
        if p.prefill and not any(v.current for v in out):
            out.insert(0, VersionInfo(current, "generated", None, dict(p.prefill),
                                      p.source_image_url, p.finished_at, True))
        return out


def undo_to(workspace: str, preview_id: object, version: int) -> dict:
    """Make an earlier version current again (recorded as a new version, so the undo can be
    undone too). Returns the prefill now current."""
    check_scope(workspace)
    pid = as_uuid(preview_id, "Preview")
    try:
        version = int(version)
    except (TypeError, ValueError):
        raise ValidationError(f"A version is a number (got {str(version)[:20]!r})") from None
    with unit_of_work() as session:
        p = preview_repo.get(session, workspace, pid, lock=True)
        if p is None:
            raise NotFoundError(f"Preview {pid} was not found", preview_id=pid)
        if p.status != PreviewStatus.DONE:
            raise ConflictError(f"This preview is {p.status}; undo once it has finished",
                                preview_id=pid)
        keep_current(session, p)
        old = session.scalars(sa.select(PreviewVersion).where(
            PreviewVersion.preview_id == pid, PreviewVersion.version == version)).first()
        if old is None or not old.prefill:
            raise NotFoundError(f"Preview {pid} has no version {version}", preview_id=pid)
        if version == (p.prefill_version or 0):
            return dict(p.prefill)
        from core.media_owner import foreign_media

        if problems := foreign_media(session, workspace, dict(old.prefill), p.prefill):
            raise ValidationError("This version points at files of another workspace: " + "; ".join(problems),
                                  problems, preview_id=pid)
        p.prefill = dict(old.prefill)
        if old.source_image_url:
            p.source_image_url = old.source_image_url
        p.prefill_version = (p.prefill_version or 0) + 1
        p.updated_at = utcnow()
        review_again(p)
        session.flush()
        add_version(session, p, "undo", f"back to version {version}")
        new = dict(p.prefill)
    log.info("preview.undo id=%s to=%s", pid, version)
    return new


# --- regeneration -----------------------------------------------------------------------

def _instruction(text: str | None) -> str:
    text = " ".join((text or "").split())
    if len(text) > INSTRUCTION_MAX:
        raise ValidationError(f"The instruction is longer than {INSTRUCTION_MAX} characters",
                              [f"instruction: at most {INSTRUCTION_MAX} characters"])
    return text


def _queue_regeneration(session, batch: Batch, p: Preview, what: str, instruction: str,
                        user: str | None, source_image_url: str | None = None) -> None:
    if what not in REDO:
        raise ValidationError(f"Regenerate one of {', '.join(REDO)} (got {str(what)[:20]!r})",
                              [f"what: one of {', '.join(REDO)}"])
    if p.status != PreviewStatus.DONE or not p.prefill:
        raise ConflictError(f"This preview is {p.status}; only finished banners are "
                            "regenerated (retry a failed one)", preview_id=p.id)
    keep_current(session, p)
    redo = REDO[what]
    n = 1 + session.scalar(sa.select(sa.func.count()).select_from(PreviewVersion).where(
        PreviewVersion.preview_id == p.id, PreviewVersion.kind == "regenerated"))
    regen = {"redo": redo, "instruction": instruction, "n": n, "by": user}
    if source_image_url:
        regen["photo"] = True
    partial: dict = {"regen": regen}
    if "background" not in redo and p.prefill.get("generated_background_url"):
        partial["background_url"] = p.prefill["generated_background_url"]
        if p.prefill.get("product_fidelity") is not None:  # the flag stays with its background
            partial["background_fidelity"] = p.prefill["product_fidelity"]
    if "copy" not in redo:
        partial["prefill"] = {k: v for k, v in p.prefill.items() if k not in _BG_KEYS}
    elif "background" not in redo:
        # new copy is new words on the same banner: the colours and layout (the user's edits, a
        # text-only style) stay; "both" starts the banner over
        partial["keep"] = {k: p.prefill[k] for k in _LOOK_KEYS if p.prefill.get(k) is not None}
    now = utcnow()
    values = dict(partial=partial, retry_count=0, error_message=None, failed_for_good=None, next_retry_at=None,
                  started_at=None, lease_owner=None, lease_expires_at=None, stage=None,
                  enqueued_at=now, updated_at=now)
    if source_image_url:
        values["source_image_url"] = source_image_url
    res = session.execute(move(Preview, PREVIEW_MOVES, PreviewStatus.QUEUED, Preview.id == p.id,
                               only_from=[PreviewStatus.DONE], **values))
    if res.rowcount != 1:
        raise ConflictError("This preview changed meanwhile; look again", preview_id=p.id)
    if batch.status != BatchStatus.RUNNING:
        session.execute(move(Batch, BATCH_MOVES, BatchStatus.RUNNING, Batch.id == batch.id,
                             finished_at=None, error_message=None, updated_at=now))


def regenerate(workspace: str, preview_id: object, what: str = "both",
               instruction: str | None = None, user: str | None = None):
    """Make a new version of one finished preview: new ``copy``, new ``background`` or
    ``both``, with an optional instruction for the generator. The current version stays
    shown until the new one is done. Returns the preview (now queued)."""
    from core.previews import to_info

    check_scope(workspace)
    pid = as_uuid(preview_id, "Preview")
    text = _instruction(instruction)
    with unit_of_work() as session:
        p = preview_repo.get(session, workspace, pid)
        if p is None:
            raise NotFoundError(f"Preview {pid} was not found", preview_id=pid)
        batch = batch_repo.get(session, workspace, p.batch_id, lock=True)
        session.refresh(p, with_for_update=True)
        _queue_regeneration(session, batch, p, what, text, user)
        session.refresh(p)
        info = to_info(p)
    log.info("preview.regenerate id=%s what=%s instruction=%s", pid, what, bool(text))
    dispatch("preview", str(pid))
    return info


def photo_choices(workspace: str, preview_id: object) -> list[str]:
    """The product's ranked images (best first) a preview's photo can be swapped to."""
    check_scope(workspace)
    pid = as_uuid(preview_id, "Preview")
    with unit_of_work() as session:
        p = preview_repo.get(session, workspace, pid)
        if p is None:
            raise NotFoundError(f"Preview {pid} was not found", preview_id=pid)
        product = session.get(Product, p.product_id) if p.product_id else None
        return list(product.ranked_image_urls or []) if product else []


def swap_photo(workspace: str, preview_id: object, *, image_url: str | None = None,
               data: bytes | None = None, what: str = "both", instruction: str | None = None,
               user: str | None = None):
    """Give one finished preview another source photo — one of the product's ranked images
    (``image_url``) or an uploaded file (``data``, checked and stored with the product as
    the way out does) — then regenerate it (``what`` must include the background)."""
    from core.previews import _PHOTO_EXT, _photo_bytes, to_info

    check_scope(workspace)
    pid = as_uuid(preview_id, "Preview")
    text = _instruction(instruction)
    if what == "copy":
        raise ValidationError("A new photo needs a new background: regenerate the background "
                              "or both", ["what: background or both with a new photo"])
    if (data is None) == (not image_url):
        raise ValidationError("Pick one of the product's images or upload a photo")
    with unit_of_work() as session:
        p = preview_repo.get(session, workspace, pid)
        if p is None:
            raise NotFoundError(f"Preview {pid} was not found", preview_id=pid)
        product = session.get(Product, p.product_id) if p.product_id else None
        ranked = list(product.ranked_image_urls or []) if product else []
        referer = (product.final_url if product else None) or p.source_url
    if image_url is not None and image_url not in ranked:
        raise ValidationError("That image is not one of this product's images")
    stored = None
    if data is not None:
        photo = _photo_bytes(data, None, referer)
        from core.fetch import sniff_image_type
        from core.pipeline import stages

        ctype = sniff_image_type(photo[:32]) or "application/octet-stream"
        digest = hashlib.sha256(photo).hexdigest()[:24]
        if product is None:
            raise ConflictError("This preview has no product to keep the photo with")
        key = f"products/{product.id}/photos/{digest}.{_PHOTO_EXT.get(ctype, 'img')}"
        stored = stages.storage().put(key, photo, ctype)
    with unit_of_work() as session:
        p = preview_repo.get(session, workspace, pid)
        batch = batch_repo.get(session, workspace, p.batch_id, lock=True)
        session.refresh(p, with_for_update=True)
        if stored:  # pickable later too (after the ranked images: the order stays the shop's)
            prod = session.get(Product, p.product_id)
            if stored not in (prod.ranked_image_urls or []):
                prod.ranked_image_urls = [*(prod.ranked_image_urls or []), stored]
                prod.updated_at = utcnow()
        _queue_regeneration(session, batch, p, what, text, user,
                            source_image_url=stored or image_url)
        session.refresh(p)
        info = to_info(p)
    log.info("preview.photo_swapped id=%s uploaded=%s", pid, bool(stored))
    dispatch("preview", str(pid))
    return info


# --- text fit ---------------------------------------------------------------------------

def text_fit(prefill: dict) -> dict[str, list[str]]:
    """Per banner size, what of the headline / subtitle does not fit at the minimum font
    size (empty lists: everything fits). Layout only: nothing is drawn."""
    from core.render import SIZES
    from core.render.layout import compute_layout
    from core.render.safe import safe_prefill

    data, _ = safe_prefill(prefill)
    out: dict[str, list[str]] = {}
    for size in SIZES:
        warnings = compute_layout(data, size).warnings
        out[size] = [w for w in warnings if w.startswith(("headline ", "subtitle "))]
    return out
