"""A real local HTTP server for tests (fetch, scrape, pipeline).

``LocalServer(routes, directory)`` serves ``routes`` (path -> ``(status, headers, body)`` or a
callable taking the request and returning that) and, for other paths, files under
``directory``. ``body`` may be bytes, str, or an iterable of bytes chunks (streamed, so tests
can send slow or endless bodies). Every request is recorded in ``requests``.

Use the ``local_server`` fixture (import it into a test module) or the class as a context
manager.
"""

from __future__ import annotations

import mimetypes
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Callable, Iterable, Self, Union

import pytest

Body = Union[bytes, str, Iterable[bytes]]
Response = tuple[int, dict[str, str], Body]
Route = Union[Response, Callable[["Request"], Response]]


@dataclass
class Request:
    """What the server received."""

    method: str
    path: str
    headers: dict[str, str]


class _QuietServer(ThreadingHTTPServer):
    """A client that hangs up early (the fetcher stops reading a 404 page) is not an error:
    socketserver would print its traceback to stderr, into the output a test reads."""

    def handle_error(self, request, client_address) -> None:
        import sys

        if isinstance(sys.exc_info()[1], (ConnectionResetError, BrokenPipeError)):
            return
        super().handle_error(request, client_address)


class BackgroundHTTPServer:
    """A threaded HTTP server on 127.0.0.1 and a free port, served from a daemon thread:
    ``start()`` / ``stop()`` or a context manager. The test servers and fakes build on it."""

    def __init__(self, handler: type[BaseHTTPRequestHandler]):
        self._httpd = _QuietServer(("127.0.0.1", 0), handler)
        self._httpd.daemon_threads = True
        self.port = self._httpd.server_address[1]
        # a short poll interval makes stop() (each test's teardown) take ~50 ms, not 0.5 s
        self._thread = threading.Thread(target=self._httpd.serve_forever,
                                        kwargs={"poll_interval": 0.05}, daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> Self:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


class LocalServer(BackgroundHTTPServer):
    """A threaded HTTP/1.1 server on 127.0.0.1 and a free port."""

    def __init__(self, routes: dict[str, Route] | None = None, directory: str | Path | None = None):
        self.routes: dict[str, Route] = dict(routes or {})
        self.directory = Path(directory) if directory else None
        self.requests: list[Request] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):  # keep test output quiet
                pass

            def do_GET(self):  # noqa: N802 - http.server's naming
                request = Request("GET", self.path, {k.lower(): v for k, v in self.headers.items()})
                server.requests.append(request)
                status, headers, body = server._respond(request)
                self.send_response(status)
                chunks = [body.encode() if isinstance(body, str) else body] if isinstance(body, (bytes, str)) else body
                streamed = not isinstance(body, (bytes, str))
                for key, value in headers.items():
                    self.send_header(key, value)
                if not streamed and not any(k.lower() == "content-length" for k in headers):
                    self.send_header("Content-Length", str(len(chunks[0])))
                if streamed:
                    self.send_header("Connection", "close")
                self.end_headers()
                try:
                    for chunk in chunks:
                        self.wfile.write(chunk)
                        self.wfile.flush()
                except (BrokenPipeError, ConnectionResetError):
                    pass
                if streamed:
                    self.close_connection = True

        super().__init__(Handler)

    def _respond(self, request: Request) -> Response:
        path = request.path.split("?", 1)[0]
        route = self.routes.get(request.path, self.routes.get(path))
        if route is not None:
            return route(request) if callable(route) else route
        if self.directory:
            file = (self.directory / path.lstrip("/")).resolve()
            if file.is_file() and self.directory.resolve() in file.parents:
                ctype = mimetypes.guess_type(file.name)[0] or "application/octet-stream"
                if ctype.startswith("text/"):
                    ctype += "; charset=utf-8"
                return 200, {"Content-Type": ctype}, file.read_bytes()
        return 404, {"Content-Type": "text/plain"}, b"not found"

    def url(self, path: str = "/") -> str:
        """Absolute URL of ``path`` on this server."""
        return f"{self.base_url}{path}"


def slow_body(chunks: int, delay: float, size: int = 1024) -> Iterable[bytes]:
    """A body that trickles out ``chunks`` pieces, ``delay`` seconds apart."""
    for _ in range(chunks):
        time.sleep(delay)
        yield b"x" * size


@pytest.fixture
def local_server():
    """A started ``LocalServer`` with no routes; tests add to ``.routes`` or set ``.directory``."""
    with LocalServer() as server:
        yield server
