"""The shapes of /messaging/channels: what an admin sends to set a channel up, and what comes
back (never a secret: only whether credentials are stored)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

OptionValue = str | int | bool


class ChannelUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    provider: str = Field(min_length=1, max_length=32, examples=["twilio"])
    options: dict[str, OptionValue] = Field(
        default_factory=dict,
        description="The provider's non-secret settings (sender number or address, host, …)",
        examples=[{"account_sid": "AC0123456789abcdef0123456789abcdef", "from_number": "+1…"}],
    )
    credentials: dict[str, str] | None = Field(
        default=None,
        description="The provider's secrets; stored encrypted and never returned. Omitted: the "
        "stored ones are kept (when the provider is unchanged); sent: they replace them.",
        examples=[{"auth_token": "…"}],
    )


class ChannelRead(BaseModel):
    channel: Literal["email", "sms", "whatsapp", "telegram"]
    provider: str = Field(examples=["twilio"])
    source: Literal["organization", "environment"] = Field(
        description="`organization`: this organization's own settings; `environment`: the "
        "instance's default (MAITRED_* variables, else `console`)"
    )
    options: dict[str, Any]
    credentials_set: bool
    available_providers: list[str] = Field(examples=[["console", "ringcentral", "twilio"]])
    updated_at: datetime | None = None


class ChannelList(BaseModel):
    items: list[ChannelRead]
