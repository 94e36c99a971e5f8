"""Brand kit services: read and save a workspace's kit, upload its files, re-brand banners."""

from __future__ import annotations

import hashlib
import logging
from typing import NamedTuple

from core.brand.assets import check_font, normalise_logo
from core.brand.kit import BrandKit, brand_patch, parse_kit
from core.errors import ValidationError
from db.engine import unit_of_work
from db.repositories import brand_kits as repo

log = logging.getLogger(__name__)


def _scope(workspace: str) -> str:
    if not workspace or len(workspace) > 64:
        raise ValidationError("A workspace is required")
    return workspace


def get_kit(workspace: str) -> BrandKit:
    """The workspace's kit (an empty kit when none was saved)."""
    with unit_of_work() as session:
        row = repo.get(session, _scope(workspace))
        data = dict(row.kit) if row else {}
    try:
        return parse_kit(data)
    except ValidationError:
        log.warning("brand_kit.unreadable workspace=%s", workspace)
        return BrandKit()


def kit_of(session, workspace: str) -> BrandKit | None:
    """The kit inside an open unit of work (the pipeline's read); None when there is none."""
    row = repo.get(session, workspace)
    if row is None:
        return None
    try:
        return parse_kit(row.kit)
    except ValidationError:
        return None


def save_kit(workspace: str, kit: BrandKit | dict, updated_by: str = "") -> BrandKit:
    """Validate and store the workspace's kit; new banners use it from now on."""
    kit = kit if isinstance(kit, BrandKit) else parse_kit(kit)
    with unit_of_work() as session:
        repo.put(session, _scope(workspace), kit.model_dump(mode="json"), updated_by)
    log.info("brand_kit.saved workspace=%s", workspace)
    return kit


def _store(workspace: str, stem: str, ext: str, data: bytes, content_type: str) -> str:
    from core.storage import get_storage, workspace_folder

    # the content hash in the name: a URL always means the same bytes (renderers cache by it)
    digest = hashlib.sha256(data).hexdigest()[:16]
    return get_storage().put(f"brand/{workspace_folder(workspace)}/{stem}-{digest}.{ext}", data, content_type)


def upload_logo(workspace: str, data: bytes) -> str:
    """Store a PNG or SVG logo (an SVG is sanitised and rasterised); its ``/media/`` URL."""
    png = normalise_logo(data)
    return _store(_scope(workspace), "logo", "png", png, "image/png")


def upload_font(workspace: str, data: bytes) -> tuple[str, str]:
    """Store a TTF/OTF font; (its ``/media/`` URL, its family name)."""
    ext, name = check_font(data)
    url = _store(_scope(workspace), "font", ext, data, f"font/{ext}")
    return url, name


class Rebranded(NamedTuple):
    """What a re-render did: banners changed, and how many of them had been approved or
    rejected (a changed banner needs a new review: the page says so)."""

    changed: int
    reviews_cleared: int
    finished: int = 0  # finished banners looked at (the count only: none at all is said otherwise)


def _finished(workspace: str, batch_id: object = None) -> list:
    from core.previews import all_previews

    return [p for p in all_previews(workspace, batch_id, status="done") if p.prefill]


def _to_rebrand(finished: list, kit: BrandKit | None):
    """(preview, patch) of each finished banner the kit would change."""
    for p in finished:
        patch = brand_patch(p.prefill, kit)
        if not all(p.prefill.get(k) == v for k, v in patch.items()):
            yield p, patch


def rebrand_preview_count(workspace: str, kit: BrandKit | None = None, batch_id: object = None) -> Rebranded:
    """What ``rebrand_previews`` would do, changing nothing: the banners the kit would change,
    and how many of them are reviewed (the page asks before it re-renders them)."""
    kit = kit or get_kit(workspace)
    finished = _finished(workspace, batch_id)
    found = [p for p, _patch in _to_rebrand(finished, kit)]
    return Rebranded(len(found), sum(p.review_status is not None for p in found), len(finished))


def rebrand_previews(workspace: str, kit: BrandKit | None = None, batch_id: object = None) -> Rebranded:
    """Re-render the workspace's finished banners (or one batch's) with ``kit`` (default: the
    saved kit): colours, logo, font and legal line change, copy stays. Each change is a new
    prefill version (undo works) and clears the banner's review."""
    from core.previews import update_prefill

    kit = kit or get_kit(workspace)
    changed = cleared = 0
    finished = _finished(workspace, batch_id)
    for p, patch in _to_rebrand(finished, kit):
        try:
            update_prefill(workspace, p.id, patch)
        except ValidationError as exc:  # one banner stored before a rule: the others go on
            log.warning("brand_kit.rebrand_skipped preview=%s reason=%s", p.id, exc.message)
            continue
        changed += 1
        cleared += p.review_status is not None
    log.info("brand_kit.rebranded workspace=%s previews=%d reviews_cleared=%d", workspace, changed, cleared)
    return Rebranded(changed, cleared, len(finished))
