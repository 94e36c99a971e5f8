"""Issue 14, items 1–2 (services): archive instead of hiding for good, restore, rename,
search by name, URL or product title, and what each batch is about (products)."""

from __future__ import annotations

import uuid

import pytest

from core.batches import (
    archive_batch,
    archive_finished,
    batch_products,
    cancel_batch,
    get_batch,
    list_batches,
    rename_batch,
    restore_batch,
)
from core.errors import NotFoundError, ValidationError
from db.engine import unit_of_work
from db.models import Product
from tests.factories import create_user_batch


def add_product(workspace: str, url: str, title: str, images=("https://cdn.example.com/a.jpg",)):
    with unit_of_work() as s:
        s.add(Product(id=uuid.uuid4(), workspace=workspace, url=url, title=title,
                      image_urls=list(images), ranked_image_urls=list(images)))


def ids(page):
    return [b.id for b in page.items]


def test_archived_batches_leave_the_list_but_stay_reachable_and_can_be_restored(db, workspace, sent):
    running = create_user_batch(workspace, 1, 1, user="a")
    finished = create_user_batch(workspace, 1, 1, user="b")
    cancel_batch(workspace, finished.id)
    assert archive_finished(workspace) == 1
    assert ids(list_batches(workspace)) == [running.id]
    assert ids(list_batches(workspace, archived=True)) == [finished.id]
    assert set(ids(list_batches(workspace, archived=None))) == {running.id, finished.id}
    assert get_batch(workspace, finished.id).batch.archived_at is not None  # its URL still works
    restore_batch(workspace, finished.id)
    assert set(ids(list_batches(workspace))) == {running.id, finished.id}
    archive_batch(workspace, running.id)  # one batch, even unfinished
    assert ids(list_batches(workspace)) == [finished.id]
    assert list_batches(workspace, archived=True).items[0].archived_at is not None


def test_archive_restore_and_rename_are_workspace_scoped(db, workspace, sent):
    b = create_user_batch(workspace, 1, 1)
    for action in (archive_batch, restore_batch):
        with pytest.raises(NotFoundError):
            action("intruder", b.id)
    with pytest.raises(NotFoundError):
        rename_batch("intruder", b.id, "mine now")
    assert get_batch(workspace, b.id).batch.name.startswith("Batch Task")


def test_rename_trims_and_refuses_empty_or_long_names_in_words(db, workspace, sent):
    b = create_user_batch(workspace, 1, 1)
    assert rename_batch(workspace, b.id, "  Spring   sale <b>*shoes*</b> ") == "Spring sale <b>*shoes*</b>"
    assert get_batch(workspace, b.id).batch.name == "Spring sale <b>*shoes*</b>"
    with pytest.raises(ValidationError, match="cannot be empty"):
        rename_batch(workspace, b.id, "   ")
    with pytest.raises(ValidationError, match="at most 200 characters"):
        rename_batch(workspace, b.id, "x" * 201)


def test_search_finds_batches_by_name_url_or_product_title(db, workspace, sent):
    a = create_user_batch(workspace, 1, 1, user="a")  # shop.example.com/p/0
    b = create_batch_on(workspace, "https://other.example.org/items/garden-hose")
    rename_batch(workspace, a.id, "Spring sale 100%_off")
    add_product(workspace, "https://other.example.org/items/garden-hose", "Flexi Garden Hose 30 m")
    assert ids(list_batches(workspace, search="spring SALE")) == [a.id]
    assert ids(list_batches(workspace, search="100%_")) == [a.id]
    assert ids(list_batches(workspace, search="%")) == [a.id]  # wildcards are literal
    assert ids(list_batches(workspace, search="other.example.org")) == [b.id]
    assert ids(list_batches(workspace, search="garden hose")) == [b.id]
    assert ids(list_batches(workspace, search="nothing like it")) == []
    # the sources' key names and a batch_size are no match (a walk-through: "size", "url", "_"
    # and a digit listed every batch); the URLs' own text is
    for word in ("size", "batch_size", '"url"', "{"):  # ("Batch Task", "100%_off": names)
        assert ids(list_batches(workspace, search=word)) == [], word
    assert ids(list_batches(workspace, search="items/garden")) == [b.id]
    assert ids(list_batches("intruder", search="garden")) == []
    archive_batch(workspace, b.id)
    assert ids(list_batches(workspace, search="garden")) == []
    assert ids(list_batches(workspace, search="garden", archived=True)) == [b.id]
    with pytest.raises(ValidationError, match="at most 200"):
        list_batches(workspace, search="x" * 201)


def create_batch_on(workspace, url):
    from core.batches import create_batch

    return create_batch(workspace, "c", [{"url": url, "batch_size": 1}])


def test_batch_products_gives_titles_and_best_image_in_submission_order(db, workspace, sent):
    b = create_user_batch(workspace, 2, 1)
    urls = [s["url"] for s in b.sources]
    add_product(workspace, urls[1], "Retro console", ["https://cdn.example.com/best.jpg",
                                                      "https://cdn.example.com/2nd.jpg"])
    out = batch_products(workspace, [b])
    assert out[b.id] == [(urls[0], None), ("Retro console", "https://cdn.example.com/best.jpg")]
    assert batch_products("intruder", [b])[b.id] == [(urls[0], None), (urls[1], None)]
