"""One typed settings object, read from the environment and ``.streamlit/secrets.toml``.

The environment wins over the secrets file. Every field is documented in README.md
("Configuration"). ``get_settings()`` caches; tests call ``reset_settings()`` after changing
the environment.
"""

from __future__ import annotations

import ipaddress
import os
import re
import threading
import tomllib
from dataclasses import dataclass, field, fields
from pathlib import Path

from core.errors import ValidationError

PROJECT_ROOT = Path(__file__).resolve().parent.parent

_RATE_UNITS = {"s": 1, "sec": 1, "m": 60, "min": 60, "h": 3600, "hour": 3600}
_RATE_RE = re.compile(r"^\s*(\d+)\s*/\s*(\d*)\s*([a-z]+)\s*$")


@dataclass(frozen=True)
class AllowedNetwork:
    """One entry of FETCH_ALLOW_NETWORKS: a network, and the ports opened on it (None: every
    port). ``127.0.0.0/8``, ``127.0.0.1:8080``, ``10.0.0.0/8:8000-8999``, ``[::1]:443``,
    ``[fd00::/8]:80``; an IPv6 network with no port is written bare (``::1/128``)."""

    network: ipaddress.IPv4Network | ipaddress.IPv6Network
    ports: tuple[int, int] | None = None

    @classmethod
    def parse(cls, text: str) -> "AllowedNetwork":
        text = text.strip()
        ports = None
        if text.startswith("["):  # [IPv6 network]:port
            inner, _, rest = text[1:].partition("]")
            if not rest.startswith(":"):
                raise ValueError(text)
            text, ports = inner, rest[1:]
        elif text.count(":") == 1:  # an IPv4 network with a port
            text, ports = text.split(":")
        elif "/" not in text and re.search(r":\d{2,5}$", text):
            raise ValueError(f"{text}: write an IPv6 address with a port in brackets ([::1]:8080), "
                             "or with its prefix length (fd00::10/128)")  # ("::1:8080" is an address)
        network = ipaddress.ip_network(text.strip(), strict=False)
        if ports is None:
            return cls(network)
        low, dash, high = ports.strip().partition("-")
        if dash and not high.strip():
            raise ValueError(ports)  # "8080-": a range without its end
        low, high = int(low), int(high or low)
        if not 0 < low <= high < 65536:
            raise ValueError(ports)
        return cls(network, (low, high))

    def contains(self, ip) -> bool:
        return ip.version == self.network.version and ip in self.network

    def opens(self, ip, port: int | None) -> bool:
        """True when ``ip`` on ``port`` lies in this opening (an unknown port: only when every
        port is open)."""
        if not self.contains(ip):
            return False
        return self.ports is None or (port is not None and self.ports[0] <= port <= self.ports[1])


@dataclass(frozen=True)
class RateLimit:
    """``limit`` generation starts in any rolling window of ``window_seconds``."""

    limit: int
    window_seconds: int

    @classmethod
    def parse(cls, text: str, name: str = "GENERATION_RATE_LIMIT") -> "RateLimit":
        """Parse ``20/m``, ``20/10s``, ``100/h``, ``5/2min``; ``0/...`` means unlimited."""
        m = _RATE_RE.match(text.lower())
        if not m or m.group(3) not in _RATE_UNITS:
            raise ValidationError(
                f"{name} {text!r} is not of the form N/unit, e.g. 20/m or 20/10s"
            )
        count = int(m.group(1))
        mult = int(m.group(2) or 1)
        if mult <= 0:
            raise ValidationError(f"{name} {text!r}: the window must be positive")
        return cls(limit=count, window_seconds=mult * _RATE_UNITS[m.group(3)])

    @property
    def unlimited(self) -> bool:
        return self.limit <= 0

    def __str__(self) -> str:
        return f"{self.limit}/{self.window_seconds}s"


class Secret(str):
    """A string that never shows itself in repr/logs."""

    def __repr__(self) -> str:
        return "Secret('***')" if self else "Secret('')"


@dataclass(frozen=True)
class Settings:
    """Runtime configuration. See README.md for each field."""

    database_url: str = ""
    redis_url: str = ""
    redis_prefix: str = "ctabs"
    gemini_api_key: Secret = field(default_factory=lambda: Secret(""))
    metrics_token: Secret = field(default_factory=lambda: Secret(""))
    gemini_base_url: str = ""
    gemini_text_model: str = "gemini-2.5-flash"
    gemini_image_model: str = "gemini-2.5-flash-image"
    gemini_video_model: str = "veo-3.0-generate-001"
    media_root: Path = PROJECT_ROOT / "data" / "media"
    media_backend: str = ""
    generation_rate_limit: RateLimit = field(default_factory=lambda: RateLimit(20, 60))
    max_urls_per_batch: int = 5
    batch_size_max: int = 10
    batch_size_default: int = 3
    duplicate_window_seconds: float = 5.0
    retry_schedule_seconds: tuple[float, ...] = (60.0, 300.0, 900.0)
    lease_seconds: float = 30.0
    reconcile_interval_seconds: float = 15.0
    reconcile_grace_seconds: float = 60.0
    product_fresh_seconds: float = 3600.0
    fetch_timeout_seconds: float = 15.0
    allow_private_fetch: bool = False
    # networks fetched although not public (FETCH_ALLOW_NETWORKS="127.0.0.0/8,::1/128"): a
    # narrower opening than ALLOW_PRIVATE_FETCH, e.g. a shop's test server on loopback only
    fetch_allow_networks: tuple = ()
    clip_model: str = "ViT-B-32"
    clip_pretrained: str = "laion2b_s34b_b79k"
    clip_weights_path: str = ""
    clip_fetch_at_boot: bool = False
    image_max_pixels: int = 40_000_000
    generation_timeout_seconds: float = 300.0
    workspace_map: str = ""
    default_workspace: str = "local"
    worker_threads: int = 4
    pipeline_stages: str = ""
    render_timing_log: str = ""
    api_rate_limit: RateLimit = field(default_factory=lambda: RateLimit(600, 60))
    fair_queue: bool = True
    workspace_quotas: str = ""
    price_table: str = ""
    extraction_assist: bool = True

    @property
    def embedded(self) -> bool:
        """True when no Redis is configured: stub broker + in-process worker."""
        return not self.redis_url

    @property
    def use_gemini(self) -> bool:
        return bool(self.gemini_api_key)

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")


_ENV = {
    "database_url": "DATABASE_URL",
    "redis_url": "REDIS_URL",
    "redis_prefix": "REDIS_PREFIX",
    "gemini_api_key": "GEMINI_API_KEY",
    "metrics_token": "METRICS_TOKEN",
    "gemini_base_url": "GEMINI_BASE_URL",
    "gemini_text_model": "GEMINI_TEXT_MODEL",
    "gemini_image_model": "GEMINI_IMAGE_MODEL",
    "gemini_video_model": "GEMINI_VIDEO_MODEL",
    "media_root": "MEDIA_ROOT",
    "media_backend": "MEDIA_BACKEND",
    "generation_rate_limit": "GENERATION_RATE_LIMIT",
    "max_urls_per_batch": "MAX_URLS_PER_BATCH",
    "batch_size_max": "BATCH_SIZE_MAX",
    "batch_size_default": "BATCH_SIZE_DEFAULT",
    "duplicate_window_seconds": "DUPLICATE_WINDOW_SECONDS",
    "retry_schedule_seconds": "RETRY_SCHEDULE_SECONDS",
    "lease_seconds": "LEASE_SECONDS",
    "reconcile_interval_seconds": "RECONCILE_INTERVAL_SECONDS",
    "reconcile_grace_seconds": "RECONCILE_GRACE_SECONDS",
    "product_fresh_seconds": "PRODUCT_FRESH_SECONDS",
    "fetch_timeout_seconds": "FETCH_TIMEOUT_SECONDS",
    "allow_private_fetch": "ALLOW_PRIVATE_FETCH",
    "fetch_allow_networks": "FETCH_ALLOW_NETWORKS",
    "clip_model": "CLIP_MODEL",
    "clip_pretrained": "CLIP_PRETRAINED",
    "clip_weights_path": "CLIP_WEIGHTS_PATH",
    "clip_fetch_at_boot": "CLIP_FETCH_AT_BOOT",
    "image_max_pixels": "IMAGE_MAX_PIXELS",
    "generation_timeout_seconds": "GENERATION_TIMEOUT_SECONDS",
    "workspace_map": "WORKSPACE_MAP",
    "default_workspace": "DEFAULT_WORKSPACE",
    "worker_threads": "WORKER_THREADS",
    "pipeline_stages": "PIPELINE_STAGES",
    "render_timing_log": "RENDER_TIMING_LOG",
    "api_rate_limit": "API_RATE_LIMIT",
    "fair_queue": "FAIR_QUEUE",
    "workspace_quotas": "WORKSPACE_QUOTAS",
    "price_table": "PRICE_TABLE",
    "extraction_assist": "EXTRACTION_ASSIST",
}


def _secrets_file() -> dict[str, object]:
    path = Path(os.environ.get("CTABS_SECRETS_FILE", PROJECT_ROOT / ".streamlit" / "secrets.toml"))
    if not path.is_file():
        return {}
    with path.open("rb") as fh:
        data = tomllib.load(fh)
    return {str(k).upper(): v for k, v in data.items() if not isinstance(v, dict)}


def _convert(name: str, raw: object, default: object) -> object:
    text = str(raw).strip()
    try:
        if name in ("generation_rate_limit", "api_rate_limit"):
            return RateLimit.parse(text, _ENV[name])
        if name == "retry_schedule_seconds":
            values = tuple(float(p) for p in text.split(",") if p.strip())
            if not values or any(v < 0 for v in values):
                raise ValueError
            return values
        if name == "fetch_allow_networks":
            return tuple(AllowedNetwork.parse(p) for p in text.split(",") if p.strip())
        if name in ("gemini_api_key", "metrics_token"):
            return Secret(text)
        if name == "media_root":
            return Path(text).expanduser()
        if isinstance(default, bool):
            if text.lower() in {"1", "true", "yes", "on"}:
                return True
            if text.lower() in {"0", "false", "no", "off", ""}:
                return False
            raise ValueError
        if isinstance(default, int):
            value = int(text)
            if value < 0:
                raise ValueError
            return value
        if isinstance(default, float):
            value = float(text)
            if value < 0:
                raise ValueError
            return value
    except ValueError:
        raise ValidationError(f"setting {_ENV[name]}={text!r} is not valid for its type") from None
    return text


def load_settings(env: dict[str, str] | None = None) -> Settings:
    """Build settings from ``env`` (default: the process environment) and the secrets file."""
    env = dict(os.environ if env is None else env)
    secrets = _secrets_file()
    defaults = Settings()
    values: dict[str, object] = {}
    for f in fields(Settings):
        key = _ENV[f.name]
        raw = env.get(key, secrets.get(key))
        if raw is None or (str(raw).strip() == "" and f.name != "allow_private_fetch"):
            continue
        values[f.name] = _convert(f.name, raw, getattr(defaults, f.name))
    settings = Settings(**values)
    if not settings.database_url:
        data_dir = PROJECT_ROOT / "data"
        data_dir.mkdir(parents=True, exist_ok=True)
        settings = _replace(settings, database_url=f"sqlite:///{data_dir / 'ctabs.db'}")
    if settings.batch_size_max < 1 or settings.max_urls_per_batch < 1:
        raise ValidationError("BATCH_SIZE_MAX and MAX_URLS_PER_BATCH must be at least 1")
    return settings


def _replace(settings: Settings, **changes: object) -> Settings:
    from dataclasses import replace

    return replace(settings, **changes)


_cache_lock = threading.Lock()
_cached: Settings | None = None
_generation = 0


def get_settings() -> Settings:
    """The process-wide settings (cached until :func:`reset_settings`)."""
    global _cached
    current = _cached
    if current is not None:
        return current
    with _cache_lock:
        generation = _generation
    fresh = load_settings()
    with _cache_lock:
        # A reset that happened while we were reading must not be undone by a stale value.
        if generation == _generation and _cached is None:
            _cached = fresh
        return _cached or fresh


def reset_settings() -> None:
    """Forget cached settings (tests change the environment, then call this)."""
    global _cached, _generation
    with _cache_lock:
        _cached = None
        _generation += 1


def _install_database_url_reader() -> None:
    """``db`` never imports ``core``: it asks this reader for the default database URL."""
    from db import engine

    engine.set_default_url(lambda: get_settings().database_url)


_install_database_url_reader()
