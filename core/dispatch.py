"""Handing work to the pipeline without ``core`` importing dramatiq.

``actors/`` registers the real sender at import; tests register a recorder. Services call
:func:`dispatch` only after the commit that makes the rows visible.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

log = logging.getLogger(__name__)

Sender = Callable[[str, tuple], None]
_senders: list[Sender] = []


def register(sender: Sender) -> None:
    """Install ``sender(kind, args)``; the last registered wins (one pipeline per process)."""
    _senders.clear()
    _senders.append(sender)


def unregister() -> None:
    _senders.clear()


def dispatch(kind: str, *args: object) -> bool:
    """Send one wake-up message. Returns False when no pipeline is registered.

    The database is the source of truth: a message that is not sent (or lost) costs time,
    never work — the reconciler re-sends for overdue rows.
    """
    if not _senders:
        log.info("dispatch.no_pipeline kind=%s", kind)
        return False
    try:
        _senders[0](kind, tuple(args))
    except Exception:  # the reconciler will pick the row up later
        log.exception("dispatch.failed kind=%s", kind)
        return False
    return True
