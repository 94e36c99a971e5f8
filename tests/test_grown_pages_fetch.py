"""bench.grown_pages fetch: a pinned archive is unpacked only when its sha256 matches, and never
outside its folder (the extraction test pages of tests/fixtures/extraction/archives.txt)."""

from __future__ import annotations

import hashlib
import io
import sys
import tarfile

import pytest

from bench import grown_pages


def _tarball(path, members: dict[str, bytes]) -> str:
    with tarfile.open(path, "w:gz") as archive:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def local_registry(tmp_path, monkeypatch):
    """The registry answers with a local tarball, and the venv is tmp_path."""
    monkeypatch.setattr(sys, "prefix", str(tmp_path / "venv"))
    source = tmp_path / "shop-pages-1.0.0.tgz"
    monkeypatch.setattr(grown_pages, "_archive_url", lambda spec: "https://registry.example/shop-pages-1.0.0.tgz")
    monkeypatch.setattr(grown_pages, "_get", lambda url, accept="*/*": source.read_bytes())
    return source


def test_a_pinned_archive_is_unpacked_and_its_pages_found(local_registry):
    digest = _tarball(local_registry, {"package/test/fixtures/shop.html": b"<h1>Lamp</h1>"})
    folder = grown_pages.fetch("npm:shop-pages@1.0.0", digest)
    assert (folder / "package/test/fixtures/shop.html").read_bytes() == b"<h1>Lamp</h1>"
    entry = {"source_repo": "npm:shop-pages@1.0.0", "source_path": "package/test/fixtures/shop.html"}
    assert grown_pages.archive_dir(entry["source_repo"]) == folder
    assert grown_pages.fetch("npm:shop-pages@1.0.0", digest) == folder  # once: the stamp matches


def test_an_archive_with_another_hash_is_refused_and_nothing_unpacked(local_registry):
    _tarball(local_registry, {"package/shop.html": b"<h1>Changed upstream</h1>"})
    with pytest.raises(SystemExit, match="sha256"):
        grown_pages.fetch("npm:shop-pages@1.0.0", "0" * 64)
    assert not grown_pages.archive_dir("npm:shop-pages@1.0.0").exists()


def test_an_archive_cannot_write_outside_its_folder(local_registry, tmp_path):
    digest = _tarball(local_registry, {"../../escaped.html": b"x"})
    with pytest.raises(tarfile.OutsideDestinationError):
        grown_pages.fetch("npm:shop-pages@1.0.0", digest)
    assert not list(tmp_path.rglob("escaped.html"))


def test_a_failed_download_is_a_warning_not_a_broken_install(monkeypatch, tmp_path, capsys):
    monkeypatch.setattr(sys, "prefix", str(tmp_path / "venv"))
    def refused(url, accept="*/*"):
        raise OSError("connection refused")
    monkeypatch.setattr(grown_pages, "_get", refused)
    monkeypatch.setattr(grown_pages, "archives", lambda: {"npm:shop-pages@1.0.0": "0" * 64})
    assert grown_pages.main(["fetch"]) == 0
    assert "not fetched" in capsys.readouterr().err


def test_only_pinned_release_specs_are_fetched():
    for source in ("npm:shop-pages@latest", "npm:--registry=x@1.0.0", "npm:git+https://x/y.git",
                   "pypi-sdist:shop-pages>=1.0", "pypi-sdist:shop pages==1.0"):
        with pytest.raises(LookupError, match="not a pinned release"):
            grown_pages._archive_url(source)
