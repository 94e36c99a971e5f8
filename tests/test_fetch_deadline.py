"""One total deadline per fetch (DNS, connect, TLS, headers, body, every redirect hop), and
``should_stop`` ending a fetch in flight — against a raw local server that trickles bytes.

Every fetch runs in a thread joined with a bound, so a fetch that ignores its deadline fails
the test instead of hanging it (the server's teardown then ends the connection).
"""

from __future__ import annotations

import os
import socket
import threading
import time

import pytest

from core import fetch
from core.errors import ScrapeError
from core.fetch import FetchStopped, fetch_image, fetch_json, fetch_page
from core.settings import reset_settings
from tests.httpserver import local_server  # noqa: F401 - fixture
from tests.slowserver import TrickleServer, endless_headers, response, trickle

DEADLINE = 2.0
SLACK = 1.0  # the deadline is enforced to the watchdog's wake-up: well under this


@pytest.fixture(autouse=True)
def short_deadline(monkeypatch):
    monkeypatch.setenv("FETCH_TIMEOUT_SECONDS", str(DEADLINE))
    monkeypatch.delenv("ALLOW_PRIVATE_FETCH", raising=False)
    reset_settings()
    yield
    reset_settings()


@pytest.fixture
def slow():
    with TrickleServer() as server:
        yield server


def bounded(fn, limit: float = DEADLINE + SLACK) -> tuple[BaseException | None, float]:
    """(the exception ``fn`` raised or None, seconds it took); fails when it outlives ``limit``."""
    box: dict = {}

    def run():
        started = time.monotonic()
        try:
            box["result"] = fn()
        except BaseException as exc:  # noqa: BLE001 - handed to the test
            box["error"] = exc
        finally:
            box["elapsed"] = time.monotonic() - started

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(limit)
    assert not thread.is_alive(), f"the fetch was still running after {limit:g} s"
    return box.get("error"), box["elapsed"]


def assert_timed_out(error, elapsed, kind="page"):
    assert isinstance(error, ScrapeError), repr(error)
    assert error.message == f"the {kind} did not load within {DEADLINE:g} s (timed out)"
    assert error.transient
    assert DEADLINE - 0.2 <= elapsed < DEADLINE + SLACK


def test_headers_sent_one_byte_at_a_time_hit_the_total_deadline(slow):
    # A byte every 0.5 s: no single read ever waits long enough to trip httpx.Timeout(2).
    slow.routes["/p"] = lambda s: endless_headers(every=0.5)
    error, elapsed = bounded(lambda: fetch_page(slow.url("/p"), allow_private=True))
    assert_timed_out(error, elapsed)


def test_a_status_line_that_never_finishes_hits_the_deadline(slow):
    slow.routes["/p"] = lambda s: trickle(b"HTTP/1.1 200 OK" + b" " * 1000, every=0.3)
    error, elapsed = bounded(lambda: fetch_page(slow.url("/p"), allow_private=True))
    assert_timed_out(error, elapsed)


def test_a_slow_body_with_long_pauses_hits_the_deadline(slow):
    # Each pause (1.8 s) is shorter than the per-read timeout but the body needs far longer.
    head = response("200 OK", {"Content-Type": "text/html"}, b"<html>" + b"x" * 100)
    slow.routes["/p"] = lambda s: [(0, head[:-100])] + list(trickle(head[-100:], every=1.8))
    error, elapsed = bounded(lambda: fetch_page(slow.url("/p"), allow_private=True))
    assert_timed_out(error, elapsed)


def test_a_cut_off_body_without_a_length_is_a_timeout_not_a_short_page(slow):
    # Without Content-Length the body ends when the connection closes: the watchdog closing it
    # must not pass for the end of the page.
    def endless(_):
        yield 0, b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nConnection: close\r\n\r\n<html>"
        while True:
            yield 0.4, b"<p>more</p>"

    slow.routes["/p"] = endless
    error, elapsed = bounded(lambda: fetch_page(slow.url("/p"), allow_private=True))
    assert_timed_out(error, elapsed)


def test_a_slow_redirect_chain_shares_one_deadline(slow):
    # Every hop takes 1.8 s (each read well under its timeout); the deadline is for them all.
    for i in range(5):
        raw = response("302 Found", {"Location": f"/r{i + 1}"})
        slow.routes[f"/r{i}"] = lambda s, raw=raw: trickle(raw, every=1.8 / len(raw))
    slow.routes["/r5"] = lambda s: [(0, response("200 OK", {"Content-Type": "text/html"}, b"<html>"))]
    error, elapsed = bounded(lambda: fetch_page(slow.url("/r0"), allow_private=True))
    assert_timed_out(error, elapsed)
    assert [path for _, path in slow.requests] == ["/r0", "/r1"]


def test_a_stalled_tls_handshake_hits_the_deadline():
    # A TLS record header, then one byte every 0.5 s: the handshake never completes.
    def stall(_):
        yield 0.1, b"\x16\x03\x03\x40\x00"
        while True:
            yield 0.5, b"\x00"

    with TrickleServer(greeting=stall) as server:
        url = f"https://127.0.0.1:{server.port}/p"
        error, elapsed = bounded(lambda: fetch_page(url, allow_private=True))
    assert_timed_out(error, elapsed)


def test_a_dns_lookup_that_does_not_answer_hits_the_deadline(monkeypatch):
    release = threading.Event()

    def hang(host, port):
        release.wait(30)
        raise socket.gaierror(socket.EAI_AGAIN, "no answer")

    monkeypatch.setattr(fetch, "resolve_host", hang)
    try:
        error, elapsed = bounded(lambda: fetch_page("http://shop.example/p"))
    finally:
        release.set()
    assert isinstance(error, ScrapeError) and error.transient and error.ids["failure"] == "timeout"
    # a walk-through: one of eleven identical failures "retrying", the others "failed", all
    # saying "could not be found" — the one retried now says why it differs
    assert error.message == (f"the page did not load within {DEADLINE:g} s: the name server did "
                             "not answer for shop.example (timed out)")
    assert DEADLINE - 0.2 <= elapsed < DEADLINE + SLACK


@pytest.mark.parametrize("errno,transient,message", [
    (socket.EAI_AGAIN, True, "host shop.example could not be looked up: the name server did not "
                             "answer (a temporary DNS failure)"),
    (socket.EAI_NONAME, False, "host shop.example could not be found: no such name exists. Check the address for a typo"),
])
def test_a_name_not_found_and_a_name_server_not_answering_are_told_apart(monkeypatch, errno,
                                                                        transient, message):
    def fail(host, port):
        raise socket.gaierror(errno, "resolver says no")

    monkeypatch.setattr(fetch, "resolve_host", fail)
    with pytest.raises(ScrapeError) as caught:
        fetch_page("http://shop.example/p")
    assert (caught.value.message, caught.value.transient) == (message, transient)


@pytest.mark.parametrize("fn,kind", [(fetch_image, "image"), (fetch_json, "product JSON")])
def test_images_and_product_json_have_the_same_deadline(slow, fn, kind):
    slow.routes["/x"] = lambda s: endless_headers(every=0.5)
    error, elapsed = bounded(lambda: fn(slow.url("/x"), allow_private=True))
    assert_timed_out(error, elapsed, kind)


def test_should_stop_ends_a_fetch_in_flight_within_a_second_or_two(slow, monkeypatch):
    monkeypatch.setenv("FETCH_TIMEOUT_SECONDS", "60")
    reset_settings()
    slow.routes["/p"] = lambda s: endless_headers(every=0.5)
    cancelled_at = time.monotonic() + 0.5
    error, elapsed = bounded(
        lambda: fetch_page(slow.url("/p"), allow_private=True,
                           should_stop=lambda: time.monotonic() >= cancelled_at), limit=3.0)
    assert isinstance(error, FetchStopped) and isinstance(error, ScrapeError)
    assert not error.transient and "cancelled" in error.message
    assert elapsed < 0.5 + fetch.STOP_POLL_SECONDS + 0.5


def test_a_failing_should_stop_does_not_break_the_fetch(local_server):
    local_server.routes["/p"] = (200, {"Content-Type": "text/html"}, b"<html>ok</html>")

    def broken():
        raise RuntimeError("database away")

    page = fetch_page(local_server.url("/p"), allow_private=True, should_stop=broken)
    assert "ok" in page.text


def test_fast_fetches_leave_no_watchdog_thread_or_socket_behind(local_server):
    local_server.routes["/p"] = (200, {"Content-Type": "text/html"}, b"<html>ok</html>")
    local_server.routes["/r"] = (302, {"Location": "/p"}, b"")
    fetch_page(local_server.url("/r"), allow_private=True)  # warm up (client, DNS pool)
    fds = len(os.listdir("/proc/self/fd"))
    for _ in range(20):
        assert "ok" in fetch_page(local_server.url("/r"), allow_private=True).text
    time.sleep(0.2)
    assert not [t for t in threading.enumerate() if t.name == "fetch-watchdog"]
    assert len(os.listdir("/proc/self/fd")) <= fds + 2
