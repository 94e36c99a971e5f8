"""New batch page: the table, CSV upload, validation messages, split, duplicate submit."""

from __future__ import annotations

import pytest

from core.batches import list_batches
from core.previews import list_previews
from tests.app_harness import app_ws, open_page, texts  # noqa: F401

PAGE = "pages/new_batch.py"
U1, U2, U3 = ("https://shop.example.com/p/one", "https://shop.example.com/p/two",
              "https://shop.example.com/p/three")


def edit_table(at, edited=None, added=(), deleted=()):
    """Simulate data_editor edits (AppTest cannot type into the grid)."""
    key = at.data_editor[0].key
    at.session_state[key] = {"edited_rows": edited or {}, "added_rows": list(added),
                             "deleted_rows": list(deleted)}
    at.run()
    assert not at.exception, at.exception
    return at


def generate(at):
    at.button(key="new_batch_generate").click().run()
    assert not at.exception, at.exception
    return at


def test_the_page_starts_with_one_empty_row_and_a_summary(app_ws):
    at = open_page(PAGE)
    assert at.title[0].value == "New batch"
    assert at.data_editor[0].value.shape[0] == 1
    assert "0 URLs → 0 previews" in texts(at.info)
    # a walk-through: an added row's empty URL cell showed a grey "None"; the column's default is empty
    import json

    columns = json.loads(at.data_editor[0].proto.columns)
    assert columns["url"].get("default") == "", columns


def test_generating_nothing_says_what_to_do(app_ws):
    at = generate(open_page(PAGE))
    assert "Add at least one product URL" in texts(at.error)
    assert list_batches(app_ws).items == []


def test_the_summary_follows_the_table(app_ws):
    at = edit_table(open_page(PAGE), {0: {"url": U1, "batch_size": 5}},
                    [{"url": U2, "batch_size": 4}, {"url": U3}])
    info = texts(at.info)
    # one estimate, the queue's (shared test database: other items may be in line)
    assert "3 URLs → 12 previews at 20/min · from the current queue (" in info, info
    assert "about 1 min at" not in info and info.count("): ") == 1  # not two that disagree


def test_generate_creates_the_batch_and_opens_its_previews(app_ws, sent):
    at = edit_table(open_page(PAGE), {0: {"url": U1}}, [{"url": U2, "batch_size": 2}])
    at = generate(at)
    batches = list_batches(app_ws).items
    assert len(batches) == 1
    assert at.query_params["batch"] == [str(batches[0].id)] or \
        at.query_params["batch"] == str(batches[0].id)
    assert at.title[0].value == batches[0].name  # landed on the Previews page
    assert len(list_previews(app_ws, batches[0].id).items) == 5
    assert sent == [("batch", (str(batches[0].id),))]


def test_the_form_is_reset_after_generate(app_ws):
    at = generate(edit_table(open_page(PAGE), {0: {"url": U1}}))
    at.switch_page(PAGE).run()
    assert at.data_editor[0].value.shape[0] == 1
    assert at.data_editor[0].key.startswith("new_batch_rows_1_")
    assert "0 URLs → 0 previews" in texts(at.info)


def test_bad_rows_are_reported_by_table_row_and_nothing_is_created(app_ws):
    at = edit_table(open_page(PAGE), {0: {"url": U1}},
                    [{"url": ""}, {"url": "ftp://shop.example.com/p"}, {"url": U2, "batch_size": 11},
                     {"url": U1}])
    at = generate(at)
    error = texts(at.error).replace("\\", "")  # shown escaped (markdown), read as shown
    assert "Nothing was created" in error
    assert "Row 3: URL must start with http:// or https://" in error
    assert "Row 4: batch_size must be a whole number from 1 to 10" in error
    assert "Row 5: same product URL as row 1" in error
    assert list_batches(app_ws).items == []


def test_a_size_column_under_an_unknown_name_is_named_and_the_uploader_says_its_limit(app_ws):
    # a walk-through: "url,stock" rows of 1 made 3 previews each without a word, and the uploader
    # said "15MB per file" over a page refusing files over 1000 kB
    at = open_page(PAGE)
    (uploader,) = at.get("file_uploader")
    assert uploader.proto.max_upload_size_mb == 1
    at.file_uploader(key="new_batch_csv_0").upload("p.csv", f"url,stock\n{U1},1\n{U2},1\n".encode(), "text/csv")
    at.run()
    assert not at.exception
    assert "The column “stock” was not read as the number of previews, so each row makes 3" \
        in texts(at.warning).replace("\\", ""), texts(at.warning)


def test_a_csv_upload_fills_the_table_and_reports_bad_lines(app_ws):
    at = open_page(PAGE)
    csv = f"\ufeffurl;batch_size\n{U1};2\n\n  {U2} ; 4 \nnot-a-url;2\n{U3};99\n".encode()
    at.file_uploader(key="new_batch_csv_0").upload("products.csv", csv, "text/csv")
    at.run()
    assert not at.exception
    # every row of the table counted, then the ones to fix
    assert "Read 3 rows from products.csv: 2 ready, 1 with a problem to fix or delete in the table" \
        in texts(at.success), texts(at.success)
    warning = texts(at.warning).replace("\\", "")
    assert "Line 5: URL must start with http:// or https://" in warning  # not a web address: left out
    # a good URL with a bad batch_size is kept as typed, to fix (a walk-through retyped such URLs)
    assert "1 line of products.csv was left out" in warning and "Line 6" not in warning.split("in the table")[0]
    assert "Row 3: batch_size must be a whole number from 1 to 10 (got '99')" in warning
    table = at.data_editor[0].value
    assert list(table["url"]) == [U1, U2, U3] and list(table["batch_size"]) == ["2", "4", "99"]
    assert "2 URLs → 6 previews" in texts(at.info)
    edit_table(at, {2: {"batch_size": "9"}})
    generate(at)
    (batch,) = list_batches(app_ws).items
    assert [s["batch_size"] for s in batch.sources] == [2, 4, 9]


def test_a_csv_url_without_https_is_kept_and_offered_the_fix(app_ws, sent):
    # a walk-through: "www.shop.com/item" in a CSV was dropped, while the table offers "Use https://"
    at = open_page(PAGE)
    at.file_uploader(key="new_batch_csv_0").upload("urls.csv", f"url\n{U1}\nshop.example.com/p/two\n".encode(),
                                                   "text/csv")
    at.run()
    assert list(at.data_editor[0].value["url"]) == [U1, "shop.example.com/p/two"]
    at.button(key="new_batch_https").click().run()
    assert list(at.data_editor[0].value["url"]) == [U1, U2]
    generate(at)
    (batch,) = list_batches(app_ws).items
    assert [s["url"] for s in batch.sources] == [U1, U2]


def test_more_urls_than_allowed_offers_to_split_them(app_ws, sent):
    rows = [{"url": f"https://shop.example.com/p/{i}", "batch_size": 1} for i in range(12)]
    at = edit_table(open_page(PAGE), {0: rows[0]}, rows[1:])
    assert "12 URLs is more than the 5 allowed in one batch" in texts(at.warning)
    assert at.button(key="new_batch_generate").disabled
    at.button(key="new_batch_split").click().run()
    assert not at.exception
    batches = list_batches(app_ws).items
    assert sorted(len(b.sources) for b in batches) == [2, 5, 5]
    # told apart by name (walk-through: three batches of one list had the same name)
    assert sorted(b.name[-5:] for b in batches) == ["(1/3)", "(2/3)", "(3/3)"]
    assert len({b.name for b in batches}) == 3
    assert at.title[0].value == "Batches"
    assert len(sent) == 3


def test_a_double_submit_creates_one_batch(app_ws, sent):
    first = generate(edit_table(open_page(PAGE), {0: {"url": U1, "batch_size": 2}}))
    again = generate(edit_table(open_page(PAGE), {0: {"url": U1, "batch_size": 2}}))
    (batch,) = list_batches(app_ws).items
    assert first.title[0].value == again.title[0].value == batch.name
    assert "nothing new was created" in texts(again.info)
    assert len(sent) == 1


# --- issue 14, item 3: the table keeps what people type -------------------------------


def test_rows_are_kept_as_typed_with_per_row_problems_in_the_csv_words(app_ws):
    at = edit_table(open_page(PAGE), {0: {"url": "www.shop.com/item", "batch_size": "0"}},
                    [{"url": "ftp://shop.example.com/p", "batch_size": "11"},
                     {"url": "not a url, 5", "batch_size": "two"}, {"url": U1, "batch_size": "2"}])
    # the cells reach the checks as typed: nothing clamped, reverted or made "None"
    warning = texts(at.warning).replace("\\", "")
    assert "Row 1: URL must start with http:// or https://" in warning
    assert "Row 1: batch_size must be a whole number from 1 to 10 (got '0')" in warning
    assert "Row 2: batch_size must be a whole number from 1 to 10 (got '11')" in warning
    assert "Row 3: URL must start with http:// or https://" in warning  # words, not a link
    assert "Row 3: batch_size must be a whole number from 1 to 10 (got 'two')" in warning
    assert "Row 4" not in warning
    assert "1 URL → 2 previews" in texts(at.info)  # only the good row counts
    at = generate(at)
    error = texts(at.error).replace("\\", "")
    assert "Nothing was created" in error and "Add at least one product URL" not in error
    assert "Row 2: batch_size must be a whole number from 1 to 10 (got '11')" in error
    assert list_batches(app_ws).items == []


def test_a_url_without_scheme_is_offered_https(app_ws):
    at = edit_table(open_page(PAGE), {0: {"url": "www.shop.com/item", "batch_size": "2"}},
                    [{"url": "shoes"}])
    offer = at.button(key="new_batch_https")
    assert "row 1: https://www.shop.com/item" in offer.label and "row 2" not in offer.label
    offer.click().run()
    assert not at.exception
    table = at.data_editor[0].value
    assert list(table["url"]) == ["https://www.shop.com/item", "shoes"]
    assert list(table["batch_size"])[0] == "2"
    assert "https:// added to 1 row" in texts(at.toast)
    warning = texts(at.warning).replace("\\", "")
    assert "Row 1" not in warning and "Row 2: URL must start with http:// or https://" in warning


def test_a_png_renamed_csv_gets_a_sentence(app_ws):
    from tests.productsite import product_photo

    at = open_page(PAGE)
    at.file_uploader(key="new_batch_csv_0").upload("urls.csv", product_photo(((1, 2, 3), (4, 5, 6)), 32),
                                                   "text/csv")
    at.run()
    assert not at.exception
    error = texts(at.error)
    assert "urls.csv is not a CSV file: it looks like a PNG image" in error
    assert "Export the sheet as CSV" in error
    assert "Error" not in error and "line contains" not in error.lower()


@pytest.mark.parametrize(("data", "said"), [
    (b"https://shop.example.com/p/1\n" * 40_000, "big.csv was not read: the file is larger than 1 MB; split it"),
    (b"url,batch_size\n\n", "big.csv was not read: the file has no product URLs"),
])
def test_a_file_that_cannot_be_read_is_said_of_the_file_not_of_a_line(app_ws, data, said):
    # a walk-through: "1 line of big5mb.csv was left out: The file is larger than 1000 kB"
    at = open_page(PAGE)
    at.file_uploader(key="new_batch_csv_0").upload("big.csv", data, "text/csv")
    at.run()
    assert not at.exception
    assert said in texts(at.error).replace("\\", ""), texts(at.error)
    assert "left out" not in texts(at.warning)


def test_generate_pressed_again_after_creating_opens_that_batch_not_an_error(app_ws, sent):
    at = generate(edit_table(open_page(PAGE), {0: {"url": U1, "batch_size": 2}}))
    (batch,) = list_batches(app_ws).items
    # the browser's queued second and third clicks arrive as runs of New batch, after reset
    for _ in range(2):
        at.switch_page(PAGE).run()
        at = generate(at)
        assert not texts(at.error)
        assert at.title[0].value == batch.name
    assert len(list_batches(app_ws).items) == 1 and len(sent) == 1


def test_the_same_page_twice_is_flagged_while_typing(app_ws):
    # a walk-through pasted one URL twice and saw "3 URLs → 6 previews" with no word of it
    at = edit_table(open_page(PAGE), {0: {"url": U1, "batch_size": 2}},
                    [{"url": U1 + "#reviews", "batch_size": 2}, {"url": U2, "batch_size": 2}])
    warning = texts(at.warning).replace("\\", "")
    assert "Row 2: same product URL as row 1" in warning
    assert "2 URLs → 4 previews" in texts(at.info)  # the repeat is not counted
    assert list_batches(app_ws).items == []
    # a walk-through: the first row's batch_size was bad too, and only Generate named the repeat
    at = edit_table(open_page(PAGE), {0: {"url": U1, "batch_size": 0}}, [{"url": U1, "batch_size": 2}])
    warning = texts(at.warning).replace("\\", "")
    assert "Row 1: batch_size" in warning and "Row 2: same product URL as row 1" in warning, warning


def test_the_split_is_offered_on_the_good_rows_once_the_bad_ones_are_fixed(app_ws, sent):
    # a walk-through: 11 rows, 8 bad: "3 URLs → 7 previews" beside "11 URLs is more than the 5
    # allowed… Split into 3 batches", whose click said to press the disabled Generate
    good = [{"url": f"https://shop.example.com/p/{i}", "batch_size": 1} for i in range(3)]
    bad = [{"url": f"not a url {i}", "batch_size": 1} for i in range(8)]
    at = edit_table(open_page(PAGE), {0: good[0]}, good[1:] + bad)
    assert "more than the 5 allowed" not in texts(at.warning)
    assert not [b for b in at.button if b.key == "new_batch_split"]
    assert not at.button(key="new_batch_generate").disabled  # Generate names the bad rows
    more = [{"url": f"https://shop.example.com/q/{i}", "batch_size": 1} for i in range(4)]
    at = edit_table(open_page(PAGE), {0: good[0]}, good[1:] + more + bad[:1])
    assert "7 URLs is more than the 5 allowed" in texts(at.warning)
    assert at.button(key="new_batch_split").disabled  # the bad row first
    assert "Fix or remove the rows named above first" in texts(at.warning)


def test_a_batch_can_be_named_on_the_page(app_ws, sent):
    # a walk-through: the API could name a batch at creation, the page could not
    at = open_page(PAGE)
    at.text_input(key="new_batch_name_0").input("  Spring   sale shoes ")
    at = generate(edit_table(at, {0: {"url": U1}}))
    (batch,) = list_batches(app_ws).items
    assert batch.name == "Spring sale shoes"
    assert at.title[0].value == "Spring sale shoes"  # the Previews page, under its name


def test_a_named_list_split_in_batches_keeps_the_name_with_the_part(app_ws, sent):
    rows = [{"url": f"https://shop.example.com/p/{i}", "batch_size": 1} for i in range(7)]
    at = edit_table(open_page(PAGE), {0: rows[0]}, rows[1:])
    at.text_input(key="new_batch_name_0").input("Winter")
    at.button(key="new_batch_split").click().run()
    assert not at.exception
    assert sorted(b.name for b in list_batches(app_ws).items) == ["Winter (1/2)", "Winter (2/2)"]


def test_a_blank_name_means_the_date_and_time(app_ws, sent):
    at = open_page(PAGE)
    at.text_input(key="new_batch_name_0").input("   ")
    generate(edit_table(at, {0: {"url": U1}}))
    (batch,) = list_batches(app_ws).items
    assert batch.name and batch.name.strip() == batch.name and any(ch.isdigit() for ch in batch.name)


@pytest.mark.parametrize("typed_first", [True, False])
def test_a_typed_name_survives_a_csv_upload(app_ws, sent, typed_first):
    # a walk-through: with a CSV uploaded, the batch was named after the file ("spring\_sale\*v2.csv",
    # markdown escapes included) instead of the name typed, before or after the upload
    at = open_page(PAGE)
    if typed_first:
        at.text_input(key="new_batch_name_0").input("Spring sale")
    at.file_uploader(key="new_batch_csv_0").upload("spring_sale*v2.csv", f"url\n{U1}\n".encode(), "text/csv")
    at.run()
    if not typed_first:
        at.text_input(key="new_batch_name_0").input("Spring sale")
    generate(at)
    (batch,) = list_batches(app_ws).items
    assert batch.name == "Spring sale"


def test_a_csv_upload_without_a_name_gets_the_date_not_the_file_name(app_ws, sent):
    at = open_page(PAGE)
    at.file_uploader(key="new_batch_csv_0").upload("mixed.csv", f"url\n{U1}\n".encode(), "text/csv")
    at.run()
    generate(at)
    (batch,) = list_batches(app_ws).items
    assert "mixed" not in batch.name and any(ch.isdigit() for ch in batch.name)


def test_a_name_too_long_for_its_parts_is_refused_before_any_batch_is_made(app_ws, sent, settings_env):
    # a review: "<192 characters> (100/120)" was refused half-way, after earlier parts were made
    settings_env(MAX_URLS_PER_BATCH="1")
    rows = [{"url": f"https://shop.example.com/p/{i}", "batch_size": 1} for i in range(100)]
    at = edit_table(open_page(PAGE), {0: rows[0]}, rows[1:])
    at.text_input(key="new_batch_name_0").input("N" * 192)
    at.button(key="new_batch_split").click().run()
    assert "Batch name" in texts(at.error) and "part's number" in texts(at.error)
    assert list_batches(app_ws).items == []
