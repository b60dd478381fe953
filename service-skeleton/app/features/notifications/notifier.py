"""One `Notifier` interface for e-mail, SMS and push, and the message model they share."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

Channel = Literal["email", "sms", "push"]
_E164 = re.compile(r"^\+[1-9]\d{6,14}$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class InvalidNotification(ValueError):
    """The recipient or content cannot be sent on that channel."""


@dataclass(frozen=True, slots=True)
class Notification:
    """`to` is an e-mail address (email), an E.164 number (sms), or an SNS endpoint/topic ARN (push)."""

    channel: Channel
    to: str
    text: str
    subject: str | None = None
    html: str | None = None
    data: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.channel == "email":
            if not _EMAIL.match(self.to):
                raise InvalidNotification(f"not an e-mail address: {self.to!r}")
            if not self.subject:
                raise InvalidNotification("an e-mail needs a subject")
        elif self.channel == "sms":
            if not _E164.match(self.to):
                raise InvalidNotification(f"SMS needs an E.164 number like +14155550100, got {self.to!r}")
            if len(self.text) > 1600:
                raise InvalidNotification("an SMS is at most 1600 characters")
        elif self.channel == "push":
            if not self.to.startswith("arn:"):
                raise InvalidNotification("push needs an SNS platform endpoint or topic ARN")
        else:
            raise InvalidNotification(f"unknown channel {self.channel!r}")
        if not self.text:
            raise InvalidNotification("a notification needs text")

    @classmethod
    def email(cls, *, to: str, subject: str, text: str, html: str | None = None) -> Notification:
        return cls("email", to, text, subject=subject, html=html)

    @classmethod
    def sms(cls, *, to: str, text: str) -> Notification:
        return cls("sms", to, text)

    @classmethod
    def push(cls, *, to: str, text: str, title: str | None = None, data: dict[str, Any] | None = None) -> Notification:
        return cls("push", to, text, subject=title, data=dict(data or {}))


@dataclass(frozen=True, slots=True)
class Delivery:
    channel: Channel
    to: str
    message_id: str
    backend: str


class Notifier(Protocol):
    async def send(self, notification: Notification) -> Delivery:
        """Send one notification; raises `NotificationError` when the provider refuses it."""

    async def close(self) -> None: ...


class NotificationError(RuntimeError):
    """The provider refused or could not be reached; the message says which and why."""
