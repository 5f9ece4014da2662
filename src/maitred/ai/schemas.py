"""Request and response bodies of the concierge's routes (seeds 000, 001 and 003)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, Field, field_validator

from maitred.kit.clock import CalendarDate
from maitred.kit.schemas import Input

Message = Field(min_length=1, max_length=4000, examples=["I want to book a hibachi party for 25"])


class ChatRequest(Input):
    """Seed 001's chat request."""

    message: str = Message
    agent: str = Field(default="customer", max_length=40)
    thread_id: str | None = Field(default=None, max_length=100, examples=["thread_abc123"])
    context: dict[str, Any] = Field(default_factory=dict, examples=[{"page": "booking"}])

    @field_validator("context")
    @classmethod
    def _small(cls, value: dict[str, Any]) -> dict[str, Any]:
        if len(str(value)) > 2000:
            raise ValueError("At most 2000 characters of context")
        return value


class ChatMetadata(BaseModel):
    model: str = Field(examples=["offline"])
    engine: str = Field(examples=["offline"], description="offline, llm, confirm or none")
    tokens_used: int
    response_time_ms: int
    fallback_reason: str | None = Field(
        default=None, description="Why the LLM did not answer: error, rate_limited, budget, ..."
    )
    handed_off: bool = False
    confidence: float = 0.0
    language: str = "en"


class ChatResponse(BaseModel):
    response: str
    thread_id: str = Field(examples=["thread_0b6f…"])
    intent: str = Field(examples=["booking_inquiry"])
    suggested_actions: list[dict[str, Any]]
    metadata: ChatMetadata


class ConfirmRequest(Input):
    thread_id: str = Field(max_length=100)
    confirmation_token: str = Field(min_length=10, max_length=200)


class ConfirmRead(BaseModel):
    status: str = Field(examples=["confirmed"])
    tool: str
    thread_id: str
    result: dict[str, Any]
    message: str


class HandoffRequest(Input):
    thread_id: str = Field(max_length=100)


class HandoffRead(BaseModel):
    thread_id: str
    status: str = Field(examples=["handed_off"])
    response: str
    assigned: bool


class ThreadRead(BaseModel):
    id: uuid.UUID
    thread_id: str
    channel: str
    status: str
    customer_id: uuid.UUID | None
    assigned_user_id: uuid.UUID | None
    handoff_reason: str | None
    last_intent: str | None
    cost: float
    created_at: datetime
    updated_at: datetime


class ThreadMessageRead(BaseModel):
    id: uuid.UUID
    role: str
    sender: str
    content: str
    intent: str | None
    sentiment: float | None
    engine: str | None
    status: str
    tool_calls: list[Any]
    created_at: datetime


class ToolCallRead(BaseModel):
    id: uuid.UUID
    tool: str
    arguments: dict[str, Any]
    outcome: str
    detail: str
    actor_role: str
    actor_user_id: uuid.UUID | None
    engine: str
    created_at: datetime


class ThreadDetail(ThreadRead):
    messages: list[ThreadMessageRead]
    tool_calls: list[ToolCallRead]


class DraftSend(Input):
    content: str | None = Field(default=None, min_length=1, max_length=1600)


class FaqCreate(Input):
    question: str = Field(min_length=3, max_length=500)
    answer: str = Field(default="", max_length=4000)
    status: Literal["approved", "suggested"] = "approved"


class FaqUpdate(Input):
    question: str | None = Field(default=None, min_length=3, max_length=500)
    answer: str | None = Field(default=None, max_length=4000)
    status: Literal["approved", "suggested"] | None = None
    active: bool | None = None


class FaqRead(BaseModel):
    id: uuid.UUID
    question: str
    answer: str
    status: str
    asked_count: int
    active: bool
    created_at: datetime
    updated_at: datetime


class AiSettingsUpdate(Input):
    channel_modes: dict[str, Literal["off", "draft", "auto"]] | None = None
    monthly_budget: float | None = Field(default=None, ge=0, le=1_000_000)
    price_table: dict[str, dict[str, float]] | None = None
    llm_base_url: str | None = Field(default=None, max_length=500)
    llm_model: str | None = Field(default=None, max_length=200)
    llm_api_key: str | None = Field(default=None, max_length=500, description="Write-only")


class AiSettingsRead(BaseModel):
    channel_modes: dict[str, str]
    monthly_budget: float | None
    price_table: dict[str, Any]
    llm_base_url: str | None
    llm_model: str | None
    llm_api_key_set: bool


class UsageRead(BaseModel):
    period_days: int
    total_api_calls: int
    total_tokens_used: int
    input_tokens: int
    output_tokens: int
    total_cost_usd: float
    total_cost: float
    average_cost_per_call: float
    average_latency_ms: float
    calls_by_engine: dict[str, int]
    month_to_date_cost: float
    monthly_budget: float | None


# --- Seed 000: the AI booking tools -----------------------------------------------------------


class PlaceIn(Input):
    city: str | None = Field(default=None, max_length=100)
    state: str | None = Field(default=None, max_length=50)
    zip_code: str | None = Field(default=None, max_length=10)
    address: str | None = Field(default=None, max_length=300)


class AiAvailabilityRequest(Input):
    date: CalendarDate
    guest_count: int | None = Field(default=None, ge=1, le=500)
    location: PlaceIn | str | None = None


class AiCreateBookingRequest(Input):
    customer_info: str = Field(
        min_length=1, max_length=1000, examples=["John Smith, john@example.com, +19165550123"]
    )
    event_details: str = Field(
        min_length=1,
        max_length=2000,
        examples=["February 20th at 7pm for 6 people at 123 Main St Sacramento"],
    )
    special_requests: str | None = Field(default=None, max_length=2000)


class AiQuoteRequest(Input):
    guest_count: int = Field(ge=1, le=500)
    location: str | None = Field(default=None, max_length=300)
    date: CalendarDate | None = None
    special_requests: str | None = Field(default=None, max_length=2000)


# --- Seed 003: the assistant -------------------------------------------------------------------


class AssistantQuery(Input):
    project_id: uuid.UUID | None = None
    message: str = Message
    use_function_calling: bool = True
    context: dict[str, Any] = Field(default_factory=dict)
    order_id: uuid.UUID | None = None
    thread_id: str | None = Field(default=None, max_length=100)


class FunctionCall(BaseModel):
    name: str
    parameters: dict[str, Any]


class AssistantReply(BaseModel):
    reply: str
    function_calls: list[FunctionCall]
    tokens_used: int
    cost: float
    model: str
    thread_id: str


class SentimentRead(BaseModel):
    sentiment: Literal["positive", "neutral", "negative"]
    score: float
    urgency: Literal["low", "medium", "high"]
    concerns: list[str]
    recommended_tone: str


class ReplyDraft(BaseModel):
    reply: str
    intent: str
    sentiment: float
    handed_off: bool = False
