"""The inbox's queries: filtered message feeds, conversations by latest activity, and the
guarded writes (read marks, unread counters, delivery statuses) that must stay right when
callbacks and staff act at the same moment."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, ClassVar

from sqlalchemy import CursorResult, Select, func, select, update

from maitred.kit.list_params import CreatedWindow, ListQuery, created_within
from maitred.kit.pagination import PageParams, PaginationInfo, paginate
from maitred.kit.repository import Repository, escape_like
from maitred.messaging.models import Conversation, Message
from maitred.messaging.repository import OptOutRepository


@dataclass(frozen=True)
class MessageFilters:
    direction: str | None = None
    channel: str | None = None
    provider: str | None = None
    customer_id: uuid.UUID | None = None
    booking_id: uuid.UUID | None = None
    order_id: uuid.UUID | None = None
    conversation_id: uuid.UUID | None = None
    is_read: bool | None = None
    since: datetime | None = None
    # True: only the assistant's drafts waiting to be sent; False: none of them; None: all.
    drafts: bool | None = None


def _changed(result: Any) -> int:
    count: int = result.rowcount if isinstance(result, CursorResult) else 0
    return count


class InboxMessages(Repository[Message]):
    model: ClassVar[type[Any]] = Message
    not_found_message: ClassVar[str] = "No such message"

    def filtered(self, filters: MessageFilters) -> Select[tuple[Message]]:
        statement = self.scoped()
        for column, value in (
            (Message.direction, filters.direction),
            (Message.channel, filters.channel),
            (Message.provider, filters.provider),
            (Message.customer_id, filters.customer_id),
            (Message.booking_id, filters.booking_id),
            (Message.order_id, filters.order_id),
            (Message.conversation_id, filters.conversation_id),
            (Message.is_read, filters.is_read),
        ):
            if value is not None:
                statement = statement.where(column == value)
        if filters.since is not None:
            statement = statement.where(Message.created_at >= filters.since)
        if filters.drafts is not None:
            is_draft = Message.status == "draft"
            statement = statement.where(is_draft if filters.drafts else ~is_draft)
        return statement

    async def by_provider_id(self, provider: str, provider_message_id: str) -> Message | None:
        found: Message | None = await self.session.scalar(
            self.scoped().where(
                Message.provider == provider,
                Message.provider_message_id == provider_message_id,
                Message.direction == "outbound",
            )
        )
        return found

    async def advance_status(
        self, message_id: uuid.UUID, *, status: str, from_statuses: Sequence[str], **values: Any
    ) -> bool:
        """Moves the message to `status` only from one of `from_statuses` (compare-and-swap):
        two callbacks racing each other can never move a message backwards."""
        result = await self.session.execute(
            update(Message)
            .where(
                Message.id == message_id,
                Message.organization_id == self.organization_id,
                Message.status.in_(from_statuses),
            )
            .values(status=status, **values)
            .execution_options(synchronize_session=False)
        )
        return _changed(result) == 1

    async def mark_read(self, message_id: uuid.UUID, now: datetime) -> bool:
        """True only for the call that flipped it: the conversation's count drops once."""
        result = await self.session.execute(
            update(Message)
            .where(
                Message.id == message_id,
                Message.organization_id == self.organization_id,
                Message.is_read.is_(False),
            )
            .values(is_read=True, read_at=now)
            .execution_options(synchronize_session=False)
        )
        return _changed(result) == 1

    async def counts_since(self, since: datetime) -> Sequence[Any]:
        """(direction, channel, status, is_read, ai_generated, by_staff, count) rows of the
        window; `by_staff`: a team member wrote it."""
        by_staff = Message.created_by.is_not(None)
        statement = (
            select(
                Message.direction,
                Message.channel,
                Message.status,
                Message.is_read,
                Message.ai_generated,
                by_staff.label("by_staff"),
                func.count().label("count"),
            )
            .where(Message.organization_id == self.organization_id, Message.created_at >= since)
            .group_by(
                Message.direction,
                Message.channel,
                Message.status,
                Message.is_read,
                Message.ai_generated,
                by_staff,
            )
        )
        return (await self.session.execute(statement)).all()

    async def timeline_since(self, since: datetime) -> Sequence[Any]:
        """(conversation_id, direction, created_at) of the window, thread by thread in order:
        what first-response times are measured on. Suppressed and skipped messages never went
        out, and drafts have not yet."""
        statement = (
            select(Message.conversation_id, Message.direction, Message.created_at)
            .where(
                Message.organization_id == self.organization_id,
                Message.created_at >= since,
                Message.conversation_id.is_not(None),
                Message.status.not_in(("suppressed", "skipped", "draft")),
            )
            .order_by(Message.conversation_id, Message.created_at, Message.id)
        )
        return (await self.session.execute(statement)).all()


class InboxConversations(Repository[Conversation]):
    model: ClassVar[type[Any]] = Conversation
    not_found_message: ClassVar[str] = "No such conversation"
    sorts: ClassVar[Mapping[str, Any]] = {
        "last_message_at": Conversation.last_message_at,
        "created_at": Conversation.created_at,
        "display_name": func.lower(Conversation.display_name),
        "unread_count": Conversation.unread_count,
    }

    def newest_first(self) -> Select[tuple[Conversation]]:
        return self.scoped().order_by(
            Conversation.last_message_at.desc().nulls_last(), Conversation.id.desc()
        )

    async def listed(
        self, params: PageParams, listing: ListQuery, window: CreatedWindow
    ) -> tuple[Sequence[Conversation], PaginationInfo]:
        """The most recent activity first (threads without a message last) unless the caller
        chose an order; `search`: part of the name shown."""
        statement = self.scoped()
        if listing.search:
            pattern = f"%{escape_like(listing.search.lower())}%"
            statement = statement.where(
                func.lower(Conversation.display_name).like(pattern, escape="\\")
            )
        if listing.sort_given:
            return await self.listing_page(params, listing, window, statement)
        statement = created_within(statement, Conversation.created_at, window)
        ordered = statement.order_by(
            Conversation.last_message_at.desc().nulls_last(), Conversation.id.desc()
        )
        return await paginate(self.session, ordered, params)

    async def note_inbound(self, conversation_id: uuid.UUID, now: datetime) -> None:
        """One more unread message, counted in the database: concurrent arrivals all count."""
        await self.session.execute(
            update(Conversation)
            .where(
                Conversation.id == conversation_id,
                Conversation.organization_id == self.organization_id,
            )
            .values(
                unread_count=Conversation.unread_count + 1,
                last_inbound_at=now,
                last_message_at=now,
            )
            .execution_options(synchronize_session=False)
        )

    async def note_read(self, conversation_id: uuid.UUID) -> None:
        await self.session.execute(
            update(Conversation)
            .where(
                Conversation.id == conversation_id,
                Conversation.organization_id == self.organization_id,
                Conversation.unread_count > 0,
            )
            .values(unread_count=Conversation.unread_count - 1)
            .execution_options(synchronize_session=False)
        )


class OptOuts(OptOutRepository):
    async def remove(self, channel: str, contact_index: str) -> None:
        found = await self.find(channel, contact_index)
        if found is not None:
            await self.session.delete(found)
