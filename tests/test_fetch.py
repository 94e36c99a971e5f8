"""Safe fetching over a real local HTTP server (127.0.0.1, so most tests allow private hosts)."""

from __future__ import annotations

import gzip
import socket
import time

import pytest

from core import fetch
from core.errors import ScrapeError
from core.fetch import fetch_image, fetch_page
from core.settings import reset_settings
from tests.httpserver import LocalServer, local_server, slow_body  # noqa: F401 - fixture

HTML = {"Content-Type": "text/html; charset=utf-8"}
PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
       b"\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82")


@pytest.fixture(autouse=True)
def default_settings(monkeypatch):
    """Private fetching off (the default) unless a test turns it on."""
    monkeypatch.delenv("ALLOW_PRIVATE_FETCH", raising=False)
    monkeypatch.delenv("FETCH_TIMEOUT_SECONDS", raising=False)
    reset_settings()
    yield
    reset_settings()


@pytest.fixture
def public_loopback(monkeypatch):
    """Let 127.0.0.1 stand in for a public server; every other address keeps the real rules."""
    real = fetch.address_problem
    monkeypatch.setattr(fetch, "address_problem", lambda a, port=None: None if a == "127.0.0.1" else real(a, port))


@pytest.fixture
def dns(monkeypatch):
    """Fake DNS at its boundary (socket.getaddrinfo): name -> list of answers, one per lookup."""
    answers: dict[str, list[str]] = {}
    lookups: list[str] = []
    real = socket.getaddrinfo

    def fake(host, port, *args, **kwargs):
        if host in answers:
            lookups.append(host)
            queue = answers[host]
            address = queue.pop(0) if len(queue) > 1 else queue[0]
            family = socket.AF_INET6 if ":" in address else socket.AF_INET
            return [(family, socket.SOCK_STREAM, 6, "", (address, port))]
        return real(host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", fake)
    return answers, lookups


def fail(url: str, **kwargs) -> ScrapeError:
    with pytest.raises(ScrapeError) as info:
        fetch_page(url, **kwargs)
    return info.value


def test_a_page_is_fetched_and_decoded(local_server):
    local_server.routes["/p"] = (200, HTML, "<html><h1>Café</h1></html>".encode())
    page = fetch_page(local_server.url("/p"), allow_private=True)
    assert page.status == 200 and page.content_type == "text/html" and page.encoding == "utf-8"
    assert "Café" in page.text and page.final_url == local_server.url("/p")
    assert "Mozilla/5.0" in local_server.requests[0].headers["user-agent"]


def test_private_hosts_are_refused_by_default_and_nothing_is_requested(local_server):
    local_server.routes["/p"] = (200, HTML, b"<html></html>")
    error = fail(local_server.url("/p"))
    assert "private (loopback)" in error.message and not error.transient
    assert local_server.requests == []


def test_the_setting_allows_private_hosts_for_local_testing(local_server, settings_env):
    local_server.routes["/p"] = (200, HTML, b"<html>ok</html>")
    settings_env(ALLOW_PRIVATE_FETCH="1")
    assert "ok" in fetch_page(local_server.url("/p")).text


def test_a_loopback_only_opening_fetches_this_machine_and_nothing_else_private(local_server, settings_env,
                                                                              monkeypatch):
    # a walk-through: ALLOW_PRIVATE_FETCH was all or nothing — testing against a shop on this
    # machine opened every private address (the cloud metadata one too)
    from core.urls import url_problem

    local_server.routes["/p"] = (200, HTML, b"<html>ok</html>")
    settings_env(FETCH_ALLOW_NETWORKS="127.0.0.0/8, ::1/128")
    assert "ok" in fetch_page(local_server.url("/p")).text
    assert url_problem(local_server.url("/p")) is None
    assert url_problem("http://localhost:8000/p") is None  # resolved and checked by the fetcher
    for address in ("10.0.0.8", "169.254.169.254", "192.168.1.1", "::ffff:10.0.0.8"):
        assert fetch.address_problem(address), address
        assert url_problem(f"http://{address if ':' not in address else f'[{address}]'}/p"), address
    assert fetch.address_problem("::ffff:127.0.0.1") is None  # IPv4-mapped loopback is loopback
    assert fetch.address_problem("2002:7f00:1::1")  # 6to4 of 127.0.0.1 goes through a relay: not opened
    # an IPv6 network opened never lets an IPv4 address in IPv6 clothing through (a review: 2000::/3
    # opened 6to4 of the metadata address, ::/0 its mapped and NAT64 forms)
    settings_env(FETCH_ALLOW_NETWORKS="127.0.0.0/8,2000::/3,::/0")
    for address in ("2002:a9fe:a9fe::1", "::ffff:169.254.169.254", "64:ff9b::a9fe:a9fe"):
        assert fetch.address_problem(address), address
    assert fetch.address_problem("2606:4700::1111") is None and fetch.address_problem("fd00::1") is None
    monkeypatch.setattr(fetch, "resolve_host", lambda host, port: ["127.0.0.1", "10.0.0.8"])
    assert "private" in fail("http://mixed.example/").message  # every address must be opened
    settings_env(FETCH_ALLOW_NETWORKS="")
    assert "private (loopback)" in fail(local_server.url("/p")).message


def test_a_bad_network_in_the_setting_is_named():
    from core.errors import ValidationError
    from core.settings import load_settings

    with pytest.raises(ValidationError, match="FETCH_ALLOW_NETWORKS='127.0.0.1/99'"):
        load_settings({"FETCH_ALLOW_NETWORKS": "127.0.0.1/99"})


@pytest.mark.parametrize("address", [
    "127.0.0.1", "10.1.2.3", "172.16.0.9", "192.168.1.1", "169.254.169.254", "224.0.0.1", "0.0.0.0",
    "240.0.0.1", "100.64.0.1", "::1", "fe80::1", "fc00::1", "ff02::1", "::", "::ffff:127.0.0.1",
    # an IPv4 address carried inside IPv6 counts as itself (6to4, NAT64, IPv4-compatible), and the
    # deprecated site-local range is private
    "2002:7f00:1::1", "2002:a9fe:a9fe::", "64:ff9b::a00:1", "::127.0.0.1", "fec0::1",
])
def test_non_public_addresses_have_a_reason(address):
    assert fetch.address_problem(address).startswith("host resolves to a")


@pytest.mark.parametrize(("address", "kind"), [
    ("2002:7f00:1::1", "a private (loopback) address"), ("::ffff:169.254.169.254",
    "a link-local (cloud metadata range) address (169.254.169.254)"), ("0.0.0.0", "an unspecified address"),
])
def test_the_reason_names_the_kind_in_words(address, kind):
    assert f"host resolves to {kind}" in fetch.address_problem(address)


@pytest.mark.parametrize("address", ["93.184.216.34", "8.8.8.8", "2606:4700:4700::1111", "::ffff:8.8.8.8",
                                     "2002:808:808::1",
                                     # DNS64 on an IPv6-only network: a public IPv4 shop via NAT64
                                     "64:ff9b::808:808", "64:ff9b::5db8:d822"])
def test_public_addresses_pass(address):
    assert fetch.address_problem(address) is None


def test_a_name_resolving_to_the_metadata_address_is_refused(dns):
    answers, _ = dns
    answers["metadata.example"] = ["169.254.169.254"]
    error = fail("http://metadata.example/latest/meta-data/")
    assert "link-local" in error.message


def test_a_name_with_any_private_answer_is_refused(monkeypatch):
    monkeypatch.setattr(fetch, "resolve_host", lambda host, port: ["93.184.216.34", "10.0.0.8"])
    assert "private" in fail("http://mixed.example/").message


@pytest.mark.parametrize("url", ["ftp://example.com/x", "file:///etc/passwd", "/relative/path", "example.com"])
def test_only_absolute_http_urls_are_fetched(url):
    assert "http" in fail(url).message


def test_redirects_are_rechecked_on_every_hop(local_server, public_loopback, dns):
    answers, _ = dns
    answers["shop.example"] = ["127.0.0.1"]
    answers["internal.example"] = ["10.0.0.5"]
    local_server.routes["/p"] = (302, {"Location": "http://internal.example/admin"}, b"")
    error = fail(f"http://shop.example:{local_server.port}/p")
    assert "private" in error.message
    assert [r.path for r in local_server.requests] == ["/p"]


def test_a_redirect_to_a_loopback_literal_is_refused(local_server, public_loopback, dns):
    answers, _ = dns
    answers["shop.example"] = ["127.0.0.2"]  # not the stand-in: a real loopback address
    local_server.routes["/p"] = (301, {"Location": "http://127.0.0.1/"}, b"")
    assert "loopback" in fail(f"http://shop.example:{local_server.port}/p").message


def test_dns_rebinding_cannot_move_the_connection(local_server, public_loopback, dns):
    """First answer public, every later answer the metadata address: the request must still go
    to the first (pinned) address, and DNS must be asked only once."""
    answers, lookups = dns
    answers["rebind.example"] = ["127.0.0.1", "169.254.169.254"]
    local_server.routes["/p"] = (200, HTML, b"<html>pinned</html>")
    page = fetch_page(f"http://rebind.example:{local_server.port}/p")
    assert "pinned" in page.text
    assert lookups == ["rebind.example"]
    assert local_server.requests[0].headers["host"] == f"rebind.example:{local_server.port}"


def test_a_rebound_name_is_refused_on_the_next_redirect_hop(local_server, public_loopback, dns):
    answers, lookups = dns
    answers["rebind.example"] = ["127.0.0.1", "169.254.169.254"]
    local_server.routes["/p"] = (302, {"Location": "/next"}, b"")
    local_server.routes["/next"] = (200, HTML, b"<html>secret</html>")
    error = fail(f"http://rebind.example:{local_server.port}/p")
    assert "link-local" in error.message
    assert [r.path for r in local_server.requests] == ["/p"] and lookups == ["rebind.example"] * 2


def test_five_redirects_are_followed_and_a_sixth_is_refused(local_server):
    for n in range(1, 7):
        local_server.routes[f"/r{n}"] = (302, {"Location": f"/r{n + 1}"}, b"")
    local_server.routes["/r6"] = (200, HTML, b"<html>end</html>")
    assert fetch_page(local_server.url("/r1"), allow_private=True).final_url == local_server.url("/r6")
    local_server.routes["/r0"] = (302, {"Location": "/r1"}, b"")
    assert "too many redirects" in fail(local_server.url("/r0"), allow_private=True).message


@pytest.mark.parametrize("status,transient", [(404, False), (410, False), (403, False),
                                              (429, True), (500, True), (503, True)])
def test_http_errors_say_the_status_and_whether_to_retry(local_server, status, transient):
    local_server.routes["/p"] = (status, HTML, b"<html>no</html>")
    error = fail(local_server.url("/p"), allow_private=True)
    assert error.message == f"page returned HTTP {status}" and error.transient is transient


def test_a_pdf_is_not_an_html_page(local_server):
    local_server.routes["/p"] = (200, {"Content-Type": "application/pdf"}, b"%PDF-1.4")
    error = fail(local_server.url("/p"), allow_private=True)
    assert error.message == "not an HTML page (application/pdf)" and not error.transient


def test_html_without_a_content_type_is_recognised(local_server):
    local_server.routes["/p"] = (200, {}, b"<!DOCTYPE html><html><body>hi</body></html>")
    assert "hi" in fetch_page(local_server.url("/p"), allow_private=True).text


def test_an_announced_oversized_page_is_refused(local_server, monkeypatch):
    local_server.routes["/p"] = (200, HTML, b"<html>" + b"x" * (fetch.HTML_MAX_BYTES + 10))
    assert "larger than 5 MB" in fail(local_server.url("/p"), allow_private=True).message


def test_a_streamed_oversized_page_is_cut_off(local_server):
    chunk = b"<p>" + b"x" * 65533
    body = (chunk for _ in range(200))  # 12.8 MB, no Content-Length
    local_server.routes["/p"] = (200, HTML, body)
    assert "larger than 5 MB" in fail(local_server.url("/p"), allow_private=True).message


def test_a_slow_page_times_out_with_the_total_limit(local_server, settings_env):
    settings_env(FETCH_TIMEOUT_SECONDS="1")
    local_server.routes["/p"] = (200, HTML, slow_body(chunks=20, delay=0.3))
    started = time.monotonic()
    error = fail(local_server.url("/p"), allow_private=True)
    assert error.message == "the page did not load within 1 s (timed out)" and error.transient
    assert time.monotonic() - started < 3


def test_an_unreachable_port_is_a_transient_failure():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # closed again when the block ends: nothing listens
    error = fail(f"http://127.0.0.1:{port}/", allow_private=True)
    assert "could not connect" in error.message and error.transient


@pytest.mark.parametrize("headers,body,expected,encoding", [
    ({"Content-Type": "text/html"}, "\ufeff<html>Grüße</html>".encode("utf-8"), "Grüße", "utf-8"),
    ({"Content-Type": "text/html; charset=iso-8859-1"}, "<html>café</html>".encode("latin-1"), "café", "cp1252"),
    ({"Content-Type": "text/html"}, '<html><head><meta charset="windows-1251"></head>Цена</html>'.encode("cp1251"),
     "Цена", "cp1251"),
    ({"Content-Type": "text/html"},
     '<html><head><meta http-equiv="Content-Type" content="text/html; charset=koi8-r"></head>Товар</html>'
     .encode("koi8_r"), "Товар", "koi8-r"),
])
def test_pages_are_decoded_from_bom_header_or_meta(local_server, headers, body, expected, encoding):
    local_server.routes["/p"] = (200, headers, body)
    page = fetch_page(local_server.url("/p"), allow_private=True)
    assert expected in page.text and page.encoding == encoding


def test_gzip_bodies_are_decompressed(local_server):
    local_server.routes["/p"] = (200, HTML | {"Content-Encoding": "gzip"}, gzip.compress(b"<html>zipped</html>"))
    assert "zipped" in fetch_page(local_server.url("/p"), allow_private=True).text


def test_images_are_fetched_as_bytes(local_server):
    local_server.routes["/i.png"] = (200, {"Content-Type": "image/png"}, PNG)
    image = fetch_image(local_server.url("/i.png"), allow_private=True)
    assert image.data == PNG and image.content_type == "image/png"


def test_image_bytes_are_recognised_without_an_image_content_type(local_server):
    local_server.routes["/i"] = (200, {"Content-Type": "application/octet-stream"}, PNG)
    assert fetch_image(local_server.url("/i"), allow_private=True).content_type == "image/png"


@pytest.mark.parametrize("ctype,body,reason", [
    ("text/html", b"<html></html>", "not an image (text/html)"),
    ("image/svg+xml", b"<svg/>", "image is SVG artwork, not a photo"),
])
def test_non_images_are_refused(local_server, ctype, body, reason):
    local_server.routes["/i"] = (200, {"Content-Type": ctype}, body)
    with pytest.raises(ScrapeError, match=reason.replace("(", r"\(").replace(")", r"\)")):
        fetch_image(local_server.url("/i"), allow_private=True)


def test_images_are_refused_from_private_hosts_by_default(local_server):
    local_server.routes["/i.png"] = (200, {"Content-Type": "image/png"}, PNG)
    with pytest.raises(ScrapeError, match="private"):
        fetch_image(local_server.url("/i.png"))
    assert local_server.requests == []


def test_the_server_helper_serves_a_directory(tmp_path):
    (tmp_path / "page.html").write_text("<html>from disk</html>")
    with LocalServer(directory=tmp_path) as server:
        assert "from disk" in fetch_page(server.url("/page.html"), allow_private=True).text
        assert "HTTP 404" in fail(server.url("/missing.html"), allow_private=True).message


def test_an_opening_can_name_its_ports_and_then_opens_no_other(local_server, settings_env):
    """A walk-through: "127.0.0.0/8" opened for a test shop also let a batch fetch the
    database's port (127.0.0.1:5432). An entry may name its port or port range; other
    ports of that network stay refused, with words saying which port."""
    from core.urls import url_problem

    local_server.routes["/p"] = (200, HTML, b"<html>ok</html>")
    port = int(local_server.url("/p").split(":")[2].split("/")[0])
    settings_env(FETCH_ALLOW_NETWORKS=f"127.0.0.1:{port}, [::1]:{port}")
    assert "ok" in fetch_page(local_server.url("/p")).text
    assert url_problem(local_server.url("/p")) is None
    other = port + 1 if port < 65535 else port - 1
    assert url_problem(f"http://127.0.0.1:{other}/p") is not None
    assert url_problem("http://127.0.0.1/p") is not None  # port 80 is not named either
    message = fail(f"http://localhost:{other}/").message
    assert f"only the ports an operator opened there are fetched (FETCH_ALLOW_NETWORKS), not {other}" in message
    # and this machine's names are checked when the URL is given, as the fetcher will (a walk-through:
    # localhost:<another port> was taken, then failed; 127.0.0.1:<another port> was refused at once)
    assert url_problem(f"http://localhost:{other}/p") == \
        "URL points to this machine, at an address or port not opened for fetching"
    assert fetch.address_problem("127.0.0.1", 5432) and fetch.address_problem("127.0.0.1", port) is None
    assert url_problem("http://127.0.0.1:5432/") == "URL points to a private address at a port not opened for fetching"
    assert fetch.address_problem("::1", port) is None and fetch.address_problem("::1", 5432)
    settings_env(FETCH_ALLOW_NETWORKS=f"127.0.0.0/8:{port}-{port + 1 if port < 65535 else port}")
    assert fetch.address_problem("127.0.0.9", port) is None and fetch.address_problem("127.0.0.9", 22)
    settings_env(FETCH_ALLOW_NETWORKS="127.0.0.0/8")  # no port: every port, as before
    assert fetch.address_problem("127.0.0.1", 5432) is None


@pytest.mark.parametrize("entry", ["127.0.0.1:0", "127.0.0.1:70000", "127.0.0.1:9-8", "[::1]", "[::1]x",
                                   "127.0.0.1:http", "127.0.0.1:8080-",
                                   "::1:8080"])  # (a review: an address, every port open, for "[::1]:8080")
def test_a_bad_port_in_the_setting_is_named(entry):
    from core.errors import ValidationError
    from core.settings import load_settings

    with pytest.raises(ValidationError, match="FETCH_ALLOW_NETWORKS="):
        load_settings({"FETCH_ALLOW_NETWORKS": entry})
