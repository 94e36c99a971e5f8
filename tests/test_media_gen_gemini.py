"""Gemini image and Veo generators through the real google-genai SDK against the fake server."""

from __future__ import annotations

import base64
import io

import pytest
from PIL import Image

from core.errors import GenerationError
from core.media_gen import MediaRequest, get_media_generators
from core.media_gen.gemini_image import GeminiImageGenerator
from core.media_gen.mp4 import encode_mp4
from core.media_gen.veo import VeoVideoGenerator, poll_seconds
from tests.fakes.gemini_server import Reply, gemini_fake, gemini_settings  # noqa: F401


def png(color=(10, 120, 40), size=(48, 32)) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", size, color).save(buf, "PNG")
    return buf.getvalue()


def tiny_mp4(seconds=1, size=(64, 36)) -> bytes:
    frame = Image.new("RGB", size, (30, 60, 200)).tobytes()
    return encode_mp4((frame for _ in range(24 * seconds)), size, 24)


def image_request(**kw) -> MediaRequest:
    return MediaRequest(**{"kind": "image", "prompt": "A green teapot", "aspect_ratio": "4:3", **kw})


def video_request(**kw) -> MediaRequest:
    return MediaRequest(**{"kind": "video", "prompt": "A teapot spinning", "aspect_ratio": "16:9",
                           "duration_seconds": 6, "resolution": "720p", **kw})


def test_a_gemini_key_selects_the_gemini_generators(gemini_settings):
    gens = get_media_generators(gemini_settings)
    assert isinstance(gens.image, GeminiImageGenerator) and isinstance(gens.video, VeoVideoGenerator)
    assert gens.for_kind("video") is gens.video


def test_images_come_from_the_image_model_one_request_per_output(gemini_fake, gemini_settings):
    ref = png()
    outputs = GeminiImageGenerator(gemini_settings).generate(
        image_request(number_of_outputs=2, negative_prompt="no text", reference_image=ref,
                      reference_mime="image/png"))
    assert len(outputs) == 2
    for out in outputs:
        assert out.content_type == "image/png" and (out.width, out.height) == (48, 32)
        Image.open(io.BytesIO(out.data)).verify()
    calls = gemini_fake.calls("generate")
    assert len(calls) == 2 and "/models/gemini-2.5-flash-image:" in calls[0].path
    body = calls[0].body
    assert body["generationConfig"]["imageConfig"]["aspectRatio"] == "4:3"
    assert body["generationConfig"]["responseModalities"] == ["TEXT", "IMAGE"]
    text = "\n".join(calls[0].texts())
    assert "A green teapot" in text and "Avoid: no text" in text and "Aspect ratio 4:3." in text
    assert calls[0].images() == [ref]
    assert calls[0].headers["x-goog-api-key"].startswith("AIzaTEST")


@pytest.mark.parametrize("code, transient, words", [
    (429, True, "rate limiting this key (model gemini-2.5-flash-image); the job will retry"),
    (500, True, "temporary problem (HTTP 500)"),
    (503, True, "temporary problem (HTTP 503)"),
    (403, False, "refused the API key (HTTP 403)"),
    (400, False, "rejected the request (HTTP 400)"),
])
def test_image_http_errors_are_classified(gemini_fake, gemini_settings, code, transient, words):
    gemini_fake.reply_error(code)
    with pytest.raises(GenerationError) as err:
        GeminiImageGenerator(gemini_settings).generate(image_request())
    assert err.value.transient is transient and words in err.value.message
    assert "preview" not in err.value.message and "AIzaTEST" not in err.value.message


def test_a_blocked_prompt_is_a_permanent_error(gemini_fake, gemini_settings):
    gemini_fake.reply_safety_block("prompt")
    with pytest.raises(GenerationError, match=r"blocked the image \(SAFETY\)") as err:
        GeminiImageGenerator(gemini_settings).generate(image_request())
    assert not err.value.transient


def test_a_text_only_answer_is_retried(gemini_fake, gemini_settings):
    gemini_fake.reply_text("I cannot draw that today.")
    with pytest.raises(GenerationError, match="answered without an image") as err:
        GeminiImageGenerator(gemini_settings).generate(image_request())
    assert err.value.transient


def test_a_video_is_polled_until_done_and_downloaded(gemini_fake, gemini_settings):
    gemini_fake.video_bytes = tiny_mp4(seconds=2)
    gemini_fake.polls_before_done = 3  # a long-running operation
    ref = png()
    (out,) = VeoVideoGenerator(gemini_settings).generate(
        video_request(negative_prompt="blurry", reference_image=ref, reference_mime="image/png"))
    assert out.data == gemini_fake.video_bytes and out.content_type == "video/mp4"
    assert (out.width, out.height, out.duration_seconds) == (64, 36, 2.0)
    (predict,) = gemini_fake.calls("predict")
    assert "/models/veo-3.0-generate-001:predictLongRunning" in predict.path
    instance, params = predict.body["instances"][0], predict.body["parameters"]
    assert instance["prompt"] == "A teapot spinning"
    image = instance["image"]
    data = image.get("bytesBase64Encoded") or image.get("imageBytes")
    assert base64.b64decode(data) == ref
    assert params == {"sampleCount": 1, "durationSeconds": 6, "aspectRatio": "16:9",
                      "resolution": "720p", "negativePrompt": "blurry"}
    assert len(gemini_fake.calls("operation")) == 4 and len(gemini_fake.calls("download")) == 1


def test_polling_waits_a_thirtieth_of_the_timeout(gemini_settings):
    assert poll_seconds(gemini_settings) == pytest.approx(5 / 30)


@pytest.mark.parametrize("kind", ["predict", "operation"])
@pytest.mark.parametrize("code", [429, 500])
def test_veo_http_errors_while_starting_or_polling_are_transient(gemini_fake, gemini_settings, kind, code):
    gemini_fake.reply_error(code, kind=kind)
    with pytest.raises(GenerationError) as err:
        VeoVideoGenerator(gemini_settings).generate(video_request())
    assert err.value.transient and "veo-3.0-generate-001" in err.value.message


@pytest.mark.parametrize("code, transient", [(3, False), (8, True), (13, True), (14, True)])
def test_an_operation_that_ends_in_error_is_classified_by_its_code(gemini_fake, gemini_settings, code,
                                                                   transient):
    gemini_fake.polls_before_done = 0
    gemini_fake.enqueue("operation", Reply(body={
        "name": "models/veo/operations/x", "done": True,
        "error": {"code": code, "message": "the scripted failure"}}))
    with pytest.raises(GenerationError, match=f"code {code}\\): the scripted failure") as err:
        VeoVideoGenerator(gemini_settings).generate(video_request())
    assert err.value.transient is transient


def test_a_safety_filtered_video_is_a_permanent_error_with_the_reason(gemini_fake, gemini_settings):
    gemini_fake.polls_before_done = 0
    gemini_fake.enqueue("operation", Reply(body={
        "name": "models/veo/operations/x", "done": True, "response": {"generateVideoResponse": {
            "raiMediaFilteredCount": 1, "raiMediaFilteredReasons": ["Contains a famous person"]}}}))
    with pytest.raises(GenerationError, match="safety filter removed the video "
                                              r"\(Contains a famous person\)") as err:
        VeoVideoGenerator(gemini_settings).generate(video_request())
    assert not err.value.transient


def test_a_download_that_is_not_an_mp4_is_refused(gemini_fake, gemini_settings):
    gemini_fake.video_bytes = b"<html>oops</html>"
    with pytest.raises(GenerationError, match="not an MP4"):
        VeoVideoGenerator(gemini_settings).generate(video_request())


def test_polling_stops_when_the_job_is_stopped(gemini_fake, gemini_settings):
    gemini_fake.polls_before_done = 10_000
    polls = []

    def should_stop():
        polls.append(1)
        return len(polls) > 3

    with pytest.raises(GenerationError, match="Stopped waiting for Veo operation"):
        VeoVideoGenerator(gemini_settings).generate(video_request(), should_stop=should_stop)
    assert len(gemini_fake.calls("operation")) == 3
