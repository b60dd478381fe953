"""The job envelope and the `JobQueue` Protocol that SQS and the local SQLite queue both implement."""

from __future__ import annotations

import json
import time
import uuid
from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable


class InvalidJob(ValueError):
    """A message body that is not a job envelope: it can never succeed, so it goes to the DLQ."""


@dataclass(frozen=True, slots=True)
class Job:
    """What producers send. `idempotency_key` names the effect: two jobs with the same key run once."""

    type: str
    payload: dict[str, Any] = field(default_factory=dict)
    idempotency_key: str = ""
    id: str = field(default_factory=lambda: uuid.uuid4().hex)
    enqueued_at: float = field(default_factory=time.time)

    def __post_init__(self) -> None:
        if not self.type:
            raise InvalidJob("a job needs a type")
        if not self.idempotency_key:
            # A job without an explicit key is idempotent per enqueue (its id), which still
            # protects against SQS at-least-once redelivery of the same message.
            object.__setattr__(self, "idempotency_key", f"job:{self.id}")

    def to_json(self) -> str:
        return json.dumps(
            {
                "id": self.id,
                "type": self.type,
                "payload": self.payload,
                "idempotency_key": self.idempotency_key,
                "enqueued_at": self.enqueued_at,
            },
            separators=(",", ":"),
        )

    @classmethod
    def from_json(cls, body: str) -> Job:
        try:
            data = json.loads(body)
            return cls(
                type=str(data["type"]),
                payload=dict(data.get("payload") or {}),
                idempotency_key=str(data.get("idempotency_key") or ""),
                id=str(data.get("id") or uuid.uuid4().hex),
                enqueued_at=float(data.get("enqueued_at") or time.time()),
            )
        except (ValueError, KeyError, TypeError) as exc:
            raise InvalidJob(f"not a job envelope: {exc}") from exc


@dataclass(frozen=True, slots=True)
class ReceivedMessage:
    """One delivery of a message: the receipt handle is valid for this delivery only."""

    message_id: str
    body: str
    receipt_handle: str
    receive_count: int


@runtime_checkable
class JobQueue(Protocol):
    """A queue with at-least-once delivery and visibility timeouts (the SQS model)."""

    name: str

    async def send(self, job: Job, *, delay_seconds: int = 0) -> str:
        """Enqueue; returns the message id."""

    async def receive(self, *, max_messages: int, wait_seconds: float) -> list[ReceivedMessage]:
        """Receive up to `max_messages`, hiding them for the visibility timeout."""

    async def delete(self, message: ReceivedMessage) -> None:
        """Acknowledge: the message is done."""

    async def change_visibility(self, message: ReceivedMessage, seconds: int) -> None:
        """Make the message visible again after `seconds` (0: at once)."""

    async def move_to_dead_letter(self, message: ReceivedMessage, *, reason: str) -> None:
        """Put the message on the dead-letter queue and delete it from this one."""

    async def has_redrive(self) -> bool:
        """True when the queue itself moves messages to the DLQ after N receives."""

    async def ping(self) -> None:
        """Raise when the queue cannot be reached (readiness)."""

    async def close(self) -> None:
        """Release connections."""
