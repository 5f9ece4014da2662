"""Where password-reset and invitation links arrive in tests: the email queued for the account
(the console provider's record), never the log."""

from __future__ import annotations

import re

from sqlalchemy import select

from maitred.kit.db import Database
from maitred.messaging.models import Message

LINK = re.compile(r"reset-password\?token=(\S+)")


async def tokens_emailed_to(database: Database, email: str) -> list[str]:
    """The one-time tokens in the emails to `email`, oldest first."""
    async with database.transaction(write=False) as session:
        messages = (
            await session.scalars(
                select(Message).where(Message.channel == "email").order_by(Message.created_at)
            )
        ).all()
    return [
        token
        for message in messages
        if message.contact == email
        for token in LINK.findall(message.body_text)
    ]


async def emails_to(database: Database, email: str) -> list[tuple[str, str]]:
    """(subject, text) of every email queued for `email`, oldest first."""
    async with database.transaction(write=False) as session:
        messages = (
            await session.scalars(
                select(Message).where(Message.channel == "email").order_by(Message.created_at)
            )
        ).all()
    return [(m.subject or "", m.body_text) for m in messages if m.contact == email]
