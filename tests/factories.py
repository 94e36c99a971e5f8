"""Row factories for tests: build realistic rows through the same code paths as the app."""

from __future__ import annotations

import uuid

from core.batches import create_batch
from core.prefill import validate_prefill
from db.base import utcnow
from db.engine import unit_of_work
from db.models import Preview


def urls(n: int, host: str = "shop.example.com") -> list[str]:
    return [f"https://{host}/products/item-{i}-{uuid.uuid4().hex[:6]}" for i in range(n)]


def create_user_batch(workspace: str, n_urls: int = 2, batch_size: int = 2, user: str = "alice"):
    return create_batch(workspace, user, [{"url": u, "batch_size": batch_size} for u in urls(n_urls)])


def a_prefill(**overrides) -> dict:
    data = {
        "headline": "Retro console, 620 games",
        "subtitle": "Plug into any TV and play tonight",
        "cta_text": "Shop now",
        "colors": {"primary": "#112233", "secondary": "#445566", "background": "#FFFFFF",
                   "text": "#111111", "button": "#0044CC", "button_text": "#FFFFFF"},
        "widgets": [{"type": "price_badge", "price": "24.99", "currency": "EUR"}],
        "visual_vibe": "playful neon",
    }
    data.update(overrides)
    return validate_prefill(data)


def set_preview_state(preview_id, status: str, **values) -> None:
    """Put a preview directly into a state (simulates the pipeline in service tests)."""
    with unit_of_work() as session:
        p = session.get(Preview, uuid.UUID(str(preview_id)))
        p.status = status
        if status in ("done", "failed", "cancelled"):
            p.finished_at = utcnow()
        for key, value in values.items():
            setattr(p, key, value)
