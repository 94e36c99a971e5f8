"""Batch services on SQLite and PostgreSQL."""

import datetime as dt
import threading
import time
import uuid

import pytest
import sqlalchemy as sa

from core import batches
from core.batches import (
    batch_name,
    cancel_batch,
    clear_completed,
    create_batch,
    delete_batch,
    get_batch,
    list_batches,
    retry_failed,
    try_finish_batch,
    validate_sources,
)
from core.errors import ConflictError, NotFoundError, ValidationError
from core.urls import url_problem
from core.previews import list_previews
from db.engine import get_engine, unit_of_work
from db.models import Batch, Preview
from tests.factories import create_user_batch, set_preview_state, urls


def test_a_batch_is_created_with_one_pending_preview_per_variant(db, workspace, sent):
    u = urls(2)
    info = create_batch(workspace, "alice", [{"url": u[0], "batch_size": 3}, {"url": u[1], "batch_size": 2}])
    assert info.created and info.status == "pending"
    assert info.progress.total == 5 and info.progress.pending == 5
    assert info.name.startswith("Batch Task - ")
    assert sent == [("batch", (str(info.id),))]
    previews = list_previews(workspace, batch_id=info.id).items
    assert sorted((p.source_url, p.variant_index) for p in previews) == sorted(
        [(u[0], i) for i in range(3)] + [(u[1], i) for i in range(2)]
    )
    assert {p.workspace for p in previews} == {workspace}


def test_the_batch_size_defaults_to_three_and_urls_are_normalized(db, workspace, sent):
    info = create_batch(workspace, "alice", ["HTTPS://Shop.Example.com:443/p/1?utm_source=x&size=m#top"])
    assert info.sources == [{"url": "https://shop.example.com/p/1?size=m", "batch_size": 3}]


def test_batch_names_follow_the_house_format():
    at = dt.datetime(2026, 1, 28, 10, 30, tzinfo=dt.timezone.utc)
    assert batch_name(at) == "Batch Task - Jan 28, 10:30 AM UTC"  # no zone known (API): says UTC
    assert batch_name(at.replace(hour=0, minute=5)) == "Batch Task - Jan 28, 12:05 AM UTC"
    assert batch_name(at, dt.timezone.utc) == "Batch Task - Jan 28, 10:30 AM"  # a viewer in UTC
    assert batch_name(at, dt.timezone(dt.timedelta(hours=5))) == "Batch Task - Jan 28, 3:30 PM"


def test_batches_of_one_minute_get_names_told_apart(db, workspace, sent, monkeypatch):
    # a walk-through: two batches both "Batch Task - Dec 1, 10:58 PM" on Home and in pickers
    import core.batches as batches_module

    monkeypatch.setattr(batches_module, "batch_name", lambda at, tz=None: "Batch Task - Dec 1, 10:58 PM")
    u = urls(3)
    names = [create_batch(workspace, "alice", [{"url": x, "batch_size": 1}]).name for x in u]
    assert names == ["Batch Task - Dec 1, 10:58 PM", "Batch Task - Dec 1, 10:58 PM (2)",
                     "Batch Task - Dec 1, 10:58 PM (3)"]
    other = create_batch("another-workspace", "bob", [{"url": u[0], "batch_size": 1}])
    assert other.name == "Batch Task - Dec 1, 10:58 PM"  # per workspace


@pytest.mark.parametrize("sources,expected", [
    ([], "Add at least one product URL"),
    ([{"url": "", "batch_size": 1}], "Row 1: URL is empty"),
    ([{"url": "ftp://x.com/a", "batch_size": 1}], "Row 1: URL must start with http:// or https://"),
    ([{"url": "not a url", "batch_size": 1}], "Row 1: URL must start with http:// or https://"),
    ([{"url": "https://a.com/a b", "batch_size": 1}], "Row 1: URL contains spaces or control characters"),
    ([{"url": "https://a.com/x", "batch_size": 0}], "Row 1: batch_size must be a whole number from 1 to 10"),
    ([{"url": "https://a.com/x", "batch_size": 11}], "Row 1: batch_size must be a whole number from 1 to 10"),
    ([{"url": "https://a.com/x", "batch_size": "two"}], "Row 1: batch_size must be a whole number"),
    ([{"url": "https://a.com/x", "batch_size": 2.5}], "Row 1: batch_size must be a whole number"),
    # quoted as the table and the CSV path quote it: stripped (was "(got ' 99')" beside "(got '99')")
    ([{"url": "https://a.com/x", "batch_size": " 99 "}], "Row 1: batch_size must be a whole number from 1 to 10 (got '99')"),
    ([{"url": "https://a.com/x", "batch_size": 2.5}], "(got 2.5)"),
    ([{"url": "https://a.com/" + "x" * 2100}], "Row 1: URL is longer than 2048 characters"),
    ([{"url": "https://user:pw@a.com/x"}], "Row 1: URL must not contain a user name or password"),
    ([{"url": "http://127.0.0.1/admin"}], "Row 1: URL points to a private or reserved address"),
    ([{"url": "http://localhost:8080/x"}], "Row 1: URL points to this machine"),
    # the other spellings of an address the system resolver reads (inet_aton): 127.1, whole number, hex, octal
    ([{"url": "http://127.1/admin"}], "Row 1: URL points to a private or reserved address"),
    ([{"url": "http://2130706433/admin"}], "Row 1: URL points to a private or reserved address"),
    ([{"url": "http://0x7f000001/admin"}], "Row 1: URL points to a private or reserved address"),
    ([{"url": "http://0177.0.0.1/admin"}], "Row 1: URL points to a private or reserved address"),
    ([{"url": "http://0xa.1/admin"}], "Row 1: URL points to a private or reserved address"),
    # IPv4 inside IPv6 literals, refused as the fetcher refuses them: IPv4-compatible, 6to4, NAT64
    ([{"url": "http://[::127.0.0.1]/admin"}], "Row 1: URL points to a private or reserved address"),
    ([{"url": "http://[2002:7f00:1::1]/admin"}], "Row 1: URL points to a private or reserved address"),
    ([{"url": "http://[64:ff9b::a9fe:a9fe]/latest"}], "Row 1: URL points to a private or reserved address"),
    ([{"url": "http://[fec0::1]/admin"}], "Row 1: URL points to a private or reserved address"),
    # and as stored after IDNA: full-width digits, ideographic full stops, circled digits, a final dot
    ([{"url": "http://１２７.０.０.１/admin"}], "Row 1: URL points to a private or reserved address"),
    ([{"url": "http://127。0。0。1/admin"}], "Row 1: URL points to a private or reserved address"),
    ([{"url": "http://①⑨②.①⑥⑧.0.1/admin"}], "Row 1: URL points to a private or reserved address"),
    ([{"url": "http://ｌｏｃａｌｈｏｓｔ/admin"}], "Row 1: URL points to this machine"),
    ([{"url": "http://localhost./admin"}], "Row 1: URL points to this machine"),
    ([{"url": "https://a.com/x"}, {"url": "https://A.com/x#frag"}], "Row 2: same product URL as row 1"),
    (["https://a.com/%d" % i for i in range(6)], "6 URLs given, at most 5 per batch"),
    ("https://a.com/x", "Sources must be a list"),
])
def test_bad_submissions_name_the_row_and_rule_and_create_nothing(db, workspace, sent, sources, expected):
    with pytest.raises(ValidationError) as err:
        create_batch(workspace, "alice", sources)
    assert any(expected in p for p in err.value.problems) or expected in str(err.value)
    assert list_batches(workspace).items == []
    assert sent == []


def test_every_problem_is_reported_at_once(db, workspace):
    with pytest.raises(ValidationError) as err:
        create_batch(workspace, "alice", [{"url": "nope"}, {"url": "https://a.com/1", "batch_size": 99}])
    assert [p.split(":")[0] for p in err.value.problems] == ["Row 1", "Row 2"]


def test_only_usable_rows_count_against_the_per_batch_limit(db, workspace):
    # five good URLs and three bad rows: the bad rows are named, and no "split them" is asked of five URLs
    good = urls(5)
    rows = [{"url": u} for u in good] + [{"url": "not a url"}, {"url": "ftp://x.com/a"}, {"url": good[0]}]
    with pytest.raises(ValidationError) as err:
        create_batch(workspace, "alice", rows)
    assert [p.split(":")[0] for p in err.value.problems] == ["Row 6", "Row 7", "Row 8"]
    assert "per batch" not in str(err.value)
    # a sixth good URL with a bad batch_size is a sixth URL: the limit is said now, not after the fix
    rows = [{"url": u} for u in good] + [{"url": urls(1)[0], "batch_size": 0}]
    with pytest.raises(ValidationError) as err:
        create_batch(workspace, "alice", rows)
    assert err.value.problems[0].startswith("6 URLs given, at most 5 per batch")
    assert err.value.problems[1].startswith("Row 6: batch_size")


def test_names_that_only_look_like_addresses_stay_allowed():
    for url in ("http://123.com/x", "http://0xcafe.com/x", "http://1.2.3.4.example.com/x", "http://cafe.de/x",
                "http://müller.de/x", "http://例え.jp/x"):
        assert url_problem(url) is None, url


def test_an_identical_submission_within_the_window_returns_the_same_batch(db, workspace, sent):
    src = [{"url": u, "batch_size": 2} for u in urls(2)]
    first = create_batch(workspace, "alice", src)
    again = create_batch(workspace, "alice", list(reversed(src))[::-1])
    assert again.id == first.id and again.created is False
    other_user = create_batch(workspace, "bob", src)
    assert other_user.id != first.id
    assert len(list_batches(workspace).items) == 2
    assert [m for m in sent if m[0] == "batch"] == [("batch", (str(first.id),)), ("batch", (str(other_user.id),))]


def test_the_same_sources_under_another_name_are_another_batch(db, workspace, sent):
    # the code review: "Summer sale" sent right after "Spring sale" with the same URLs came
    # back as the spring batch, the new name dropped
    src = [{"url": u, "batch_size": 1} for u in urls(2)]
    spring = create_batch(workspace, "alice", src, name="Spring sale")
    summer = create_batch(workspace, "alice", src, name="Summer sale")
    assert summer.id != spring.id and summer.created and summer.name == "Summer sale"
    again = create_batch(workspace, "alice", src, name="Summer sale")  # a double click
    assert again.id == summer.id and again.created is False
    unnamed = create_batch(workspace, "alice", src)
    assert unnamed.id not in (spring.id, summer.id)
    assert create_batch(workspace, "alice", src).id == unnamed.id


def test_after_the_window_the_same_submission_creates_a_new_batch(db, workspace, sent, settings_env):
    settings_env(DUPLICATE_WINDOW_SECONDS="0.2")
    src = [{"url": urls(1)[0], "batch_size": 1}]
    first = create_batch(workspace, "alice", src)
    time.sleep(0.3)
    assert create_batch(workspace, "alice", src).id != first.id


def test_a_double_click_from_two_threads_creates_one_batch(db, workspace, sent):
    src = [{"url": urls(1)[0], "batch_size": 2}]
    results, start = [], threading.Barrier(4)

    def submit():
        start.wait()
        results.append(create_batch(workspace, "alice", src).id)

    threads = [threading.Thread(target=submit) for _ in range(4)]
    [t.start() for t in threads]
    [t.join() for t in threads]
    assert len(set(results)) == 1
    assert len(list_batches(workspace).items) == 1


def test_list_batches_pages_newest_first_with_cursors_stable_across_inserts(db, workspace, sent):
    created = [create_user_batch(workspace, 1, 1, user=f"u{i}").id for i in range(7)]
    newest_first = list(reversed(created))
    p1 = list_batches(workspace, page_size=3)
    assert [b.id for b in p1.items] == newest_first[:3] and p1.prev_cursor is None
    create_user_batch(workspace, 1, 1, user="late")  # an insert between page loads
    p2 = list_batches(workspace, page_size=3, cursor=p1.next_cursor)
    assert [b.id for b in p2.items] == newest_first[3:6]
    p3 = list_batches(workspace, page_size=3, cursor=p2.next_cursor)
    assert [b.id for b in p3.items] == newest_first[6:] and p3.next_cursor is None
    back = list_batches(workspace, page_size=3, cursor=p3.prev_cursor)
    assert [b.id for b in back.items] == newest_first[3:6]
    first_again = list_batches(workspace, page_size=3, cursor=back.prev_cursor)
    assert [b.id for b in first_again.items] == newest_first[:3]
    assert first_again.prev_cursor is not None  # the late insert is newer still


def test_a_bad_cursor_or_page_size_is_refused(db, workspace):
    with pytest.raises(ValidationError, match="cursor is invalid"):
        list_batches(workspace, cursor="garbage!!")
    with pytest.raises(ValidationError, match="page_size"):
        list_batches(workspace, page_size=0)


def test_progress_counts_every_status_in_a_constant_number_of_queries(db, workspace, sent):
    infos = [create_user_batch(workspace, 2, 3, user=f"u{i}") for i in range(4)]
    previews = list_previews(workspace, batch_id=infos[0].id).items
    for p, status in zip(previews, ["done", "failed", "running", "retrying", "queued", "cancelled"]):
        set_preview_state(p.id, status)
    statements = []
    engine = get_engine()

    def count(_conn, _cursor, statement, *_args):
        if statement.lstrip().upper().startswith("SELECT"):
            statements.append(statement)

    sa.event.listen(engine, "before_cursor_execute", count)
    try:
        page = list_batches(workspace, page_size=50)
    finally:
        sa.event.remove(engine, "before_cursor_execute", count)
    by_id = {b.id: b.progress for b in page.items}
    assert by_id[infos[0].id].as_dict() == {
        "total": 6, "pending": 0, "queued": 1, "running": 1, "retrying": 1, "done": 1,
        "failed": 1, "cancelled": 1, "failed_for_good": 0,
    }
    assert by_id[infos[1].id].pending == 6
    assert len(statements) == 2  # one page query + one grouped progress query, whatever the page size


def test_status_filter_lists_only_matching_batches(db, workspace, sent):
    a = create_user_batch(workspace, 1, 1, user="a")
    create_user_batch(workspace, 1, 1, user="b")
    cancel_batch(workspace, a.id)
    assert [b.id for b in list_batches(workspace, status="cancelled").items] == [a.id]
    with pytest.raises(ValidationError):
        list_batches(workspace, status="weird")


def test_get_batch_summarises_each_url(db, workspace, sent):
    info = create_user_batch(workspace, 2, 2)
    previews = list_previews(workspace, batch_id=info.id).items
    failed_url = previews[0].source_url
    for p in previews:
        if p.source_url == failed_url:
            set_preview_state(p.id, "failed", error_message="page returned HTTP 404")
    detail = get_batch(workspace, str(info.id))
    by_url = {s.url: s for s in detail.sources}
    assert by_url[failed_url].progress.failed == 2
    assert by_url[failed_url].errors == ["page returned HTTP 404"]
    assert detail.batch.progress.total == 4


def test_no_function_reaches_another_workspaces_rows(db, workspace, sent):
    info = create_user_batch(workspace, 1, 2)
    pid = list_previews(workspace, batch_id=info.id).items[0].id
    intruder = workspace + "-other"
    from core import previews as pv

    for call in (
        lambda: get_batch(intruder, info.id),
        lambda: cancel_batch(intruder, info.id),
        lambda: retry_failed(intruder, info.id),
        lambda: delete_batch(intruder, info.id),
        lambda: pv.get_preview(intruder, pid),
        lambda: pv.cancel_preview(intruder, pid),
        lambda: pv.retry_preview(intruder, pid),
        lambda: pv.update_prefill(intruder, pid, {"headline": "x"}),
    ):
        with pytest.raises(NotFoundError):
            call()
    assert list_batches(intruder).items == []
    assert list_previews(intruder).items == []
    with pytest.raises(NotFoundError):  # another workspace's batch is not found, as reading it is
        list_previews(intruder, batch_id=info.id)
    assert clear_completed(intruder) == 0
    # and nothing changed for the owner
    assert get_batch(workspace, info.id).batch.status == "pending"


def test_unknown_ids_are_not_found(db, workspace):
    for bad in ("not-a-uuid", uuid.uuid4(), None):
        with pytest.raises(NotFoundError):
            get_batch(workspace, bad)


def test_cancel_batch_stops_unfinished_items_and_keeps_finished_ones(db, workspace, sent):
    info = create_user_batch(workspace, 1, 4)
    ps = list_previews(workspace, batch_id=info.id).items
    set_preview_state(ps[0].id, "done")
    set_preview_state(ps[1].id, "running")
    set_preview_state(ps[2].id, "queued")
    result = cancel_batch(workspace, info.id)
    assert result.status == "cancelled"
    assert result.progress.done == 1 and result.progress.cancelled == 3
    with pytest.raises(ConflictError, match="already cancelled"):
        cancel_batch(workspace, info.id)


def test_retry_failed_requeues_with_the_same_parameters(db, workspace, sent):
    info = create_user_batch(workspace, 2, 1)
    ps = list_previews(workspace, batch_id=info.id).items
    set_preview_state(ps[0].id, "failed", source_image_url="https://cdn.example.com/a.jpg",
                      error_message="boom", retry_count=3)
    set_preview_state(ps[1].id, "failed", error_message="page returned HTTP 500")
    with unit_of_work() as s:
        s.execute(sa.update(Batch).where(Batch.id == info.id).values(status="failed"))
    sent.clear()
    assert retry_failed(workspace, info.id) == 2
    after = {p.id: p for p in list_previews(workspace, batch_id=info.id).items}
    assert after[ps[0].id].status == "queued" and after[ps[0].id].retry_count == 0
    assert after[ps[0].id].source_image_url == "https://cdn.example.com/a.jpg"
    assert after[ps[0].id].error_message is None
    assert after[ps[1].id].status == "pending"  # its URL is scraped again
    assert ("preview", (str(ps[0].id),)) in sent
    assert ("source", (str(info.id), ps[1].source_url)) in sent
    assert get_batch(workspace, info.id).batch.status == "running"


def test_delete_batch_removes_its_previews_and_their_media(db, workspace, sent):
    from core.storage import get_storage

    info = create_user_batch(workspace, 2, 2)
    other = create_user_batch(workspace, 1, 1, user="bob")
    storage = get_storage()
    mine = storage.put(f"previews/{info.id}/x/background.png", b"\x89PNG\r\n\x1a\nmine", "image/png")
    theirs = storage.put(f"previews/{other.id}/y/background.png", b"\x89PNG\r\n\x1a\nkeep", "image/png")
    delete_batch(workspace, info.id)
    assert storage.get(mine) is None and storage.get(theirs) is not None
    with pytest.raises(NotFoundError):
        get_batch(workspace, info.id)
    with unit_of_work() as s:
        left = s.scalar(sa.select(sa.func.count()).select_from(Preview).where(Preview.batch_id == info.id))
    assert left == 0


def test_clear_completed_hides_only_finished_batches(db, workspace, sent):
    running = create_user_batch(workspace, 1, 1, user="a")
    finished = create_user_batch(workspace, 1, 1, user="b")
    cancel_batch(workspace, finished.id)
    assert clear_completed(workspace) == 1
    assert [b.id for b in list_batches(workspace).items] == [running.id]
    assert get_batch(workspace, finished.id).batch.status == "cancelled"  # kept, just hidden


@pytest.mark.parametrize("statuses,expected", [
    (["done", "failed", "cancelled"], "done"),
    (["failed", "failed"], "failed"),
    (["failed", "cancelled"], "failed"),
    (["cancelled", "cancelled"], "cancelled"),
    (["done", "running"], None),
])
def test_batch_status_is_derived_from_its_previews(statuses, expected):
    counts = {}
    for s in statuses:
        counts[s] = counts.get(s, 0) + 1
    result = batches.derive_final_status(counts)
    assert (result and str(result)) == expected


def test_exactly_one_of_many_racing_finishers_closes_the_batch(db, workspace, sent):
    info = create_user_batch(workspace, 1, 3)
    with unit_of_work() as s:
        s.execute(sa.update(Batch).where(Batch.id == info.id).values(status="running"))
        s.execute(sa.update(Preview).where(Preview.batch_id == info.id).values(status="done"))
    wins, start = [], threading.Barrier(6)

    def finish():
        start.wait()
        with unit_of_work() as s:
            wins.append(try_finish_batch(s, info.id))

    threads = [threading.Thread(target=finish) for _ in range(6)]
    [t.start() for t in threads]
    [t.join() for t in threads]
    assert [w for w in wins if w is not None] == ["done"]
    assert get_batch(workspace, info.id).batch.status == "done"


def test_each_problem_knows_its_row_and_field():
    """The API sorts schema errors and rule problems by (row, field): it reads them from the
    problems, not from their wording."""
    with pytest.raises(ValidationError) as caught:
        validate_sources([{"url": "https://shop.example/a", "batch_size": 0},
                          "not a url", ["a", "list"], {"url": "https://shop.example/a"}])
    by_row = [(p.row, p.field) for p in caught.value.problems]
    assert by_row == [(1, "batch_size"), (2, "url"), (3, None), (4, "url")]
    assert caught.value.problems[3].startswith("Row 4: same product URL as row 1")
