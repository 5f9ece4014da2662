"""Request and response shapes of /notifications (seed 000) and its templates."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field

from maitred.kit.enums import CaseInsensitiveEnum
from maitred.kit.schemas import Input

MAX_TEMPLATE = 20_000  # characters of one part: plenty for an email, a bound for the renderer


class TemplateChannel(CaseInsensitiveEnum):
    email = "email"
    sms = "sms"


class TemplateLanguage(CaseInsensitiveEnum):
    """The languages maitred has built-in wording in (kit/i18n.py LANGUAGES)."""

    en = "en"
    es = "es"


class MessageChannel(CaseInsensitiveEnum):
    email = "email"
    sms = "sms"
    whatsapp = "whatsapp"
    telegram = "telegram"


class MessageStatus(CaseInsensitiveEnum):
    queued = "queued"
    sending = "sending"
    sent = "sent"
    delivered = "delivered"
    failed = "failed"
    suppressed = "suppressed"
    skipped = "skipped"


class Category(CaseInsensitiveEnum):
    transactional = "transactional"
    marketing = "marketing"


class SmsSend(Input):
    to: str = Field(min_length=1, max_length=40, examples=["+19165550123"])
    message: str = Field(
        min_length=1, max_length=1600, examples=["Your hibachi booking for Feb 20th is confirmed!"]
    )
    booking_id: uuid.UUID | None = None
    customer_id: uuid.UUID | None = None


class EmailSend(Input):
    """Either a `template` rendered with `data` (and the booking's facts when `booking_id` is
    given; `data` wins), or a `body` of your own with a `subject`."""

    to: str = Field(min_length=3, max_length=320, examples=["customer@example.com"])
    subject: str | None = Field(default=None, max_length=300, examples=["Booking Confirmation"])
    template: str | None = Field(default=None, max_length=64, examples=["booking_confirmation"])
    data: dict[str, Any] = Field(
        default_factory=dict,
        examples=[{"customer_name": "John Smith", "event_date": "2024-02-20"}],
    )
    body: str | None = Field(default=None, max_length=100_000)
    html: str | None = Field(default=None, max_length=200_000)
    booking_id: uuid.UUID | None = None
    customer_id: uuid.UUID | None = None
    category: Category = Field(
        default=Category.transactional,
        description="`marketing` is not sent to opted-out addresses and gets an unsubscribe link",
    )


class NotificationRead(BaseModel):
    id: uuid.UUID
    channel: str
    to: str
    status: str
    category: str
    template: str | None
    subject: str
    body_text: str
    booking_id: uuid.UUID | None
    customer_id: uuid.UUID | None
    provider: str
    error: str | None
    attempts: int
    sent_at: datetime | None
    delivered_at: datetime | None
    failed_at: datetime | None
    created_at: datetime


class TemplateSummary(BaseModel):
    name: str = Field(examples=["booking_confirmation"])
    channel: str = Field(examples=["email"])
    language: str = Field(examples=["es"])
    description: str
    customized: bool = Field(description="The organization's own wording, not the built-in")
    updated_at: datetime | None


class TemplateList(BaseModel):
    items: list[TemplateSummary]


class TemplateRead(TemplateSummary):
    subject: str
    body_text: str
    body_html: str | None
    variables: list[str] = Field(description="What the template is given to render")
    sample_data: dict[str, Any] = Field(description="What saving and previewing render against")


class TemplateWrite(Input):
    """Jinja2 (sandboxed): `{{ customer_name }}`, `{% if deposit_amount %}…{% endif %}`. It
    must render against the template's sample data to be saved."""

    channel: TemplateChannel = TemplateChannel.email
    language: TemplateLanguage = Field(
        default=TemplateLanguage.en, description="The wording sent to people who read it"
    )
    subject: str = Field(default="", max_length=300)
    body_text: str = Field(min_length=1, max_length=MAX_TEMPLATE)
    body_html: str | None = Field(default=None, max_length=MAX_TEMPLATE * 5)


class TemplatePreview(Input):
    """`data` goes over the sample data; give `body_text` (and for email `subject`,
    `body_html`) to preview a draft instead of the saved wording."""

    channel: TemplateChannel = TemplateChannel.email
    language: TemplateLanguage = TemplateLanguage.en
    data: dict[str, Any] = Field(default_factory=dict)
    subject: str | None = Field(default=None, max_length=300)
    body_text: str | None = Field(default=None, max_length=MAX_TEMPLATE)
    body_html: str | None = Field(default=None, max_length=MAX_TEMPLATE * 5)


class RenderedRead(BaseModel):
    subject: str
    body_text: str
    body_html: str | None


class Unsubscribed(BaseModel):
    unsubscribed: bool = True
    channel: str = Field(examples=["email"])
    address: str = Field(examples=["customer@example.com"])
