"""Sectioning end tags libxml2 ignores and browsers honour.

A template that leaves a ``<div>`` open inside its ``<header>`` (or ``<nav>``, ``<aside>``…) gets
its ``</header>`` ignored by libxml2 — an HTML4 parser, whose end tags close only elements of
lower priority, and ``div`` outranks the HTML5 elements — so the rest of the page, the product's
heading, price and gallery included, parses as part of the site header. A browser (the HTML5
tree builder) closes the open ``<div>`` with the header. Such a page is repaired before it is
parsed again: the elements left open inside a sectioning element are closed where it closes, and
so where a list item or a list closes (Pottery Barn's account menu leaves a ``<div>`` open before its
``</li>``, and libxml2 then nests the whole page, buy box included, in the menu's header).
"""

from __future__ import annotations

import re

# end tags a browser honours over elements left open inside them, where libxml2 ignores them and swallows
# the page (not </form>: a browser leaves a <div> open inside a form open)
_SECTIONING = frozenset({"header", "nav", "footer", "aside", "main"})
# elements a browser's end-tag search does not reach past (the "scope" markers): an end tag of a
# section outside them is ignored, and so it is left here
_SCOPE = frozenset({"td", "th", "table", "caption", "template", "object", "marquee", "applet", "html", "svg", "math"})
# list end tags a browser also honours over a <div> left open inside (not over items whose end tag is optional)
_CLOSES_OPEN = frozenset({"li", "dd", "dt", "ul", "ol", "dl"})
_OPTIONAL_END = frozenset({"li", "dd", "dt", "p", "option"})  # end tags a template may leave out
_VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param",
                   "source", "track", "wbr", "keygen", "basefont", "frame", "isindex"})
_RAW = frozenset({"script", "style", "textarea", "title", "xmp", "noscript", "template", "iframe", "noembed"})
# a start tag of one of these closes an open <p> (the HTML5 rule, in short)
_CLOSES_P = frozenset({"address", "article", "aside", "blockquote", "details", "div", "dl", "fieldset", "figure",
                       "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "main", "menu", "nav",
                       "ol", "p", "pre", "section", "table", "ul"})
# a start tag that closes an open sibling of its own kind
_SIBLINGS = {"li": {"li"}, "dt": {"dt", "dd"}, "dd": {"dt", "dd"}, "option": {"option"},
             "td": {"td", "th"}, "th": {"td", "th"}, "tr": {"tr", "td", "th"}}
# a comment, a bogus comment (<!DOCTYPE>, <![CDATA[…]]>, <?…>), or a tag whose attribute values may be quoted
# (a quote opens a value only after "="); attributes stop at the next "<", so a page of unclosed "<"s stays linear
_TAG = re.compile(r"<!--.*?(?:-->|$)|<[!?][^>]*>|<(/?)([a-zA-Z][a-zA-Z0-9-]*)"
                  r"((?:[^<>=]|=\s*\"[^\"<]{0,4000}\"|=\s*'[^'<]{0,4000}'|=)*)>", re.S)


def swallowed(root) -> bool:
    """The parsed tree shows the symptom: a ``<main>`` inside a header, nav, footer or aside, or one of
    them holding most of the page and its ``<h1>`` (PrestaShop's ``section#main`` in ``nav.header-nav``)."""
    parts = list(root.iter("header", "nav", "footer", "aside"))
    if not parts:
        return False
    if any(part.find(".//main") is not None for part in parts):
        return True
    # (the page's <h1> too: a mega-menu may hold half a page's elements on its own)
    holding = [part for part in parts if part.find(".//h1") is not None]
    body = root.find("body") if holding else None
    total = sum(1 for _ in body.iter()) if body is not None else 0
    return total > 0 and any(sum(1 for _ in part.iter()) > total // 2 for part in holding)


def close_sections(html: str) -> str:
    """``html`` with an end tag written for each element left open inside a sectioning element,
    just before that element's own end tag (what a browser does)."""
    out: list[str] = []
    stack: list[str] = []
    last = 0
    pos = 0
    while True:
        m = _TAG.search(html, pos)
        if m is None:
            break
        pos = m.end()
        if m.group(2) is None:
            continue  # a comment
        closing, name = m.group(1) == "/", m.group(2).lower()
        if not closing:
            if name in _VOID or m.group(3).rstrip().endswith("/"):
                continue
            if name in _RAW:
                end = re.compile(rf"</{name}\s*>", re.I).search(html, pos)
                pos = end.end() if end else len(html)
                continue
            if name in _CLOSES_P:
                _pop_to(stack, {"p"}, _SCOPE | {"button"})  # (an open <p> closes, wherever it is in scope)
            same = _SIBLINGS.get(name)
            if same:
                _pop_to(stack, same, _SCOPE | {"ul", "ol", "dl", "select", "div"} - same)
            stack.append(name)
            continue
        if name not in stack:
            continue  # a stray end tag: parsers ignore it
        above = stack[len(stack) - 1 - stack[::-1].index(name) + 1:]
        if _SCOPE.intersection(above):
            continue  # beyond a table cell or a template: a browser ignores it too
        if above and (name in _SECTIONING or name in _CLOSES_OPEN and not _OPTIONAL_END.issuperset(above)):
            out.append(html[last:m.start()])
            out.append("".join(f"</{tag}>" for tag in reversed(above)))
            last = m.start()
        while stack and stack.pop() != name:
            pass
    out.append(html[last:])
    return "".join(out)


def _pop_to(stack: list[str], names: set, boundaries: frozenset | set) -> None:
    """Close the nearest open element named in ``names`` (and what is open inside it), unless a
    boundary is met first."""
    for i in range(len(stack) - 1, -1, -1):
        if stack[i] in names:
            del stack[i:]
            return
        if stack[i] in boundaries:
            return
