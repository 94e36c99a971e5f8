"""API keys from the command line.

    python -m api.keys create --workspace W --name N   # prints the new key alone on its last line
    python -m api.keys list --workspace W
    python -m api.keys revoke --workspace W --id KEY_ID
"""

from __future__ import annotations

import argparse
import sys

import core.settings  # noqa: F401  (the database URL reader)
from core.api_keys import create_key, list_keys, revoke_key
from core.errors import AppError


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m api.keys", description="Manage API keys")
    sub = parser.add_subparsers(dest="command", required=True)
    c = sub.add_parser("create", help="create a key (shown once)")
    c.add_argument("--workspace", required=True)
    c.add_argument("--name", required=True)
    ls = sub.add_parser("list", help="list a workspace's keys (prefix only)")
    ls.add_argument("--workspace", required=True)
    r = sub.add_parser("revoke", help="revoke a key")
    r.add_argument("--workspace", required=True)
    r.add_argument("--id", required=True)
    args = parser.parse_args(argv)
    try:
        if args.command == "create":
            view, raw = create_key(args.workspace, args.name, created_by="cli")
            print(f"Created API key {view.prefix}… ({view.name}) for workspace {view.workspace}, id {view.id}.")
            print("Store it now: it is not shown again.")
            print(raw)
        elif args.command == "list":
            for k in list_keys(args.workspace):
                state = "revoked" if k.revoked_at else "active"
                print(f"{k.id}  {k.prefix}…  {state:8}  {k.name}  created {k.created_at:%Y-%m-%d %H:%M}")
        else:
            revoke_key(args.workspace, args.id)
            print(f"Revoked API key {args.id}.")
    except AppError as exc:
        print(f"error: {exc.message}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
