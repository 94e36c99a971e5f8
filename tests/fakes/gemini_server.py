"""A local HTTP server that speaks the Gemini REST protocol (v1beta), for SDK-level tests.

Point the real google-genai SDK at it with ``HttpOptions(base_url=fake.base_url)`` (or
``GEMINI_BASE_URL``). Covers ``:generateContent`` (JSON text and image parts), scripted
errors (429, 500, 403, …), safety blocks, malformed JSON, slow replies, and Veo's
``:predictLongRunning`` + operation polling + ``files/ID:download``.

Unscripted calls get a sensible default: JSON copy when the request asks for JSON, an
image (the request's photo, mirrored) when it asks for IMAGE output.
"""

from __future__ import annotations

import base64
import io
import itertools
import json
import re
import threading
import time
from collections import deque
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler

import pytest
from PIL import Image, ImageOps

from tests.httpserver import BackgroundHTTPServer

_GENERATE = re.compile(r"^/v1beta/models/([^/:]+):generateContent$")
_PREDICT = re.compile(r"^/v1beta/models/([^/:]+):predictLongRunning$")
_OPERATION = re.compile(r"^/v1beta/(models/[^/]+/operations/[A-Za-z0-9_-]+|operations/[^/]+)$")
_DOWNLOAD = re.compile(r"^/(?:download/)?v1beta/files/([a-z0-9]+):download$")


@dataclass
class Reply:
    """One scripted HTTP answer."""

    status: int = 200
    body: object = None  # dict → JSON, bytes → raw, str → raw text (malformed on purpose)
    content_type: str = "application/json"
    delay: float = 0.0


@dataclass
class Recorded:
    """One request the fake received."""

    method: str
    path: str
    headers: dict[str, str]
    body: dict | None

    def texts(self) -> list[str]:
        """Every text part of a generateContent request."""
        return [p["text"] for c in (self.body or {}).get("contents", [])
                for p in c.get("parts", []) if "text" in p]

    def images(self) -> list[bytes]:
        """Every inline image of a generateContent request (camelCase or snake_case)."""
        out = []
        for c in (self.body or {}).get("contents", []):
            for p in c.get("parts", []):
                inline = p.get("inlineData") or p.get("inline_data")
                if inline:
                    # the SDK sends url-safe base64; Google accepts both alphabets
                    data = inline["data"].replace("-", "+").replace("_", "/")
                    out.append(base64.b64decode(data + "=" * (-len(data) % 4)))
        return out


def error_body(code: int, status: str, message: str, retry_delay: str | None = None) -> dict:
    """Google's error envelope (a 429 may carry RetryInfo.retryDelay, e.g. "7s")."""
    body = {"error": {"code": code, "message": message, "status": status}}
    if retry_delay is not None:
        body["error"]["details"] = [
            {"@type": "type.googleapis.com/google.rpc.QuotaFailure",
             "violations": [{"quotaId": "GenerateRequestsPerMinutePerProjectPerModel"}]},
            {"@type": "type.googleapis.com/google.rpc.RetryInfo", "retryDelay": retry_delay}]
    return body


def text_reply(text: str, finish: str = "STOP") -> dict:
    """A generateContent answer whose only part is ``text``."""
    return {"candidates": [{"content": {"role": "model", "parts": [{"text": text}]},
                            "finishReason": finish, "index": 0}],
            "usageMetadata": {"promptTokenCount": 10, "candidatesTokenCount": 10}}


def image_reply(png: bytes, mime: str = "image/png") -> dict:
    """A generateContent answer carrying one inline image."""
    data = base64.b64encode(png).decode()
    return {"candidates": [{"content": {"role": "model", "parts": [
        {"text": "Here is the background."}, {"inlineData": {"mimeType": mime, "data": data}}]},
        "finishReason": "STOP", "index": 0}],
        "usageMetadata": {"promptTokenCount": 300, "candidatesTokenCount": 1290,
                          "totalTokenCount": 1590}}


def default_copy(n: int) -> dict:
    """A valid structured-copy answer; ``n`` makes each one different."""
    return {
        "headline": f"Fresh pick number {n}", "subtitle": "Made to be used every day.",
        "cta_text": "Shop now",
        "colors": {"primary": "#CC3344", "secondary": "#444444", "background": "#FFFFFF",
                   "text": "#111111", "button": "#CC3344", "button_text": "#FFFFFF"},
        "widgets": [{"type": "price_badge", "price": "19.90", "currency": "EUR"}],
        "visual_vibe": "bright studio",
    }


class FakeGemini(BackgroundHTTPServer):
    """The server plus a script of next replies per endpoint kind."""

    def __init__(self) -> None:
        self.requests: list[Recorded] = []
        self._script: dict[str, deque[Reply]] = {k: deque() for k in
                                                  ("generate", "predict", "operation", "download")}
        self._lock = threading.Lock()
        self._ids = itertools.count(1)
        self.polls_before_done = 1  # operation GETs answered "not done" before "done"
        self.video_bytes = b"\x00\x00\x00\x18ftypmp42fake-video"
        self._polls: dict[str, int] = {}
        self.served_usage: list[dict] = []  # usageMetadata of every reply sent
        # unscripted product-reading answer (core.extract.assist): reads nothing
        self.default_reading = {"title": None, "price": None, "list_price": None,
                                "currency": None, "brand": None}
        super().__init__(self._handler())

    # scripting -------------------------------------------------------------------------
    def enqueue(self, kind: str, reply: Reply) -> None:
        """Queue ``reply`` for the next request of ``kind`` (generate/predict/operation/download)."""
        with self._lock:
            self._script[kind].append(reply)

    def reply_json(self, obj: object) -> None:
        """Next generateContent: a text part holding ``obj`` as JSON."""
        self.enqueue("generate", Reply(body=text_reply(json.dumps(obj))))

    def reply_text(self, text: str, finish: str = "STOP") -> None:
        """Next generateContent: a text part holding ``text`` verbatim (e.g. broken JSON)."""
        self.enqueue("generate", Reply(body=text_reply(text, finish)))

    def reply_image(self, png: bytes, mime: str = "image/png") -> None:
        """Next generateContent: an inline image."""
        self.enqueue("generate", Reply(body=image_reply(png, mime)))

    def reply_error(self, code: int, status: str = "", message: str = "scripted error",
                    kind: str = "generate", retry_delay: str | None = None) -> None:
        """Next request of ``kind``: an HTTP error in Google's envelope (``retry_delay``:
        a RetryInfo detail, as Google's 429s carry)."""
        status = status or {429: "RESOURCE_EXHAUSTED", 500: "INTERNAL", 503: "UNAVAILABLE",
                            400: "INVALID_ARGUMENT", 403: "PERMISSION_DENIED",
                            404: "NOT_FOUND"}.get(code, "UNKNOWN")
        self.enqueue(kind, Reply(status=code, body=error_body(code, status, message, retry_delay)))

    def reply_safety_block(self, where: str = "prompt") -> None:
        """Next generateContent: blocked, either the whole prompt or the candidate."""
        if where == "prompt":
            body = {"promptFeedback": {"blockReason": "SAFETY", "safetyRatings": []}}
        else:
            body = {"candidates": [{"finishReason": "SAFETY", "index": 0, "safetyRatings": [
                {"category": "HARM_CATEGORY_DANGEROUS_CONTENT", "probability": "HIGH"}]}]}
        self.enqueue("generate", Reply(body=body))

    def reply_slow(self, seconds: float, kind: str = "generate") -> None:
        """Next request of ``kind``: the default answer, after ``seconds``."""
        self.enqueue(kind, Reply(body=None, delay=seconds))

    def usage_totals(self) -> dict[str, int]:
        """What the replies sent told the client it used (sum of their usageMetadata)."""
        out = {"calls": len(self.served_usage), "input_tokens": 0, "output_tokens": 0}
        for u in self.served_usage:
            out["input_tokens"] += int(u.get("promptTokenCount") or 0)
            out["output_tokens"] += int(u.get("candidatesTokenCount") or 0)
        return out

    def calls(self, kind: str = "generate") -> list[Recorded]:
        """Recorded requests of one kind, in order."""
        pattern = {"generate": _GENERATE, "predict": _PREDICT, "operation": _OPERATION,
                   "download": _DOWNLOAD}[kind]
        return [r for r in self.requests if pattern.match(r.path.split("?")[0])]

    # defaults --------------------------------------------------------------------------
    def _default_generate(self, body: dict) -> dict:
        cfg = body.get("generationConfig") or body.get("generation_config") or {}
        modalities = cfg.get("responseModalities") or cfg.get("response_modalities") or []
        if "IMAGE" in modalities:
            rec = Recorded("POST", "", {}, body)
            src = rec.images()
            img = Image.open(io.BytesIO(src[0])).convert("RGB") if src else Image.new(
                "RGB", (64, 64), (200, 60, 60))
            out = io.BytesIO()
            ImageOps.mirror(img).save(out, "PNG")  # visibly derived from the request's photo
            return image_reply(out.getvalue())
        schema = cfg.get("responseSchema") or cfg.get("response_schema") or {}
        if "list_price" in (schema.get("properties") or {}):  # core.extract.assist's reading
            return text_reply(json.dumps(self.default_reading))
        return text_reply(json.dumps(default_copy(len(self.calls("generate")))))

    def _route(self, method: str, path: str, body: dict | None) -> Reply:
        bare = path.split("?")[0]
        for kind, pattern in (("generate", _GENERATE), ("predict", _PREDICT),
                              ("operation", _OPERATION), ("download", _DOWNLOAD)):
            if pattern.match(bare):
                break
        else:
            return Reply(404, error_body(404, "NOT_FOUND", f"no route {method} {bare}"))
        with self._lock:
            scripted = self._script[kind].popleft() if self._script[kind] else None
        if scripted is not None and scripted.body is not None:
            return scripted
        delay = scripted.delay if scripted else 0.0
        if kind == "generate":
            reply = Reply(body=self._default_generate(body or {}))
        elif kind == "predict":
            model = _PREDICT.match(bare).group(1)
            reply = Reply(body={"name": f"models/{model}/operations/op{next(self._ids)}"})
        elif kind == "operation":
            name = _OPERATION.match(bare).group(1)
            with self._lock:
                seen = self._polls[name] = self._polls.get(name, 0) + 1
            if seen <= self.polls_before_done:
                reply = Reply(body={"name": name})  # "done" absent while running, as Google does
            else:
                uri = f"https://generativelanguage.example/v1beta/files/vid{next(self._ids)}" \
                      ":download?alt=media"
                reply = Reply(body={"name": name, "done": True, "response": {
                    "@type": "type.googleapis.com/google.ai.generativelanguage.v1beta."
                             "PredictLongRunningResponse",
                    "generateVideoResponse": {"generatedSamples": [{"video": {"uri": uri}}]}}})
        else:
            reply = Reply(body=self.video_bytes, content_type="video/mp4")
        reply.delay = delay
        return reply

    def _handler(self):
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args) -> None:  # keep pytest output clean
                pass

            def _serve(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b""
                try:
                    body = json.loads(raw) if raw else None
                except ValueError:
                    body = None
                with fake._lock:
                    fake.requests.append(Recorded(self.command, self.path,
                                                  {k.lower(): v for k, v in self.headers.items()},
                                                  body))
                reply = fake._route(self.command, self.path, body)
                if isinstance(reply.body, dict) and "usageMetadata" in reply.body:
                    with fake._lock:
                        fake.served_usage.append(dict(reply.body["usageMetadata"]))
                if reply.delay:
                    time.sleep(reply.delay)
                if isinstance(reply.body, (dict, list)):
                    data = json.dumps(reply.body).encode()
                elif isinstance(reply.body, str):
                    data = reply.body.encode()
                else:
                    data = reply.body or b""
                try:
                    self.send_response(reply.status)
                    self.send_header("Content-Type", reply.content_type)
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):  # client gave up (timeout test)
                    pass

            do_GET = do_POST = _serve

        return Handler


@pytest.fixture
def gemini_fake():
    """A running fake Gemini server; script it with ``reply_*`` and read ``requests``."""
    with FakeGemini() as fake:
        yield fake


@pytest.fixture
def gemini_settings(gemini_fake, settings_env):
    """Settings that select the Gemini generators, pointed at the fake server."""
    from core.settings import get_settings

    settings_env(GEMINI_API_KEY="AIzaTEST-not-a-real-key-0123456789",
                 GEMINI_BASE_URL=gemini_fake.base_url, GENERATION_TIMEOUT_SECONDS="5")
    return get_settings()
