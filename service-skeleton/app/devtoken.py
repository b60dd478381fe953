"""Mint a token from the local dev issuer: `python -m app.devtoken --roles admin --sub alice`."""

from __future__ import annotations

import argparse
import sys

from app.auth.dev_issuer import mint_dev_token
from app.core.settings import Settings


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m app.devtoken", description=__doc__)
    parser.add_argument("--sub", default="dev-user", help="token subject (default: dev-user)")
    parser.add_argument("--roles", default="", help="comma-separated roles, e.g. admin,editor")
    parser.add_argument("--scopes", default="", help="comma-separated scopes")
    parser.add_argument("--ttl", type=int, default=3600, help="lifetime in seconds (default: 3600)")
    args = parser.parse_args(argv)
    settings = Settings()
    try:
        token = mint_dev_token(
            settings,
            subject=args.sub,
            roles=[r for r in args.roles.split(",") if r],
            scopes=[s for s in args.scopes.split(",") if s],
            ttl_seconds=args.ttl,
        )
    except RuntimeError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(token)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
