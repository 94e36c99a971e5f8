"""A raw-socket server that answers slowly, byte by byte (tests and ``bench.slow_fetch``).

``http.server`` writes a response's status line and headers in one go, so it cannot play a
peer that trickles its *headers*; this one writes whatever the test scripts, with a pause
before each piece. ``TrickleServer(routes)`` listens on 127.0.0.1 and a free port:

- ``routes``: request path -> a callable ``(server) -> iterable of (pause_seconds, bytes)``
  (the request line and headers are read first).
- ``greeting``: the same kind of callable, sent as soon as a connection is accepted without
  reading anything (e.g. to stall a TLS handshake).

``stop()`` (or leaving the ``with`` block) ends every connection at once.
"""

from __future__ import annotations

import socket
import threading
import time
from typing import Callable, Iterable, Iterator, Self

Steps = Iterable[tuple[float, bytes]]
Script = Callable[["TrickleServer"], Steps]


def trickle(data: bytes, every: float) -> Iterator[tuple[float, bytes]]:
    """``data`` one byte at a time, ``every`` seconds apart (the first byte after one pause)."""
    for i in range(len(data)):
        yield every, data[i:i + 1]


def endless_headers(every: float, status: bytes = b"HTTP/1.1 200 OK\r\n") -> Iterator[tuple[float, bytes]]:
    """A status line, then header bytes for ever, one byte every ``every`` seconds: no single
    read ever waits longer than ``every``, yet the headers never end."""
    yield from trickle(status, every)
    while True:
        yield from trickle(b"X-Slow: " + b"a" * 64 + b"\r\n", every)


def response(status: str, headers: dict[str, str], body: bytes = b"") -> bytes:
    """The raw bytes of an HTTP/1.1 response (Content-Length and Connection: close added)."""
    lines = [f"HTTP/1.1 {status}"] + [f"{k}: {v}" for k, v in headers.items()]
    lines += [f"Content-Length: {len(body)}", "Connection: close"]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body


class TrickleServer:
    """See the module docstring."""

    def __init__(self, routes: dict[str, Script] | None = None, greeting: Script | None = None):
        self.routes: dict[str, Script] = dict(routes or {})
        self.greeting = greeting
        self.requests: list[tuple[float, str]] = []  # (monotonic time, path)
        self._listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._listener.bind(("127.0.0.1", 0))
        self._listener.listen(64)
        self.port = self._listener.getsockname()[1]
        self._stopped = threading.Event()
        self._conns: set[socket.socket] = set()
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._accept, name="trickle-accept", daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def url(self, path: str = "/") -> str:
        return f"{self.base_url}{path}"

    def start(self) -> Self:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopped.set()
        try:
            self._listener.close()
        except OSError:
            pass
        with self._lock:
            conns = list(self._conns)
        for conn in conns:
            try:
                conn.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    def _accept(self) -> None:
        self._listener.settimeout(0.1)
        while not self._stopped.is_set():
            try:
                conn, _ = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            with self._lock:
                self._conns.add(conn)
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _serve(self, conn: socket.socket) -> None:
        try:
            if self.greeting is not None:
                self._send(conn, self.greeting(self))
                return
            path = self._read_request(conn)
            if path is None:
                return
            self.requests.append((time.monotonic(), path))
            script = self.routes.get(path)
            if script is None:
                conn.sendall(response("404 Not Found", {"Content-Type": "text/plain"}, b"not found"))
                return
            self._send(conn, script(self))
        except OSError:
            pass  # the client went away (or the test stopped the server)
        finally:
            with self._lock:
                self._conns.discard(conn)
            try:
                conn.close()
            except OSError:
                pass

    def _read_request(self, conn: socket.socket) -> str | None:
        conn.settimeout(10)
        data = b""
        while b"\r\n\r\n" not in data:
            chunk = conn.recv(4096)
            if not chunk:
                return None
            data += chunk
        request_line = data.split(b"\r\n", 1)[0].decode("latin-1")
        parts = request_line.split(" ")
        return parts[1] if len(parts) >= 2 else None

    def _send(self, conn: socket.socket, steps: Steps) -> None:
        for pause, data in steps:
            if pause and self._stopped.wait(pause):
                return
            if self._stopped.is_set():
                return
            conn.sendall(data)
