"""Media queue benchmarks: ``python -m bench.media`` (figures go to docs/MEDIA.md).

1. Offline image: one render + PNG encode per aspect ratio (median of 5).
2. Offline video: 5 s 720p MP4 (16:9), frames + H.264 encode (median of 3).
3. Queue page with 1,000 jobs in the workspace (AppTest, in-process, SQLite): first render
   of a new session and a rerun.
4. Submit → form reset: click Generate and rerun, with those 1,000 jobs on the page.

Prints one JSON object as its last line. Also provides ``install_slow`` for worker
processes (``PIPELINE_STAGES=bench.media:install_slow``): the offline generators after
BENCH_WORK_SECONDS of sleep, for crash drills.
"""

from __future__ import annotations

import json
import os
import statistics
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGETS = {"offline_image_s": 0.5, "offline_video_5s_720p_s": 10.0, "queue_1000_render_s": 1.0,
           "submit_to_reset_s": 0.5}


class _Slow:
    """Wraps a generator: sleeps first (watching should_stop), then generates."""

    def __init__(self, inner, seconds: float) -> None:
        self.inner, self.seconds, self.name = inner, seconds, inner.name

    def generate(self, request, *, should_stop):
        deadline = time.monotonic() + self.seconds
        while time.monotonic() < deadline and not should_stop():
            time.sleep(0.05)
        return self.inner.generate(request, should_stop=should_stop)


def install_slow() -> None:
    """Worker processes: offline generators that take BENCH_WORK_SECONDS longer."""
    from core import media_gen
    from core.media_gen.offline_image import OfflineImageGenerator
    from core.media_gen.offline_video import OfflineVideoGenerator

    seconds = float(os.environ.get("BENCH_WORK_SECONDS", "0") or 0)
    gens = media_gen.MediaGenerators(_Slow(OfflineImageGenerator(), seconds),
                                     _Slow(OfflineVideoGenerator(), seconds))
    media_gen.override_media_generators(lambda: gens)


def _timed(fn, repeat: int) -> dict:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return {"median_s": round(statistics.median(times), 3), "max_s": round(max(times), 3),
            "runs": repeat}


def bench_generators() -> dict:
    from core.media_gen import MediaRequest
    from core.media_gen.offline_image import OfflineImageGenerator
    from core.media_gen.offline_video import OfflineVideoGenerator
    from core.media_gen.params import IMAGE_SIZES

    image = OfflineImageGenerator()
    out = {}
    for ratio in IMAGE_SIZES:
        req = MediaRequest("image", "A red sunset over the ocean with mountains and a city skyline",
                           aspect_ratio=ratio)
        out[f"offline_image_{ratio}"] = _timed(lambda: image.generate(req), 5)
    out["offline_image_s"] = max(v["median_s"] for v in out.values())
    video = OfflineVideoGenerator()
    req = MediaRequest("video", "Waves at dusk under a pink sky", aspect_ratio="16:9",
                       duration_seconds=5, resolution="720p")
    out["offline_video_5s_720p"] = _timed(lambda: video.generate(req), 3)
    out["offline_video_5s_720p_s"] = out["offline_video_5s_720p"]["median_s"]
    return out


def _seed(workspace: str, n: int) -> None:
    """``n`` jobs, mostly finished images with a real stored PNG, the rest in every state."""
    import sqlalchemy as sa

    from core.media_gen import MediaRequest
    from core.media_gen.offline_image import OfflineImageGenerator
    from core.media_gen.offline_video import OfflineVideoGenerator
    from core.storage import get_storage
    from db.base import utcnow
    from db.engine import unit_of_work
    from db.models import GenerationJob

    img = OfflineImageGenerator().generate(MediaRequest("image", "A benchmark picture"))[0]
    vid = OfflineVideoGenerator().generate(MediaRequest("video", "A benchmark film", "",
                                                        "16:9", 1, 4, "720p"))[0]
    storage = get_storage()
    img_url = storage.put("bench/image.png", img.data, img.content_type)
    from core.thumbnails import thumbnail_jpeg

    thumb_url = storage.put("bench/image.thumb.jpg", thumbnail_jpeg(img.data, 480), "image/jpeg")
    vid_url = storage.put("bench/video.mp4", vid.data, vid.content_type)
    now = utcnow()
    rows = []
    for i in range(n):
        kind = "video" if i % 10 == 0 else "image"
        status = ["done"] * 14 + ["failed", "cancelled", "pending", "running", "retrying", "done"]
        status = status[i % len(status)]
        params = {"kind": kind, "prompt": f"Benchmark prompt number {i}", "negative_prompt": "",
                  "aspect_ratio": "16:9" if kind == "video" else "1:1", "number_of_outputs": 1,
                  "reference_image": None}
        if kind == "video":
            params.update(duration_seconds=4, resolution="720p")
        out = vid if kind == "video" else img
        results = [{"url": vid_url if kind == "video" else img_url, "size": len(out.data),
                    "format": out.format, "content_type": out.content_type, "width": out.width,
                    "height": out.height, "duration_seconds": out.duration_seconds,
                    "thumbnail_url": None if kind == "video" else thumb_url,
                    "created_at": now.isoformat()}] if status == "done" else []
        created = now - __import__("datetime").timedelta(seconds=n - i)
        rows.append({
            "id": uuid.uuid4(), "workspace": workspace, "user_id": "local", "kind": kind,
            "params": params, "submission_hash": uuid.uuid4().hex, "status": status,
            "results": results, "generator": "offline", "retry_count": 1 if status == "retrying" else 0,
            "error_message": "Benchmark failure" if status in ("failed", "retrying") else None,
            "next_retry_at": now if status == "retrying" else None, "created_at": created,
            "updated_at": created,
        })
    with unit_of_work() as session:
        session.execute(sa.insert(GenerationJob), rows)


def bench_page(n_jobs: int) -> dict:
    from streamlit.testing.v1 import AppTest

    from core.jobs import queue_summary

    _seed("bench", n_jobs)
    assert queue_summary("bench").total == n_jobs
    page = str(ROOT / "pages" / "media.py")
    cold, warm, submit = [], [], []
    for i in range(5):
        at = AppTest.from_file(page, default_timeout=60)
        start = time.perf_counter()
        at.run()
        cold.append(time.perf_counter() - start)
        assert not at.exception, at.exception
        start = time.perf_counter()
        at.run()
        warm.append(time.perf_counter() - start)
        version = at.session_state["media_form"] if "media_form" in at.session_state else 0
        at.text_area(key=f"media_prompt_{version}").input(f"Benchmark submit {i} {uuid.uuid4().hex[:6]}")
        at.button(key="media_generate").click()
        start = time.perf_counter()
        at.run()
        submit.append(time.perf_counter() - start)
        version = at.session_state["media_form"]
        assert at.text_area(key=f"media_prompt_{version}").value == ""  # the form did reset
    first_session = cold.pop(0)  # imports + the first media reads of the process
    return {
        "jobs_in_workspace": n_jobs,
        "queue_first_render_new_process_s": round(first_session, 3),
        "queue_1000_render_new_session_s": round(statistics.median(cold), 3),
        "queue_1000_rerun_s": round(statistics.median(warm), 3),
        "queue_1000_render_s": round(max(statistics.median(cold), statistics.median(warm)), 3),
        "submit_to_reset_s": round(statistics.median(submit), 3),
        "submit_to_reset_max_s": round(max(submit), 3),
    }


def main() -> None:
    tmp = Path(tempfile.mkdtemp(prefix="ctabs-bench-media-"))
    os.environ.update({
        "DATABASE_URL": f"sqlite:///{tmp / 'bench.db'}", "MEDIA_ROOT": str(tmp / "media"),
        "CTABS_SECRETS_FILE": str(tmp / "none.toml"), "DEFAULT_WORKSPACE": "bench",
        "DUPLICATE_WINDOW_SECONDS": "5",
    })
    for var in ("REDIS_URL", "GEMINI_API_KEY"):
        os.environ.pop(var, None)
    from core import dispatch
    from core.settings import reset_settings
    from db.migrate import upgrade

    reset_settings()
    upgrade()
    dispatch.register(lambda kind, args: None)  # measure the page, not a pipeline
    result = {"machine": f"{os.cpu_count()} cores, no GPU", "date": time.strftime("%Y-%m-%d")}
    result.update(bench_generators())
    result.update(bench_page(1000))
    result["targets_met"] = {k: result[k] <= v for k, v in TARGETS.items()}
    print(json.dumps(result))


if __name__ == "__main__":
    main()
