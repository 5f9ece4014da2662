"""The shapes of /messages (seed 003): a message with its sender and recipient, conversations,
the send request, and the summary of a period."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Literal

from pydantic import AliasChoices, BaseModel, Field

from maitred.kit.enums import CaseInsensitiveEnum
from maitred.kit.schemas import Input


class Channel(CaseInsensitiveEnum):
    email = "email"
    sms = "sms"
    whatsapp = "whatsapp"
    telegram = "telegram"


class Direction(CaseInsensitiveEnum):
    inbound = "inbound"
    outbound = "outbound"


class Category(CaseInsensitiveEnum):
    transactional = "transactional"
    marketing = "marketing"


class Party(BaseModel):
    """One side of a message: the address under the key its channel uses."""

    phone: str | None = None
    email: str | None = None
    chat_id: str | None = None
    name: str = ""


class AttachmentRead(BaseModel):
    """A file sent or received with a message."""

    id: uuid.UUID
    name: str = Field(examples=["menu.pdf"], description="The sender's file name, cleaned")
    content_type: str = Field(examples=["image/jpeg"], description="From the file's bytes")
    size: int
    sha256: str
    status: str = Field(
        description="stored; pending (still at the provider: the worker fetches it); failed"
    )
    url: str | None = Field(description="Where staff download it; null until stored")
    error: str | None = Field(default=None, description="Why it could not be fetched")
    created_at: datetime


class Author(BaseModel):
    """Who wrote a message: the assistant is a member of the team, beside staff."""

    type: Literal["customer", "assistant", "staff", "system"] = Field(
        description="system: maitred itself (notifications, reminders)"
    )
    user_id: uuid.UUID | None = Field(description="The staff member who wrote it")
    name: str
    drafted_by_assistant: bool = Field(
        description="A staff member sent the assistant's draft after editing it"
    )


class MessageRead(BaseModel):
    id: uuid.UUID
    direction: Direction
    channel: Channel
    provider: str = Field(examples=["twilio"], description="Empty until the sender picks one")
    content: str
    subject: str
    content_type: str
    sender: Party
    recipient: Party
    is_read: bool
    read_at: datetime | None
    status: str = Field(
        description=(
            "queued, sending, sent, delivered, failed, suppressed, skipped (not dialable); "
            "received (inbound); draft (the assistant's answer, waiting for staff to send it)"
        )
    )
    category: Category
    booking_id: uuid.UUID | None
    order_id: uuid.UUID | None
    customer_id: uuid.UUID | None
    conversation_id: uuid.UUID | None
    ai_generated: bool
    author: Author
    sentiment: float | None = Field(
        description="Inbound: from -1 (upset) to 1 (happy), scored when the message arrived"
    )
    created_at: datetime
    sent_at: datetime | None
    delivered_at: datetime | None
    error: str | None
    attachments: list[AttachmentRead] = Field(default_factory=list)


class ConversationRead(BaseModel):
    id: uuid.UUID
    customer_id: uuid.UUID | None
    display_name: str
    unread_count: int
    last_message_at: datetime | None
    last_inbound_at: datetime | None
    created_at: datetime


class ConversationDetail(ConversationRead):
    messages: list[MessageRead] = Field(description="Newest first")
    next_cursor: str | None = Field(description="`cursor` of the next (older) messages")


class Recipient(Input):
    phone: str | None = Field(default=None, max_length=40, examples=["+19165550123"])
    email: str | None = Field(default=None, max_length=320)
    chat_id: str | None = Field(default=None, max_length=64, description="Telegram chat id")
    name: str = Field(default="", max_length=200, examples=["John Doe"])


class MessageSend(Input):
    recipient: Recipient
    content: str = Field(min_length=1, max_length=10_000)
    channel: Channel = Field(
        validation_alias=AliasChoices("provider", "channel"),
        description="The channel; seed 003 calls it `provider`, and both names are accepted",
    )
    content_type: Literal["text", "html"] = Field(default="text", description="html: email only")
    subject: str = Field(default="", max_length=300, description="Email only")
    category: Category = Field(
        default=Category.transactional,
        description="marketing is not sent to addresses that opted out (an SMS STOP)",
    )
    booking_id: uuid.UUID | None = None
    order_id: uuid.UUID | None = None
    attachment_ids: list[uuid.UUID] = Field(
        default_factory=list,
        max_length=10,
        description="Files uploaded with POST /messages/attachments (sms, whatsapp, telegram)",
    )


class DraftSend(Input):
    content: str | None = Field(
        default=None,
        min_length=1,
        max_length=10_000,
        description="The text to send instead of the draft's; omitted: the draft as written",
    )


class StatsSummary(BaseModel):
    days: int
    since: datetime
    sent: dict[str, int] = Field(
        description=(
            "Outbound, per channel: queued, sent or delivered (not failed, suppressed or skipped)"
        )
    )
    received: dict[str, int] = Field(description="Per channel")
    total_sent: int
    sent_by: dict[str, int] = Field(
        description="What went out by author: assistant, staff, system (notifications)"
    )
    drafts_waiting: int = Field(description="The assistant's drafts of the period not yet sent")
    total_received: int
    failed: int
    unread: int = Field(description="Inbound messages of the period nobody has read")
    average_first_response_seconds: float | None = Field(
        description="From a customer's message to our next one in the same conversation"
    )
    median_first_response_seconds: float | None
    responses_measured: int
