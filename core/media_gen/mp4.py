"""MP4 in and out with the ffmpeg binary shipped in ``imageio-ffmpeg`` (no system ffmpeg).

``encode_mp4`` pipes raw RGB frames into ffmpeg (H.264, yuv420p, faststart: plays in every
browser); ``probe_mp4`` reads an MP4's size and duration back.
"""

from __future__ import annotations

import os
import subprocess
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import imageio_ffmpeg

from core.errors import GenerationError


@dataclass(frozen=True)
class VideoInfo:
    """What ffmpeg reports about an MP4."""

    width: int
    height: int
    duration_seconds: float
    fps: float


def encode_mp4(frames: Iterable[bytes], size: tuple[int, int], fps: int,
               should_stop: Callable[[], bool] = lambda: False) -> bytes:
    """H.264 MP4 bytes from raw ``rgb24`` frames of ``size``; stops early if asked."""
    width, height = size
    fd, path = tempfile.mkstemp(suffix=".mp4", prefix="ctabs-video-")
    os.close(fd)
    cmd = [
        imageio_ffmpeg.get_ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-y",
        "-f", "rawvideo", "-pix_fmt", "rgb24", "-s", f"{width}x{height}", "-r", str(fps),
        "-i", "-", "-an", "-c:v", "libx264", "-preset", "veryfast", "-crf", "23",
        "-pix_fmt", "yuv420p", "-movflags", "+faststart", path,
    ]
    proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE)
    try:
        try:
            for frame in frames:
                if should_stop():
                    raise GenerationError("Video encoding stopped: the job was cancelled or timed out")
                proc.stdin.write(frame)
        except BrokenPipeError:
            pass  # ffmpeg died: its stderr says why, below
        finally:
            proc.stdin.close()
        err = proc.stderr.read().decode(errors="replace")
        if proc.wait() != 0:
            raise GenerationError(f"ffmpeg could not encode the video: {err.strip()[:300]}",
                                  transient=False)
        with open(path, "rb") as fh:
            return fh.read()
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        proc.stderr.close()
        os.unlink(path)


def probe_mp4(data: bytes) -> VideoInfo | None:
    """Size, duration and frame rate of MP4 bytes, or None when ffmpeg cannot read them."""
    fd, path = tempfile.mkstemp(suffix=".mp4", prefix="ctabs-probe-")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        reader = imageio_ffmpeg.read_frames(path)
        try:
            meta = next(reader)
        finally:
            reader.close()
        width, height = meta["size"]
        return VideoInfo(int(width), int(height), float(meta.get("duration") or 0.0),
                         float(meta.get("fps") or 0.0))
    except Exception:  # noqa: BLE001 - unreadable is an answer, not an error
        return None
    finally:
        os.unlink(path)


def is_mp4(data: bytes) -> bool:
    """True when the bytes start like an ISO-BMFF (MP4/MOV) file."""
    return len(data) > 12 and data[4:8] == b"ftyp"
