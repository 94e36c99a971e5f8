"""Host names and addresses: the registrable part of a host, shared by the fetcher
(Sec-Fetch-Site) and the extractor (a shop's own name and labels); what kind of non-public
address an IP is, shared by the URL check (a literal address typed into a form or the API) and
the fetcher (every address a name resolves to).

A short rule, not the Public Suffix List: a two-letter country code after a generic second
level ("co.uk", "com.au", "gov.uk") counts as the suffix, otherwise the last label does."""

from __future__ import annotations

import ipaddress

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

_SECOND_LEVEL = {"co", "com", "org", "net", "ne", "or", "ac", "gov", "gob", "edu", "ltd", "plc", "me", "gv", "go"}


def registrable_domain(host: str | None) -> str:
    """``mango.com`` of shop.mango.com, ``ctshirts.co.uk`` of www.ctshirts.co.uk; a host of one
    label is returned as it is."""
    parts = [p for p in (host or "").lower().rstrip(".").split(".") if p]
    country_suffix = len(parts) >= 3 and len(parts[-1]) == 2 and parts[-2] in _SECOND_LEVEL
    return ".".join(parts[-3:] if country_suffix else parts[-2:])


_SHARED_NAT = ipaddress.ip_network("100.64.0.0/10")  # carrier-grade NAT: inside a provider's network
_NAT64 = ipaddress.ip_network("64:ff9b::/96")  # the well-known NAT64 prefix: an IPv4 address in IPv6


def _embedded_ipv4(ip: IPAddress) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 address carries: IPv4-mapped (::ffff:a.b.c.d), the deprecated
    IPv4-compatible form (::a.b.c.d), 6to4 (2002:AABB:CCDD::) and the NAT64 prefix."""
    if ip.version == 4:
        return None
    if ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    if ip.sixtofour is not None:
        return ip.sixtofour
    packed = int(ip)
    if ip in _NAT64 or (packed >> 32 == 0 and packed > 1):
        return ipaddress.IPv4Address(packed & 0xFFFFFFFF)
    return None


def address_kind(ip: IPAddress) -> str | None:
    """What kind of non-public address ``ip`` is ("private (loopback)", "link-local", …), or None
    for a public one. An IPv4 address carried inside an IPv6 one counts as itself: a private
    one makes the wrapper private, and ::ffff:8.8.8.8 is 8.8.8.8. The fetcher names the kind;
    the URL check refuses any kind (and, stricter, any literal that is not global)."""
    inner = _embedded_ipv4(ip)
    if inner is not None:
        kind = address_kind(inner)
        # a NAT64 address (DNS64 on an IPv6-only network) reaches the IPv4 address it carries:
        # public when that one is, although Python counts 64:ff9b::/96 as reserved
        if kind is not None or ip.ipv4_mapped is not None or ip in _NAT64:
            return kind
    if ip.is_loopback:
        return "private (loopback)"
    if ip.is_link_local:
        return "link-local (cloud metadata range)" if ip.version == 4 else "link-local"
    if ip.is_multicast:
        return "multicast"
    if ip.is_unspecified:
        return "unspecified"
    if ip.is_private or ip in _SHARED_NAT or (ip.version == 6 and ip.is_site_local):
        return "private"
    if ip.is_reserved or not ip.is_global:
        return "reserved"
    return None


def allowed_by_setting(ip: IPAddress, port: int | None = None, *, any_port: bool = False) -> bool:
    """True when ``ip`` (on ``port``) lies in a network FETCH_ALLOW_NETWORKS opens (an IPv4-mapped
    address, ::ffff:a.b.c.d, counts as its IPv4 address; 6to4 and NAT64 ones go elsewhere: they
    do not). An entry naming ports opens only those (a walk-through: "127.0.0.0/8" for a test
    shop also let a batch fetch the database's port, 127.0.0.1:5432); with no port known, only
    an entry opening every port passes. ``any_port``: whether the network is opened at all."""
    from core.settings import get_settings

    networks = get_settings().fetch_allow_networks
    if not networks:
        return False
    if ip.version == 6 and _embedded_ipv4(ip) is not None:
        # an IPv4 address in IPv6 clothing: only the mapped form is that address; 6to4, NAT64 and
        # the compatible form go elsewhere, and never pass as an IPv6 network's member either
        ip = ip.ipv4_mapped
        if ip is None:
            return False
    return any(n.contains(ip) if any_port else n.opens(ip, port) for n in networks)
