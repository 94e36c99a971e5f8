"""A preview waiting for its scheduled retry can be tried now (a walk-through: a "retrying"
card said "next try in 15 minutes" with no way to try sooner; only failed ones had Retry)."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from core.batches import create_batch
from core.errors import ConflictError, ScrapeError
from core.pipeline import generate as gen
from core.pipeline import stages
from core.pipeline.sources import prepare_source, start_batch
from core.previews import get_preview, retry_preview
from db.engine import unit_of_work
from db.models import Preview
from tests.factories import urls
from tests.stages import TRANSIENT, FakeStages


@pytest.fixture
def fake(db, settings_env, sent):
    settings_env(RETRY_SCHEDULE_SECONDS="900,900,900", GENERATION_RATE_LIMIT="0/m", LEASE_SECONDS="30")
    f = FakeStages().install()
    yield f
    stages.reset()


def previews_of(batch_id) -> list[Preview]:
    with unit_of_work() as s:
        return list(s.scalars(sa.select(Preview).where(Preview.batch_id == batch_id)
                              .order_by(Preview.variant_index)))


def test_a_preview_waiting_15_minutes_to_retry_its_generation_is_tried_now(fake, workspace, sent):
    info = create_batch(workspace, "alice", [{"url": urls(1)[0], "batch_size": 1}])
    for _kind, (bid, url), _delay in start_batch(str(info.id)):
        prepare_source(bid, url)
    (p,) = previews_of(info.id)
    fake.generation_errors.append(TRANSIENT())
    gen.generate(str(p.id))
    waiting = get_preview(workspace, p.id)
    assert waiting.status == "retrying" and waiting.next_retry_at is not None
    # a message now, before the schedule's time, does nothing (the early-duplicate rule)
    gen.generate(str(p.id))
    assert get_preview(workspace, p.id).status == "retrying"
    sent.clear()
    now = retry_preview(workspace, p.id)
    assert now.status == "retrying" and now.retry_count == 0  # an extra try: the schedule stays whole
    assert sent == [("preview", (str(p.id),))]
    gen.generate(str(p.id))  # the message the button sent
    done = get_preview(workspace, p.id)
    assert done.status == "done" and done.prefill, done
    with pytest.raises(ConflictError, match="only failed or cancelled"):
        retry_preview(workspace, p.id)  # done: nothing to try


def test_a_product_page_waiting_to_be_read_again_is_read_now_for_all_its_variants(fake, workspace, sent):
    url = urls(1)[0]
    fake.fail_scrape[url] = ScrapeError("page returned HTTP 503", transient=True)
    info = create_batch(workspace, "alice", [{"url": url, "batch_size": 2}])
    for _kind, (bid, u), _delay in start_batch(str(info.id)):
        prepare_source(bid, u)
    a, b = previews_of(info.id)
    assert {a.status, b.status} == {"retrying"}
    assert prepare_source(str(info.id), url) == []  # not due: an early message does nothing
    fake.fail_scrape.clear()
    sent.clear()
    retry_preview(workspace, b.id)
    assert sent == [("source", (str(info.id), url))]
    sends = prepare_source(str(info.id), url)
    assert sorted(args for _k, args, _d in sends) == sorted([(str(a.id),), (str(b.id),)])
    assert {p.status for p in previews_of(info.id)} == {"queued"}  # both variants go on


def test_tries_asked_for_do_not_use_up_the_schedule(fake, workspace, sent):
    # a walk-through: three presses of Try now within 15 s failed a preview ("gave up after 3
    # retries") that the schedule would have tried for 20 more minutes
    info = create_batch(workspace, "alice", [{"url": urls(1)[0], "batch_size": 1}])
    for _kind, (bid, url), _delay in start_batch(str(info.id)):
        prepare_source(bid, url)
    (p,) = previews_of(info.id)
    fake.generation_errors.append(TRANSIENT())
    gen.generate(str(p.id))  # the first failure: retrying, retried 1x
    for _ in range(5):
        fake.generation_errors.append(TRANSIENT())
        retry_preview(workspace, p.id)
        gen.generate(str(p.id))
        after = get_preview(workspace, p.id)
        assert after.status == "retrying" and after.retry_count == 1, after
        assert after.error_message == "The image service is busy (HTTP 429)"
    # the failed tries are counted apart, and never go down (a walk-through: "retried 2×" after one
    # retry, "1×" again after "Try now")
    assert get_preview(workspace, p.id).failures == 6


def test_a_page_that_could_not_be_read_counts_a_failed_try_for_each_of_its_variants(fake, workspace, sent):
    url = urls(1)[0]
    fake.fail_scrape[url] = ScrapeError("page returned HTTP 503", transient=True)
    info = create_batch(workspace, "alice", [{"url": url, "batch_size": 2}])
    for _kind, (bid, u), _delay in start_batch(str(info.id)):
        prepare_source(bid, u)
    assert [p.failures for p in previews_of(info.id)] == [1, 1]
    retry_preview(workspace, previews_of(info.id)[0].id)
    prepare_source(str(info.id), url)  # fails again
    assert [(p.failures, p.retry_count) for p in previews_of(info.id)] == [(2, 1), (2, 1)]


def test_a_preview_failed_for_good_is_not_retried_through_the_api_either(fake, workspace, sent):
    # a walk-through: POST …/previews/{id}/retry/ on a search page's preview answered 200 "pending",
    # then failed the same way; the dashboard offers no Retry for it
    from tests.factories import set_preview_state

    info = create_batch(workspace, "alice", [{"url": urls(1)[0], "batch_size": 2}])
    a, b = previews_of(info.id)
    set_preview_state(a.id, "failed", failed_for_good=True,
                      error_message="this address shows a list of 36 products, not one product's page")
    set_preview_state(b.id, "failed", error_message="page returned HTTP 503")
    with pytest.raises(ConflictError, match="Retrying will not help: this address shows a list"):
        retry_preview(workspace, a.id)
    assert get_preview(workspace, a.id).status == "failed"
    assert retry_preview(workspace, b.id).status in ("pending", "queued")
    # a reason that says it already (image downloads: "… Retrying will not help: give the product a
    # photo…") is not prefixed a second time
    from core.rank import NO_RETRY_HELP

    reason = "3 images found, none could be downloaded: 3 on servers whose names could not be found"
    set_preview_state(a.id, "failed", failed_for_good=True, error_message=reason + NO_RETRY_HELP)
    with pytest.raises(ConflictError) as err:
        retry_preview(workspace, a.id)
    assert str(err.value.message if hasattr(err.value, "message") else err.value).count("Retrying will not help") == 1


def test_the_api_s_batch_retry_says_how_many_it_left_out(fake, workspace, sent):
    # a walk-through: POST …/batch/{id}/retry/ answered {"requeued": 3} with a 4th failure skipped unsaid
    from starlette.testclient import TestClient

    from api.app import app
    from core.api_keys import create_key
    from tests.factories import set_preview_state

    info = create_batch(workspace, "alice", [{"url": urls(1)[0], "batch_size": 3}])
    a, b, c = previews_of(info.id)
    set_preview_state(a.id, "failed", failed_for_good=True, error_message="not a product's page")
    set_preview_state(b.id, "failed", error_message="page returned HTTP 503")
    set_preview_state(c.id, "failed", error_message="page returned HTTP 503")
    with unit_of_work() as s:
        from db.models import Batch

        s.execute(sa.update(Batch).where(Batch.id == info.id).values(status="failed"))
    _view, key = create_key(workspace, "retry")
    client = TestClient(app, raise_server_exceptions=False)
    resp = client.post(f"/llm-editor/cta/batch/{info.id}/retry/", headers={"Authorization": f"Bearer {key}"})
    assert resp.status_code == 200 and resp.json() == {"requeued": 2, "left_out": 1}, resp.text
    resp = client.post(f"/llm-editor/cta/previews/{a.id}/retry/", headers={"Authorization": f"Bearer {key}"})
    assert resp.status_code == 409 and "Retrying will not help" in resp.json()["error"]["message"]


def test_presses_before_a_worker_takes_the_try_up_count_one_try(fake, workspace, sent):
    # a review: three presses while the queue was busy took the count from 2 to 0 for one try
    info = create_batch(workspace, "alice", [{"url": urls(1)[0], "batch_size": 1}])
    for _kind, (bid, url), _delay in start_batch(str(info.id)):
        prepare_source(bid, url)
    (p,) = previews_of(info.id)
    fake.generation_errors.append(TRANSIENT())
    gen.generate(str(p.id))
    for _ in range(3):
        retry_preview(workspace, p.id)
    assert get_preview(workspace, p.id).retry_count == 0
    fake.generation_errors.append(TRANSIENT())
    gen.generate(str(p.id))
    assert get_preview(workspace, p.id).retry_count == 1  # as before the presses


def test_try_now_on_a_stale_card_does_not_reopen_a_cancelled_preview(fake, workspace, sent):
    from core.previews import cancel_preview, try_preview_now

    url = urls(1)[0]
    fake.fail_scrape[url] = ScrapeError("page returned HTTP 503", transient=True)
    info = create_batch(workspace, "alice", [{"url": url, "batch_size": 1}])
    for _kind, (bid, u), _delay in start_batch(str(info.id)):
        prepare_source(bid, u)
    (p,) = previews_of(info.id)
    cancel_preview(workspace, p.id)  # meanwhile, elsewhere
    with pytest.raises(ConflictError, match="cancelled now"):
        try_preview_now(workspace, p.id)
    assert get_preview(workspace, p.id).status == "cancelled"


@pytest.mark.parametrize("body,status", [(b"{ }", 200), (b"{\n}\n", 200), (b"null", 200), (b"", 200),
                                         (b'{"note": "x"}', 400), (b"not json", 400)])
def test_an_empty_json_body_is_no_body(fake, workspace, sent, body, status):
    # a review: "{ }" was refused as a body where "{}" passed
    from starlette.testclient import TestClient

    from api.app import app
    from core.api_keys import create_key

    info = create_batch(workspace, "alice", [{"url": urls(1)[0], "batch_size": 1}])
    _view, key = create_key(workspace, "body")
    resp = TestClient(app, raise_server_exceptions=False).post(
        f"/llm-editor/cta/batch/{info.id}/cancel/", content=body,
        headers={"Authorization": f"Bearer {key}", "Content-Type": "application/json"})
    assert resp.status_code == status, resp.text
