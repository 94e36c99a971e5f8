"""One preview's generation: claim with a lease, background ∥ copy, merge, finish.

The lease rules are :mod:`core.pipeline.lease`'s (shared with the media jobs). Each
attempt writes its files under ``previews/<batch>/<preview>/<attempt>/`` and, when it is
discarded (the preview was cancelled or reclaimed meanwhile), deletes only that folder — a
stale attempt can never remove the files of the attempt that won.

Halves: background and copy run in parallel. When one fails transiently after the other
finished, the finished half is kept on the row (``partial``) and the retry reuses it — a
billed background is not generated twice because the copy call failed. When the preview
fails for good, every file it still holds is deleted.
"""

from __future__ import annotations

import concurrent.futures as cf
import datetime as dt
import logging
import threading
import uuid
from dataclasses import dataclass

import sqlalchemy as sa

from core.batches import try_finish_batch
from core.pipeline import lease as leases
from core.pipeline import stages
from core.pipeline.lease import PREVIEWS, Lease, worker_id  # noqa: F401  (worker_id re-exported)
from core.usage import ContextPool
from db.models import Preview, Product
from db.repositories import batches as batch_repo

log = logging.getLogger(__name__)

Sends = list[tuple[str, tuple, float]]
_pool = ContextPool(max_workers=8, thread_name_prefix="gen")  # tasks keep the ledger's item


@dataclass
class Claim:
    preview_id: uuid.UUID
    batch_id: uuid.UUID
    source_image_url: str
    brief: object
    variant_index: int
    batch_size: int
    other_headlines: list[str]
    partial: dict  # halves kept from an earlier attempt: background_url, prefill
    regen: dict | None = None  # a user regeneration (core.review): redo, instruction, n
    fidelity: dict | None = None  # the product check of the background made by this attempt


def wake(preview_id: str, due_at: dt.datetime | None = None) -> None:
    leases.wake(PREVIEWS, preview_id, due_at)


def _load(session, p: Preview) -> Claim:
    product = session.get(Product, p.product_id) if p.product_id else None
    siblings = session.execute(
        sa.select(Preview.variant_index, Preview.prefill).where(
            Preview.batch_id == p.batch_id, Preview.source_url == p.source_url)
    ).all()
    from core.brand import kit_of
    from core.generators import ProductBrief

    brief = ProductBrief(
        title=(product.title if product else None) or "",
        description=(product.description if product else None) or "",
        price=product.price if product else None,
        currency=(product.currency if product else None) or "",
        brand=(product.brand if product else None) or "", url=p.source_url,
        list_price=product.list_price if product else None,
        rating=product.rating if product else None,
        rating_count=product.rating_count if product else None,
        language=(product.language if product else None) or "",
        brand_kit=kit_of(session, p.workspace),
    )
    others = [pf["headline"] for idx, pf in siblings
              if pf and idx != p.variant_index and pf.get("headline")]
    regen = (p.partial or {}).get("regen")
    if regen:
        import dataclasses

        # the new copy must differ from the one it replaces, and follow the instruction
        if p.prefill and p.prefill.get("headline"):
            others.append(p.prefill["headline"])
        brief = dataclasses.replace(brief, instruction=str(regen.get("instruction") or ""))
    return Claim(p.id, p.batch_id, p.source_image_url, brief, p.variant_index, len(siblings),
                 others, dict(p.partial or {}), regen)


def claim(preview_id: str, owner: str | None = None) -> tuple[Lease, Claim] | None:
    """queued → running under a fresh lease; None when someone else has it or it is over."""
    return leases.claim(PREVIEWS, preview_id, owner=owner, load=_load, stage="loading source image")


def attempt_folder(c: Claim, lease: Lease) -> str:
    return f"previews/{c.batch_id}/{c.preview_id}/{lease.attempt}/"


def store_background(batch_id, preview_id, data: bytes, attempt: str = "a") -> str:
    """Save a generated background (and a screen-sized copy next to it); return its URL.

    Everything a preview owns lives under ``previews/<batch>/<preview>/``, so deleting a
    batch removes it with one prefix; each attempt has a folder of its own below that.
    """
    from core.storage import sniff_content_type
    from core.thumbnails import THUMB_NAME, THUMB_SIDE, thumbnail_jpeg

    ctype = sniff_content_type(data)
    ext = {"image/jpeg": "jpg", "image/webp": "webp"}.get(ctype, "png")
    folder = f"previews/{batch_id}/{preview_id}/{attempt}"
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


def _variant(c: Claim) -> int:
    """The variant plan to use: a regeneration moves to another plan (another angle and
    look) so that "new copy" / "new background" really are new, even offline."""
    if not c.regen:
        return c.variant_index
    return c.variant_index + int(c.regen.get("n") or 1) * max(c.batch_size, 1)


def _make_background(c: Claim, lease: Lease, image: bytes) -> str:
    from core.generators.fidelity import generate_checked

    # a generated (image-to-image) background is checked against the photo's product and
    # regenerated a bounded number of times; one that still changed it is flagged
    data, c.fidelity = generate_checked(
        stages.generators().background, image, variant_index=_variant(c), brief=c.brief,
        check=c.source_image_url != stages.TEXT_ONLY_SOURCE)  # a text-only banner has no product
    if c.fidelity and not c.fidelity["passed"]:
        log.warning("preview.product_changed", extra={"preview_id": str(c.preview_id),
                                                      "score": c.fidelity["score"]})
    return store_background(c.batch_id, c.preview_id, data, lease.attempt)


def _write_copy(c: Claim, image: bytes) -> dict:
    from core.brand import apply_kit

    prefill = stages.generators().copy.write_prefill(
        c.brief, image, variant_index=_variant(c), batch_size=c.batch_size,
        other_headlines=c.other_headlines)
    # both generators' copy ends in the brand: its colours, CTA phrases, logo, font, legal line
    return apply_kit(prefill, c.brief.brand_kit, _variant(c))


def _finished(future: cf.Future | None):
    if future is not None and future.done() and not future.cancelled() and future.exception() is None:
        return future.result()
    return None


def generate(preview_id: str) -> Sends:
    """Run one preview end to end. Returns the messages to send (a scheduled retry)."""
    from core.usage import clear_item

    try:
        return _generate(preview_id)
    finally:
        clear_item()  # the claim bound this thread's calls to the preview; that is over


def _generate(preview_id: str) -> Sends:
    got = claim(preview_id)
    if got is None:
        return []
    lease, c = got
    kept_bg = c.partial.get("background_url")
    kept_copy = c.partial.get("prefill")
    futures: dict[str, cf.Future] = {}
    try:
        image = stages.fetch_image(c.source_image_url)
        if not leases.heartbeat(lease, _stage(kept_bg, kept_copy)):
            return _discard(c, lease)
        if not kept_bg:
            futures["background"] = _pool.submit(_make_background, c, lease, image)
        if not kept_copy:
            futures["copy"] = _pool.submit(_write_copy, c, image)

        def stage_of() -> str:
            bg_done = kept_bg or (futures.get("background") and futures["background"].done())
            copy_done = kept_copy or (futures.get("copy") and futures["copy"].done())
            return _stage(bg_done, copy_done)

        if not leases.run_leased(lease, futures, stage_of=stage_of, stop=threading.Event()):
            return _discard(c, lease, futures)
        background_url = kept_bg or futures["background"].result()
        prefill = dict(kept_copy or futures["copy"].result())
        # new copy alone: the banner's look stays (also over a copy an earlier attempt wrote and kept)
        prefill.update(c.partial.get("keep") or {})
        prefill["original_background_url"] = c.source_image_url
        prefill["generated_background_url"] = background_url
        if not prefill.get("product_image_url") and c.source_image_url != stages.TEXT_ONLY_SOURCE:
            prefill["product_image_url"] = c.source_image_url  # the copywriter may leave it empty
        if c.regen:
            prefill["product_image_url"] = c.source_image_url
        fidelity = c.fidelity if "background" in futures else c.partial.get("background_fidelity")
        if "background" in futures or fidelity is not None:  # the flag goes with its background
            prefill["product_fidelity"] = fidelity
        from core.prefill import validate_prefill

        prefill = validate_prefill(prefill)
    except Exception as exc:  # noqa: BLE001 - every failure becomes a preview outcome
        return _failed(c, lease, exc, futures, kept_bg, kept_copy)
    values = {"prefill": prefill, "partial": None}
    if c.regen:  # a new version: history, ETag and review start again
        from core.review import REGEN_DONE_VALUES

        values.update(REGEN_DONE_VALUES)

    def after(s):
        if c.regen:
            from core.review import record_regeneration

            record_regeneration(s, c.preview_id, c.regen)
        try_finish_batch(s, c.batch_id)

    won = leases.complete(
        lease, values, before=lambda s: batch_repo.lock(s, c.batch_id), after=after)
    if not won:
        return _discard(c, lease, futures)
    return []


def _stage(bg_done, copy_done) -> str:
    if bg_done and not copy_done:
        return "writing copy"
    if copy_done and not bg_done:
        return "generating background"
    return "generating background · writing copy"


def _discard(c: Claim, lease: Lease, futures: dict[str, cf.Future] | None = None) -> Sends:
    """The item was cancelled or reclaimed meanwhile: drop what this attempt made — only
    that (its own folder), now and again when a half still running finishes."""
    log.info("preview.result_discarded", extra={"preview_id": str(c.preview_id), "attempt": lease.attempt})
    folder = attempt_folder(c, lease)
    leases.delete_files(folder)
    for f in (futures or {}).values():
        if not f.done():
            f.add_done_callback(lambda _f, folder=folder: leases.delete_files(folder))
    return []


def _wait_quietly(futures: list[cf.Future], timeout: float) -> None:
    for f in futures:
        try:
            f.result(timeout=timeout)
        except Exception:  # noqa: BLE001 - only its outcome matters here
            pass


def _failed(c: Claim, lease: Lease, exc: BaseException, futures: dict[str, cf.Future],
            kept_bg: str | None, kept_copy: dict | None) -> Sends:
    # a half still running finishes first: its file must be kept or deleted, never leaked
    from core.settings import get_settings

    _wait_quietly([f for f in futures.values() if not f.done()],
                  get_settings().generation_timeout_seconds)
    new_bg = _finished(futures.get("background"))
    new_copy = _finished(futures.get("copy"))
    partial = {"regen": c.regen} if c.regen else {}
    if c.partial.get("keep"):  # (a copy-only regeneration's colours and layout, for the retry)
        partial["keep"] = c.partial["keep"]
    if kept_bg or new_bg:
        partial["background_url"] = kept_bg or new_bg
        fidelity = c.partial.get("background_fidelity") if kept_bg else c.fidelity
        if fidelity:
            partial["background_fidelity"] = fidelity
    if kept_copy or new_copy:
        partial["prefill"] = kept_copy or new_copy
    decision, sends, won = leases.fail(
        lease, exc, retry_values={"partial": partial or None},
        before=lambda s: batch_repo.lock(s, c.batch_id),
        after_terminal=lambda s: (_drop_partial(s, c.preview_id), _regen_failed(s, c),
                                  try_finish_batch(s, c.batch_id)))
    if decision.retry and won:
        if not new_bg:  # nothing of this attempt is kept: its folder goes
            leases.delete_files(attempt_folder(c, lease))
        return sends
    # failed for good, or taken from us meanwhile: this attempt's files go
    leases.delete_files(attempt_folder(c, lease))
    if won and kept_bg and not c.regen:  # failed for good: the half kept from an earlier attempt goes too
        # (a regeneration's kept half is the current version's own background: it stays)
        leases.delete_files(kept_bg_folder(kept_bg, c))
    return sends


def _regen_failed(session, c: Claim) -> None:
    """A regeneration that failed for good leaves the preview as it was (done, with the
    version it had), saying why the new one could not be made."""
    if c.regen:
        from core.review import restore_after_failed_regeneration

        restore_after_failed_regeneration(session, c.preview_id)


def _drop_partial(session, preview_id) -> None:
    session.execute(sa.update(Preview).where(Preview.id == preview_id).values(partial=None))


def kept_bg_folder(url: str, c: Claim) -> str:
    """The attempt folder of a kept background URL (only if it is this preview's own)."""
    marker = f"previews/{c.batch_id}/{c.preview_id}/"
    i = url.find(marker)
    if i < 0:
        return marker + "__none__/"
    rest = url[i + len(marker):]
    return marker + rest.split("/", 1)[0] + "/"
