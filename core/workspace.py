"""Who is working, and in which workspace: resolved in one place.

With Streamlit auth (OIDC, ``st.login``) configured, the page passes the signed-in user's
email; WORKSPACE_MAP (``alice@x.com=acme,bob@y.com=beta,*@x.com=acme``) maps users to
workspaces (exact address first, then ``*@domain``). A signed-in user with no mapping gets
no workspace (refused). Without auth there is one local workspace, DEFAULT_WORKSPACE.
"""

from __future__ import annotations

from dataclasses import dataclass

from core.errors import ValidationError
from core.settings import get_settings


@dataclass(frozen=True)
class Identity:
    workspace: str
    user: str
    signed_in: bool


def _mapping(text: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for part in text.split(","):
        if "=" in part:
            who, ws = part.split("=", 1)
            if who.strip() and ws.strip():
                out[who.strip().lower()] = ws.strip()
    return out


def resolve_identity(email: str | None = None) -> Identity:
    """The workspace and user for a request (``email`` of the signed-in user, if any)."""
    settings = get_settings()
    if not email:
        return Identity(settings.default_workspace, "local", False)
    email = email.strip().lower()
    mapping = _mapping(settings.workspace_map)
    workspace = mapping.get(email)
    if workspace is None and "@" in email:
        workspace = mapping.get("*@" + email.split("@", 1)[1])
    if workspace is None:
        raise ValidationError(
            f"{email} has no workspace yet: ask an administrator to add it to WORKSPACE_MAP"
        )
    return Identity(workspace, email, True)
