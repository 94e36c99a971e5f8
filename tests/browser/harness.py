"""Start the dashboard as ``make run`` does (``streamlit run app.py``, embedded worker)
against temporary storage, and drive it with Debian's chromium through Playwright.

Locally a missing chromium or Playwright skips the browser tests; under ``CI=true`` it
fails them (CI must never pass by skipping).
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
READY = "[data-testid='stApp'][data-test-script-state='notRunning']"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def missing_browser() -> str | None:
    """Why the browser tests cannot run here, or None."""
    if not Path(CHROMIUM).exists():
        return f"{CHROMIUM} is missing: `make system-deps` installs Debian's chromium"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "Playwright for Python is not installed (requirements.txt)"
    return None


@contextlib.contextmanager
def dashboard(extra_env: dict[str, str] | None = None, workdir: Path | None = None,
              extra_args: list[str] | None = None, port: int | None = None):
    """A running dashboard; yields its base URL. Its process group is ended afterwards.
    ``extra_args`` go to ``streamlit run`` (e.g. ``--secrets.files``)."""
    tmp = Path(workdir or tempfile.mkdtemp(prefix="ctabs-e2e-"))
    tmp.mkdir(parents=True, exist_ok=True)
    port = port or free_port()
    env = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "GEMINI_API_KEY")}
    env.update({
        "DATABASE_URL": f"sqlite:///{tmp / 'app.db'}", "MEDIA_ROOT": str(tmp / "media"),
        "ALLOW_PRIVATE_FETCH": "true", "GENERATION_RATE_LIMIT": "0/m",
        "CTABS_SECRETS_FILE": str(tmp / "no-secrets.toml"), "HF_HUB_OFFLINE": "1",
        "PYTHONUNBUFFERED": "1", **(extra_env or {}),  # extra_env may set REDIS_URL (production)
    })
    log = open(tmp / "streamlit.log", "w")
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true",
         "--server.port", str(port), "--server.fileWatcherType", "none",
         "--browser.gatherUsageStats", "false", *(extra_args or [])],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{base}/_stcore/health", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"the dashboard did not start; see {tmp / 'streamlit.log'}")
            time.sleep(0.3)
        yield base
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
        log.close()


@contextlib.contextmanager
def chromium():
    """A headless Debian chromium driven by Playwright (never a downloaded browser)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def wait_ready(page, timeout_ms: float = 30_000) -> None:
    """Wait until the script run has finished and the page is idle."""
    page.wait_for_selector(READY, timeout=timeout_ms)
