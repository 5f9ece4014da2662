"""The payments section of the organization settings (issue 7): whether a booking needs its
deposit before it is confirmed, whether a paid deposit confirms it, where the hosted checkout
page sends the customer back, and how much of a deposit a cancellation gives back."""

from __future__ import annotations

from decimal import Decimal

from pydantic import Field, HttpUrl, field_validator

from maitred.tenancy.book_settings import Rate
from maitred.tenancy.settings_base import Section


class RefundTier(Section):
    """Cancelled at least `days_before` the event: `refund_rate` of the deposit comes back."""

    days_before: int = Field(ge=0, le=3650, examples=[14])
    refund_rate: Rate = Field(examples=[1.0])


class PaymentSettings(Section):
    require_deposit_to_confirm: bool = Field(
        default=False, description="Staff cannot confirm a booking before its deposit is paid"
    )
    confirm_when_deposit_paid: bool = Field(
        default=True, description="A pending booking is confirmed once its deposit is paid"
    )
    cancellation_policy: list[RefundTier] = Field(
        default_factory=list,
        examples=[[{"days_before": 14, "refund_rate": 1}, {"days_before": 7, "refund_rate": 0.5}]],
        description=(
            "Share of the deposit refunded by how many days before the event a booking is "
            "cancelled; closer than every tier, nothing. Payments beyond the deposit are "
            "always proposed in full. Empty: the whole deposit is refundable"
        ),
    )
    checkout_success_url: HttpUrl | None = Field(
        default=None, description="Where the hosted checkout page returns after paying"
    )
    checkout_cancel_url: HttpUrl | None = Field(
        default=None, description="Where the hosted checkout page returns when abandoned"
    )

    @field_validator("cancellation_policy")
    @classmethod
    def _distinct_tiers(cls, value: list[RefundTier]) -> list[RefundTier]:
        days = [tier.days_before for tier in value]
        if len(days) != len(set(days)):
            raise ValueError("each tier needs its own days_before")
        return sorted(value, key=lambda tier: tier.days_before, reverse=True)

    def deposit_refund_rate(self, days_before: int) -> Decimal:
        """The share of the deposit refunded when cancelled `days_before` the event."""
        if not self.cancellation_policy:
            return Decimal(1)
        for tier in self.cancellation_policy:  # longest notice first
            if days_before >= tier.days_before:
                return tier.refund_rate
        return Decimal(0)
