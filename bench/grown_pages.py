"""Where the grown extraction set's pages live. Nothing third-party is committed: the pages are
files inside pinned public releases that ``make install`` fetches and checks by hash.

* ``pypi:formasaurus==0.10.0`` (``tests/fixtures/extraction/requirements.txt``, installed
  without its dependencies): its ``formasaurus/data/html/N.html`` files are real shop pages
  saved in 2015-16 (``truth.json``, ``heldout.json``).
* ``npm:<package>@<version>`` and ``pypi-sdist:<project>==<version>``
  (``tests/fixtures/extraction/archives.txt``, the archive's sha256 beside each):
  ``python -m bench.grown_pages fetch`` downloads each archive (``npm pack`` / ``pip
  download``), checks its hash and unpacks it under the virtualenv
  (``<sys.prefix>/extraction-pages``); a truth entry's ``source_path`` names the file in it.

``page_path(entry)`` finds any entry's file from its ``source_repo``."""

from __future__ import annotations

import hashlib
import importlib.util
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

PACKAGE = "formasaurus"
FIXTURES = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "extraction"
TRUTH = FIXTURES / "truth.json"
ARCHIVES = FIXTURES / "archives.txt"


def pages_dir() -> Path | None:
    """The folder holding the formasaurus pages, or None when the package is not installed."""
    spec = importlib.util.find_spec(PACKAGE)  # locates the package without importing it
    if spec is None or not spec.submodule_search_locations:
        return None
    folder = Path(list(spec.submodule_search_locations)[0]) / "data" / "html"
    return folder if folder.is_dir() else None


def archives() -> dict[str, str]:
    """``npm:name@version`` / ``pypi-sdist:name==version`` -> sha256 of its archive."""
    pinned = {}
    for line in ARCHIVES.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            source, digest = line.split()
            pinned[source] = digest.removeprefix("sha256:")
    return pinned


def archive_dir(source: str) -> Path:
    """Where one archive is unpacked (it may not be there yet)."""
    kind, _, spec = source.partition(":")
    return Path(sys.prefix) / "extraction-pages" / f"{kind}__{spec.lstrip('@').replace('/', '__')}"


def page_path(entry: dict) -> Path | None:
    """The saved page of one truth entry, or None when its release is not installed/fetched."""
    source = entry.get("source_repo") or ""
    if source.startswith("pypi:"):
        folder = pages_dir()
        return folder / entry["file"] if folder else None
    if source in archives():
        path = archive_dir(source) / entry["source_path"]
        return path if path.is_file() else None
    raise ValueError(f"unknown source {source!r} for {entry.get('file')}")


def _download(source: str, folder: str) -> list[str]:
    kind, _, spec = source.partition(":")
    if kind == "npm":
        npm = shutil.which("npm")
        if npm is None:
            raise LookupError("npm is not installed (it comes with Node.js)")
        return [npm, "pack", "--silent", "--pack-destination", folder, spec]
    if kind == "pypi-sdist":  # the source archive only, without dependencies (pip reads its metadata)
        return [sys.executable, "-m", "pip", "download", "-q", "--disable-pip-version-check", "--no-deps",
                "--ignore-requires-python", "--no-binary", ":all:", "-d", folder, spec]
    raise LookupError(f"unknown archive kind {kind!r}")


def fetch(source: str, digest: str) -> Path:
    """Download one pinned archive, check its sha256 and unpack it (once)."""
    target = archive_dir(source)
    stamp = target / ".sha256"
    if stamp.is_file() and stamp.read_text().strip() == digest:
        return target
    with tempfile.TemporaryDirectory() as tmp:
        done = subprocess.run(_download(source, tmp), capture_output=True, text=True, timeout=600)
        got = list(Path(tmp).glob("*.tgz")) + list(Path(tmp).glob("*.tar.gz"))
        if done.returncode != 0 or len(got) != 1:
            raise LookupError(f"download failed: {done.stderr.strip()[-500:] or done.returncode}")
        actual = hashlib.sha256(got[0].read_bytes()).hexdigest()
        if actual != digest:
            raise SystemExit(f"{source}: the archive's sha256 is {actual}, archives.txt pins {digest}")
        shutil.rmtree(target, ignore_errors=True)
        target.mkdir(parents=True)
        with tarfile.open(got[0]) as archive:
            archive.extractall(target, filter="data")  # no links or paths outside target
    stamp.write_text(digest + "\n")
    return target


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if args != ["fetch"]:
        print("usage: python -m bench.grown_pages fetch", file=sys.stderr)
        return 2
    for source, digest in archives().items():
        try:
            print(f"{source}: {fetch(source, digest)}")
        except (LookupError, OSError, subprocess.SubprocessError) as exc:
            # The dashboard runs without these pages; the tests that read them fail under CI.
            print(f"warning: {source} (extraction test pages) not fetched: {exc}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
