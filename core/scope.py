"""The two checks every service starts with: a workspace (and user) that can own rows, and an
id that names a row (anything else is "not found", never a crash)."""

from __future__ import annotations

import uuid

from core.errors import NotFoundError, ValidationError


def check_scope(workspace: str, user: str | None = None) -> None:
    if not isinstance(workspace, str) or not workspace.strip() or len(workspace) > 64:
        raise ValidationError("A workspace is required")
    if user is not None and (not isinstance(user, str) or not user.strip() or len(user) > 255):
        raise ValidationError("A user is required")


def as_uuid(value: object, what: str) -> uuid.UUID:
    if isinstance(value, uuid.UUID):
        return value
    try:
        return uuid.UUID(str(value))
    except (ValueError, TypeError, AttributeError):
        raise NotFoundError(f"{what} {value!r} was not found") from None
