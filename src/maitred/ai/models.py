"""The concierge's records: threads and their messages, every tool call, the confirmations that
stand between a draft and a commit, the usage ledger, FAQ entries and per-organization settings.

What a person wrote, and the arguments of tools (names, phones, addresses), are personal data:
stored encrypted like messaging's bodies (kit/encrypted.py).
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from maitred.kit.db import Base, TenantOwned, UTCDateTime
from maitred.kit.encrypted import EncryptedJSON, EncryptedText


class AiSettings(TenantOwned, Base):
    """One organization's assistant: per channel off/draft/auto, its monthly budget, the price
    table of its models, and its own LLM endpoint (the key sealed with the keyring)."""

    __tablename__ = "ai_settings"
    __table_args__ = (UniqueConstraint("organization_id"),)

    channel_modes: Mapped[dict[str, Any]] = mapped_column(default=dict)
    # In millionths of the organization's currency unit (a token costs fractions of a cent).
    monthly_budget_micros: Mapped[int | None] = mapped_column(Integer)
    # model -> {"input_per_1k": "0.0005", "output_per_1k": "0.0015"} (decimal strings)
    price_table: Mapped[dict[str, Any]] = mapped_column(default=dict)
    llm_base_url: Mapped[str | None] = mapped_column(String(500))
    llm_model: Mapped[str | None] = mapped_column(String(200))
    llm_api_key: Mapped[str | None] = mapped_column(EncryptedText("ai_settings.llm_api_key"))


class AiThread(TenantOwned, Base):
    """One conversation with the assistant: the website chat's, or a messaging channel's."""

    __tablename__ = "ai_threads"
    __table_args__ = (
        Index("ix_ai_threads_org_updated", "organization_id", "updated_at"),
        Index("ix_ai_threads_org_conversation", "organization_id", "conversation_id"),
    )

    channel: Mapped[str] = mapped_column(String(16))  # web, sms, whatsapp, telegram
    # open (the assistant answers), handed_off (staff answer; the assistant is silent), closed
    status: Mapped[str] = mapped_column(String(16), default="open")
    customer_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("customers.id", ondelete="SET NULL"), index=True
    )
    # The customer the caller proved to be (a verified channel address or a one-time code).
    verified_customer_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("customers.id", ondelete="SET NULL")
    )
    conversation_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("conversations.id", ondelete="SET NULL")
    )
    # The signed-in user who started it: only they (or staff) continue it.
    owner_user_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )
    assigned_user_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )
    handoff_reason: Mapped[str | None] = mapped_column(String(200))
    # What the dialogue has gathered so far (slots, the last offered quote).
    state: Mapped[dict[str, Any]] = mapped_column(EncryptedJSON("ai_threads.state"), default=dict)
    last_intent: Mapped[str | None] = mapped_column(String(40))
    cost_micros: Mapped[int] = mapped_column(Integer, default=0)


class AiMessage(TenantOwned, Base):
    """A turn: the person's (`user`), the assistant's, a staff member's, or a draft waiting."""

    __tablename__ = "ai_messages"
    __table_args__ = (Index("ix_ai_messages_thread_created", "thread_id", "created_at"),)

    thread_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("ai_threads.id", ondelete="CASCADE"))
    role: Mapped[str] = mapped_column(String(16))  # user, assistant, staff
    content: Mapped[str] = mapped_column(EncryptedText("ai_messages.content"), default="")
    intent: Mapped[str | None] = mapped_column(String(40))
    sentiment: Mapped[float | None] = mapped_column(Float)
    engine: Mapped[str | None] = mapped_column(String(20))
    # sent, or draft (a channel in draft mode: waits for staff to send or edit)
    status: Mapped[str] = mapped_column(String(16), default="sent")
    tool_calls: Mapped[list[Any]] = mapped_column(default=list)


class AiToolCall(TenantOwned, Base):
    """The audit of one tool call: who, in which thread, which tool, with what, and the outcome."""

    __tablename__ = "ai_tool_calls"
    __table_args__ = (Index("ix_ai_tool_calls_thread_created", "thread_id", "created_at"),)

    thread_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("ai_threads.id", ondelete="CASCADE")
    )
    tool: Mapped[str] = mapped_column(String(40))
    arguments: Mapped[dict[str, Any]] = mapped_column(EncryptedJSON("ai_tool_calls.arguments"))
    # ok, draft (awaits confirmation), confirmed, denied, invalid, failed
    outcome: Mapped[str] = mapped_column(String(16))
    detail: Mapped[str] = mapped_column(Text, default="")
    actor_role: Mapped[str] = mapped_column(String(20))
    actor_user_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )
    engine: Mapped[str] = mapped_column(String(20))


class AiConfirmation(TenantOwned, Base):
    """A draft of a committing tool call: only `confirm` with its token runs it, once; the
    result is kept so that a replay answers the same."""

    __tablename__ = "ai_confirmations"
    __table_args__ = (UniqueConstraint("token_hash"),)

    thread_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("ai_threads.id", ondelete="CASCADE"))
    token_hash: Mapped[str] = mapped_column(String(64))
    tool: Mapped[str] = mapped_column(String(40))
    arguments: Mapped[dict[str, Any]] = mapped_column(EncryptedJSON("ai_confirmations.arguments"))
    summary: Mapped[str] = mapped_column(Text, default="")
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    status: Mapped[str] = mapped_column(String(16), default="pending")  # pending, done, failed
    result: Mapped[dict[str, Any] | None] = mapped_column(EncryptedJSON("ai_confirmations.result"))


class AiUsage(TenantOwned, Base):
    """The ledger: one row per engine call, with its tokens, cost and latency."""

    __tablename__ = "ai_usage"
    __table_args__ = (Index("ix_ai_usage_org_created", "organization_id", "created_at"),)

    thread_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("ai_threads.id", ondelete="SET NULL")
    )
    endpoint: Mapped[str] = mapped_column(String(40))
    engine: Mapped[str] = mapped_column(String(20))
    model: Mapped[str] = mapped_column(String(200))
    input_tokens: Mapped[int] = mapped_column(Integer, default=0)
    output_tokens: Mapped[int] = mapped_column(Integer, default=0)
    cost_micros: Mapped[int] = mapped_column(Integer, default=0)
    latency_ms: Mapped[int] = mapped_column(Integer, default=0)
    fallback_reason: Mapped[str | None] = mapped_column(String(40))


class AiFaq(TenantOwned, Base):
    """A question staff answered once for all; `suggested` ones come from questions the
    assistant could not answer, waiting for staff to write the answer and approve them."""

    __tablename__ = "ai_faq"

    question: Mapped[str] = mapped_column(Text)
    answer: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(16), default="approved")  # approved, suggested
    asked_count: Mapped[int] = mapped_column(Integer, default=0)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
