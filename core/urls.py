"""Product URL validation and normalisation (pure functions)."""

from __future__ import annotations

import ipaddress
import re
import socket
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from core.hosts import address_kind, allowed_by_setting

MAX_URL_LENGTH = 2048
_TRACKING_PREFIXES = ("utm_",)
_TRACKING_KEYS = {"gclid", "fbclid", "msclkid", "mc_cid", "mc_eid", "_ga", "igshid", "srsltid"}
_DEFAULT_PORTS = {"http": 80, "https": 443}


def _is_control(ch: str) -> bool:
    """C0/C1 controls, DEL, bidi embedding/override/isolate controls, lone surrogates."""
    code = ord(ch)
    return (code < 0x20 or 0x7F <= code < 0xA0 or 0x202A <= code <= 0x202E
            or 0x2066 <= code <= 0x2069 or 0xD800 <= code < 0xE000)


def url_problem(url: object, *, allow_private: bool = False) -> str | None:
    """Why ``url`` cannot be a product URL, or None when it can."""
    if not isinstance(url, str) or not url.strip():
        return "URL is empty"
    url = url.strip()
    if len(url) > MAX_URL_LENGTH:
        return f"URL is longer than {MAX_URL_LENGTH} characters"
    if "://" not in url and not url.lower().startswith(("http:", "https:")):
        return "URL must start with http:// or https://"  # words, not a link ("not a url")
    if any(ch.isspace() or _is_control(ch) for ch in url):
        return "URL contains spaces or control characters"
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return "URL is malformed"
    if parts.scheme.lower() not in ("http", "https"):
        return "URL must start with http:// or https://"
    host = parts.hostname
    if not host:
        return "URL has no host name"
    if parts.username or parts.password:
        return "URL must not contain a user name or password"
    if port is not None and not 0 < port < 65536:
        return "URL has an invalid port"
    if not allow_private:
        host = _ascii_host(host)  # as it is stored and fetched: "１２７.０.０.１" is 127.0.0.1
        ip = _as_ip(host)
        port = port or (443 if parts.scheme.lower() == "https" else 80)  # the port the fetcher will use
        if ip is not None and allowed_by_setting(ip, port):
            return None  # a network FETCH_ALLOW_NETWORKS opens
        if host == "localhost" or host.endswith(".localhost") or host.endswith(".local"):
            from core.settings import get_settings

            if not get_settings().fetch_allow_networks:
                return "URL points to this machine or a local network"
            if host.endswith(".local"):
                return None  # (multicast DNS: the fetcher checks every address the name resolves to)
            # this machine's names resolve here and now, as the fetcher will: refused at once when an
            # address or the port is not opened (a walk-through's localhost:<dashboard> was taken,
            # then failed; 127.0.0.1:5432 was refused at once)
            from core.fetch import address_problem, resolve_host

            try:
                addresses = resolve_host(host, port)
            except OSError:
                return None  # (the fetcher says why)
            if any(address_problem(a, port) for a in addresses):
                return "URL points to this machine, at an address or port not opened for fetching"
            return None
        if ip is not None and (address_kind(ip) is not None or not ip.is_global):
            if allowed_by_setting(ip, any_port=True):  # the network is opened, on other ports
                return "URL points to a private address at a port not opened for fetching"
            return "URL points to a private or reserved address"
    return None


def _ascii_host(host: str) -> str:
    """The host as normalize_url stores it: lower case, no final dot, IDNA (full-width digits and
    ideographic full stops become ASCII)."""
    host = host.lower().rstrip(".")
    try:
        return host.encode("idna").decode("ascii") if not host.isascii() else host
    except UnicodeError:
        return host


def _as_ip(host: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    """The address a host name spells, in every form the resolver reads as one: "127.0.0.1",
    "::1", and the short, whole-number, hexadecimal and octal IPv4 forms ("127.1", "2130706433",
    "0x7f000001", "0177.0.0.1") that the system resolver (inet_aton) also accepts."""
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        pass
    if re.fullmatch(r"(?:0x[0-9a-f]+|[0-9]+)(?:\.(?:0x[0-9a-f]+|[0-9]+)){0,3}\.?", host, re.I):
        try:
            return ipaddress.IPv4Address(socket.inet_aton(host.rstrip(".")))
        except OSError:
            return None
    return None


def normalize_url(url: str) -> str:
    """Canonical form used to recognise the same product page.

    Lower-cases scheme and host, drops the default port, the fragment and tracking
    parameters (utm_*, gclid, fbclid…); keeps the other query parameters in order
    (they often select a variant).
    """
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    host = _ascii_host(parts.hostname or "")
    if ":" in host:  # IPv6 literal
        host = f"[{host}]"
    port = parts.port
    netloc = host if port in (None, _DEFAULT_PORTS.get(scheme)) else f"{host}:{port}"
    query = [
        (k, v)
        for k, v in parse_qsl(parts.query, keep_blank_values=True)
        if not k.lower().startswith(_TRACKING_PREFIXES) and k.lower() not in _TRACKING_KEYS
    ]
    path = parts.path or "/"
    return urlunsplit((scheme, netloc, path, urlencode(query, doseq=True), ""))
