"""`Notifier` for embedded defaults: every notification is appended to a JSONL file you can read.

The file is shared by the API and the worker; `fcntl.flock` keeps concurrent appends whole.
"""

from __future__ import annotations

import asyncio
import fcntl
import json
import time
import uuid
from collections import deque
from pathlib import Path
from typing import Any

from app.features.notifications.notifier import Delivery, Notification


class OutboxNotifier:
    def __init__(self, path: Path, *, email_from: str = "no-reply@example.com") -> None:
        self.path = Path(path)
        self.email_from = email_from

    def _append(self, record: dict[str, Any]) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        line = json.dumps(record, separators=(",", ":"), ensure_ascii=False) + "\n"
        with self.path.open("a", encoding="utf-8") as fh:
            fcntl.flock(fh, fcntl.LOCK_EX)
            try:
                fh.write(line)
                fh.flush()
            finally:
                fcntl.flock(fh, fcntl.LOCK_UN)

    async def send(self, notification: Notification) -> Delivery:
        message_id = f"outbox-{uuid.uuid4().hex}"
        record = {
            "id": message_id,
            "sent_at": time.time(),
            "channel": notification.channel,
            "to": notification.to,
            "from": self.email_from if notification.channel == "email" else None,
            "subject": notification.subject,
            "text": notification.text,
            "html": notification.html,
            "data": notification.data,
        }
        await asyncio.to_thread(self._append, record)
        return Delivery(notification.channel, notification.to, message_id, "outbox")

    def read(self, *, limit: int = 100, channel: str | None = None, to: str | None = None) -> list[dict[str, Any]]:
        """The newest `limit` entries, oldest first, optionally filtered."""
        if not self.path.exists():
            return []
        newest: deque[dict[str, Any]] = deque(maxlen=limit)
        with self.path.open(encoding="utf-8") as fh:
            for line in fh:
                if not line.strip():
                    continue
                record = json.loads(line)
                if channel and record.get("channel") != channel:
                    continue
                if to and record.get("to") != to:
                    continue
                newest.append(record)
        return list(newest)

    async def close(self) -> None:
        return None
