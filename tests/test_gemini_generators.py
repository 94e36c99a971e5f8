"""Gemini generators through the real google-genai SDK, against a local fake Gemini server."""

from __future__ import annotations

import io
import json
import logging
import socket

import pytest
from google import genai
from google.genai import errors as genai_errors
from google.genai import types
from PIL import Image, ImageChops, ImageOps, ImageStat

from core.errors import GenerationError
from core.generators import ProductBrief, classify_genai_error, get_generators
from core.generators.gemini import genai_client
from core.palette import contrast_ratio
from core.prefill import validate_prefill
from tests.fakes.gemini_server import default_copy, gemini_fake, gemini_settings  # noqa: F401

KEY = "AIzaTEST-not-a-real-key-0123456789"
BRIEF = ProductBrief(title="Acme Thermo Bottle", description="Keeps drinks cold for 24 hours.",
                     brand="Acme", url="https://shop.example/p/1")


def photo() -> bytes:
    img = Image.new("RGB", (300, 200), (240, 240, 240))
    img.paste((200, 30, 50), (20, 20, 120, 180))  # asymmetric: a mirrored copy is detectable
    out = io.BytesIO()
    img.save(out, "JPEG", quality=95)
    return out.getvalue()


def write(gens, **kw):
    args = dict(variant_index=1, batch_size=3, other_headlines=["Cold for a day"])
    args.update(kw)
    return gens.copy.write_prefill(BRIEF, photo(), **args)


def test_copy_is_structured_json_from_product_data_and_photo(gemini_fake, gemini_settings):
    prefill = write(get_generators())
    assert validate_prefill(prefill) == prefill
    assert prefill["headline"] == "Fresh pick number 1"
    call = gemini_fake.calls("generate")[0]
    assert call.path.endswith("/models/gemini-2.5-flash:generateContent")
    assert call.headers["x-goog-api-key"] == KEY
    config = call.body["generationConfig"]
    assert config["responseMimeType"] == "application/json"
    assert set(config["responseSchema"]["properties"]) >= {"headline", "colors", "widgets"}
    prompt = "\n".join(call.texts())
    assert "Acme Thermo Bottle" in prompt
    assert "variant 2 of 3" in prompt and '"Cold for a day"' in prompt
    assert len(call.images()) == 1  # the source photo goes with the request


def test_background_is_image_to_image_from_the_source_photo(gemini_fake, gemini_settings):
    data = get_generators().background.make_background(photo(), variant_index=0, brief=BRIEF)
    out = Image.open(io.BytesIO(data)).convert("RGB")
    sent = Image.open(io.BytesIO(gemini_fake.calls("generate")[0].images()[0])).convert("RGB")
    # the fake mirrors what it was sent, so this proves the photo made the round trip
    assert max(ImageStat.Stat(ImageChops.difference(out, ImageOps.mirror(sent))).mean) < 3
    call = gemini_fake.calls("generate")[0]
    assert "gemini-2.5-flash-image" in call.path
    assert call.body["generationConfig"]["responseModalities"] == ["TEXT", "IMAGE"]
    assert "Keep the product itself exactly as it is" in "\n".join(call.texts())


def test_model_names_are_configurable(gemini_fake, settings_env):
    settings_env(GEMINI_API_KEY=KEY, GEMINI_BASE_URL=gemini_fake.base_url,
                 GEMINI_TEXT_MODEL="my-text-model", GEMINI_IMAGE_MODEL="my-image-model")
    gens = get_generators()
    write(gens)
    gens.background.make_background(photo(), variant_index=0, brief=BRIEF)
    paths = [c.path for c in gemini_fake.calls("generate")]
    assert "my-text-model:generateContent" in paths[0]
    assert "my-image-model:generateContent" in paths[1]


@pytest.mark.parametrize("code,transient,hint", [
    (429, True, "rate limiting"),
    (500, True, "temporary"),
    (503, True, "temporary"),
    (400, False, "rejected the request"),
    (403, False, "GEMINI_API_KEY"),
    (404, False, "GEMINI_TEXT_MODEL"),
])
def test_http_errors_are_classified(gemini_fake, gemini_settings, code, transient, hint):
    gemini_fake.reply_error(code, message=f"scripted {code} for key={KEY}")
    with pytest.raises(GenerationError) as err:
        write(get_generators())
    assert err.value.transient is transient
    assert hint in err.value.message
    assert KEY not in err.value.message
    assert len(gemini_fake.calls("generate")) == 1  # the SDK does not retry: the pipeline does


@pytest.mark.parametrize("where", ["prompt", "candidate"])
def test_safety_blocks_are_permanent_with_an_actionable_message(gemini_fake, gemini_settings,
                                                                where):
    gemini_fake.reply_safety_block(where)
    with pytest.raises(GenerationError) as err:
        write(get_generators())
    assert err.value.transient is False
    assert "safety" in err.value.message and "SAFETY" in err.value.message


def test_safety_block_on_the_background_is_permanent(gemini_fake, gemini_settings):
    gemini_fake.reply_safety_block("candidate")
    with pytest.raises(GenerationError) as err:
        get_generators().background.make_background(photo(), variant_index=0, brief=BRIEF)
    assert err.value.transient is False


def test_malformed_json_gets_one_repair_request(gemini_fake, gemini_settings):
    gemini_fake.reply_text('{"headline": "Oops", ')
    prefill = write(get_generators())
    assert prefill["headline"] == "Fresh pick number 2"
    calls = gemini_fake.calls("generate")
    assert len(calls) == 2
    repair = calls[1].body["contents"]
    assert any(p.get("text") == '{"headline": "Oops", ' for c in repair for p in c["parts"])
    assert "cannot be used" in calls[1].texts()[-1]


def test_output_over_the_length_limits_is_repaired(gemini_fake, gemini_settings):
    gemini_fake.reply_json({**default_copy(0), "headline": "x" * 80})
    prefill = write(get_generators())
    assert len(prefill["headline"]) <= 40
    assert "headline" in gemini_fake.calls("generate")[1].texts()[-1]


def test_unrepairable_output_is_permanent_after_exactly_one_repair(gemini_fake, gemini_settings):
    gemini_fake.reply_text("not json at all")
    gemini_fake.reply_text("still not json")
    with pytest.raises(GenerationError) as err:
        write(get_generators())
    assert err.value.transient is False
    assert "repair" in err.value.message
    assert len(gemini_fake.calls("generate")) == 2


def test_low_contrast_colours_from_the_model_are_made_readable(gemini_fake, gemini_settings):
    gemini_fake.reply_json({**default_copy(0), "colors": {
        "primary": "#888888", "secondary": "#EEEEEE", "background": "#FFFFFF",
        "text": "#DDDDDD", "button": "#FFFF00", "button_text": "#FFFFFF"}})
    c = write(get_generators())["colors"]
    assert contrast_ratio(c["text"], c["background"]) >= 4.5
    assert contrast_ratio(c["secondary"], c["background"]) >= 4.5
    assert contrast_ratio(c["button_text"], c["button"]) >= 4.5


def test_a_slow_answer_is_a_transient_timeout(gemini_fake, settings_env):
    settings_env(GEMINI_API_KEY=KEY, GEMINI_BASE_URL=gemini_fake.base_url,
                 GENERATION_TIMEOUT_SECONDS="1")
    gemini_fake.reply_slow(2.5)
    with pytest.raises(GenerationError) as err:
        write(get_generators())
    assert err.value.transient is True and "in time" in err.value.message


def test_an_unreachable_server_is_transient(settings_env):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # closed again before use: nothing listens there
    settings_env(GEMINI_API_KEY=KEY, GEMINI_BASE_URL=f"http://127.0.0.1:{port}")
    with pytest.raises(GenerationError) as err:
        write(get_generators())
    assert err.value.transient is True


def test_an_image_model_answering_only_text_is_retried(gemini_fake, gemini_settings):
    gemini_fake.reply_text("I cannot draw that today.")
    with pytest.raises(GenerationError) as err:
        get_generators().background.make_background(photo(), variant_index=0, brief=BRIEF)
    assert err.value.transient is True


def test_the_api_key_is_never_logged(gemini_fake, gemini_settings, caplog):
    caplog.set_level(logging.DEBUG)
    gemini_fake.reply_error(403, message=f"API key {KEY} not valid")
    with pytest.raises(GenerationError) as err:
        write(get_generators())
    assert KEY not in caplog.text and KEY not in str(err.value) and KEY not in repr(
        gemini_settings)


def test_the_client_is_built_once_per_process(gemini_settings):
    assert genai_client(gemini_settings) is genai_client(gemini_settings)


@pytest.mark.parametrize("exc,transient", [
    (genai_errors.ClientError(429, {"error": {"code": 429, "status": "RESOURCE_EXHAUSTED"}}), True),
    (genai_errors.ServerError(502, {"error": {"code": 502, "status": "BAD_GATEWAY"}}), True),
    (genai_errors.ClientError(400, {"error": {"code": 400, "message": "bad"}}), False),
    (TimeoutError("slow"), True),
    (ConnectionResetError("reset"), True),
    (ValueError("weird"), False),
])
def test_classify_genai_error_is_the_one_place_for_transient_vs_permanent(exc, transient):
    err = classify_genai_error(exc)
    assert isinstance(err, GenerationError) and err.transient is transient


def test_the_fake_also_speaks_veo_long_running_operations(gemini_fake):
    """The media queue reuses this fake: predictLongRunning → poll → download."""
    client = genai.Client(api_key=KEY, http_options=types.HttpOptions(
        base_url=gemini_fake.base_url, api_version="v1beta", timeout=5000))
    gemini_fake.polls_before_done = 1
    op = client.models.generate_videos(
        model="veo-3.0-generate-001", prompt="slow pan",
        image=types.Image(image_bytes=photo(), mime_type="image/jpeg"))
    assert op.done is None
    op = client.operations.get(op)
    assert op.done is None
    op = client.operations.get(op)
    assert op.done is True
    video = op.response.generated_videos[0].video
    assert client.files.download(file=video) == gemini_fake.video_bytes
    body = gemini_fake.calls("predict")[0].body
    assert body["instances"][0]["prompt"] == "slow pan"
    assert json.dumps(body)  # the request is recorded as JSON for assertions
