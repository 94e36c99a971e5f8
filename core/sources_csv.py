"""Reading a batch's sources from CSV, splitting long lists, and the live summary line.

Pure functions: text in, plain data out. The New batch page calls them; nothing here knows
about Streamlit or the database.

Accepted CSV (at most 1 MB): a header ``url[,batch_size]`` (column names are case-insensitive,
in any order; the size column also as ``previews``, ``qty``… — ``SIZE_HEADERS``; under a lone
``url`` header the cell after the URL when every such cell is a size) or a bare list of URLs
(optionally ``url,batch_size`` per line). UTF-8 with or without BOM, cp1252 and UTF-16;
``;`` or tab separators (Excel's ``sep=`` line too), CR, LF or CRLF line ends, blank lines
and stray whitespace are tolerated. Every bad row is reported by its line number in the file
with the reason; a header column of small whole numbers not read as the size is named.
"""

from __future__ import annotations

import csv
import io
import math
import re
from dataclasses import dataclass, field

from core.settings import RateLimit
from core.urls import normalize_url, url_problem

MAX_CSV_MB = 1  # the upload widget's limit and the file's own: one and the same (Streamlit's MB is 2**20 bytes)
MAX_CSV_BYTES = MAX_CSV_MB * 1024 * 1024
URL_HEADERS = {"url", "urls", "product_url", "product url", "link", "product"}
# the table's own column is "Previews"; a sheet's "qty" means the same (a walk-through's "previews"
# column was ignored and every row made 3)
SIZE_HEADERS = {"batch_size", "batch size", "batchsize", "size", "count", "variants", "variant",
                "previews", "preview", "number of previews", "qty", "quantity", "banners"}


@dataclass(frozen=True)
class CsvResult:
    """Rows read from a CSV file (``{url, batch_size, line}``) and the problems found."""

    rows: list[dict] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    had_header: bool = False
    fixable: list[dict] = field(default_factory=list)
    """Bad lines kept as typed (``{url, batch_size, line}``, batch_size the cell's text) because the
    table can fix them: a good URL with a bad batch_size, a URL typed without https://. Their
    problems are in ``problems`` too; the others there are left out."""
    notes: list[str] = field(default_factory=list)
    """What may be read otherwise than the file means, no line left out: a column of small
    whole numbers not read as the number of previews."""

    @property
    def file_problem(self) -> str | None:
        """Why the file as a whole was not read (too large, not CSV, no URLs), else None: no
        line of it was "left out", so a page says this of the file."""
        if self.rows or len(self.problems) != 1 or self.problems[0].startswith("Line "):
            return None
        return self.problems[0]


def _utf16(data: bytes) -> str | None:
    """The codec of UTF-16 text (Excel's "Unicode Text" export): by its byte order mark, or by
    the zero bytes of ASCII text in it; None for anything else."""
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return "utf-16"
    head = data[:4096]
    if len(head) >= 4 and len(head) % 2 == 0:
        odd, even = head[1::2], head[0::2]
        if odd.count(0) > len(odd) * 0.9 and even.count(0) < len(even) * 0.1:
            return "utf-16-le"
        if even.count(0) > len(even) * 0.9 and odd.count(0) < len(odd) * 0.1:
            return "utf-16-be"
    return None


def _decode(data: bytes | str) -> str:
    if isinstance(data, str):
        text = data.lstrip("\ufeff")
    elif codec := _utf16(data):
        text = data.decode(codec, errors="replace").lstrip("\ufeff")
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            # Spreadsheet exports on Windows are often cp1252; URLs are ASCII anyway.
            text = data.decode("cp1252", errors="replace")
    # lines ended by CR alone (Excel for Mac's "CSV (Macintosh)") were read as one bad line
    return text.replace("\r\n", "\n").replace("\r", "\n")


_SEP_LINE = re.compile(r"^\s*sep=(.)\s*$", re.I)  # Excel's first line naming the separator


def _delimiter(text: str) -> str:
    """``;``, tab or ``,`` — from Excel's ``sep=`` line, else from the first non-blank line:
    ``;`` after a header name, or before a size, a size header or nothing (a comma inside a
    URL: ``…?a=1,2;2``), or with no comma and no ``=`` after it (a URL's own ``;jsessionid=…``
    is no separator)."""
    first = next((line for line in text.splitlines() if line.strip()), "")
    if sep := _SEP_LINE.match(first):
        return sep.group(1)
    if "\t" in first:
        return "\t"
    if ";" in first:
        head = first.split(";", 1)[0].strip().strip('"').lower()
        tail = first.rsplit(";", 1)[1].strip().strip('"').lower()
        # a header, a size or nothing after it; not a URL's own ";jsessionid=…" (a walk-through)
        if head in URL_HEADERS | SIZE_HEADERS or tail.isdigit() or tail in SIZE_HEADERS or not tail \
                or ("," not in first and "=" not in tail):
            return ";"
    return ","


def parse_batch_size(value: object, default: int, maximum: int) -> int | None:
    """A batch_size cell as an int in 1..maximum (blank → default), or None when invalid."""
    text = "" if value is None else str(value).strip()
    if not text or text.lower() == "nan":
        return default
    try:
        number = float(text)
    except ValueError:
        return None
    if not number.is_integer() or not 1 <= number <= maximum:
        return None
    return int(number)


def row_problems(url: object, size_cell: object, *, default_size: int, max_size: int,
                 allow_private: bool = False) -> tuple[list[str], int | None]:
    """(reasons the row is bad, its batch size or None) — the one set of rules and words
    for a CSV line and a row of the New batch table."""
    problems = []
    problem = url_problem(url, allow_private=allow_private)
    if problem:
        problems.append(problem)
    size = parse_batch_size(size_cell, default_size, max_size)
    if size is None:
        shown = "" if size_cell is None else str(size_cell).strip()
        problems.append(f"batch_size must be a whole number from 1 to {max_size} (got {shown!r})")
    return problems, size


def scheme_fix(url: object, *, allow_private: bool = False) -> str | None:
    """``https://www.shop.com/item`` for ``www.shop.com/item`` (a URL typed without its
    scheme), when that makes it a good URL; else None."""
    if not isinstance(url, str):
        return None
    text = url.strip()
    if not text or "://" in text or text.startswith("//") and not text[2:]:
        return None
    candidate = "https:" + text if text.startswith("//") else "https://" + text
    host = candidate.split("://", 1)[1].split("/", 1)[0].split(":", 1)[0]
    if "." not in host:
        return None  # "shoes" is not a web address
    return candidate if url_problem(candidate, allow_private=allow_private) is None else None


# What people upload instead of CSV, by the first bytes of the file.
_NOT_CSV = [
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"RIFF", "a WebP image or another media file"),
    (b"%PDF", "a PDF document"),
    (b"PK\x03\x04", "a ZIP archive or an Excel/Numbers workbook (.xlsx)"),
    (b"\xd0\xcf\x11\xe0", "an old Excel workbook (.xls)"),
]


def not_csv_reason(data: bytes, name: str = "The file") -> str | None:
    """A sentence for a file that is not text at all (an image or workbook renamed .csv),
    or None when it may be CSV."""
    head = data[:16]
    kind = next((what for magic, what in _NOT_CSV if head.startswith(magic)), None)
    if kind is None and b"\x00" in data[:4096] and not _utf16(data):
        kind = "a binary file"
    if kind is None:
        return None
    return (f"{name} is not a CSV file: it looks like {kind}. Export the sheet as CSV "
            "(in Excel or Google Sheets: File → Save as / Download → CSV) and upload that "
            "file, or paste the URLs into the table.")


def _header_columns(cells: list[str]) -> tuple[int, int | None] | None:
    """(url column, batch_size column) when ``cells`` is a header row, else None."""
    names = [c.strip().lower() for c in cells]
    # "url" before "product" ("product,url,qty": the product's name is no URL — a walk-through)
    url_col = min((i for i, n in enumerate(names) if n in URL_HEADERS),
                  key=lambda i: (names[i] == "product", i), default=None)
    if url_col is None:
        return None
    size_col = next((i for i, n in enumerate(names) if n in SIZE_HEADERS), None)
    return url_col, size_col


def _whole_number(cell: str, maximum: int) -> bool:
    return cell.isascii() and cell.isdigit() and len(cell) <= 3 and 1 <= int(cell) <= maximum


# a column of small numbers under these names is no number of previews
_NOT_A_SIZE = re.compile(r"price|cost|amount|total|eur|usd|€|\$|£|rating|stars|id\b", re.I)


def _unread_numbers(header: list[str], records: list[list[str]], url_col: int, maximum: int) -> str | None:
    """The name of a header's column, not read, whose every cell is a whole number from 1 to
    ``maximum``: likely the number of previews under a name not known here."""
    for i, name in enumerate(header):
        if i == url_col or not name or _NOT_A_SIZE.search(name):
            continue
        cells = [cells[i] for cells in records if i < len(cells) and cells[i]]
        if cells and all(_whole_number(c, maximum) for c in cells):
            return name
    return None


def _records(text: str) -> list[tuple[int, list[str]]]:
    """(line number, stripped cells) of each non-blank line; Excel's leading ``sep=`` line
    (where the delimiter came from) left out. Raises ``csv.Error`` past a line it cannot read,
    with the lines before it kept on the exception (``.records``)."""
    reader = csv.reader(io.StringIO(text), delimiter=_delimiter(text), skipinitialspace=True)
    out: list[tuple[int, list[str]]] = []
    first = next((line for line in text.splitlines() if line.strip()), "")
    skip = bool(_SEP_LINE.match(first))  # its first record is that line, whatever its cells
    try:
        for cells in reader:
            cells = [c.strip() for c in cells]
            if not any(cells):
                continue  # blank line
            if skip:
                skip = False
                continue
            out.append((reader.line_num, cells))
    except csv.Error as exc:
        exc.records, exc.line = out, reader.line_num  # type: ignore[attr-defined]
        raise
    return out


def parse_sources_csv(
    data: bytes | str, *, default_size: int = 3, max_size: int = 10, allow_private: bool = False
) -> CsvResult:
    """Read ``url[,batch_size]`` rows; report each bad line as ``Line N: reason``."""
    if isinstance(data, bytes) and len(data) > MAX_CSV_BYTES:
        return CsvResult(problems=[f"The file is larger than {MAX_CSV_MB} MB; split it into "
                                   "smaller files, or paste the URLs into the table"])
    if isinstance(data, bytes) and (reason := not_csv_reason(data)):
        return CsvResult(problems=[reason])
    rows: list[dict] = []
    problems: list[str] = []
    fixable: list[dict] = []
    seen: dict[str, int] = {}
    try:
        records = _records(_decode(data))
        broken = None
    except csv.Error as exc:
        # In words, not the csv module's own text (no exception text reaches a user).
        records = exc.records  # type: ignore[attr-defined]
        reason = ("a cell is longer than the CSV reader accepts" if "field limit" in str(exc)
                  else "the rest of the file could not be read")
        broken = f"Line {exc.line}: the file is not valid CSV ({reason})"  # type: ignore[attr-defined]
    columns = _header_columns(records[0][1]) if records else None
    header = records[0][1] if columns else []
    body = records[1:] if columns else records
    url_col, size_col = columns if columns else (0, 1)
    if columns and size_col is None and len([n for n in header if n]) == 1 and all(
            _whole_number(cells[url_col + 1], max_size) for _line, cells in body
            if len(cells) > url_col + 1 and cells[url_col + 1]):
        # a header naming only the URL over "url,7" rows: the cell after the URL is the size, as
        # in a file without a header (a walk-through's 7 asked made 21) — when every such cell is one
        size_col = url_col + 1
    for line, cells in body:
        if not columns and len([c for c in cells if c]) > 2:
            problems.append(f"Line {line}: expected url[,batch_size], found {len(cells)} values")
            continue
        url = cells[url_col] if url_col < len(cells) else ""
        size_cell = cells[size_col] if size_col is not None and size_col < len(cells) else ""
        bad, size = row_problems(url, size_cell, default_size=default_size,
                                 max_size=max_size, allow_private=allow_private)
        fixed = url if url_problem(url, allow_private=allow_private) is None \
            else scheme_fix(url, allow_private=allow_private)
        norm = normalize_url(fixed) if fixed else None
        if norm and norm in seen:
            problems.append(f"Line {line}: same product URL as line {seen[norm]}")
            continue
        if bad:
            problems.extend(f"Line {line}: {p}" for p in bad)
            if norm:  # the table fixes it: keep the line as typed (a walk-through retyped such URLs)
                seen[norm] = line
                fixable.append({"url": url, "batch_size": size_cell, "line": line})
            continue
        seen[norm] = line
        rows.append({"url": url, "batch_size": size, "line": line})
    if broken:
        problems.append(broken)
    if not rows and not problems:
        problems.append("The file has no product URLs")
    notes = []
    if columns and size_col is None and (unread := _unread_numbers(header, [c for _l, c in body],
                                                                   url_col, max_size)):
        notes.append(f"The column “{unread}” was not read as the number of previews, so each row makes "
                     f"{default_size}: name it “previews” (or batch_size) in the file, or set the numbers "
                     "in the table.")
    return CsvResult(rows, problems, bool(columns), fixable, notes)


def split_sources(rows: list[dict], per_batch: int) -> list[list[dict]]:
    """Cut ``rows`` into consecutive chunks of at most ``per_batch`` (order kept)."""
    if per_batch < 1:
        raise ValueError("per_batch must be at least 1")
    return [rows[i:i + per_batch] for i in range(0, len(rows), per_batch)]


def rate_text(rate: RateLimit) -> str:
    """``20/min``, ``100/h`` or ``20/10s``."""
    if rate.unlimited:
        return "no rate limit"
    unit = {60: "min", 3600: "h", 1: "s"}.get(rate.window_seconds)
    return f"{rate.limit}/{unit}" if unit else f"{rate.limit}/{rate.window_seconds}s"


def duration_text(seconds: float) -> str:
    """``under a minute``, ``about 4 min``, ``about 1 h 20 min``."""
    minutes = math.ceil(seconds / 60)
    if minutes <= 0:
        return "under a minute"
    if minutes < 60:
        return f"about {minutes} min"
    hours, rest = divmod(minutes, 60)
    return f"about {hours} h {rest} min" if rest else f"about {hours} h"


def summary_text(sizes: list[int], rate: RateLimit, *, with_time: bool = True) -> str:
    """``4 URLs → 17 previews, about 1 min at 20/min`` for the rows about to be submitted
    (``with_time=False``: ``4 URLs → 17 previews at 20/min``, when the queue's own estimate
    follows and a second figure would only contradict it)."""
    urls, previews = len(sizes), sum(sizes)
    head = f"{urls} URL{'s' if urls != 1 else ''} → {previews} preview{'s' if previews != 1 else ''}"
    if not previews:
        return head
    if rate.unlimited:
        return f"{head}, {rate_text(rate)}"
    if not with_time:
        return f"{head} at {rate_text(rate)}"
    # The window admits `limit` starts at once, so the queue drains at limit/window.
    seconds = previews / rate.limit * rate.window_seconds
    return f"{head}, {duration_text(seconds)} at {rate_text(rate)}"
