"""Safe fetching of product pages, product JSON and images (httpx).

Every hop (the first request and each redirect) is checked the same way: absolute http(s) URL,
host resolved once, every address it resolves to must be public (not loopback, private,
link-local such as 169.254.169.254, multicast, reserved or unspecified), and the request then
goes to that resolved address (the Host header and TLS SNI keep the name), so a second DNS
answer cannot move the connection somewhere else (DNS rebinding).

Failures raise ``ScrapeError`` with a reason a user can read and ``transient`` set for
timeouts, 429 and 5xx. The error's ``ids`` say what happened in a form code can count:
``status`` (the HTTP status), ``failure`` (``"http"``, ``"timeout"``, ``"connect"``,
``"broken"``, ``"type"``, ``"size"``, ``"address"``, ``"dns"``, ``"url"``, ``"redirects"``)
and ``retry_after`` (seconds, from a 429/503's ``Retry-After``).

Images are requested the way a browser's ``<img>`` does (``IMAGE_ACCEPT``, the product page
as ``Referer``, ``Sec-Fetch-*``): image CDNs refuse hotlinks and bots without them, and
choose AVIF/WebP from the ``Accept`` header.

One total deadline (``FETCH_TIMEOUT_SECONDS``) covers a whole fetch: DNS, connect, TLS, headers
and body of every redirect hop together. ``httpx.Timeout`` only bounds each socket operation
(a peer sending one byte every few seconds never trips it), so a watchdog thread per fetch
shuts the connection's socket down when the deadline passes, or when the caller's
``should_stop()`` says the work was cancelled (polled every ``STOP_POLL_SECONDS``): the
blocked read returns at once and the fetch raises, freeing the calling thread.
"""

from __future__ import annotations

import ipaddress
import logging
import re
import socket
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import lru_cache
from typing import Callable
from urllib.parse import urljoin, urlsplit, urlunsplit

import httpx
from w3lib.encoding import html_to_unicode

from core.errors import ScrapeError
from core.hosts import address_kind, allowed_by_setting, registrable_domain
from core.settings import get_settings

log = logging.getLogger(__name__)

MAX_REDIRECTS = 5
HTML_MAX_BYTES = 5 * 1024 * 1024
IMAGE_MAX_BYTES = 15 * 1024 * 1024
JSON_MAX_BYTES = 2 * 1024 * 1024
USER_AGENT = ("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
              "Chrome/124.0.0.0 Safari/537.36")
_HTML_TYPES = ("text/html", "application/xhtml+xml")
STOP_POLL_SECONDS = 0.5  # how often a fetch asks its ``should_stop`` whether to give up
_IMAGE_MAGIC = ((b"\xff\xd8\xff", "image/jpeg"), (b"\x89PNG\r\n\x1a\n", "image/png"),
                (b"GIF87a", "image/gif"), (b"GIF89a", "image/gif"), (b"BM", "image/bmp"),
                (b"II*\x00", "image/tiff"), (b"MM\x00*", "image/tiff"),
                (b"\x00\x00\x00\x0cjP  \r\n\x87\n", "image/jp2"))
_ISO_BRANDS = {b"avif": "image/avif", b"avis": "image/avif", b"heic": "image/heic",
               b"heix": "image/heic", b"mif1": "image/heif", b"msf1": "image/heif"}
# What Chrome sends for an <img>: AVIF and WebP first, so CDNs that negotiate pick them.
IMAGE_ACCEPT = "image/avif,image/webp,image/apng,image/svg+xml,image/*,*/*;q=0.8"


@dataclass(frozen=True)
class FetchedPage:
    """A decoded HTML page."""

    url: str
    final_url: str
    status: int
    content_type: str
    text: str
    encoding: str


@dataclass(frozen=True)
class FetchedImage:
    """Raw image bytes as served."""

    url: str
    final_url: str
    content_type: str
    data: bytes


@dataclass(frozen=True)
class _Raw:
    final_url: str
    status: int
    content_type: str
    headers: httpx.Headers
    body: bytes


class FetchStopped(ScrapeError):
    """The caller's ``should_stop()`` said the work was cancelled: the fetch gave up."""

    def __init__(self) -> None:
        super().__init__("stopped because the work was cancelled", transient=False)


StopCheck = Callable[[], bool]


class _Watchdog:
    """Enforces one fetch's total deadline (and its ``should_stop``) from a thread of its own.

    The fetching thread hands over each hop's socket as soon as it is connected (httpx's
    ``trace`` extension, ``connection.connect_tcp.complete``). The watchdog keeps a duplicate
    of it: ``shutdown()`` on the duplicate ends the connection itself, so a ``recv`` blocked
    in the TLS handshake, the headers or the body returns at once, also after TLS has
    wrapped (and detached) the original socket object. The TCP connect itself is bounded by
    httpx's connect timeout, set to the time left; DNS by ``_resolve_in_time``.
    """

    def __init__(self, deadline: float, should_stop: StopCheck | None, kind: str = "page") -> None:
        self.deadline = deadline
        self.kind = kind
        self.should_stop = should_stop
        self.reason: str | None = None  # "timeout" | "stopped" once fired
        self._lock = threading.Lock()
        self._sock: socket.socket | None = None
        self._finished = threading.Event()
        self._thread = threading.Thread(target=self._run, name="fetch-watchdog", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._finished.is_set():
            left = self.deadline - time.monotonic()
            if left <= 0:
                self._fire("timeout")
                return
            if self.should_stop is not None:
                try:
                    stop = bool(self.should_stop())
                except Exception:  # noqa: BLE001 - a broken check must not kill the fetch
                    log.warning("fetch.should_stop_failed", exc_info=True)
                    stop = False
                if stop:
                    self._fire("stopped")
                    return
                left = min(left, STOP_POLL_SECONDS)
            self._finished.wait(max(left, 0.0))

    def _fire(self, reason: str) -> None:
        with self._lock:
            if self._finished.is_set() or self.reason is not None:
                return
            self.reason = reason
            self._shutdown(self._sock)

    @staticmethod
    def _shutdown(sock: socket.socket | None) -> None:
        if sock is None:
            return
        try:
            sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass  # already closed by the peer or by httpx

    def trace(self, event: str, info: dict) -> None:
        """httpx ``trace`` extension: takes each new connection's socket."""
        if event != "connection.connect_tcp.complete":
            return
        stream = info.get("return_value")
        raw = stream.get_extra_info("socket") if stream is not None else None
        if raw is None:
            return
        try:
            dup = raw.dup()
        except OSError:  # out of descriptors: the per-operation timeouts still apply
            log.warning("fetch.watchdog_unarmed", exc_info=True)
            return
        with self._lock:
            self._close(self._sock)
            self._sock = dup
            if self.reason is not None:
                self._shutdown(dup)

    def release(self) -> None:
        """The hop's connection is done with: drop the duplicate (it would keep it open)."""
        with self._lock:
            self._close(self._sock)
            self._sock = None

    @staticmethod
    def _close(sock: socket.socket | None) -> None:
        if sock is not None:
            try:
                sock.close()
            except OSError:
                pass

    def check(self) -> None:
        """Raise the fetch's outcome when the watchdog has fired."""
        if self.reason == "stopped":
            raise FetchStopped()
        if self.reason == "timeout":
            raise _timeout(get_settings().fetch_timeout_seconds, self.kind)

    def finish(self) -> None:
        with self._lock:
            self._finished.set()
            self._close(self._sock)
            self._sock = None


# DNS lookups run here so that a resolver that does not answer costs the caller no more than
# the fetch's deadline (getaddrinfo itself cannot be interrupted).
_dns_pool = ThreadPoolExecutor(max_workers=8, thread_name_prefix="fetch-dns")


def _resolve_in_time(host: str, port: int, watch: _Watchdog) -> list[str]:
    future = _dns_pool.submit(resolve_host, host, port)
    while True:
        left = watch.deadline - time.monotonic()
        try:
            return future.result(timeout=max(0.0, min(left, STOP_POLL_SECONDS)))
        except TimeoutError:
            if watch.reason != "timeout":
                watch.check()  # stopped
            if left <= 0 or watch.reason == "timeout":
                future.cancel()
                seconds = get_settings().fetch_timeout_seconds
                # said apart from "not found": this one is retried, the other is not
                raise ScrapeError(f"the {watch.kind} did not load within {seconds:g} s: the name "
                                  f"server did not answer for {host} (timed out)", transient=True,
                                  failure="timeout") from None


def resolve_host(host: str, port: int) -> list[str]:
    """Every address ``host`` resolves to (the one place DNS is asked; tests patch it)."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(info[4][0] for info in infos))


def address_problem(address: str, port: int | None = None) -> str | None:
    """Why connecting to ``address`` (on ``port``) is refused, or None when it is a public address."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    kind = address_kind(ip)
    if kind is None or allowed_by_setting(ip, port):
        return None
    shown = getattr(ip, "ipv4_mapped", None) or ip
    article = "an" if kind[0] in "aeiou" else "a"
    if allowed_by_setting(ip, any_port=True):  # the network is opened, not this port
        return (f"host resolves to {article} {kind} address ({shown}): only the ports an operator opened "
                f"there are fetched (FETCH_ALLOW_NETWORKS), not {port}")
    return f"host resolves to {article} {kind} address ({shown}); only public addresses are fetched"


def _allow_private(value: bool | None) -> bool:
    return get_settings().allow_private_fetch if value is None else value


# an answer, not a hiccup (NXDOMAIN): not retried on the schedule; says what to do (a walk-through:
# "host … could not be found" and nothing more)
_NO_SUCH_HOST = "host {host} could not be found: no such name exists. Check the address for a typo"


def _pinned(url: str, allow_private: bool, watch: _Watchdog | None = None) -> tuple[str, str, str]:
    """(pinned URL, Host header, host name) for one hop, or ScrapeError."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise ScrapeError(f"not a valid URL: {url[:200]}", transient=False, failure="url") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ScrapeError("only absolute http:// or https:// URLs can be fetched", transient=False,
                          failure="url")
    if parts.username or parts.password:
        raise ScrapeError("URLs with a user name or password are not fetched", transient=False,
                          failure="url")
    host = parts.hostname
    if not host.isascii():
        try:
            host = host.encode("idna").decode("ascii")
        except UnicodeError:
            raise ScrapeError(f"not a valid host name: {host}", transient=False, failure="url") from None
    explicit_port = port
    port = port or (443 if parts.scheme == "https" else 80)
    try:
        addresses = resolve_host(host, port) if watch is None else _resolve_in_time(host, port, watch)
    except socket.gaierror as exc:
        if exc.errno == socket.EAI_AGAIN:  # the resolver gave up for now: retried, and said so
            raise ScrapeError(f"host {host} could not be looked up: the name server did not answer "
                              "(a temporary DNS failure)", transient=True, failure="dns") from None
        raise ScrapeError(_NO_SUCH_HOST.format(host=host), transient=False, failure="dns") from None
    if not addresses:
        raise ScrapeError(_NO_SUCH_HOST.format(host=host), transient=False, failure="dns")
    if not allow_private:
        for address in addresses:
            problem = address_problem(address, port)
            if problem:
                raise ScrapeError(problem, transient=False, failure="address")
    address = addresses[0]
    literal = f"[{address}]" if ":" in address else address
    default_port = (parts.scheme == "https" and port == 443) or (parts.scheme == "http" and port == 80)
    netloc = literal if default_port else f"{literal}:{port}"
    named = f"[{host}]" if ":" in host else host
    host_header = named if explicit_port is None else f"{named}:{explicit_port}"
    return urlunsplit((parts.scheme, netloc, parts.path or "/", parts.query, "")), host_header, host


@lru_cache(maxsize=1)
def http_client() -> httpx.Client:
    """One client per process. No keep-alive: each pinned hop gets its own connection, so a
    connection opened for one host name is never reused for another on the same address."""
    return httpx.Client(
        follow_redirects=False,
        trust_env=False,  # a proxy would resolve names itself and undo the pinning
        limits=httpx.Limits(max_keepalive_connections=0, max_connections=50),
        headers={"User-Agent": USER_AGENT, "Accept-Language": "en;q=0.9,*;q=0.5"},
    )


def _get(url: str, *, accept: str, max_bytes: int, kind: str, allow_private: bool | None,
         check_type, should_stop: StopCheck | None = None, headers: dict | None = None) -> _Raw:
    timeout = get_settings().fetch_timeout_seconds
    watch = _Watchdog(time.monotonic() + timeout, should_stop, kind)
    try:
        return _hops(url, accept=accept, max_bytes=max_bytes, kind=kind,
                     private_ok=_allow_private(allow_private), check_type=check_type, watch=watch,
                     headers=headers)
    finally:
        watch.finish()


def _hops(url: str, *, accept: str, max_bytes: int, kind: str, private_ok: bool, check_type,
          watch: _Watchdog, headers: dict | None = None) -> _Raw:
    """Follow up to MAX_REDIRECTS redirects, all under ``watch``'s one deadline."""
    timeout = get_settings().fetch_timeout_seconds
    current = url
    for _hop in range(MAX_REDIRECTS + 1):
        watch.check()
        pinned, host_header, host = _pinned(current, private_ok, watch)
        watch.check()
        remaining = watch.deadline - time.monotonic()
        if remaining <= 0:
            raise _timeout(timeout, kind)
        try:
            with http_client().stream(
                "GET", pinned, headers={**(headers or {}), "Host": host_header, "Accept": accept},
                extensions={"sni_hostname": host, "trace": watch.trace},
                timeout=httpx.Timeout(remaining),
            ) as resp:
                watch.check()
                if resp.status_code in (301, 302, 303, 307, 308) and resp.headers.get("location"):
                    current = urljoin(current, resp.headers["location"].strip())
                    continue
                _check_status(resp.status_code, kind, resp.headers)
                content_type = resp.headers.get("content-type", "").split(";")[0].strip().lower()
                length = resp.headers.get("content-length", "")
                if length.isdigit() and int(length) > max_bytes:
                    raise ScrapeError(f"{kind} is larger than {max_bytes // (1024 * 1024)} MB",
                                      transient=False, failure="size")
                body = bytearray()
                for chunk in resp.iter_bytes():
                    body.extend(chunk)
                    if len(body) > max_bytes:
                        raise ScrapeError(f"{kind} is larger than {max_bytes // (1024 * 1024)} MB",
                                          transient=False, failure="size")
                    watch.check()
                    if time.monotonic() > watch.deadline:
                        raise _timeout(timeout, kind)
                # A body without a length ends when the connection closes: make sure it was
                # the server that closed it, not the watchdog.
                watch.check()
                content_type = check_type(content_type, bytes(body[:64]))
                return _Raw(current, resp.status_code, content_type, resp.headers, bytes(body))
        except httpx.TimeoutException:
            watch.check()
            raise _timeout(timeout, kind) from None
        except httpx.ConnectError as exc:
            watch.check()
            if "CERTIFICATE" in str(exc).upper() or "SSL" in str(exc).upper():
                raise ScrapeError(f"secure connection to {host} failed", transient=False,
                                  failure="tls") from None
            raise ScrapeError(f"could not connect to {host}", transient=True, failure="connect") from None
        except (httpx.RemoteProtocolError, httpx.ReadError, httpx.WriteError):
            watch.check()
            raise ScrapeError(f"connection to {host} broke off", transient=True, failure="broken") from None
        except httpx.HTTPError as exc:
            watch.check()
            raise ScrapeError(f"{kind} could not be fetched ({exc.__class__.__name__})", transient=True,
                              failure="broken") from None
        finally:
            watch.release()
    raise ScrapeError(f"too many redirects (more than {MAX_REDIRECTS})", transient=False,
                      failure="redirects")


def _timeout(seconds: float, kind: str = "page") -> ScrapeError:
    return ScrapeError(f"the {kind} did not load within {seconds:g} s (timed out)", transient=True,
                       failure="timeout")


def retry_after_seconds(value: str | None) -> float | None:
    """``Retry-After`` as seconds (delta-seconds or an HTTP date), None when absent or unreadable."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    from email.utils import parsedate_to_datetime

    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when is None:
        return None
    import datetime as dt

    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.timezone.utc)
    return max(0.0, (when - dt.datetime.now(dt.timezone.utc)).total_seconds())


def _check_status(status: int, kind: str, headers: httpx.Headers | None = None) -> None:
    if status < 400:
        return
    transient = status == 429 or status >= 500 or status == 408
    wait = retry_after_seconds(headers.get("retry-after")) if headers is not None else None
    raise ScrapeError(f"{kind} returned HTTP {status}", transient=transient, failure="http",
                      status=status, retry_after=wait)


def _html_type(content_type: str, head: bytes) -> str:
    if content_type in _HTML_TYPES:
        return content_type
    sniff = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if content_type in ("", "text/plain", "application/octet-stream") and sniff.startswith((b"<!doctype html", b"<html")):
        return "text/html"
    raise ScrapeError(f"not an HTML page ({content_type or 'no content type'})", transient=False,
                      failure="type")


def sniff_image_type(head: bytes) -> str | None:
    """The image type of ``head`` (the first bytes) from its magic number, else None."""
    for magic, sniffed in _IMAGE_MAGIC:
        if head.startswith(magic):
            return sniffed
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    if head[4:8] == b"ftyp":
        return _ISO_BRANDS.get(head[8:12])
    return None


def _image_type(content_type: str, head: bytes) -> str:
    if content_type == "image/svg+xml":
        raise ScrapeError("image is SVG artwork, not a photo", transient=False, failure="type")
    if content_type.startswith("image/"):
        return sniff_image_type(head) or content_type
    sniffed = sniff_image_type(head)
    if sniffed:
        return sniffed
    raise ScrapeError(f"not an image ({content_type or 'no content type'})", transient=False,
                      failure="type")


def _json_type(content_type: str, head: bytes) -> str:
    if "json" in content_type or head.lstrip()[:1] in (b"{", b"["):
        return content_type or "application/json"
    raise ScrapeError(f"not JSON ({content_type or 'no content type'})", transient=False, failure="type")


_LEGACY_8BIT = re.compile(r"^(cp|windows-?)12[5-9]\d$|^iso-?8859|^latin|^koi8|^mac|^ascii$|^us-ascii$")


def decode_html(body: bytes, content_type: str | None = None) -> tuple[str, str]:
    """``(encoding, text)`` of a page: BOM, then the HTTP header, then ``<meta charset>``
    (w3lib, as browsers do) — except that bytes which are valid UTF-8 and hold non-ASCII
    characters are read as UTF-8 even when a single-byte charset (windows-1250, ISO-8859-x,
    KOI8…) is declared: shops that re-encode their pages and keep the old declaration
    would otherwise show "Cena: 2 399,00 zÅ". Legacy 8-bit text is almost never valid UTF-8.
    """
    encoding, text = html_to_unicode(content_type, body)
    name = encoding.lower().replace("_", "-")
    if _LEGACY_8BIT.search(name) and not body.isascii():
        try:
            return "utf-8", body.decode("utf-8")
        except UnicodeDecodeError:
            pass
    return encoding, text


def fetch_page(url: str, *, allow_private: bool | None = None,
               should_stop: StopCheck | None = None) -> FetchedPage:
    """Fetch and decode an HTML page (BOM, then HTTP charset, then ``<meta charset>``).

    ``should_stop``: polled while the fetch runs; when it returns True the fetch ends with
    ``FetchStopped`` (e.g. the batch was cancelled)."""
    raw = _get(url, accept="text/html,application/xhtml+xml;q=0.9,*/*;q=0.5", max_bytes=HTML_MAX_BYTES,
               kind="page", allow_private=allow_private, check_type=_html_type, should_stop=should_stop)
    encoding, text = decode_html(raw.body, raw.headers.get("content-type"))
    log.info("fetch.page_completed", extra={"url": url, "bytes": len(raw.body)})
    return FetchedPage(url=url, final_url=raw.final_url, status=raw.status,
                       content_type=raw.content_type, text=text, encoding=encoding)


def image_headers(url: str, referer: str | None) -> dict[str, str]:
    """The headers Chrome sends with an ``<img>`` of ``url`` on the page ``referer``."""
    headers = {"Sec-Fetch-Dest": "image", "Sec-Fetch-Mode": "no-cors"}
    if referer:
        headers["Referer"] = referer
        page, image = urlsplit(referer), urlsplit(url)
        if (page.scheme, page.netloc) == (image.scheme, image.netloc):
            headers["Sec-Fetch-Site"] = "same-origin"
        else:
            same_site = registrable_domain(page.hostname) == registrable_domain(image.hostname)
            headers["Sec-Fetch-Site"] = "same-site" if same_site else "cross-site"
    else:
        headers["Sec-Fetch-Site"] = "none"
    return headers


def fetch_image(url: str, *, allow_private: bool | None = None,
                should_stop: StopCheck | None = None, referer: str | None = None) -> FetchedImage:
    """Fetch image bytes (``image/*`` or recognisable image bytes; SVG refused).

    ``referer``: the product page the image is shown on; sent as ``Referer`` like a browser
    does (image CDNs refuse hotlinks without it)."""
    raw = _get(url, accept=IMAGE_ACCEPT, max_bytes=IMAGE_MAX_BYTES, kind="image",
               allow_private=allow_private, check_type=_image_type, should_stop=should_stop,
               headers=image_headers(url, referer))
    return FetchedImage(url=url, final_url=raw.final_url, content_type=raw.content_type, data=raw.body)


def fetch_json(url: str, *, allow_private: bool | None = None,
               should_stop: StopCheck | None = None) -> bytes:
    """Fetch a small JSON document (platform product JSON) under the same rules."""
    raw = _get(url, accept="application/json", max_bytes=JSON_MAX_BYTES, kind="product JSON",
               allow_private=allow_private, check_type=_json_type, should_stop=should_stop)
    return raw.body
