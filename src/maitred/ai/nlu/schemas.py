"""POST /ai/understand: the message in, its intent and slots out (issue 19's names)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import AwareDatetime, BaseModel, Field

from maitred.kit.schemas import Input

Channel = Literal["web", "sms", "whatsapp", "telegram", "email", "inbox", "api"]


class UnderstandRequest(Input):
    text: str = Field(
        min_length=1,
        max_length=2000,
        examples=["we're 12 for my mom's birthday next Saturday in Folsom"],
    )
    now: AwareDatetime | None = Field(
        default=None,
        description="The instant relative dates are read against (ISO 8601 with offset); "
        "default: now, in the organization's time zone",
        examples=["2026-12-02T10:00:00-08:00"],
    )
    channel: Channel | None = Field(default=None, description="Where the message came from")


class UnderstandRead(BaseModel):
    intent: str = Field(examples=["booking_inquiry"])
    confidence: float = Field(ge=0, le=1, examples=[0.88])
    language: str = Field(examples=["en"])
    slots: dict[str, Any] = Field(
        examples=[
            {"guest_count": 12, "event_type": "birthday", "date": "2026-12-05", "city": "Folsom"}
        ],
        description="Only the slots found: name, email, phone (E.164), date (YYYY-MM-DD), time "
        "(HH:MM), date_from, date_to, from_date, guest_count, adults, children, event_type, "
        "address, city, zip_code, upgrades, dietary, reference_number, order_number, topic",
    )
