"""Generation job services: submit (validation, duplicates), list, cancel, retry, clear."""

from __future__ import annotations

import io
import threading
import uuid

import pytest
import sqlalchemy as sa
from PIL import Image

from core.errors import ConflictError, NotFoundError, ValidationError
from core.jobs import (
    cancel_job, clear_completed_jobs, get_job, job_file, list_jobs, queue_summary, retry_job,
    submit_job,
)
from db.base import utcnow
from db.engine import unit_of_work
from db.models import GenerationJob


def png(size=(32, 24), color=(200, 30, 30), fmt="PNG") -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", size, color).save(buf, fmt)
    return buf.getvalue()


@pytest.fixture(autouse=True)
def no_leftover_jobs(db, workspace):
    """Delete the test's jobs afterwards: worker processes started later in the session
    (tests/test_*_redis.py share this database) would find them pending and run them."""
    yield
    with unit_of_work() as session:
        session.execute(sa.delete(GenerationJob).where(GenerationJob.workspace.in_(
            [workspace, "someone-else", f"{workspace} a", f"{workspace}_a"])))


def set_job_state(job_id, status: str, **values) -> None:
    """Put a job directly into a state (simulates the pipeline in service tests)."""
    with unit_of_work() as session:
        job = session.get(GenerationJob, uuid.UUID(str(job_id)))
        job.status = status
        if status in ("done", "failed", "cancelled"):
            job.finished_at = utcnow()
        for key, value in values.items():
            setattr(job, key, value)


def a_job(workspace, prompt="A red bicycle", kind="image", user="alice", **params):
    return submit_job(workspace, user, kind, {"prompt": prompt, **params})


def test_submit_stores_a_pending_job_and_dispatches_it_after_commit(db, workspace, sent):
    job = submit_job(workspace, "alice", "video", {"prompt": "  Waves   at dusk ",
                                                    "duration_seconds": "5"})
    assert job.created and job.status == "pending" and job.retry_count == 0
    assert job.params == {"kind": "video", "prompt": "Waves at dusk", "negative_prompt": "",
                          "aspect_ratio": "16:9", "number_of_outputs": 1, "duration_seconds": 5,
                          "resolution": "720p", "reference_image": None}
    assert sent == [("job", (str(job.id),))]
    assert get_job(workspace, job.id).status == "pending"


@pytest.mark.parametrize("kind, params, message", [
    ("image", {"prompt": "   "}, "Prompt: describe what to generate"),
    ("image", {"prompt": "x" * 2001}, "Prompt: at most 2000 characters"),
    ("image", {"prompt": "cat", "aspect_ratio": "21:9"}, "Aspect ratio '21:9' is not supported for images"),
    ("video", {"prompt": "cat", "aspect_ratio": "1:1"}, "use 16:9, 9:16"),
    ("video", {"prompt": "cat", "resolution": "4k"}, "Resolution '4k' is not supported: use 720p, 1080p"),
    ("video", {"prompt": "cat", "duration_seconds": 30}, "Duration must be 4 to 8 whole seconds (got 30)"),
    ("video", {"prompt": "cat", "duration_seconds": 5.5}, "Duration must be 4 to 8"),
    ("image", {"prompt": "cat", "number_of_outputs": 5}, "from 1 to 4 for images"),
    ("video", {"prompt": "cat", "number_of_outputs": 3}, "from 1 to 2 for videos"),
    ("audio", {"prompt": "cat"}, "kind must be 'image' or 'video'"),
])
def test_invalid_parameters_are_refused_with_the_field_named_and_nothing_created(
        db, workspace, sent, kind, params, message):
    with pytest.raises(ValidationError) as err:
        submit_job(workspace, "alice", kind, params)
    assert message in err.value.message
    assert list_jobs(workspace).items == [] and sent == []


@pytest.mark.parametrize("data, message", [
    (b"not an image at all", "could not be read as an image (damaged, or not an image at all): upload a PNG, JPEG or WebP"),
    (png(fmt="GIF"), "is a GIF file: upload a PNG, JPEG or WebP"),
    (b"", "is empty"),
])
def test_a_bad_upload_is_refused_clearly(db, workspace, sent, data, message):
    with pytest.raises(ValidationError) as err:
        submit_job(workspace, "alice", "image", {"prompt": "cat"}, reference=("photo.gif", data))
    assert message in err.value.message and "'photo.gif'" in err.value.message
    assert list_jobs(workspace).items == [] and sent == []


def test_an_oversize_upload_is_refused_before_it_is_decoded(db, workspace, sent):
    big = png() + b"\0" * (10 * 1024 * 1024)
    with pytest.raises(ValidationError, match=r"is 10\.0 MB: the limit is 10 MB"):
        submit_job(workspace, "alice", "image", {"prompt": "cat"}, reference=("big.png", big))
    assert list_jobs(workspace).items == []


def test_a_reference_image_is_stored_and_described(db, workspace, sent):
    data = png((40, 30))
    job = submit_job(workspace, "alice", "image", {"prompt": "cat"}, reference=("cat.png", data))
    ref = job.params["reference_image"]
    assert ref["name"] == "cat.png" and ref["content_type"] == "image/png"
    assert (ref["width"], ref["height"], ref["size"]) == (40, 30, len(data))
    assert job_file(workspace, job.id, ref["url"]) == data


def test_job_files_are_read_only_through_their_own_workspace_and_job(db, workspace, sent):
    job = submit_job(workspace, "alice", "image", {"prompt": "cat"}, reference=("cat.png", png()))
    other = a_job(workspace, "dog")
    url = job.params["reference_image"]["url"]
    with pytest.raises(NotFoundError):
        job_file("someone-else", job.id, url)
    with pytest.raises(NotFoundError, match="has no file"):
        job_file(workspace, other.id, url)


def test_workspaces_whose_names_differ_only_in_punctuation_keep_their_own_files(db, workspace, sent):
    # a walk-through: "team a" and "team_a" both stored reference images under
    # jobs/references/team_a/, so each could put the other's uploads into its banners
    from core.media_owner import owns

    data = png((20, 20), color=(9, 99, 199))
    spaced = submit_job(f"{workspace} a", "alice", "image", {"prompt": "cat"}, reference=("a.png", data))
    joined = submit_job(f"{workspace}_a", "alice", "image", {"prompt": "cat"}, reference=("a.png", data))
    mine, theirs = (j.params["reference_image"]["url"] for j in (joined, spaced))
    assert mine != theirs
    with unit_of_work() as session:
        assert owns(session, f"{workspace}_a", mine) and not owns(session, f"{workspace}_a", theirs)
        assert owns(session, f"{workspace} a", theirs) and not owns(session, f"{workspace} a", mine)
    with pytest.raises(NotFoundError):
        job_file(f"{workspace}_a", spaced.id, theirs)


def test_the_same_parameters_within_the_window_create_one_job(db, workspace, sent):
    first = a_job(workspace, aspect_ratio="16:9")
    again = a_job(workspace, aspect_ratio="16:9")
    assert again.id == first.id and not again.created
    assert len(list_jobs(workspace).items) == 1 and len(sent) == 1
    other_user = a_job(workspace, aspect_ratio="16:9", user="bob")
    other_params = a_job(workspace, aspect_ratio="1:1")
    assert len({first.id, other_user.id, other_params.id}) == 3


def test_a_different_reference_image_is_a_different_job(db, workspace, sent):
    one = submit_job(workspace, "alice", "image", {"prompt": "cat"}, reference=("a.png", png()))
    same = submit_job(workspace, "alice", "image", {"prompt": "cat"}, reference=("b.png", png()))
    other = submit_job(workspace, "alice", "image", {"prompt": "cat"},
                       reference=("c.png", png(color=(0, 0, 255))))
    assert same.id == one.id and other.id != one.id


def test_after_the_window_the_same_parameters_make_a_new_job(db, workspace, sent, settings_env):
    settings_env(DUPLICATE_WINDOW_SECONDS="0")
    assert a_job(workspace).id != a_job(workspace).id


def test_simultaneous_identical_submissions_create_one_job(db, workspace, sent):
    ids, barrier = [], threading.Barrier(4)

    def submit():
        barrier.wait()
        ids.append(a_job(workspace, "Same prompt, four clicks").id)

    threads = [threading.Thread(target=submit) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(set(ids)) == 1 and len(list_jobs(workspace).items) == 1


def test_the_queue_has_no_length_cap(db, workspace, sent):
    for i in range(40):
        a_job(workspace, f"prompt {i}")
    assert queue_summary(workspace).counts == {"pending": 40}


def test_list_is_newest_first_filtered_and_scoped_to_the_workspace(db, workspace, sent):
    img = a_job(workspace, "one")
    vid = a_job(workspace, "two", kind="video")
    done = a_job(workspace, "three")
    set_job_state(done.id, "done")
    a_job("someone-else", "four")
    assert [j.prompt for j in list_jobs(workspace).items] == ["three", "two", "one"]
    assert [j.id for j in list_jobs(workspace, kind="video").items] == [vid.id]
    assert [j.id for j in list_jobs(workspace, status="pending", kind="image").items] == [img.id]
    assert {j.id for j in list_jobs(workspace, status=["pending", "done"]).items} == {img.id, vid.id, done.id}
    page = list_jobs(workspace, page_size=2)
    rest = list_jobs(workspace, page_size=2, cursor=page.next_cursor)
    assert [j.prompt for j in page.items + rest.items] == ["three", "two", "one"]
    with pytest.raises(ValidationError, match="Unknown job status 'lost'"):
        list_jobs(workspace, status="lost")
    with pytest.raises(NotFoundError):
        get_job("someone-else", img.id)


def test_cancel_stops_waiting_and_running_jobs_only(db, workspace, sent):
    waiting, running, finished = a_job(workspace, "a"), a_job(workspace, "b"), a_job(workspace, "c")
    set_job_state(running.id, "running", lease_owner="w1")
    set_job_state(finished.id, "done")
    assert cancel_job(workspace, waiting.id).status == "cancelled"
    cancelled = cancel_job(workspace, running.id)
    assert cancelled.status == "cancelled" and cancelled.finished_at is not None
    with pytest.raises(ConflictError, match="already done"):
        cancel_job(workspace, finished.id)
    with pytest.raises(NotFoundError):
        cancel_job("someone-else", waiting.id)
    with pytest.raises(NotFoundError):
        cancel_job(workspace, "not-a-uuid")


def test_retry_requeues_a_failed_job_with_the_same_parameters(db, workspace, sent):
    job = a_job(workspace, "A lighthouse", aspect_ratio="9:16")
    set_job_state(job.id, "failed", retry_count=3, error_message="busy (gave up after 3 retries)")
    again = retry_job(workspace, job.id)
    assert again.id == job.id and again.status == "pending" and again.params == job.params
    assert again.retry_count == 0 and again.error_message is None and again.finished_at is None
    assert sent[-1] == ("job", (str(job.id),))
    with pytest.raises(ConflictError, match="Only failed or cancelled jobs can be retried"):
        retry_job(workspace, job.id)


def test_clear_completed_hides_finished_jobs_and_keeps_the_rest(db, workspace, sent):
    jobs = [a_job(workspace, f"p{i}") for i in range(4)]
    for job, status in zip(jobs, ["done", "failed", "cancelled"]):
        set_job_state(job.id, status)
    assert clear_completed_jobs(workspace) == 3
    assert [j.id for j in list_jobs(workspace).items] == [jobs[3].id]
    assert queue_summary(workspace).counts == {"pending": 1}
    assert clear_completed_jobs(workspace) == 0


def test_a_reference_image_stored_under_the_old_folder_name_stays_its_workspace_s(db, workspace, sent):
    # a review: files stored before the folders were hashed (jobs/references/<name with "_">/…)
    # were no longer the workspace's own: a banner pointing at one was drawn without it
    import re

    import sqlalchemy as sa

    from core.media_owner import foreign_media, owns
    from core.storage import get_storage
    from db.models import GenerationJob

    ws = f"{workspace} a"
    job = submit_job(ws, "alice", "image", {"prompt": "cat"}, reference=("a.png", png((12, 12))))
    ref = dict(job.params["reference_image"])
    new_key = ref["url"].removeprefix("/media/")
    legacy_key = "jobs/references/{}/{}".format(re.sub(r"[^A-Za-z0-9._-]", "_", ws), new_key.rsplit("/", 1)[1])
    get_storage().put(legacy_key, get_storage().get(new_key), "image/png")
    ref["url"] = f"/media/{legacy_key}"
    with unit_of_work() as session:  # the job as it was stored before
        row = session.get(GenerationJob, job.id)
        session.execute(sa.update(GenerationJob).where(GenerationJob.id == job.id)
                        .values(params={**row.params, "reference_image": ref}))
    legacy = f"/media/{legacy_key}"
    with unit_of_work() as session:
        assert owns(session, ws, legacy)
        # the same old folder name, but no job of theirs names the file: not theirs
        assert not owns(session, f"{workspace}_a", legacy)
        assert not owns(session, "someone-else", legacy)
        assert foreign_media(session, ws, {"logo_url": legacy}, None) == []
        assert foreign_media(session, f"{workspace}_a", {"logo_url": legacy}, None)
    # a job whose prompt only quotes the key proves nothing (a review claimed the file this way)
    submit_job(f"{workspace}_a", "mallory", "image", {"prompt": f"a cat {legacy}"})
    with unit_of_work() as session:
        assert not owns(session, f"{workspace}_a", legacy)
