"""Media storage: one small interface, two backends.

- ``LocalStorage`` — files under MEDIA_ROOT (embedded mode, one host).
- ``DatabaseStorage`` — bytes in the ``media`` table of the app's database, so a worker
  on host A writes and the dashboard on host B reads with no extra service to run.

Both return ``/media/<key>`` from ``put``; that string is what a prefill stores. The
browser never fetches it directly: pages call ``data_uri`` (or ``render_banner_html(...,
resolve=storage.data_uri)``), so previews work the same in both modes. A missing file gives
``None``, never an exception, so the page can show a placeholder.
"""

from __future__ import annotations

import base64
import hashlib
import os
import re
import shutil
import tempfile
import threading
from abc import ABC, abstractmethod
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.exc import SQLAlchemyError

from core.errors import StorageError, ValidationError

URL_PREFIX = "/media/"
_KEY_RE = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9._\-/]{0,510}$")
_EXT_TYPES = {".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg",
              ".webp": "image/webp", ".gif": "image/gif", ".mp4": "video/mp4",
              ".webm": "video/webm"}


def workspace_folder(workspace: str) -> str:
    """A workspace's own folder name under ``brand/`` and ``jobs/references/``: a hash, so
    no two workspaces share one ("team a" and "team_a" once both wrote to ``team_a``)."""
    return hashlib.sha256(workspace.encode()).hexdigest()[:12]


def media_key(url_or_key: str | None) -> str | None:
    """The storage key inside ``/media/<key>`` (or a bare key); None if it is not a safe key."""
    if not url_or_key or not isinstance(url_or_key, str):
        return None
    key = url_or_key[len(URL_PREFIX):] if url_or_key.startswith(URL_PREFIX) else url_or_key
    if not _KEY_RE.match(key) or ".." in key or "//" in key or key.endswith("/"):
        return None
    return key


def _require_key(key: str) -> str:
    clean = media_key(key)
    if clean is None:
        raise ValidationError(f"Invalid media key {key!r}: use letters, digits and ._-/ only")
    return clean


def sniff_content_type(data: bytes, key: str = "") -> str:
    """MIME type from the bytes' magic number, else from the key's extension."""
    if data[:8] == b"\x89PNG\r\n\x1a\n":
        return "image/png"
    if data[:3] == b"\xff\xd8\xff":
        return "image/jpeg"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    if data[:6] in (b"GIF87a", b"GIF89a"):
        return "image/gif"
    if data[4:8] == b"ftyp":  # ISO media: AVIF images and MP4 videos share the box
        return "image/avif" if data[8:12] in (b"avif", b"avis") else "video/mp4"
    return _EXT_TYPES.get(Path(key).suffix.lower(), "application/octet-stream")


class MediaStorage(ABC):
    """Where generated images and videos live."""

    name: str = ""

    @abstractmethod
    def put(self, key: str, data: bytes, content_type: str) -> str:
        """Store ``data`` under ``key`` (replacing it); return the ``/media/<key>`` URL."""

    @abstractmethod
    def _read(self, key: str) -> tuple[bytes, str] | None:
        """Bytes and content type, or None when absent."""

    @abstractmethod
    def delete_prefix(self, prefix: str) -> int:
        """Delete every object whose key starts with ``prefix``; return how many."""

    def get(self, url_or_key: str | None) -> bytes | None:
        """The stored bytes, or None when the key is unknown, invalid or the file is gone."""
        key = media_key(url_or_key)
        found = self._read(key) if key else None
        return found[0] if found else None

    def data_uri(self, url_or_key: str | None) -> str | None:
        """``data:<type>;base64,…`` for the object (self-contained for iframes), or None."""
        key = media_key(url_or_key)
        found = self._read(key) if key else None
        if not found:
            return None
        data, ctype = found
        return f"data:{ctype};base64,{base64.b64encode(data).decode('ascii')}"

    @staticmethod
    def _check_prefix(prefix: str) -> str:
        # an empty prefix would wipe every batch's media: refuse it outright
        if not prefix or not _KEY_RE.match(prefix) or ".." in prefix:
            raise ValidationError(f"Refusing to delete media with prefix {prefix!r}")
        return prefix


class LocalStorage(MediaStorage):
    """Files under a folder (MEDIA_ROOT). Writes are atomic: readers never see half a file."""

    name = "local"

    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    def _path(self, key: str) -> Path:
        return self.root / key

    def put(self, key: str, data: bytes, content_type: str) -> str:
        key = _require_key(key)
        path = self._path(key)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
            os.replace(tmp, path)
        except OSError as exc:
            raise StorageError(f"Could not write {key} under MEDIA_ROOT ({exc.strerror})",
                               transient=True) from exc
        return URL_PREFIX + key

    def _read(self, key: str) -> tuple[bytes, str] | None:
        try:
            data = self._path(key).read_bytes()
        except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
            return None
        except OSError as exc:
            raise StorageError(f"Could not read {key} ({exc.strerror})", transient=True) from exc
        return data, sniff_content_type(data, key)

    def delete_prefix(self, prefix: str) -> int:
        prefix = self._check_prefix(prefix)
        folder, _, stem = prefix.rpartition("/")
        parent = self.root / folder if folder else self.root
        if not parent.is_dir():
            return 0
        count = 0
        for entry in list(parent.iterdir()):
            if not entry.name.startswith(stem):
                continue
            if entry.is_dir() and not entry.is_symlink():
                count += sum(1 for p in entry.rglob("*") if p.is_file())
                shutil.rmtree(entry, ignore_errors=True)
            else:
                entry.unlink(missing_ok=True)
                count += 1
        if not stem and parent != self.root and not any(parent.iterdir()):
            parent.rmdir()  # "previews/<batch>/" itself goes too
        return count


class DatabaseStorage(MediaStorage):
    """Bytes in the ``media`` table: every host that reaches the database reaches the media."""

    name = "database"

    def __init__(self, database_url: str | None = None) -> None:
        self.database_url = database_url

    def put(self, key: str, data: bytes, content_type: str) -> str:
        from db.engine import unit_of_work
        from db.models.media import Media

        key = _require_key(key)
        # the bytes' magic number wins over the declared type: a JPEG stored as
        # "background.png" must still reach the browser as image/jpeg
        sniffed = sniff_content_type(data, key)
        ctype = sniffed if sniffed != "application/octet-stream" else (content_type or sniffed)
        try:
            with unit_of_work(self.database_url) as session:
                # delete + insert in one transaction: an idempotent re-run replaces the file
                session.execute(sa.delete(Media).where(Media.key == key))
                session.add(Media(key=key, content_type=ctype, size=len(data), data=data))
        except SQLAlchemyError as exc:
            raise StorageError(f"Could not store {key} in the database",
                               transient=True) from exc
        return URL_PREFIX + key

    def _read(self, key: str) -> tuple[bytes, str] | None:
        from db.engine import session_factory
        from db.models.media import Media

        try:
            with session_factory(self.database_url)() as session:
                row = session.execute(
                    sa.select(Media.data, Media.content_type).where(Media.key == key)
                ).first()
        except SQLAlchemyError as exc:
            raise StorageError(f"Could not read {key} from the database",
                               transient=True) from exc
        return (bytes(row[0]), row[1]) if row else None

    def delete_prefix(self, prefix: str) -> int:
        from db.engine import unit_of_work
        from db.models.media import Media

        prefix = self._check_prefix(prefix)
        pattern = prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        try:
            with unit_of_work(self.database_url) as session:
                result = session.execute(
                    sa.delete(Media).where(Media.key.like(pattern, escape="\\"))
                )
                return int(result.rowcount or 0)
        except SQLAlchemyError as exc:
            raise StorageError(f"Could not delete media under {prefix}", transient=True) from exc


_BACKENDS = {"local": "local", "files": "local", "database": "database", "db": "database",
             "postgres": "database", "postgresql": "database"}
_cache: dict[tuple, MediaStorage] = {}
_cache_lock = threading.Lock()


def get_storage(settings=None) -> MediaStorage:
    """The storage for these settings: MEDIA_BACKEND if set, else local on SQLite, database otherwise."""
    if settings is None:
        from core.settings import get_settings

        settings = get_settings()
    chosen = (settings.media_backend or "").strip().lower()
    if chosen and chosen not in _BACKENDS:
        raise ValidationError(
            f"MEDIA_BACKEND={settings.media_backend!r} is unknown: use 'local' or 'database'"
        )
    backend = _BACKENDS.get(chosen) or ("local" if settings.is_sqlite else "database")
    key = (backend, str(settings.media_root), settings.database_url)
    with _cache_lock:
        if key not in _cache:
            _cache[key] = (LocalStorage(settings.media_root) if backend == "local"
                           else DatabaseStorage(settings.database_url))
        return _cache[key]
