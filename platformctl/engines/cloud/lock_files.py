"""The DIY backends' stack lock files, read for `status`: who holds a lock, since when (they have no lease).

Layout (pkg/backend/diy/lock.go): `<backend>/.pulumi/locks/organization/<project>/<stack>/<id>.json`
holding {"pid", "username", "hostname", "timestamp"}.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlparse

from platformctl.engines.base import LockHolder


def lock_prefix(project: str, stack: str) -> str:
    return f".pulumi/locks/organization/{project}/{stack}/"


def list_locks(backend_url: str, project: str, stack: str) -> tuple[LockHolder, ...]:
    """The locks on one stack of a file:// or s3:// backend (empty for other backends)."""
    parsed = urlparse(backend_url)
    prefix = lock_prefix(project, stack)
    if parsed.scheme == "file":
        folder = Path(parsed.path) / prefix
        files = sorted(folder.glob("*.json")) if folder.is_dir() else []
        return tuple(_holder(json.loads(f.read_text(encoding="utf-8")), str(f)) for f in files)
    if parsed.scheme == "s3":
        from platformctl.aws.session import client

        region = parse_qs(parsed.query).get("region", [None])[0]
        s3 = client("s3", region=region)
        listed = s3.list_objects_v2(Bucket=parsed.netloc, Prefix=prefix).get("Contents", [])
        holders = []
        for item in listed:
            body = s3.get_object(Bucket=parsed.netloc, Key=item["Key"])["Body"].read()
            holders.append(_holder(json.loads(body), f"s3://{parsed.netloc}/{item['Key']}"))
        return tuple(holders)
    return ()


def _holder(content: dict[str, Any], path: str) -> LockHolder:
    return LockHolder(
        user=str(content.get("username", "?")),
        host=str(content.get("hostname", "?")),
        pid=int(content.get("pid", 0)),
        acquired=str(content.get("timestamp", "?")),
        path=path,
    )
