"""Messages in figures for analytics, over a period of local days given as UTC instants: what
went out or failed per channel, and the threads first-response times are measured on. One
grouped statement each; the inbox's own statistics (inbox_stats.py) keep their rolling window."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, ClassVar

from sqlalchemy import func, select

from maitred.kit.repository import Repository
from maitred.messaging.models import Message


class MessageFigures(Repository[Message]):
    model: ClassVar[type[Any]] = Message

    async def outbound_by_channel(
        self, since: datetime, until: datetime
    ) -> list[tuple[str, str, int]]:
        """(channel, status, messages) of what we sent or tried to send in [since, until)."""
        statement = (
            select(Message.channel, Message.status, func.count())
            .where(
                Message.organization_id == self.organization_id,
                Message.direction == "outbound",
                Message.created_at >= since,
                Message.created_at < until,
            )
            .group_by(Message.channel, Message.status)
        )
        return [(c, s, int(n)) for c, s, n in (await self.session.execute(statement)).all()]

    async def timeline(self, since: datetime, until: datetime) -> Sequence[Any]:
        """(conversation_id, direction, created_at) in [since, until), thread by thread in
        order. Suppressed and skipped messages never went out."""
        statement = (
            select(Message.conversation_id, Message.direction, Message.created_at)
            .where(
                Message.organization_id == self.organization_id,
                Message.created_at >= since,
                Message.created_at < until,
                Message.conversation_id.is_not(None),
                Message.status.not_in(("suppressed", "skipped")),
            )
            .order_by(Message.conversation_id, Message.created_at, Message.id)
        )
        return (await self.session.execute(statement)).all()
