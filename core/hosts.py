"""Host names: the registrable part of a host, shared by the fetcher (Sec-Fetch-Site) and the
extractor (a shop's own name and labels).

A short rule, not the Public Suffix List: a two-letter country code after a generic second
level ("co.uk", "com.au", "gov.uk") counts as the suffix, otherwise the last label does."""

from __future__ import annotations

_SECOND_LEVEL = {"co", "com", "org", "net", "ne", "or", "ac", "gov", "gob", "edu", "ltd", "plc", "me", "gv", "go"}


def registrable_domain(host: str | None) -> str:
    """``mango.com`` of shop.mango.com, ``ctshirts.co.uk`` of www.ctshirts.co.uk; a host of one
    label is returned as it is."""
    parts = [p for p in (host or "").lower().rstrip(".").split(".") if p]
    country_suffix = len(parts) >= 3 and len(parts[-1]) == 2 and parts[-2] in _SECOND_LEVEL
    return ".".join(parts[-3:] if country_suffix else parts[-2:])
