"""Images from a Gemini image model (``generate_content`` with IMAGE output).

Imagen's ``generate_images`` is Vertex-only and deprecated in google-genai 2.x, so the
API-key deployment uses the Gemini image model (GEMINI_IMAGE_MODEL, default
``gemini-2.5-flash-image``). One call per output; the aspect ratio goes in
``ImageConfig``; a reference image is sent as an inline part before the prompt.
"""

from __future__ import annotations

import io

from google.genai import types
from PIL import Image

from core.errors import GenerationError
from core.media_gen import MediaOutput, MediaRequest, ShouldStop, never
from core.media_gen.gemini_common import SAFETY_REASONS, client, job_error, safety_error


def image_prompt(request: MediaRequest) -> str:
    """The text sent with each image request."""
    lines = [request.prompt]
    if request.negative_prompt:
        lines.append(f"Avoid: {request.negative_prompt}")
    if request.reference_image is not None:
        lines.append("Use the attached image as the reference for subject, style and composition.")
    lines.append(f"Aspect ratio {request.aspect_ratio}.")
    return "\n".join(lines)


class GeminiImageGenerator:
    """Gemini image model outputs, decoded and checked."""

    name = "gemini"

    def __init__(self, settings) -> None:
        self.settings = settings
        self.model = settings.gemini_image_model

    def _one(self, request: MediaRequest) -> MediaOutput:
        contents: list = []
        if request.reference_image is not None:
            contents.append(types.Part.from_bytes(data=request.reference_image,
                                                  mime_type=request.reference_mime or "image/png"))
        contents.append(image_prompt(request))
        config = types.GenerateContentConfig(
            response_modalities=["TEXT", "IMAGE"],
            image_config=types.ImageConfig(aspect_ratio=request.aspect_ratio),
        )
        from core.usage import provider_call

        try:
            with provider_call("gemini", self.model, "image") as used:
                resp = client(self.settings).models.generate_content(
                    model=self.model, contents=contents, config=config)
                used.reply(resp)
        except Exception as exc:  # noqa: BLE001 - classified in one place
            raise job_error(exc, self.model, self.settings) from exc
        feedback = getattr(resp, "prompt_feedback", None)
        if feedback is not None and feedback.block_reason:
            raise safety_error(str(getattr(feedback.block_reason, "value", feedback.block_reason)),
                               "image")
        for cand in resp.candidates or []:
            reason = str(getattr(cand.finish_reason, "value", cand.finish_reason) or "")
            if reason in SAFETY_REASONS:
                raise safety_error(reason, "image")
            for part in (cand.content.parts if cand.content else None) or []:
                if part.inline_data is not None and part.inline_data.data:
                    return _decoded(part.inline_data.data, part.inline_data.mime_type, self.model)
        # image models sometimes answer with text only; a new attempt usually draws
        raise GenerationError(f"Gemini ({self.model}) answered without an image; the job will retry.",
                              transient=True)

    def generate(self, request: MediaRequest, *, should_stop: ShouldStop = never) -> list[MediaOutput]:
        """``number_of_outputs`` images, one request each."""
        outputs = []
        for _ in range(request.number_of_outputs):
            if should_stop():
                break
            outputs.append(self._one(request))
        return outputs


def _decoded(data: bytes, mime: str | None, model: str) -> MediaOutput:
    try:
        img = Image.open(io.BytesIO(data))
        size, fmt = img.size, img.format
        img.verify()
    except Exception as exc:  # noqa: BLE001
        raise GenerationError(f"Gemini ({model}) returned an image that cannot be decoded; "
                              "retry the job.", transient=False) from exc
    ctype = {"PNG": "image/png", "JPEG": "image/jpeg", "WEBP": "image/webp"}.get(fmt, mime or "image/png")
    return MediaOutput(data, ctype, size[0], size[1])
