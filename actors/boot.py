"""Starting and stopping a dashboard (or API) process: the one place that decides what
such a process runs besides its web server.

Called from the server's lifespan (``app.py``: ``st.App(..., lifespan=...)``), so it all
happens when the server starts — not on the first page view — and again, as a cheap no-op,
from the page script (AppTest and a bare ``streamlit run dashboard.py`` have no lifespan).

- logging configured once (JSON lines);
- migrations (PostgreSQL: under an advisory lock, so hosts starting together are safe);
- embedded mode: the in-process worker (which also registers the sender);
- production: the sender to the Redis broker, so every commit is followed by its message at
  once (without it, work waits for a worker's reconciler: ~a minute).
"""

from __future__ import annotations

import logging
import threading

log = logging.getLogger(__name__)
_lock = threading.Lock()
_started: set[str] = set()


def start_dashboard(*, migrate: bool = True, worker: bool = True) -> None:
    """Idempotent per process and database: safe to call from every page run."""
    from core.logs import configure_logging
    from core.settings import get_settings

    configure_logging("dashboard")
    settings = get_settings()
    key = settings.database_url
    with _lock:
        if key in _started:
            return
        if migrate:
            from db.migrate import upgrade

            upgrade()
        if settings.embedded:
            if worker:
                from actors import embedded

                embedded.start_embedded_worker()
        else:
            from actors import send

            send.install()
        _started.add(key)
    log.info("dashboard.started", extra={"mode": "embedded" if settings.embedded else "production"})


def stop_dashboard() -> None:
    from core.settings import get_settings

    if get_settings().embedded:
        from actors import embedded

        embedded.stop_embedded_worker()
    with _lock:
        _started.clear()
