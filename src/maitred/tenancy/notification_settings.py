"""The notifications section of the organization settings: which automatic messages go out, and
on which channels. Each can be turned off on its own; a business that phones its customers
itself may want no reminders but still the confirmations."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, field_validator

from maitred.tenancy.settings_base import Section

AutomaticChannel = Literal["email", "sms"]


def _every_channel() -> list[AutomaticChannel]:
    return ["email", "sms"]


class NotificationSettings(Section):
    booking_confirmation: bool = Field(
        default=True, description="Confirm a new booking to its customer"
    )
    deposit_request: bool = Field(
        default=True, description="Ask for the deposit when a new booking has one due"
    )
    status_notices: bool = Field(
        default=True, description="Tell the customer when a booking is confirmed or cancelled"
    )
    reminder_48h: bool = Field(default=True, description="Remind the customer 48 hours before")
    reminder_2h: bool = Field(default=True, description="Remind the customer 2 hours before")
    lead_auto_reply: bool = Field(default=True, description="Answer a new inquiry at once")
    waitlist_offer: bool = Field(
        default=True, description="Tell a waiting customer that their date has opened up"
    )
    payment_receipts: bool = Field(
        default=True,
        description="Send the customer a receipt when a booking's payment or refund goes through",
    )
    channels: list[AutomaticChannel] = Field(
        default_factory=_every_channel,
        max_length=2,
        description="Where automatic messages go, when the customer has that address",
    )

    @field_validator("channels")
    @classmethod
    def _once_each(cls, value: list[AutomaticChannel]) -> list[AutomaticChannel]:
        return list(dict.fromkeys(value))

    def allows(self, channel: str) -> bool:
        return channel in self.channels
