"""Videos from Veo: ``generate_videos`` starts a long-running operation, we poll it, download.

The operation is polled every GENERATION_TIMEOUT_SECONDS / 30 (between 0.05 and 10 s), and
abandoned as soon as ``should_stop()`` says the job was cancelled or ran out of time. A
failed operation is transient when its status code says so (quota, unavailable, internal,
deadline); safety-filtered output is permanent with the filter's reasons.
"""

from __future__ import annotations

import time

from google.genai import types

from core.errors import GenerationError
from core.media_gen import MediaOutput, MediaRequest, ShouldStop, never
from core.media_gen.gemini_common import client, job_error
from core.media_gen.mp4 import is_mp4, probe_mp4

# google.rpc codes (and their HTTP twins) that mean "try again later"
TRANSIENT_CODES = frozenset({4, 8, 10, 13, 14, 408, 429, 500, 502, 503, 504})


def poll_seconds(settings) -> float:
    """How long to wait between operation polls."""
    return min(max(settings.generation_timeout_seconds / 30, 0.05), 10.0)


def operation_error(error: dict, model: str) -> GenerationError:
    """The job's error for an operation that finished with ``error``."""
    code = int(error.get("code") or 0)
    message = str(error.get("message") or "no detail given")[:300]
    transient = code in TRANSIENT_CODES
    then = "the job will retry" if transient else "change the prompt or settings and retry"
    return GenerationError(f"Veo ({model}) could not make the video (code {code}): {message}; {then}.",
                           transient=transient)


class VeoVideoGenerator:
    """Veo videos through the Gemini API (API key; google-genai 2.x)."""

    name = "gemini"

    def __init__(self, settings) -> None:
        self.settings = settings
        self.model = settings.gemini_video_model

    def _call(self, fn, *args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except GenerationError:
            raise
        except Exception as exc:  # noqa: BLE001 - classified in one place
            raise job_error(exc, self.model, self.settings) from exc

    def _start(self, request: MediaRequest) -> types.GenerateVideosOperation:
        config = types.GenerateVideosConfig(
            number_of_videos=request.number_of_outputs,
            duration_seconds=request.duration_seconds,
            aspect_ratio=request.aspect_ratio,
            resolution=request.resolution,
            negative_prompt=request.negative_prompt or None,
        )
        image = None
        if request.reference_image is not None:
            image = types.Image(image_bytes=request.reference_image,
                                mime_type=request.reference_mime or "image/png")
        return self._call(client(self.settings).models.generate_videos, model=self.model,
                          prompt=request.prompt, image=image, config=config)

    def _wait(self, op, should_stop: ShouldStop):
        pause = poll_seconds(self.settings)
        while not op.done:  # None while running, not False
            if should_stop():
                raise GenerationError(f"Stopped waiting for Veo operation {op.name}", transient=False)
            time.sleep(pause)
            op = self._call(client(self.settings).operations.get, op)
        return op

    def _video_bytes(self, generated) -> bytes:
        video = generated.video
        if video is None:
            raise GenerationError(f"Veo ({self.model}) returned an empty sample; the job will retry.",
                                  transient=True)
        data = video.video_bytes or self._call(client(self.settings).files.download, file=video)
        if not data or not is_mp4(data):
            raise GenerationError(f"Veo ({self.model}) returned a file that is not an MP4.",
                                  transient=False)
        return data

    def generate(self, request: MediaRequest, *, should_stop: ShouldStop = never) -> list[MediaOutput]:
        """Start the operation, poll until done, download every video (one ledger call)."""
        from core.usage import provider_call

        with provider_call("gemini", self.model, "video") as used:
            outputs = self._generate(request, should_stop)
            used.video_seconds = sum(o.duration_seconds or 0 for o in outputs)
        return outputs

    def _generate(self, request: MediaRequest, should_stop: ShouldStop) -> list[MediaOutput]:
        op = self._wait(self._start(request), should_stop)
        if op.error:
            raise operation_error(op.error, self.model)
        response = op.response or op.result
        videos = list(response.generated_videos or []) if response else []
        if not videos:
            reasons = "; ".join(response.rai_media_filtered_reasons or []) if response else ""
            if response and response.rai_media_filtered_count:
                raise GenerationError(
                    f"Veo's safety filter removed the video ({reasons or 'no reason given'}). "
                    "Reword the prompt or choose another reference image, then submit again.",
                    transient=False,
                )
            raise GenerationError(f"Veo ({self.model}) finished without a video; the job will retry.",
                                  transient=True)
        outputs = []
        for generated in videos:
            data = self._video_bytes(generated)
            info = probe_mp4(data)
            outputs.append(MediaOutput(
                data, "video/mp4", info.width if info else None, info.height if info else None,
                info.duration_seconds if info else float(request.duration_seconds or 0) or None,
            ))
        return outputs
