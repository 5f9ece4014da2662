"""The `console` provider: records what would have gone out, sends nothing. The embedded
default, so a fresh install works: the message stays readable at GET /notifications/history and
GET /messages/inbox (nothing reaches the recipient).

The log says only that a message was recorded. In development it also shows the recipient and
the text, except a message that carries a one-time link (messaging/secret_bodies.py); in
production it shows neither the text nor the full address.
"""

from __future__ import annotations

import logging

from maitred.messaging.providers.base import OutgoingMessage, SendResult

log = logging.getLogger("maitred.messages")
WHERE = "not sent; read it at GET /api/v1/notifications/history"


def masked(address: str) -> str:
    """Enough of an address to tell messages apart: `j***@example.com`, `***4567`."""
    local, at, domain = address.partition("@")
    if at:
        return f"{local[:1]}***@{domain}"
    return f"***{address[-4:]}" if len(address) > 4 else "***"


class ConsoleProvider:
    name = "console"

    def __init__(self, channel: str, *, redact: bool = False) -> None:
        self.channel = channel
        self.redact = redact

    async def send(self, message: OutgoingMessage) -> SendResult:
        if self.redact:
            log.info(
                "console %s message %s to %s recorded (%s)",
                message.channel,
                message.id,
                masked(message.to),
                WHERE,
            )
        elif message.holds_secret:
            log.info(
                "console %s message %s to %s holds a one-time link, withheld here (%s)",
                message.channel,
                message.id,
                message.to,
                WHERE,
            )
        else:
            log.info(
                "console %s to %s (%s): %s%s",
                message.channel,
                message.to,
                WHERE,
                f"[{message.subject}] " if message.subject else "",
                message.body_text,
            )
        return SendResult(provider_message_id=f"console-{message.id}", sender="console")
