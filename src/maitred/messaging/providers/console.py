"""The `console` provider: records what would have gone out, sends nothing. The embedded
default, so a fresh install works and a developer reads the messages in the log and in
GET /notifications/history."""

from __future__ import annotations

import logging

from maitred.messaging.providers.base import OutgoingMessage, SendResult

log = logging.getLogger("maitred.messages")


class ConsoleProvider:
    name = "console"

    def __init__(self, channel: str) -> None:
        self.channel = channel

    async def send(self, message: OutgoingMessage) -> SendResult:
        log.info(
            "console %s to %s: %s%s",
            message.channel,
            message.to,
            f"[{message.subject}] " if message.subject else "",
            message.body_text,
        )
        return SendResult(provider_message_id=f"console-{message.id}", sender="console")
