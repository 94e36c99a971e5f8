"""Whose file a ``/media/…`` reference is. Files are stored under keys that name their owner:
``previews/<batch>/…`` (a batch's banners), ``products/<product>/…`` (photos users gave a
product), ``brand/<workspace hash>/…`` (brand kit logos and fonts), ``jobs/<job>/…`` and
``jobs/references/<workspace>/…`` (the media queue), and ``photos/…`` (copies of public shop
photos, keyed by the photo's URL: shared, as the photos themselves are public).

A prefill edit may only point at the workspace's own files (or keep what it already had):
a key copied from another workspace's export would otherwise put that workspace's background,
logo or photo into this one's banners and downloads."""

from __future__ import annotations

import re
import uuid

import sqlalchemy as sa

from core.storage import media_key, workspace_folder
from db.models import Batch, GenerationJob, Product


def _uuid(text: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(text)
    except ValueError:
        return None


def owns(session, workspace: str, url: str) -> bool:
    """Whether the ``/media/`` file ``url`` belongs to ``workspace`` (or is a shared shop photo)."""
    from core.pipeline.stages import TEXT_ONLY_SOURCE

    if url == TEXT_ONLY_SOURCE:  # a text-only banner's "photo": no file behind it
        return True
    key = media_key(url)
    if key is None:
        return False
    parts = key.split("/")
    head = parts[0]
    if head == "photos":
        return True
    if head == "brand" and len(parts) > 2:
        return parts[1] == workspace_folder(workspace)
    if head == "jobs" and len(parts) > 3 and parts[1] == "references":
        if parts[2] == workspace_folder(workspace):
            return True
        return _legacy_reference(session, workspace, key)
    model = {"previews": Batch, "products": Product, "jobs": GenerationJob}.get(head)
    row_id = _uuid(parts[1]) if model is not None and len(parts) > 2 else None
    if row_id is None:
        return False
    return session.scalar(sa.select(model.workspace).where(model.id == row_id)) == workspace


def _legacy_reference(session, workspace: str, key: str) -> bool:
    """A reference image stored before folders were hashed (``jobs/references/team_a/…``, the
    workspace's name with punctuation made "_"): the workspace's own when one of its jobs
    names that very file. The folder alone proves nothing ("team a" and "team_a" shared it)."""
    if key.split("/")[2] != re.sub(r"[^A-Za-z0-9._-]", "_", workspace):
        return False
    url = f"/media/{key}"
    candidates = session.scalars(sa.select(GenerationJob.params).where(
        GenerationJob.workspace == workspace,
        sa.cast(GenerationJob.params, sa.Text).contains(url, autoescape=True),
    ).limit(50))
    # the job's own reference field, not any text of it (a prompt may quote another's key)
    return any(isinstance(params, dict) and isinstance(params.get("reference_image"), dict)
               and params["reference_image"].get("url") == url for params in candidates)


def media_refs(value: object, where: str = "") -> dict[str, str]:
    """Every ``/media/…`` string inside a prefill, by where it sits ("logo_url", "layout.font")."""
    if isinstance(value, str):
        return {where or "value": value} if value.startswith("/media/") else {}
    found: dict[str, str] = {}
    items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
    for k, v in items:
        found.update(media_refs(v, f"{where}.{k}" if where else str(k)))
    return found


def foreign_media(session, workspace: str, new: dict, current: dict | None) -> list[str]:
    """The problems of an edit that points at files not of ``workspace`` (what the prefill
    already held stays allowed)."""
    had = set(media_refs(current or {}).values())
    return [f"{where}: {url[:120]} is not a file of this workspace (upload the file here instead)"
            for where, url in media_refs(new).items() if url not in had and not owns(session, workspace, url)]


def scoped(workspace: str, read):
    """``read`` (a storage's ``get`` or ``data_uri``) limited to ``workspace``'s own files: another
    workspace's ``/media/`` key reads as missing (the banner draws its fallback). Edits cannot
    point at such keys; this keeps a prefill stored before that check, or an old version, from
    drawing or exporting another workspace's file."""
    from db.engine import unit_of_work

    verdicts: dict[str, bool] = {}

    def read_own(url):
        if isinstance(url, str) and url.startswith("/media/"):
            if url not in verdicts:
                with unit_of_work() as session:
                    verdicts[url] = owns(session, workspace, url)
            if not verdicts[url]:
                return None
        return read(url)

    return read_own
