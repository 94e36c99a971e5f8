"""A local server speaking the Hugging Face Hub's file protocol (what ``hf_hub_download``
uses), for tests of the real CLIP weights download through ``HF_ENDPOINT``.

``HEAD``/``GET {endpoint}/{repo_id}/resolve/{revision}/{filename}`` answers with the headers
huggingface_hub 2.4 requires (``file_download.get_hf_file_metadata`` /
``_get_metadata_or_catch_error``): ``X-Repo-Commit`` (the commit the revision resolves to; a
response without it is refused as "not a Hub endpoint"), ``ETag`` (the file's identity, the
blob's name in the cache; we send the SHA-256 as the Hub does for LFS files, also as
``X-Linked-Etag``) and the size (``Content-Length``, ``X-Linked-Size``). A missing file is a
404 with ``X-Error-Code: EntryNotFound`` (what makes huggingface_hub raise
``RemoteEntryNotFoundError``, which open_clip catches to try the next weights file name).

``HubServer(repos)`` with ``repos = {"org/name": {"file": bytes}}``; ``requests`` records
``(method, path)``.
"""

from __future__ import annotations

import hashlib
import json
import threading
from http.server import BaseHTTPRequestHandler
from urllib.parse import unquote, urlsplit

from tests.httpserver import BackgroundHTTPServer


def commit_of(repo_id: str) -> str:
    return hashlib.sha1(repo_id.encode()).hexdigest()  # 40 hex digits, like a git commit


class HubServer(BackgroundHTTPServer):
    def __init__(self, repos: dict[str, dict[str, bytes]]) -> None:
        self.repos = repos
        self.requests: list[tuple[str, str]] = []
        self._lock = threading.Lock()
        hub = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def do_HEAD(self):  # noqa: N802
                hub._serve(self, body=False)

            def do_GET(self):  # noqa: N802
                hub._serve(self, body=True)

        super().__init__(Handler)

    def _serve(self, handler: BaseHTTPRequestHandler, body: bool) -> None:
        path = unquote(urlsplit(handler.path).path)
        with self._lock:
            self.requests.append((handler.command, path))
        repo, sep, rest = path.lstrip("/").partition("/resolve/")
        revision, _, filename = rest.partition("/")
        files = self.repos.get(repo)
        if not sep or files is None:
            return self._error(handler, 404, "RepoNotFound", "Repository not found", body)
        commit = commit_of(repo)
        if revision not in ("main", commit):
            return self._error(handler, 404, "RevisionNotFound", "Invalid rev id", body, commit)
        data = files.get(filename)
        if data is None:
            return self._error(handler, 404, "EntryNotFound", "Entry not found", body, commit)
        etag = hashlib.sha256(data).hexdigest()
        handler.send_response(200)
        handler.send_header("Content-Type", "application/octet-stream")
        handler.send_header("Content-Length", str(len(data)))
        handler.send_header("ETag", f'"{etag}"')
        handler.send_header("X-Linked-Etag", f'"{etag}"')
        handler.send_header("X-Linked-Size", str(len(data)))
        handler.send_header("X-Repo-Commit", commit)
        handler.send_header("Accept-Ranges", "bytes")
        handler.end_headers()
        if body:
            handler.wfile.write(data)

    @staticmethod
    def _error(handler, status: int, code: str, message: str, body: bool, commit: str | None = None):
        payload = json.dumps({"error": message}).encode()
        handler.send_response(status)
        handler.send_header("Content-Type", "application/json")
        handler.send_header("Content-Length", str(len(payload)))
        handler.send_header("X-Error-Code", code)
        handler.send_header("X-Error-Message", message)
        if commit:
            handler.send_header("X-Repo-Commit", commit)
        handler.end_headers()
        if body:
            handler.wfile.write(payload)

    def gets(self, filename: str | None = None) -> list[str]:
        return [p for m, p in self.requests if m == "GET" and (filename is None or p.endswith("/" + filename))]
