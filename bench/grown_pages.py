"""Where the grown extraction set's pages live. Most are files inside pinned public releases that
``make install`` fetches and checks by hash:

* ``pypi:formasaurus==0.10.0`` (``tests/fixtures/extraction/requirements.txt``, installed
  without its dependencies): its ``formasaurus/data/html/N.html`` files are real shop pages
  saved in 2015-16 (``truth.json``, ``heldout.json``).
* ``npm:<package>@<version>`` and ``pypi-sdist:<project>==<version>``
  (``tests/fixtures/extraction/archives.txt``, the archive's sha256 beside each):
  ``python -m bench.grown_pages fetch`` downloads each archive (the address its registry's
  JSON gives; nothing of the package is built or run), checks its hash and unpacks it under
  the virtualenv (``<sys.prefix>/extraction-pages``); a truth entry's ``source_path`` names
  the file in it.
* ``github:<owner>/<repo>``: a few pages from repositories with a permissive licence, committed
  in ``tests/fixtures/extraction/github/`` with their sources and licences (``SOURCES.md``);
  so are a few pages of releases (``npm:``/``pypi-sdist:`` sources named the same way) and of
  Debian source packages (``debian:<package>=<version>``, the orig tarball's sha256 in the truth).

``page_path(entry)`` finds any entry's file from its ``source_repo``."""

from __future__ import annotations

import functools
import hashlib
import importlib.util
import io
import json
import os
import re
import shutil
import sys
import tarfile
import urllib.parse
import urllib.request
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


@functools.cache
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


SWDE = "github:W1ndness/SWDE-Dataset"


def swde_dir() -> Path | None:
    """A local copy of SWDE pages (Structured Web Data Extraction, Hao et al. 2011: real US shop
    pages of about 2011, a research dataset with its own labels), laid out as
    ``<vertical>-<site>/NNNN.htm``; ``SWDE_DIR`` names it. Used only by ``bench.extraction``'s
    ``swde`` set (``tests/fixtures/extraction/swde.json``): the pages are not in this repository."""
    folder = os.environ.get("SWDE_DIR")
    return Path(folder) if folder and Path(folder).is_dir() else None


def page_path(entry: dict) -> Path | None:
    """The saved page of one truth entry, or None when its release is not installed/fetched."""
    source = entry.get("source_repo") or ""
    if source.startswith("pypi:"):
        folder = pages_dir()
        return folder / entry["file"] if folder else None
    if source in ("built:platforms", "built:retail"):  # pages built for this project (platform
        # templates; big retailers' storefronts), committed in tests/fixtures/extraction/<kind>/
        path = FIXTURES / source.split(":", 1)[1] / entry["file"]
        return path if path.is_file() else None
    if source == SWDE:  # not committed (no licence beyond research use): read from SWDE_DIR
        folder = swde_dir()
        path = folder / entry["file"] if folder else None
        return path if path and path.is_file() else None
    if source.startswith("github:"):  # committed with their licences: tests/fixtures/extraction/github/
        path = FIXTURES / "github" / entry["file"]
        return path if path.is_file() else None
    if source in archives():
        path = archive_dir(source) / entry["source_path"]
        return path if path.is_file() else None
    if source.startswith(("npm:", "pypi-sdist:", "debian:")):  # a release's page copied with its
        # licence (github83, github84; a Debian source package's since github154)
        path = FIXTURES / "github" / entry["file"]
        return path if path.is_file() else None
    raise ValueError(f"unknown source {source!r} for {entry.get('file')}")


NPM_REGISTRY = os.environ.get("NPM_REGISTRY", "https://registry.npmjs.org").rstrip("/")
PYPI_SIMPLE = os.environ.get("PYPI_SIMPLE", "https://pypi.org/simple").rstrip("/")
_SPEC = {"npm": re.compile(r"^(?P<name>(@[\w.-]+/)?[\w.-]+)@(?P<version>\d[\w.+-]*)$"),
         "pypi-sdist": re.compile(r"^(?P<name>[\w.-]+)==(?P<version>\d[\w.+!-]*)$")}


def _get(url: str, accept: str = "*/*") -> bytes:
    request = urllib.request.Request(url, headers={"Accept": accept, "User-Agent": "cta-batch-studio-tests"})
    with urllib.request.urlopen(request, timeout=120) as response:  # noqa: S310 - registries' https URLs
        return response.read()


def _archive_url(source: str) -> str:
    """The download address of one pinned archive, from its registry's JSON (nothing of the
    package is built or run: the archive is only downloaded, checked and unpacked)."""
    kind, _, spec = source.partition(":")
    m = _SPEC.get(kind) and _SPEC[kind].match(spec)
    if not m:
        raise LookupError(f"not a pinned release: {source!r}")
    name, version = m.group("name"), m.group("version")
    if kind == "npm":
        meta = json.loads(_get(f"{NPM_REGISTRY}/{urllib.parse.quote(name, safe='@')}/{version}"))
        return meta["dist"]["tarball"]
    # the index's JSON (PEP 691), the one pip reads: the source archive of that version
    index = json.loads(_get(f"{PYPI_SIMPLE}/{name}/", accept="application/vnd.pypi.simple.v1+json"))
    want = re.sub(r"[-_.]+", "_", f"{name}-{version}").lower()
    sdists = [f["url"] for f in index.get("files", []) if f["filename"].endswith(".tar.gz")
              and re.sub(r"[-_.]+", "_", f["filename"][:-7]).lower() == want]
    if not sdists:
        raise LookupError(f"{source}: no source archive on the index")
    return sdists[0]


def fetch(source: str, digest: str) -> Path:
    """Download one pinned archive, check its sha256 and unpack it (once)."""
    target = archive_dir(source)
    stamp = target / ".sha256"
    if stamp.is_file() and stamp.read_text().strip() == digest:
        return target
    try:
        data = _get(_archive_url(source))
    except (OSError, ValueError, KeyError) as exc:
        raise LookupError(f"download failed: {exc}") from exc
    actual = hashlib.sha256(data).hexdigest()
    if actual != digest:
        raise SystemExit(f"{source}: the archive's sha256 is {actual}, archives.txt pins {digest}")
    shutil.rmtree(target, ignore_errors=True)
    target.mkdir(parents=True)
    with tarfile.open(fileobj=io.BytesIO(data)) as archive:
        archive.extractall(target, filter="data")  # no links, devices or paths outside target
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
        except (LookupError, OSError) as exc:
            # The dashboard runs without these pages; the tests that read them fail under CI.
            print(f"warning: {source} (extraction test pages) not fetched: {exc}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
