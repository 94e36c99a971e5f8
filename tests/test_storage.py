"""Media storage: local folder and database backends behave the same."""

from __future__ import annotations

import base64
import subprocess
import sys
import uuid
from dataclasses import replace
from pathlib import Path

import pytest

from core.errors import ValidationError
from core.settings import get_settings, load_settings
from core.storage import DatabaseStorage, LocalStorage, get_storage, media_key

PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==")
JPEG = b"\xff\xd8\xff\xe0" + b"fake-jpeg-body"


@pytest.fixture(params=["local", "sqlite", "postgresql"])
def storage(request, tmp_path):
    """Each backend; the database one on both SQLite and PostgreSQL (migrated by conftest)."""
    if request.param == "local":
        return LocalStorage(tmp_path / "media")
    return DatabaseStorage(request.getfixturevalue(
        "sqlite_url" if request.param == "sqlite" else "pg_url"))


def keys(batch: str) -> list[str]:
    return [f"previews/{batch}/{uuid.uuid4()}/background.png" for _ in range(3)]


def test_put_returns_a_media_url_that_get_and_data_uri_resolve(storage):
    key = keys(uuid.uuid4().hex)[0]
    url = storage.put(key, PNG, "image/png")
    assert url == f"/media/{key}"
    assert storage.get(url) == PNG and storage.get(key) == PNG
    assert storage.data_uri(url) == "data:image/png;base64," + base64.b64encode(PNG).decode()


def test_put_replaces_an_existing_object(storage):
    key = keys(uuid.uuid4().hex)[0]
    storage.put(key, PNG, "image/png")
    storage.put(key, JPEG, "image/jpeg")
    assert storage.get(key) == JPEG
    assert storage.data_uri(key).startswith("data:image/jpeg;base64,")


def test_the_served_type_follows_the_bytes_not_the_declared_type(storage):
    key = keys(uuid.uuid4().hex)[0]  # ends in .png
    storage.put(key, JPEG, "image/png")
    assert storage.data_uri(key).startswith("data:image/jpeg;base64,")


def test_missing_or_invalid_keys_give_none_not_an_error(storage):
    assert storage.get("/media/previews/nope/x.png") is None
    assert storage.data_uri("/media/previews/nope/x.png") is None
    assert storage.get("/media/../../etc/passwd") is None
    assert storage.get(None) is None


@pytest.mark.parametrize("bad", ["../escape.png", "/abs/path.png", "a//b.png", "", "dir/"])
def test_unsafe_keys_are_refused_on_write(storage, bad):
    with pytest.raises(ValidationError):
        storage.put(bad, PNG, "image/png")


def test_deleting_a_batch_prefix_removes_only_that_batchs_media(storage):
    gone, kept = uuid.uuid4().hex, uuid.uuid4().hex
    for key in keys(gone) + [f"previews/{gone}/video.mp4"]:
        storage.put(key, PNG, "image/png")
    survivors = keys(kept)
    for key in survivors:
        storage.put(key, PNG, "image/png")
    assert storage.delete_prefix(f"previews/{gone}/") == 4
    assert storage.delete_prefix(f"previews/{gone}/") == 0
    assert all(storage.get(k) == PNG for k in survivors)


@pytest.mark.parametrize("prefix", ["", "../", "%"])
def test_an_empty_or_unsafe_prefix_deletes_nothing(storage, prefix):
    key = keys(uuid.uuid4().hex)[0]
    storage.put(key, PNG, "image/png")
    with pytest.raises(ValidationError):
        storage.delete_prefix(prefix)
    assert storage.get(key) == PNG


def test_like_wildcards_in_a_prefix_are_literal(db):
    store = DatabaseStorage(db)
    batch = uuid.uuid4().hex
    store.put(f"previews/{batch}_x/a.png", PNG, "image/png")
    store.put(f"previews/{batch}ax/a.png", PNG, "image/png")
    assert store.delete_prefix(f"previews/{batch}_") == 1
    assert store.get(f"previews/{batch}ax/a.png") == PNG


def test_local_files_are_removed_with_their_folder(tmp_path):
    store = LocalStorage(tmp_path)
    store.put("previews/b1/p1/background.png", PNG, "image/png")
    store.delete_prefix("previews/b1/")
    assert not (tmp_path / "previews" / "b1").exists()


def test_a_write_on_one_host_is_readable_from_another_process(db):
    """Host A (this process) writes; host B (a fresh interpreter) reads through the database."""
    key = f"previews/{uuid.uuid4().hex}/p/background.png"
    DatabaseStorage(db).put(key, PNG, "image/png")
    code = ("import sys; from core.storage import DatabaseStorage; "
            f"sys.stdout.write(DatabaseStorage({db!r}).data_uri({('/media/' + key)!r}) or 'None')")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         cwd=Path(__file__).resolve().parent.parent, timeout=60)
    assert out.stdout == "data:image/png;base64," + base64.b64encode(PNG).decode()


@pytest.mark.parametrize("database_url,backend,expected", [
    ("sqlite:////tmp/x.db", "", LocalStorage),
    ("postgresql+psycopg://u@h/db", "", DatabaseStorage),
    ("postgresql+psycopg://u@h/db", "local", LocalStorage),
    ("sqlite:////tmp/x.db", "database", DatabaseStorage),
])
def test_backend_follows_the_deployment_and_media_backend_overrides(database_url, backend,
                                                                    expected):
    settings = replace(load_settings(), database_url=database_url, media_backend=backend)
    assert isinstance(get_storage(settings), expected)


def test_an_unknown_media_backend_is_a_clear_error():
    with pytest.raises(ValidationError, match="MEDIA_BACKEND"):
        get_storage(replace(get_settings(), media_backend="s4"))


def test_media_key_strips_the_url_prefix():
    assert media_key("/media/previews/a/b.png") == "previews/a/b.png"
    assert media_key("https://evil.example/x.png") is None


def test_avif_bytes_are_an_image_not_a_video():
    from core.storage import sniff_content_type

    avif = b"\x00\x00\x00\x1cftypavif\x00\x00\x00\x00avifmif1miaf"
    mp4 = b"\x00\x00\x00\x18ftypisom\x00\x00\x02\x00isomiso2"
    assert sniff_content_type(avif) == "image/avif"
    assert sniff_content_type(mp4) == "video/mp4"
