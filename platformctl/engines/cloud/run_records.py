"""Run records kept with the Pulumi state: a folder beside a file:// backend, objects in an s3:// state bucket.

Layout: `.platformctl/runs/<env>/<run id>.json`, and `latest-<operation>.json` for `--resume` and `status`.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlparse

from platformctl.errors import UsageError

PREFIX = ".platformctl/runs"


def _keys(document: Mapping[str, Any]) -> tuple[str, str]:
    folder = f"{PREFIX}/{document['environment']}"
    return f"{folder}/{document['run_id']}.json", f"{folder}/latest-{document['operation']}.json"


class FileRunRecords:
    """Records in a folder (the file:// backend's own)."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def save(self, document: Mapping[str, Any]) -> str:
        text = json.dumps(document, indent=2, sort_keys=True) + "\n"
        paths = [self.root / key for key in _keys(document)]
        for path in paths:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".record-")
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(text)
            os.replace(tmp, path)  # never half a record
        return str(paths[0])

    def latest(self, environment: str, operation: str) -> dict[str, Any] | None:
        path = self.root / PREFIX / environment / f"latest-{operation}.json"
        return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else None


class S3RunRecords:
    """Records in the state bucket, next to `.pulumi/`."""

    def __init__(self, bucket: str, region: str | None) -> None:
        self.bucket = bucket
        self.region = region

    def _client(self) -> Any:
        from platformctl.aws.session import client

        return client("s3", region=self.region)

    def save(self, document: Mapping[str, Any]) -> str:
        from platformctl.aws.session import translate

        body = (json.dumps(document, indent=2, sort_keys=True) + "\n").encode()
        keys = _keys(document)
        try:
            s3 = self._client()
            for key in keys:
                s3.put_object(Bucket=self.bucket, Key=key, Body=body, ContentType="application/json")
        except Exception as exc:
            raise translate(exc, f"write the run record to s3://{self.bucket}") from None
        return f"s3://{self.bucket}/{keys[0]}"

    def latest(self, environment: str, operation: str) -> dict[str, Any] | None:
        from platformctl.aws.session import translate

        s3 = self._client()
        try:
            body = s3.get_object(Bucket=self.bucket, Key=f"{PREFIX}/{environment}/latest-{operation}.json")["Body"].read()
        except s3.exceptions.NoSuchKey:
            return None
        except Exception as exc:
            raise translate(exc, f"read the last run record from s3://{self.bucket}") from None
        return json.loads(body)  # type: ignore[no-any-return]


def run_records_for(backend_url: str) -> FileRunRecords | S3RunRecords:
    """The store that sits with a state backend.

    Raises:
        UsageError: a backend this store cannot sit beside.
    """
    parsed = urlparse(backend_url)
    if parsed.scheme == "file":
        return FileRunRecords(Path(parsed.path))
    if parsed.scheme == "s3":
        return S3RunRecords(parsed.netloc, parse_qs(parsed.query).get("region", [None])[0])
    raise UsageError(f"PLATFORMCTL_STATE_URL must be s3://… or file://…, not {backend_url}.", hint="Run `platformctl bootstrap --env ENV` for an S3 backend.")
