"""Queries of messaging, scoped to one organization by construction."""

from __future__ import annotations

import uuid
from typing import Any, ClassVar

from sqlalchemy import select

from maitred.kit.repository import Repository
from maitred.messaging.models import ChannelConfig, Conversation, Message, OptOut


class MessageRepository(Repository[Message]):
    model: ClassVar[type[Any]] = Message
    not_found_message: ClassVar[str] = "No such message"

    async def by_dedupe_key(self, key: str) -> Message | None:
        found: Message | None = await self.session.scalar(
            self.scoped().where(Message.dedupe_key == key)
        )
        return found


class ConversationRepository(Repository[Conversation]):
    model: ClassVar[type[Any]] = Conversation
    not_found_message: ClassVar[str] = "No such conversation"

    async def by_key(self, key: str) -> Conversation | None:
        found: Conversation | None = await self.session.scalar(
            self.scoped().where(Conversation.contact_key == key)
        )
        return found


class OptOutRepository(Repository[OptOut]):
    model: ClassVar[type[Any]] = OptOut
    not_found_message: ClassVar[str] = "No such opt-out"

    async def find(self, channel: str, contact_index: str) -> OptOut | None:
        found: OptOut | None = await self.session.scalar(
            self.scoped().where(OptOut.channel == channel, OptOut.contact_index == contact_index)
        )
        return found


class ChannelConfigRepository(Repository[ChannelConfig]):
    model: ClassVar[type[Any]] = ChannelConfig
    not_found_message: ClassVar[str] = "No such channel"

    async def for_channel(self, channel: str) -> ChannelConfig | None:
        found: ChannelConfig | None = await self.session.scalar(
            select(ChannelConfig).where(
                ChannelConfig.organization_id == self.organization_id,
                ChannelConfig.channel == channel,
            )
        )
        return found


def conversation_key(customer_id: uuid.UUID | None, channel: str, contact_index: str) -> str:
    if customer_id is not None:
        return f"customer:{customer_id}"
    kind = "phone" if channel in ("sms", "whatsapp") else channel
    return f"{kind}:{contact_index[:40]}"
