"""Reading a batch's sources from CSV, splitting long lists, and the live summary line.

Pure functions: text in, plain data out. The New batch page calls them; nothing here knows
about Streamlit or the database.

Accepted CSV: a header ``url[,batch_size]`` (column names are case-insensitive, in any
order) or a bare list of URLs (optionally ``url,batch_size`` per line). A UTF-8 BOM,
``;`` or tab separators, blank lines and stray whitespace are tolerated. Every bad row is
reported by its line number in the file with the reason.
"""

from __future__ import annotations

import csv
import io
import math
from dataclasses import dataclass, field

from core.settings import RateLimit
from core.urls import normalize_url, url_problem

MAX_CSV_BYTES = 1_000_000
URL_HEADERS = {"url", "urls", "product_url", "product url", "link", "product"}
SIZE_HEADERS = {"batch_size", "batch size", "batchsize", "size", "count", "variants"}


@dataclass(frozen=True)
class CsvResult:
    """Rows read from a CSV file (``{url, batch_size, line}``) and the problems found."""

    rows: list[dict] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    had_header: bool = False


def _decode(data: bytes | str) -> str:
    if isinstance(data, str):
        return data.lstrip("\ufeff")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        # Spreadsheet exports on Windows are often cp1252; URLs are ASCII anyway.
        return data.decode("cp1252", errors="replace")


def _delimiter(text: str) -> str:
    """``;``, tab or ``,`` — decided from the first non-blank line (URLs rarely hold ``;``)."""
    first = next((line for line in text.splitlines() if line.strip()), "")
    if "\t" in first:
        return "\t"
    if ";" in first and "," not in first:
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


def _header_columns(cells: list[str]) -> tuple[int, int | None] | None:
    """(url column, batch_size column) when ``cells`` is a header row, else None."""
    names = [c.strip().lower() for c in cells]
    url_col = next((i for i, n in enumerate(names) if n in URL_HEADERS), None)
    if url_col is None:
        return None
    size_col = next((i for i, n in enumerate(names) if n in SIZE_HEADERS), None)
    return url_col, size_col


def parse_sources_csv(
    data: bytes | str, *, default_size: int = 3, max_size: int = 10, allow_private: bool = False
) -> CsvResult:
    """Read ``url[,batch_size]`` rows; report each bad line as ``Line N: reason``."""
    if isinstance(data, bytes) and len(data) > MAX_CSV_BYTES:
        return CsvResult(problems=[f"The file is larger than {MAX_CSV_BYTES // 1000} kB"])
    text = _decode(data)
    reader = csv.reader(io.StringIO(text), delimiter=_delimiter(text), skipinitialspace=True)
    rows: list[dict] = []
    problems: list[str] = []
    seen: dict[str, int] = {}
    columns: tuple[int, int | None] | None = None
    had_header = False
    first = True
    try:
        for cells in reader:
            line = reader.line_num
            cells = [c.strip() for c in cells]
            if not any(cells):
                continue  # blank line
            if first:
                first = False
                columns = _header_columns(cells)
                if columns is not None:
                    had_header = True
                    continue
            url_col, size_col = columns if columns else (0, 1)
            if not columns and len([c for c in cells if c]) > 2:
                problems.append(f"Line {line}: expected url[,batch_size], found {len(cells)} values")
                continue
            url = cells[url_col] if url_col < len(cells) else ""
            size_cell = cells[size_col] if size_col is not None and size_col < len(cells) else ""
            problem = url_problem(url, allow_private=allow_private)
            size = parse_batch_size(size_cell, default_size, max_size)
            if problem:
                problems.append(f"Line {line}: {problem}")
            if size is None:
                problems.append(
                    f"Line {line}: batch_size must be a whole number from 1 to {max_size} "
                    f"(got {size_cell!r})"
                )
            if problem or size is None:
                continue
            norm = normalize_url(url)
            if norm in seen:
                problems.append(f"Line {line}: same product URL as line {seen[norm]}")
                continue
            seen[norm] = line
            rows.append({"url": url, "batch_size": size, "line": line})
    except csv.Error as exc:
        # In words, not the csv module's own text (no exception text reaches a user).
        reason = ("a cell is longer than the CSV reader accepts" if "field limit" in str(exc)
                  else "the rest of the file could not be read")
        problems.append(f"Line {reader.line_num}: the file is not valid CSV ({reason})")
    if not rows and not problems:
        problems.append("The file has no product URLs")
    return CsvResult(rows, problems, had_header)


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


def summary_text(sizes: list[int], rate: RateLimit) -> str:
    """``4 URLs → 17 previews, about 1 min at 20/min`` for the rows about to be submitted."""
    urls, previews = len(sizes), sum(sizes)
    head = f"{urls} URL{'s' if urls != 1 else ''} → {previews} preview{'s' if previews != 1 else ''}"
    if not previews:
        return head
    if rate.unlimited:
        return f"{head}, {rate_text(rate)}"
    # The window admits `limit` starts at once, so the queue drains at limit/window.
    seconds = previews / rate.limit * rate.window_seconds
    return f"{head}, {duration_text(seconds)} at {rate_text(rate)}"
