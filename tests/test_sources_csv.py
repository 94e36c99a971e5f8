"""CSV parsing, splitting into batches and the live summary (pure functions)."""

from __future__ import annotations

import pytest

from core.settings import RateLimit
from core.sources_csv import (
    parse_batch_size,
    parse_sources_csv,
    split_sources,
    summary_text,
)

A, B, C = ("https://shop.example.com/p/a", "https://shop.example.com/p/b",
           "https://shop.example.com/p/c")


def urls(result):
    return [(r["url"], r["batch_size"]) for r in result.rows]


@pytest.mark.parametrize("text, expected", [
    (f"url,batch_size\n{A},2\n{B},5\n", [(A, 2), (B, 5)]),
    (f"URL\n{A}\n{B}\n", [(A, 3), (B, 3)]),
    (f"batch_size,url\n4,{A}\n", [(A, 4)]),
    (f"{A}\n{B}\n", [(A, 3), (B, 3)]),
    (f"{A},7\n{B}\n", [(A, 7), (B, 3)]),
    (f"url;batch_size\n{A};2\n{B};1\n", [(A, 2), (B, 1)]),
    (f"url\tbatch_size\n{A}\t2\n", [(A, 2)]),
    (f"\n\nurl, batch_size \n\n  {A} ,  2 \n\n{B}\n\n", [(A, 2), (B, 3)]),
    (f'"url","batch_size"\n"{A}","2"\n', [(A, 2)]),
    (f"url,batch_size\n{A},\n", [(A, 3)]),
    (f"url,batch_size\n{A},2.0\n", [(A, 2)]),
])
def test_csv_files_in_the_accepted_shapes_are_read(text, expected):
    result = parse_sources_csv(text.encode())
    assert result.problems == []
    assert urls(result) == expected


def test_a_utf8_bom_is_ignored():
    result = parse_sources_csv(b"\xef\xbb\xbfurl,batch_size\r\n" + f"{A},2\r\n".encode())
    assert result.had_header and urls(result) == [(A, 2)]


def test_a_cp1252_file_is_read():
    result = parse_sources_csv(f"url\n{A}\n".encode("cp1252") + b"\xe9\n")
    assert urls(result) == [(A, 3)]
    assert result.problems and result.problems[0].startswith("Line 3:")


def test_every_bad_row_is_reported_by_line_number_with_the_reason():
    text = (f"url,batch_size\n{A},2\n\nftp://x.example.com/p,2\n{B},11\nnot a url,0\n"
            f"{A},1\n{C},abc\n")
    result = parse_sources_csv(text.encode(), max_size=10)
    assert urls(result) == [(A, 2)]
    assert result.problems == [
        "Line 4: URL must start with http:// or https://",
        "Line 5: batch_size must be a whole number from 1 to 10 (got '11')",
        "Line 6: URL must start with http:// or https://",  # "not a url": words, not a link
        "Line 6: batch_size must be a whole number from 1 to 10 (got '0')",
        "Line 7: same product URL as line 2",
        "Line 8: batch_size must be a whole number from 1 to 10 (got 'abc')",
    ]


def test_private_addresses_are_refused_unless_allowed():
    text = b"http://127.0.0.1:8000/p/1\n"
    assert parse_sources_csv(text).problems == [
        "Line 1: URL points to a private or reserved address"]
    assert parse_sources_csv(text, allow_private=True).problems == []


def test_a_bare_list_with_too_many_values_per_line_is_reported():
    result = parse_sources_csv(f"{A},2,extra\n{B}\n".encode())
    assert urls(result) == [(B, 3)]
    assert result.problems == ["Line 1: expected url[,batch_size], found 3 values"]


def test_an_empty_file_says_so():
    assert parse_sources_csv(b"\n \n").problems == ["The file has no product URLs"]
    assert parse_sources_csv(b"url,batch_size\n").problems == ["The file has no product URLs"]


def test_a_huge_file_is_refused():
    assert "larger than 1 MB" in parse_sources_csv(b"x" * (1024 * 1024 + 1)).problems[0]


@pytest.mark.parametrize("value, expected", [
    (None, 3), ("", 3), (" 4 ", 4), (4.0, 4), ("10", 10), ("11", None), ("2.5", None),
    ("-1", None), ("x", None), (float("nan"), 3),
])
def test_batch_size_cells(value, expected):
    assert parse_batch_size(value, 3, 10) == expected


def test_long_lists_are_split_in_order():
    rows = [{"url": f"https://s.example.com/{i}"} for i in range(12)]
    chunks = split_sources(rows, 5)
    assert [len(c) for c in chunks] == [5, 5, 2]
    assert [r for c in chunks for r in c] == rows
    with pytest.raises(ValueError):
        split_sources(rows, 0)


@pytest.mark.parametrize("sizes, rate, expected", [
    ([5, 4, 4, 4], RateLimit(20, 60), "4 URLs → 17 previews, about 1 min at 20/min"),
    ([10] * 5, RateLimit(20, 60), "5 URLs → 50 previews, about 3 min at 20/min"),
    ([3], RateLimit(20, 60), "1 URL → 3 previews, about 1 min at 20/min"),
    ([10] * 50, RateLimit(5, 60), "50 URLs → 500 previews, about 1 h 40 min at 5/min"),
    ([2, 2], RateLimit(100, 3600), "2 URLs → 4 previews, about 3 min at 100/h"),
    ([2], RateLimit(20, 10), "1 URL → 2 previews, about 1 min at 20/10s"),
    ([2, 2], RateLimit(0, 60), "2 URLs → 4 previews, no rate limit"),
    ([], RateLimit(20, 60), "0 URLs → 0 previews"),
])
def test_the_summary_counts_previews_and_estimates_time(sizes, rate, expected):
    assert summary_text(sizes, rate) == expected


def test_scheme_fix_offers_https_only_when_that_makes_a_good_url():
    from core.sources_csv import scheme_fix

    assert scheme_fix("www.shop.com/item") == "https://www.shop.com/item"
    assert scheme_fix(" shop.com/p?x=1 ") == "https://shop.com/p?x=1"
    assert scheme_fix("https://shop.com/p") is None
    assert scheme_fix("ftp://shop.com/p") is None
    assert scheme_fix("shoes") is None and scheme_fix("") is None and scheme_fix(None) is None
    assert scheme_fix("127.0.0.1/admin") is None  # private: still refused


def test_a_binary_file_named_csv_gets_a_sentence():
    from core.sources_csv import parse_sources_csv
    from tests.productsite import product_photo

    result = parse_sources_csv(product_photo(((1, 2, 3), (4, 5, 6)), 16))
    assert result.rows == []
    assert result.problems == [
        "The file is not a CSV file: it looks like a PNG image. Export the sheet as CSV (in Excel "
        "or Google Sheets: File → Save as / Download → CSV) and upload that file, or paste the "
        "URLs into the table."]
    assert "Excel/Numbers workbook" in parse_sources_csv(b"PK\x03\x04rest").problems[0]


def test_lines_the_table_can_fix_are_kept_as_typed():
    from core.sources_csv import parse_sources_csv

    got = parse_sources_csv("url,batch_size\nhttps://shop.example.com/a,11\nwww.shop.example.com/b,2\n"
                            "not a url,2\nhttps://shop.example.com/a?x,1\nhttps://shop.example.com/c,3\n")
    assert [r["url"] for r in got.rows] == ["https://shop.example.com/a?x", "https://shop.example.com/c"]
    assert got.fixable == [{"url": "https://shop.example.com/a", "batch_size": "11", "line": 2},
                           {"url": "www.shop.example.com/b", "batch_size": "2", "line": 3}]
    assert [p.split(":")[0] for p in got.problems] == ["Line 2", "Line 3", "Line 4"]


# --- a production walk-through's spreadsheet exports -----------------------------------------

@pytest.mark.parametrize("header", ["url,previews", "URL,Previews", "url,qty", "url,quantity",
                                    "sku,url,qty", "url,Number of previews"])
def test_the_tables_own_column_name_and_a_quantity_give_the_number_of_previews(header):
    # "url,previews" (the table's own column label) read 3 for every row: 3× the banners asked for
    cells = header.split(",")
    line = ",".join({"url": A, "sku": "SKU-1"}.get(c.lower(), "1") for c in cells)
    result = parse_sources_csv(f"{header}\n{line}\n".encode())
    assert urls(result) == [(A, 1)] and result.problems == [] and result.notes == []


def test_a_url_header_alone_reads_the_cell_after_the_url_as_its_size():
    # a "url" header over "…,7" rows made 3 each (21 previews for 7 asked)
    result = parse_sources_csv(f"url\n{A},7\n{B}\n".encode())
    assert urls(result) == [(A, 7), (B, 3)] and result.problems == []


def test_a_column_of_small_numbers_not_read_as_the_size_is_named():
    result = parse_sources_csv(f"url,stock\n{A},2\n{B},5\n".encode(), default_size=3)
    assert urls(result) == [(A, 3), (B, 3)]
    assert result.notes == ["The column “stock” was not read as the number of previews, so each row "
                            "makes 3: name it “previews” (or batch_size) in the file, or set the numbers "
                            "in the table."]
    # numbers that cannot be sizes (a SKU) are no such column
    assert parse_sources_csv(f"url,sku\n{A},48213\n".encode()).notes == []


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be"])
def test_excel_unicode_text_utf16_is_read(encoding):
    # Excel's "Unicode Text" (UTF-16, tab-separated) was refused as "a binary file"
    from core.sources_csv import not_csv_reason

    data = f"url\tbatch_size\r\n{A}\t2\r\n{B}\t4\r\n".encode(encoding)
    assert not_csv_reason(data) is None
    assert urls(parse_sources_csv(data)) == [(A, 2), (B, 4)]
    assert "binary" in not_csv_reason(b"\x00\x01\x02\x03garbage\x00\x00\xff")  # still refused


def test_mac_line_ends_an_excel_sep_line_and_a_comma_inside_a_semicolon_file():
    # CR-only lines read as one bad line ("1 line left out", nothing read)
    assert urls(parse_sources_csv(f"url,batch_size\r{A},2\r{B},1\r".encode())) == [(A, 2), (B, 1)]
    # Excel's "sep=;" first line: the header was then reported as two bad lines
    result = parse_sources_csv(f"sep=;\r\nurl;batch_size\r\n{A};2\r\n".encode())
    assert urls(result) == [(A, 2)] and result.problems == [] and result.had_header
    # no header, a comma inside the first URL: the line was split at the comma
    result = parse_sources_csv(f"{A}?a=1,2;2\n{B};3\n".encode())
    assert urls(result) == [(A + "?a=1,2", 2), (B, 3)] and result.problems == []


def test_odd_cells_never_break_the_reading_and_a_guessed_column_is_only_used_when_it_holds_sizes():
    # a review: "²" (isdigit, not int) in an unread column crashed the New batch page; a lone "url"
    # header over a notes column made every row bad; a price column was named as a size column
    assert urls(parse_sources_csv(f"url,stock\n{A},²\n{B},①\n".encode())) == [(A, 3), (B, 3)]
    assert urls(parse_sources_csv(f"url\n{A},Red mug\n{B},Blue\n".encode())) == [(A, 3), (B, 3)]
    assert parse_sources_csv(f"url\n{A},Red mug\n".encode()).problems == []
    assert parse_sources_csv(f"product,price\n{A},5\n".encode()).notes == []
    # a blank line before Excel's sep= line
    assert urls(parse_sources_csv(f"\n\nsep=;\nurl;batch_size\n{A};2\n".encode())) == [(A, 2)]


def test_a_url_column_wins_over_a_product_name_column_and_a_jsessionid_is_no_separator():
    # a second walk-through: "product,url,qty" read the product names as the URLs (every line
    # "URL must start with http://"); a bare list whose first URL holds ";jsessionid=" was cut there
    result = parse_sources_csv(f"product,url,qty\nRed mug,{A},2\nBlue mug,{B},1\n".encode())
    assert urls(result) == [(A, 2), (B, 1)] and result.problems == []
    session = f"{A};jsessionid=0A1B2C"
    assert urls(parse_sources_csv(f"{session}\n{B}\n".encode())) == [(session, 3), (B, 3)]
    assert urls(parse_sources_csv(f"{session},2\n".encode())) == [(session, 2)]
    assert urls(parse_sources_csv(f"{A};2\n{B};\n".encode())) == [(A, 2), (B, 3)]
