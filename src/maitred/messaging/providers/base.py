"""What every channel provider is to the sender: one `send` that says what happened.

A provider raises `TransientSendError` for what may work later (timeouts, 5xx, rate limits;
the sender retries with backoff) and `PermanentSendError` for what never will (a bad number, a
rejected address, bad credentials); anything else counts as transient.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any, Protocol


@dataclass(frozen=True)
class Media:
    """A file sent with a message: `url` is a signed, expiring link a provider may fetch it
    from (Twilio's MediaUrl, WhatsApp's link); `data` the bytes for one that takes an upload
    (Telegram)."""

    url: str
    content_type: str
    name: str
    data: bytes = field(repr=False, default=b"")

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")


@dataclass(frozen=True)
class FetchedMedia:
    """The bytes of a file a provider held for an inbound message."""

    data: bytes
    content_type: str = ""
    name: str = ""


@dataclass(frozen=True)
class OutgoingMessage:
    id: uuid.UUID  # also the idempotency key where the provider takes one
    organization_id: uuid.UUID
    channel: str
    to: str  # E.164 phone, email address, or chat id
    to_name: str
    subject: str
    body_text: str
    body_html: str | None
    content_type: str = "text"
    # Extra headers or provider fields (an email's List-Unsubscribe, a reply's thread).
    extra: dict[str, Any] = field(default_factory=dict)
    # A one-time link for the recipient only (messaging/secret_bodies.py): never logged.
    holds_secret: bool = False
    media: tuple[Media, ...] = ()


@dataclass(frozen=True)
class SendResult:
    provider_message_id: str | None
    status: str = "sent"  # or "delivered" when the provider says so at once
    sender: str = ""  # the address or number it went out from


class SendError(Exception):
    def __init__(self, message: str, *, code: str | None = None) -> None:
        super().__init__(message)
        self.code = code


class TransientSendError(SendError):
    """Retry later."""


class PermanentSendError(SendError):
    """Never retry: the message is failed."""


class Provider(Protocol):
    name: str
    channel: str

    async def send(self, message: OutgoingMessage) -> SendResult: ...


class MediaSource(Protocol):
    """A provider that keeps inbound media for us to fetch (Twilio, WhatsApp, Telegram)."""

    name: str

    async def fetch_media(self, ref: str, *, max_bytes: int) -> FetchedMedia:
        """The bytes `ref` names (a MediaUrl, a media id, a file_id); SendError kinds say whether
        trying again may help."""
        ...
