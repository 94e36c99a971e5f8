"""Attempts own their files, and a finished half is kept for the retry (issue 11: items 7,
8 and 11). Drives ``core.pipeline.generate`` directly, thread by thread, so each race is
played in the order that used to lose data."""

from __future__ import annotations

import datetime as dt
import threading
import uuid

import pytest
import sqlalchemy as sa

from core.batches import create_batch
from core.pipeline import generate as gen
from core.pipeline import stages
from core.pipeline.reconcile import reconcile
from core.pipeline.sources import prepare_source, start_batch
from core.previews import cancel_preview, retry_preview
from db.base import utcnow
from db.engine import unit_of_work
from db.models import Preview
from tests.factories import urls
from tests.stages import PERMANENT, TRANSIENT, FakeStages, wait_for


class Stages(FakeStages):
    """FakeStages that count backgrounds and can hold the first copy call at a gate."""

    def __init__(self):
        super().__init__()
        self.backgrounds = 0
        self.gates: dict[int, threading.Event] = {}  # copy call number -> gate it waits at
        self.at_gate: dict[int, threading.Event] = {}
        self.copy_calls = 0

    def make_background(self, image, *, variant_index, brief):
        with self.lock:
            self.backgrounds += 1
        return super().make_background(image, variant_index=variant_index, brief=brief)

    def write_prefill(self, brief, image, **kw):
        with self.lock:
            self.copy_calls += 1
            n = self.copy_calls
        if n in self.gates:
            self.at_gate.setdefault(n, threading.Event()).set()
            assert self.gates[n].wait(30)
        return super().write_prefill(brief, image, **kw)

    def gate(self, n: int) -> threading.Event:
        self.at_gate.setdefault(n, threading.Event())
        return self.gates.setdefault(n, threading.Event())


@pytest.fixture
def fake(db, settings_env, sent):
    settings_env(RETRY_SCHEDULE_SECONDS="0,0,0", GENERATION_RATE_LIMIT="0/m", LEASE_SECONDS="30")
    f = Stages().install()
    yield f
    for g in f.gates.values():
        g.set()
    stages.reset()


def one_queued_preview(workspace) -> Preview:
    info = create_batch(workspace, "alice", [{"url": urls(1)[0], "batch_size": 1}])
    for _kind, (bid, url), _delay in start_batch(str(info.id)):
        prepare_source(bid, url)
    with unit_of_work() as s:
        p = s.scalars(sa.select(Preview).where(Preview.batch_id == info.id)).one()
    assert p.status == "queued"
    return p


def row(pid) -> Preview:
    with unit_of_work() as s:
        return s.get(Preview, pid)


def files_of(fake, p) -> list[str]:
    return sorted(k for k in fake.storage.files if k.startswith(f"previews/{p.batch_id}/{p.id}/"))


def make_due(pid) -> None:
    with unit_of_work() as s:
        s.execute(sa.update(Preview).where(Preview.id == pid)
                  .values(next_retry_at=utcnow() - dt.timedelta(seconds=5)))


def test_a_stale_attempt_discards_only_its_own_files(fake, workspace):
    """Cancel, then Retry, while the first attempt still runs; the second attempt has
    stored its background when the first wakes up, loses its lease and discards: the
    second must still finish with its background in place."""
    p = one_queued_preview(workspace)
    gate_a, gate_b = fake.gate(1), fake.gate(2)
    first = threading.Thread(target=gen.generate, args=(str(p.id),))
    first.start()
    assert fake.at_gate[1].wait(10)
    wait_for(lambda: fake.backgrounds == 1 and files_of(fake, p))
    cancel_preview(workspace, p.id)
    retry_preview(workspace, p.id)
    second = threading.Thread(target=gen.generate, args=(str(p.id),))
    second.start()
    assert fake.at_gate[2].wait(10)
    wait_for(lambda: fake.backgrounds == 2)
    wait_for(lambda: len({k.split("/")[3] for k in files_of(fake, p)}) >= 1)
    gate_a.set()  # the first attempt wakes up, loses, discards
    first.join(30)
    assert not first.is_alive()
    gate_b.set()  # the second attempt finishes
    second.join(30)
    assert not second.is_alive()
    done = row(p.id)
    assert done.status == "done"
    key = done.prefill["generated_background_url"].removeprefix("/media/")
    assert key in fake.storage.files, "the winning attempt's background was deleted"
    # the loser left nothing behind: only the winner's files remain
    assert all(k.startswith(key.rsplit("/", 1)[0] + "/") for k in files_of(fake, p))


def test_a_transient_copy_failure_keeps_the_background_for_the_retry(fake, workspace):
    p = one_queued_preview(workspace)
    fake.generation_errors = [TRANSIENT()]
    sends = gen.generate(str(p.id))
    assert sends == [("preview", (str(p.id),), 0.0)]
    waiting = row(p.id)
    assert waiting.status == "retrying" and fake.backgrounds == 1
    kept = waiting.partial["background_url"]
    assert kept.removeprefix("/media/") in fake.storage.files
    make_due(p.id)
    assert gen.generate(str(p.id)) == []
    done = row(p.id)
    assert done.status == "done" and done.partial is None
    assert fake.backgrounds == 1, "the retry generated (and paid for) the background again"
    assert done.prefill["generated_background_url"] == kept
    assert kept.removeprefix("/media/") in fake.storage.files


def test_a_permanent_copy_failure_deletes_the_background_it_made(fake, workspace):
    p = one_queued_preview(workspace)
    fake.generation_errors = [PERMANENT()]
    gen.generate(str(p.id))
    failed = row(p.id)
    assert failed.status == "failed" and fake.backgrounds == 1
    assert files_of(fake, p) == [], "a failed preview's background was left behind"


def test_a_kept_half_is_deleted_when_the_preview_finally_fails(fake, workspace):
    p = one_queued_preview(workspace)
    fake.generation_errors = [TRANSIENT(), PERMANENT()]
    gen.generate(str(p.id))
    assert row(p.id).status == "retrying" and files_of(fake, p)
    make_due(p.id)
    gen.generate(str(p.id))
    failed = row(p.id)
    assert failed.status == "failed" and failed.partial is None
    assert fake.backgrounds == 1  # the kept background was reused, not regenerated
    assert files_of(fake, p) == []


def test_the_reconciler_records_a_resend_only_after_it_was_sent(fake, workspace):
    p = one_queued_preview(workspace)
    old = utcnow() - dt.timedelta(minutes=10)
    with unit_of_work() as s:
        s.execute(sa.update(Preview).where(Preview.id == p.id).values(enqueued_at=old))

    def broker_down(kind, args, delay):
        raise ConnectionError("redis is down")

    assert ("preview", (str(p.id),), 0.0) not in reconcile(grace_seconds=60, send=broker_down)
    assert row(p.id).enqueued_at == old  # not recorded: the next pass re-sends at once
    got: list = []
    assert ("preview", (str(p.id),), 0.0) in reconcile(
        grace_seconds=60, send=lambda kind, args, delay: got.append((kind, args)))
    assert ("preview", (str(p.id),)) in got
    assert row(p.id).enqueued_at > old
    got.clear()
    reconcile(grace_seconds=60, send=lambda kind, args, delay: got.append((kind, args)))
    assert ("preview", (str(p.id),)) not in got  # recorded: not re-sent every pass


def test_a_done_preview_names_its_product_photo(fake, workspace):
    """The copywriter returns ``product_image_url`` empty; the photo used fills it."""
    p = one_queued_preview(workspace)
    gen.generate(str(p.id))
    done = row(p.id)
    assert done.status == "done" and done.prefill["product_image_url"] == done.source_image_url


def test_after_its_preview_the_thread_bills_no_one(fake, workspace):
    """The claim binds the thread's generation calls to the preview for the usage ledger;
    once the preview is over, a later call in the same thread must not be billed to it."""
    from core.usage import bound

    p = one_queued_preview(workspace)
    gen.generate(str(p.id))
    assert row(p.id).status == "done"
    assert bound() is None
