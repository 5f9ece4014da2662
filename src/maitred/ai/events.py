"""The concierge on message channels: every inbound message is scored for sentiment as it
arrives (messaging/scoring.py), and its `message.received` gets, by the organization's mode for
that channel, an answer sent (`auto`), an answer waiting in the inbox for staff (`draft`), or
nothing (`off`). The sender's verified channel address is their proof of identity for their own
bookings."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from maitred.ai import channels
from maitred.ai.nlu import sentiment
from maitred.kit import outbox
from maitred.kit.outbox import Event
from maitred.messaging import service as messaging_service

# Every inbound message is scored as it arrives, whatever the channel's mode.
messaging_service.install_sentiment(sentiment)


@outbox.on("message.received", name="ai.answer_inbound")
async def answer_inbound(session: AsyncSession, event: Event) -> None:
    await channels.answer(session, event)


@outbox.on("ai.handed_off", name="ai.notify_handoff")
async def notify_handoff(session: AsyncSession, event: Event) -> None:
    await channels.notify_handoff(session, event)


@outbox.on("message.draft_sent", name="ai.draft_sent")
async def draft_sent(session: AsyncSession, event: Event) -> None:
    await channels.draft_sent(session, event)
